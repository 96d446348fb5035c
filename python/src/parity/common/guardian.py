"""A guardian ends what a program started (servers, workers, a temporary folder) when the
program ends, even when it is killed with SIGKILL and runs no cleanup of its own.

The technique of fault.orphans: the guardian reads a pipe whose only write end the program
holds. However the program ends, the kernel closes that end; the guardian reads end of file,
kills every registered process still running (the same process: its start time is checked, so a
reused pid is left alone) and removes every registered folder. After a clean exit the program's
own cleanup has done all that, and the guardian finds nothing left. It runs in a session of its
own, so the Ctrl-C that stops the program does not stop it first.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import threading
from pathlib import Path

import psutil

from parity.common import entry

_lock = threading.Lock()
_guardian: subprocess.Popen[str] | None = None


def guard(pid: int) -> None:
    """Kill `pid` when this program ends, if it still runs then."""
    with contextlib.suppress(psutil.NoSuchProcess):
        _send(f"pid {pid} {psutil.Process(pid).create_time()!r}")


def guard_folder(path: Path) -> None:
    """Remove `path` (a temporary folder) when this program ends, if it is still there."""
    _send(f"dir {path}")


def _send(line: str) -> None:
    global _guardian
    with _lock:
        if _guardian is None or _guardian.poll() is not None:
            command, pipe = [sys.executable, "-m", "parity.common.guardian"], subprocess.PIPE
            if sys.platform == "win32":
                flags = subprocess.CREATE_NEW_PROCESS_GROUP
                _guardian = subprocess.Popen(command, stdin=pipe, text=True, creationflags=flags)
            else:
                _guardian = subprocess.Popen(command, stdin=pipe, text=True, start_new_session=True)
        assert _guardian.stdin is not None
        _guardian.stdin.write(line + "\n")
        _guardian.stdin.flush()


def _end(pid: int, created: float) -> None:
    with contextlib.suppress(psutil.Error):
        process = psutil.Process(pid)
        if process.create_time() == created:
            process.kill()


def main() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    pids: list[tuple[int, float]] = []
    folders: list[str] = []
    for line in sys.stdin:  # until end of file: the program is gone
        kind, _, rest = line.rstrip("\n").partition(" ")
        if kind == "pid":
            pid, created = rest.split()
            pids.append((int(pid), float(created)))
        elif kind == "dir":
            folders.append(rest)
    for pid, created in pids:
        _end(pid, created)
    for folder in folders:
        shutil.rmtree(folder, ignore_errors=True)
    os._exit(0)


if __name__ == "__main__":
    entry.run(main)
