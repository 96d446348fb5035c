"""ipc.queue-pool's support: run the two tasks on a pool and clean it up; a probe for the tests."""

from __future__ import annotations

import os
from collections.abc import Callable
from multiprocessing.pool import Pool
from typing import Any

from parity.common.process_group import close_pool
from parity.common.timing import SHORT_TIMEOUT

Heard = tuple[str | None, str | None]  # (what the asker heard, what the answerer heard)
Task = tuple[Callable[..., str | None], *tuple[Any, ...]]  # a function and its arguments


def run_pair(pool: Pool, first: Task, second: Task) -> Heard:
    """Both tasks at once; then the pool is closed (or, on an error, terminated)."""
    try:
        a = pool.apply_async(first[0], first[1:])
        b = pool.apply_async(second[0], second[1:])
        heard = a.get(SHORT_TIMEOUT), b.get(SHORT_TIMEOUT)
        close_pool(pool)
    finally:
        pool.terminate()
    return heard


def who_made_the_queues() -> tuple[int, int]:
    """Runs in a worker: (its pid, the pid of the process that made its module-global queues)."""
    from parity.ipc import queue_pool  # the lesson's module, as the worker has it

    to_friend, _ = queue_pool.module_queues()
    return os.getpid(), int(to_friend._opid)  # CPython's record of the pid that made a Queue
