"""Kill one process by pid, and tell whether a pid still runs: what the fault demos need to make
a failure happen on purpose and to check that nothing they started is left behind.

hard_kill is SIGKILL on POSIX and TerminateProcess on Windows (where os.kill with any signal but
the console ones calls TerminateProcess). A process that is not our child (an orphan, a
grandchild) cannot be joined: gone() polls for it, within a deadline.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator

import psutil


def hard_kill(pid: int) -> None:
    """Kill `pid` without giving it a chance to clean up; a pid that is already gone is fine."""
    if sys.platform == "win32":
        sig = signal.SIGTERM
    else:
        sig = signal.SIGKILL
    with contextlib.suppress(OSError):  # ProcessLookupError included: already gone
        os.kill(pid, sig)


def signal_group(pgid: int, signum: int | None = None) -> None:
    """Send `signum` (default SIGKILL) to every process in group `pgid` (POSIX); none is fine."""
    if sys.platform == "win32":
        raise NotImplementedError("process groups are POSIX")
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pgid, signal.SIGKILL if signum is None else signum)


def running(pid: int) -> bool:
    """True while `pid` exists and is not a zombie (dead, waiting to be reaped)."""
    try:
        return bool(psutil.Process(pid).status() != psutil.STATUS_ZOMBIE)
    except psutil.NoSuchProcess:
        return False


def gone(pid: int, timeout: float) -> bool:
    """Wait up to `timeout` seconds for `pid` to stop running; True if it did."""
    deadline = time.monotonic() + timeout
    while running(pid):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


@contextlib.contextmanager
def killed_after(timeout: float, kill: Callable[[], None]) -> Iterator[None]:
    """Call `kill` if the block still runs after `timeout` s: a bound for a blocking read (a pipe's
    readline) that has no timeout of its own. Killing the writer ends the read with end of file."""
    timer = threading.Timer(timeout, kill)
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        timer.cancel()
