"""Workers started as programs of their own, in either language, their output read as it comes;
none outlives the program that started it, even when that program is killed (the guardian)."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from dataclasses import dataclass, field
from typing import IO

from parity import dotnet_build
from parity.common.guardian import guard
from parity.common.redis_server import PASSWORD_VARIABLE, RedisUrl
from parity.common.timing import SHORT_TIMEOUT


@dataclass
class WorkerProcess:
    """A worker started as a program of its own (python -m ... or dotnet Parity.Cli.dll worker)."""

    language: str
    process: subprocess.Popen[str]
    lines: list[str] = field(default_factory=list)
    _seen: threading.Condition = field(default_factory=threading.Condition)

    def _pump(self, stream: IO[str]) -> None:
        for line in stream:
            with self._seen:
                self.lines.append(line.rstrip("\n"))
                self._seen.notify_all()

    def wait_for(self, prefix: str, timeout: float) -> str:
        """The first output line starting with `prefix`; TimeoutError if none comes in time."""
        with self._seen:
            found = self._seen.wait_for(
                lambda: (
                    next((x for x in self.lines if x.startswith(prefix)), None)
                    or self.process.poll() is not None
                ),
                timeout,
            )
            match = next((x for x in self.lines if x.startswith(prefix)), None)
        if match is None:
            state = "exited" if found else "timed out"
            raise TimeoutError(
                f"{self.language} worker {state} before printing {prefix!r}: {self.lines[-3:]}"
            )
        return match

    def stop(self, timeout: float = SHORT_TIMEOUT) -> int:
        """SIGTERM (a clean stop), then kill if it does not exit in time; returns the exit code."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(SHORT_TIMEOUT)
        return self.process.returncode

    def kill(self) -> None:
        """SIGKILL: no goodbye, no XACK, as if the machine lost power."""
        self.process.kill()
        self.process.wait(SHORT_TIMEOUT)


def without_password(url: str) -> tuple[str, str]:
    """(URL without its password, the password): the password travels in the environment,
    where `ps` cannot read it, not on a command line."""
    parsed = RedisUrl.parse(url)
    bare = RedisUrl(parsed.scheme, parsed.user, None, parsed.host, parsed.port, parsed.db)
    return str(bare), parsed.password or ""


def dotnet_available() -> bool:
    return dotnet_build.CLI_DLL.is_file()


def command(language: str, program: str) -> list[str]:
    """The command line of `program` (worker, submit, dead) in `language`."""
    if language == "python":
        return [sys.executable, "-m", f"parity.scale.{program}"]
    return [dotnet_build.dotnet_exe(), str(dotnet_build.CLI_DLL), program]


def start_worker(language: str, url: str, *args: str) -> WorkerProcess:
    bare, password = without_password(url)
    env = {**os.environ, PASSWORD_VARIABLE: password, "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(
        [*command(language, "worker"), "--redis", bare, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
    )
    guard(process.pid)
    worker = WorkerProcess(language, process)
    assert process.stdout is not None
    threading.Thread(target=worker._pump, args=(process.stdout,), daemon=True).start()
    return worker
