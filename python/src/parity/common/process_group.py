"""Start child processes and pools and end them within a deadline, whatever happens.

A join without a timeout can hang a demo forever; these helpers bound every wait, kill (or
terminate) whatever is still running when the deadline passes, and reap it.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable
from multiprocessing.pool import Pool
from multiprocessing.process import BaseProcess

from parity.common.timing import SHORT_TIMEOUT


def join_or_kill(process: BaseProcess, timeout: float = SHORT_TIMEOUT) -> int | None:
    """join() with a limit; a child still running afterwards is killed and reaped."""
    process.join(timeout)
    if process.is_alive():
        process.kill()
        process.join(SHORT_TIMEOUT)
    return process.exitcode


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
        p.join(SHORT_TIMEOUT)
    if late:
        raise TimeoutError(
            f"{len(late)} of {len(group)} children did not finish within {timeout} s"
        )


def run_all(processes: Iterable[BaseProcess], timeout: float) -> None:
    """Start every process, then join them all (see join_all).

    If one fails to start, the ones already running are killed at once and the start's own
    error propagates: they may be waiting for the missing one (at a barrier, on a queue), and
    joining them would only hide the real error behind a TimeoutError much later."""
    started: list[BaseProcess] = []
    try:
        for p in processes:
            p.start()
            started.append(p)
    except BaseException:
        for p in started:
            p.kill()
        for p in started:
            p.join(SHORT_TIMEOUT)
        raise
    join_all(started, timeout)


def close_pool(pool: Pool, timeout: float = SHORT_TIMEOUT) -> bool:
    """close() then join() with a limit (Pool.join has none); terminate() if it runs out.

    A clean close lets the workers run their exit handlers (no leaked semaphores); True when
    the pool ended on its own, False when it had to be terminated.
    """
    pool.close()
    joiner = threading.Thread(target=pool.join, name="pool-join", daemon=True)
    joiner.start()
    joiner.join(timeout)
    if joiner.is_alive():
        pool.terminate()
        joiner.join(SHORT_TIMEOUT)
        return False
    return True
