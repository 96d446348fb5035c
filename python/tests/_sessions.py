"""What is left of a process session: the tests that press Ctrl-C check that nothing is."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import psutil


def left_in_session(sid: int, grace: float = 5.0) -> list[psutil.Process]:
    """The live processes of session `sid`, after up to `grace` seconds for exiting ones
    (a fork server or resource tracker ends when it sees its parent's pipe close)."""
    if sys.platform == "win32":  # the POSIX tests alone come here
        raise NotImplementedError("POSIX only")
    deadline = time.monotonic() + grace
    while True:
        alive = []
        for p in psutil.process_iter():
            try:
                if os.getsid(p.pid) == sid and p.status() != psutil.STATUS_ZOMBIE:
                    alive.append(p)
            except (psutil.NoSuchProcess, ProcessLookupError, PermissionError):
                continue
        if not alive or time.monotonic() >= deadline:
            return alive
        time.sleep(0.05)


@contextmanager
def as_terminal(command: list[str], **options: Any) -> Iterator[subprocess.Popen[str]]:
    """Start `command` as a terminal would run it: its own session and process group, so that
    `ctrl_c()` reaches it and its children alike. Killed on the way out if still running."""
    proc = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
        **options,
    )
    try:
        yield proc
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def ctrl_c(proc: subprocess.Popen[str], timeout: float = 60) -> tuple[str, str]:
    """Press Ctrl-C (SIGINT to the whole process group); the rest of (stdout, stderr)."""
    if sys.platform == "win32":  # the POSIX tests alone come here
        raise NotImplementedError("POSIX only")
    os.killpg(proc.pid, signal.SIGINT)
    return proc.communicate(timeout=timeout)
