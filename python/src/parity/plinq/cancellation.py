"""plinq.cancellation: stopping parallel work that is already under way.

PLINQ's WithCancellation(token) is cooperative: the query polls the token between elements
and ends with OperationCanceledException. Python's pools offer two different stops:

- Pool.terminate() kills the worker processes: tasks that were running never finish and
  queued ones never start; their AsyncResults never become ready.
- Executor.shutdown(cancel_futures=True) cancels the futures still queued, but the calls a
  ProcessPoolExecutor has already moved to its call queue (the running ones, plus up to
  max_workers + 1 waiting behind them) are marked running and run to completion. The
  cancelling is done by the executor's manager thread, a moment after shutdown() returns.
"""

from __future__ import annotations

import threading
import time
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from multiprocessing.pool import AsyncResult
from typing import Any

from parity.common import entry
from parity.common.mp import Context, context
from parity.common.timing import SHORT_TIMEOUT, scaled

# Set in each worker by _init: where to announce a start, and what to wait for.
_started: Any = None
_release: Any = None


def _init(started: Any, release: Any) -> None:
    global _started, _release
    _started, _release = started, release


def _job(n: int, seconds: float) -> int:
    """Announce the start, then wait until released (or `seconds` pass): a long task."""
    _started.put(n)
    _release.wait(seconds)
    return n


@dataclass(frozen=True)
class Outcome:
    submitted: int
    completed: int
    cancelled: int
    seconds: float


# <terminate>
def terminate_pool(
    ctx: Context, jobs: int = 10, workers: int = 2, job_seconds: float = 5.0
) -> Outcome:
    """Start `jobs` long jobs, wait until `workers` of them run, then terminate the pool."""
    started, release = ctx.Queue(), ctx.Event()
    begin = time.monotonic()
    pool = ctx.Pool(workers, initializer=_init, initargs=(started, release))
    try:
        results: list[AsyncResult[int]] = [
            pool.apply_async(_job, (n, scaled(job_seconds))) for n in range(jobs)
        ]
        for _ in range(workers):
            started.get(timeout=SHORT_TIMEOUT)  # every worker is busy now
        pool.terminate()  # SIGTERM to the workers: running jobs die mid-way
    finally:
        pool.terminate()
        pool.join()
    completed = sum(1 for r in results if r.ready())
    return Outcome(jobs, completed, jobs - completed, time.monotonic() - begin)


# </terminate>


# <shutdown>
def shutdown_executor(
    ctx: Context, jobs: int = 10, workers: int = 2, job_seconds: float = 5.0
) -> Outcome:
    """Start `jobs` long jobs, wait until `workers` run, then shutdown(cancel_futures=True)."""
    started, release = ctx.Queue(), ctx.Event()
    begin = time.monotonic()
    executor = ProcessPoolExecutor(
        workers, mp_context=ctx, initializer=_init, initargs=(started, release)
    )
    futures: list[Future[int]] = [
        executor.submit(_job, n, scaled(job_seconds)) for n in range(jobs)
    ]
    try:
        for _ in range(workers):
            started.get(timeout=SHORT_TIMEOUT)
        executor.shutdown(wait=False, cancel_futures=True)
        # The executor's manager thread cancels the queued futures a moment later. Wait for the
        # last one through a done-callback: concurrent.futures.wait() would not wake up, it only
        # counts a future cancelled this way as done once the executor "notifies" it, which it
        # never does.
        last_cancelled = threading.Event()
        futures[-1].add_done_callback(lambda _: last_cancelled.set())
        last_cancelled.wait(SHORT_TIMEOUT)
        release.set()  # now let the running jobs finish
        completed = [f.result(timeout=SHORT_TIMEOUT) for f in futures if not f.cancelled()]
    finally:
        release.set()
        executor.shutdown(wait=True, cancel_futures=True)
    cancelled = sum(1 for f in futures if f.cancelled())
    return Outcome(jobs, len(completed), cancelled, time.monotonic() - begin)


# </shutdown>


# <run>
def main() -> None:
    ctx = context()
    hard = terminate_pool(ctx)
    print(
        f"Pool.terminate(): {hard.completed} of {hard.submitted} jobs finished, "
        f"{hard.cancelled} never will (after {hard.seconds:.2f} s; "
        f"each job takes {scaled(5.0):g} s)"
    )
    soft = shutdown_executor(ctx)
    print(
        f"shutdown(cancel_futures=True): {soft.completed} jobs already handed to workers finished, "
        f"{soft.cancelled} queued jobs cancelled"
    )


# </run>


if __name__ == "__main__":
    entry.run(main)
