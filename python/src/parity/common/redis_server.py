"""A private redis-server for a concept or a test, or the one PARITY_REDIS_URL names.

Private means: 127.0.0.1 only, a port the OS had free, a password generated for this run, a
temporary directory, no persistence; stop() ends it and removes the directory. The password is
passed on stdin (`redis-server -`), so it never shows in the process list.

Without redis-server on PATH the caller gets RedisMissing, whose message says how to install it;
concepts turn that into a skip (exit 77), tests into a skip, or a failure in CI, where a skip
would mean the setup forgot to install the server.
"""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit, urlunsplit

from parity.common import phase
from parity.common.timing import SHORT_TIMEOUT

URL_VARIABLE = "PARITY_REDIS_URL"
PASSWORD_VARIABLE = "PARITY_REDIS_PASSWORD"
INSTALL_HINT = (
    "redis-server is not installed: `sudo apt-get install redis-server` (Debian/Ubuntu), "
    "`brew install redis` (macOS), or set PARITY_REDIS_URL=redis://:PASSWORD@HOST:PORT "
    "to use a running server"
)


class RedisMissing(RuntimeError):
    """No redis-server here and no PARITY_REDIS_URL: the message says how to get one."""


def servers_required() -> bool:
    """In CI (CI=true) a missing server is a broken setup, not a skip; Windows CI has no package for it."""
    return os.environ.get("CI", "").lower() == "true" and sys.platform != "win32"


def redact(url: str) -> str:
    """The URL with its password replaced by ***, for printing."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    user = parts.username or ""
    host = parts.hostname or ""
    netloc = f"{user}:***@{host}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=netloc))


def with_password(url: str) -> str:
    """`url`, with PARITY_REDIS_PASSWORD put in when the URL carries no password itself."""
    parts = urlsplit(url)
    if parts.scheme not in ("redis", "rediss"):
        raise ValueError(f"not a redis:// or rediss:// URL: {redact(url)!r}")
    password = os.environ.get(PASSWORD_VARIABLE)
    if parts.password is not None or not password:
        return url
    user = quote(unquote(parts.username or ""), safe="")
    netloc = f"{user}:{quote(password, safe='')}@{parts.hostname}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=netloc))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _ping(port: int, password: str) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=SHORT_TIMEOUT) as s:
            s.sendall(f"AUTH {password}\r\nPING\r\n".encode())
            reply = b""
            while b"PONG" not in reply and len(reply) < 200:
                chunk = s.recv(200)
                if not chunk:
                    break
                reply += chunk
            return b"+OK\r\n+PONG" in reply
    except OSError:
        return False


class PrivateRedis:
    """One redis-server child process; use it as a context manager."""

    def __init__(self) -> None:
        executable = shutil.which("redis-server")
        if executable is None:
            raise RedisMissing(INSTALL_HINT)
        self.password = secrets.token_urlsafe(24)
        self.port = _free_port()
        self._dir = Path(tempfile.mkdtemp(prefix="parity-redis-"))
        config = "\n".join(
            [
                "bind 127.0.0.1",
                f"port {self.port}",
                f"requirepass {self.password}",
                f"dir {self._dir}",
                'save ""',
                "appendonly no",
                "protected-mode yes",
                f"logfile {self._dir / 'redis.log'}",
                "",
            ]
        )
        self.process = subprocess.Popen(
            [executable, "-"], stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        assert self.process.stdin is not None
        self.process.stdin.write(config.encode())
        self.process.stdin.close()
        deadline = time.monotonic() + SHORT_TIMEOUT
        while not _ping(self.port, self.password):
            if self.process.poll() is not None or time.monotonic() > deadline:
                log = self._log()
                self.stop()
                raise RuntimeError(f"redis-server did not start on port {self.port}: {log}")
            time.sleep(0.02)
        phase.mark("redis-server up")

    @property
    def url(self) -> str:
        return f"redis://:{self.password}@127.0.0.1:{self.port}/0"

    def _log(self) -> str:
        path = self._dir / "redis.log"
        text = path.read_text(errors="replace") if path.is_file() else ""
        return (text.strip().splitlines() or ["(no log)"])[-1]

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()  # SIGTERM: redis-server exits at once (no save configured)
            try:
                self.process.wait(SHORT_TIMEOUT)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(SHORT_TIMEOUT)
        if self.process.stderr is not None:
            self.process.stderr.close()
        shutil.rmtree(self._dir, ignore_errors=True)

    def __enter__(self) -> PrivateRedis:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


@contextmanager
def redis_url() -> Iterator[str]:
    """PARITY_REDIS_URL (with PARITY_REDIS_PASSWORD) if set, else a private server for the block."""
    configured = os.environ.get(URL_VARIABLE)
    if configured:
        yield with_password(configured)
        return
    with PrivateRedis() as server:
        yield server.url
