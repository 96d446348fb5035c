"""scale.cluster-map's support: the tasks that hold until the demo's go, and what a crash left.

A held task says which process runs it, so the demo knows whom to kill. On the Pool side the
state is lock-free shared arrays, polled: a process killed while it holds a multiprocessing lock
(a Queue's write lock, an Event's condition) leaves it held forever, and the survivors hang.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from distributed import Event, Queue

from parity.common.timing import LONG_TIMEOUT

TIMEOUT = LONG_TIMEOUT


@dataclass(frozen=True)
class Crash:
    results: list[int]
    killed_task: int
    killed_pid: int
    runs: dict[int, int]  # task -> how many times it started

    @property
    def recomputed(self) -> list[int]:
        return sorted(x for x, n in self.runs.items() if n > 1)


@dataclass(frozen=True)
class PoolCrash:
    killed_task: int
    killed_pid: int
    finished: bool  # did map_async ever deliver?
    runs: dict[int, int]


def hold(x: int, started: str, release: str) -> int:
    """A dask task: say which process holds task x, then wait for the demo's go."""
    Queue(started).put((x, os.getpid()))
    if not Event(release).wait(TIMEOUT):
        raise TimeoutError("never released")
    return x * x


_pids: Any = None
_runs: Any = None
_release: Any = None


def pool_init(pids: Any, runs: Any, release: Any) -> None:
    global _pids, _runs, _release
    _pids, _runs, _release = pids, runs, release


def until(condition: Callable[[], bool], timeout: float = TIMEOUT) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"not within {timeout} s")
        time.sleep(0.01)


def pool_hold(x: int) -> int:
    """A Pool task: count the run, say which process holds it, wait for the go."""
    _runs[x] += 1  # only one process runs task x at a time
    _pids[x] = os.getpid()
    until(lambda: bool(_release.value))
    return x * x
