"""Start a group of child processes and join them all within one deadline.

A join without a timeout can hang a demo forever; this helper gives the whole group one
deadline, kills whatever is still running when it passes, reaps it, and raises TimeoutError.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from multiprocessing.process import BaseProcess


def join_all(processes: Iterable[BaseProcess], timeout: float) -> None:
    """Join every (started) process within `timeout` seconds in total, or kill them and raise."""
    group = list(processes)
    deadline = time.monotonic() + timeout
    for p in group:
        p.join(max(0.0, deadline - time.monotonic()))
    late = [p for p in group if p.is_alive()]
    for p in late:
        p.kill()
    for p in late:
        p.join(5)
    if late:
        raise TimeoutError(f"{len(late)} of {len(group)} children did not finish within {timeout} s")


def run_all(processes: Iterable[BaseProcess], timeout: float) -> None:
    """Start every process, then join them all (see join_all)."""
    group = list(processes)
    started: list[BaseProcess] = []
    try:
        for p in group:
            p.start()
            started.append(p)
    finally:
        join_all(started, timeout)
