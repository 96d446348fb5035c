"""A private redis-server for a concept or a test, or the one PARITY_REDIS_URL names.

Private means: 127.0.0.1 only, a port the OS had free, a password generated for this run, a
temporary directory, no persistence unless asked (append-only file, fsync on every write);
stop() ends it and removes the directory, and a guardian does the same if this program is
killed first. restart() stops it and starts it again on the same port and directory, so a test
can show what a restart keeps. The password is passed on stdin (`redis-server -`), so it never
shows in the process list.

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
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import quote, unquote

from parity.common import phase
from parity.common.guardian import guard, guard_folder
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
    """In CI (CI=true) a missing server is a broken setup, not a skip; Windows CI has no package."""
    return os.environ.get("CI", "").lower() == "true" and sys.platform != "win32"


@dataclass(frozen=True)
class RedisUrl:
    """A redis:// or rediss:// URL, read once. The user part ends at the last @, so a password
    may hold # / ? @ as typed; port and database are kept only when the URL gives them."""

    scheme: str
    user: str
    password: str | None
    host: str
    port: int | None
    db: int | None

    @classmethod
    def parse(cls, url: str) -> RedisUrl:
        """ValueError names the part at fault and never repeats the URL: it may hold a password."""
        scheme, sep, rest = url.partition("://")
        if not sep or scheme not in ("redis", "rediss"):
            raise ValueError("not a redis:// or rediss:// URL")
        userinfo, at, location = rest.rpartition("@")
        user, colon, password = userinfo.partition(":")
        if "?" in location or "#" in location:
            raise ValueError(
                "the URL has query options or a fragment after the host: not supported"
            )
        hostport, slash, db_text = location.partition("/")
        host, port_text = hostport, None
        if hostport.startswith("["):  # [IPv6]:port
            end = hostport.find("]")
            host, after = hostport[: end + 1], hostport[end + 1 :]
            if end < 0 or (after and not after.startswith(":")):
                raise ValueError("the URL's IPv6 host is not in [brackets]")
            port_text = after[1:] if after else None
        elif ":" in hostport:
            host, _, port_text = hostport.rpartition(":")
        if not host or (":" in host and not host.startswith("[")):
            raise ValueError("the URL has no host")
        db_text = db_text.rstrip("/")
        return cls(
            scheme,
            unquote(user) if at else "",
            unquote(password) if at and colon else None,
            host,
            None if port_text is None else _number(port_text, "port", 1, 65535),
            _number(db_text, "database", 0, 2**31 - 1) if slash and db_text else None,
        )

    def text(self, password: str | None) -> str:
        user = quote(self.user, safe="")
        credentials = f"{user}:{password}@" if password is not None else f"{user}@" if user else ""
        port = "" if self.port is None else f":{self.port}"
        db = "" if self.db is None else f"/{self.db}"
        return f"{self.scheme}://{credentials}{self.host}{port}{db}"

    def __str__(self) -> str:
        """The URL for a client, its user and password percent-encoded."""
        return self.text(None if self.password is None else quote(self.password, safe=""))


def _number(text: str, what: str, low: int, high: int) -> int:
    if not (text.isascii() and text.isdigit() and low <= int(text) <= high):
        raise ValueError(f"the URL's {what} must be a number in {low}..{high}")
    return int(text)


def redact(url: str) -> str:
    """The URL with its password as ***, for printing; nothing of a URL that does not parse."""
    try:
        parsed = RedisUrl.parse(url)
    except ValueError:
        return "(a URL that could not be read)"
    return parsed.text(None if parsed.password is None else "***")


def with_password(url: str) -> str:
    """`url` read and written back encoded, with PARITY_REDIS_PASSWORD put in when the URL carries
    no password itself. ValueError (one line, no part of the URL) when it does not parse."""
    parsed = RedisUrl.parse(url)
    password = os.environ.get(PASSWORD_VARIABLE)
    if parsed.password is None and password:
        parsed = replace(parsed, password=password)
    return str(parsed)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _ping(port: int, password: str) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=SHORT_TIMEOUT) as s:
            s.sendall(f"AUTH {password}\r\nPING\r\n".encode())
            reply = b""
            while reply.count(b"\r\n") < 2:  # two one-line replies (-LOADING while it loads)
                chunk = s.recv(200)
                if not chunk:
                    break
                reply += chunk
            return reply.startswith(b"+OK\r\n+PONG\r\n")
    except OSError:
        return False


class PrivateRedis:
    """One redis-server child process; use it as a context manager."""

    def __init__(self, *, append_only: bool = False) -> None:
        executable = shutil.which("redis-server")
        if executable is None:
            raise RedisMissing(INSTALL_HINT)
        self._executable, self.append_only = executable, append_only
        self.password = secrets.token_urlsafe(24)
        self.port = _free_port()
        self._dir = Path(tempfile.mkdtemp(prefix="parity-redis-"))
        guard_folder(self._dir)
        self._start()
        phase.mark("redis-server up")

    def _config(self) -> str:
        persistence = (
            ["appendonly yes", "appendfsync always"] if self.append_only else ["appendonly no"]
        )
        return "\n".join(
            [
                "bind 127.0.0.1",
                f"port {self.port}",
                f"requirepass {self.password}",
                f"dir {self._dir}",
                'save ""',
                *persistence,
                "protected-mode yes",
                f"logfile {self._dir / 'redis.log'}",
                "",
            ]
        )

    def _start(self) -> None:
        self.process = subprocess.Popen(
            [self._executable, "-"],
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        guard(self.process.pid)
        assert self.process.stdin is not None
        self.process.stdin.write(self._config().encode())
        self.process.stdin.close()
        deadline = time.monotonic() + SHORT_TIMEOUT
        while not _ping(self.port, self.password):
            if self.process.poll() is not None or time.monotonic() > deadline:
                log = self._log()
                self.stop()
                raise RuntimeError(f"redis-server did not start on port {self.port}: {log}")
            time.sleep(0.02)

    def restart(self, *, kill: bool = False) -> None:
        """Stop the server (SIGKILL when `kill`, else SIGTERM) and start it again on the same
        port and directory: with append_only it comes back with every acknowledged write."""
        self._halt(kill=kill)
        self._start()

    @property
    def url(self) -> str:
        return f"redis://:{self.password}@127.0.0.1:{self.port}/0"

    def _log(self) -> str:
        path = self._dir / "redis.log"
        text = path.read_text(errors="replace") if path.is_file() else ""
        return (text.strip().splitlines() or ["(no log)"])[-1]

    def _halt(self, *, kill: bool = False) -> None:
        if self.process.poll() is None:
            if kill:
                self.process.kill()
            else:
                self.process.terminate()  # SIGTERM: redis-server exits at once (no save configured)
            try:
                self.process.wait(SHORT_TIMEOUT)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(SHORT_TIMEOUT)
        if self.process.stderr is not None:
            self.process.stderr.close()

    def stop(self) -> None:
        self._halt()
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
