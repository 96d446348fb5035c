"""fault.worker-killed: a worker dies mid-task. What does each pool do with its task?

A worker can die without raising anything: the OOM killer, a segfault in a C extension, an
operator's `kill -9`. multiprocessing.Pool notices the dead worker and starts a replacement,
but the task that worker held is simply lost: its AsyncResult never becomes ready, so a get()
without a timeout waits for ever (bpo-22393, still open). concurrent.futures'
ProcessPoolExecutor takes the opposite view: the pool is declared broken, every pending and
running future fails with BrokenProcessPool, and the executor refuses new work. Neither one
re-runs the task: that takes a scheduler that tracks work per worker (dask, or a Redis queue
with acknowledgements: the scale chapter).
"""

from __future__ import annotations

import multiprocessing
import os
import time
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass

from parity.common import entry
from parity.common.kill import hard_kill
from parity.common.mp import Context, PipeEnd, context
from parity.common.timing import SHORT_TIMEOUT, scaled

# Workers report on a bare pipe, not a Queue: a Queue's writers share a lock, and a worker
# killed while holding it would silence every later writer (the replacement included).
_events: PipeEnd | None = None


def announce(events: PipeEnd) -> None:
    """Pool initializer: every worker, the replacements too, says it started."""
    global _events
    _events = events
    events.send(("started", os.getpid()))


def doomed() -> int:
    """A task that says which worker runs it, then works until it is killed."""
    assert _events is not None
    _events.send(("running", os.getpid()))
    time.sleep(SHORT_TIMEOUT)
    return 42


def next_event(events: PipeEnd) -> tuple[str, int]:
    if not events.poll(SHORT_TIMEOUT):
        raise TimeoutError(f"no worker reported within {SHORT_TIMEOUT} s")
    kind, pid = events.recv()
    return str(kind), int(pid)


def expect(events: PipeEnd, kind: str) -> int:
    """The pid of the next event, which must be of `kind`."""
    got, pid = next_event(events)
    assert got == kind, f"expected {kind!r}, got {got!r}"
    return pid


@dataclass(frozen=True)
class PoolOutcome:
    workers: tuple[int, ...]
    killed: int
    replacement: int
    ready_after_timeout: bool
    timed_out: bool


# <pool>
def kill_a_pool_worker(ctx: Context) -> PoolOutcome:
    """Kill the worker running a task: the Pool replaces it, the task's result never comes."""
    events, writer = ctx.Pipe(duplex=False)
    with ctx.Pool(2, initializer=announce, initargs=(writer,)) as pool:
        workers = (expect(events, "started"), expect(events, "started"))
        result = pool.apply_async(doomed)
        victim = expect(events, "running")
        hard_kill(victim)
        replacement = expect(events, "started")  # the pool noticed and started a new worker
        try:
            result.get(timeout=scaled(1))  # without a timeout this line would never return
            timed_out = False
        except multiprocessing.TimeoutError:
            timed_out = True
        ready = result.ready()
        # terminate() (the with block's exit) kills the workers; close()/join() would too.
    return PoolOutcome(workers, victim, replacement, ready, timed_out)


# </pool>


@dataclass(frozen=True)
class ExecutorOutcome:
    killed: int
    errors: tuple[BaseException | None, ...]
    submit_error: BaseException | None


# <executor>
def kill_an_executor_worker(ctx: Context) -> ExecutorOutcome:
    """Kill one worker of a ProcessPoolExecutor: every future fails, the executor is closed."""
    events, writer = ctx.Pipe(duplex=False)
    with ProcessPoolExecutor(
        2, mp_context=ctx, initializer=announce, initargs=(writer,)
    ) as executor:
        futures: list[Future[int]] = [executor.submit(doomed) for _ in range(3)]
        while (event := next_event(events))[0] != "running":
            pass  # skip the "started" events
        victim = event[1]
        hard_kill(victim)
        errors = tuple(f.exception(timeout=SHORT_TIMEOUT) for f in futures)
        try:
            executor.submit(doomed)
            submit_error: BaseException | None = None
        except BrokenProcessPool as exc:
            submit_error = exc
    return ExecutorOutcome(victim, errors, submit_error)


# </executor>


def main() -> None:
    ctx = context()
    pool = kill_a_pool_worker(ctx)
    print(f"Pool: workers {list(pool.workers)}; killed {pool.killed} mid-task")
    print(f"Pool: started replacement worker {pool.replacement}")
    print(
        f"Pool: get(timeout) timed out={pool.timed_out}, ready()={pool.ready_after_timeout}: result"
        " lost"
    )
    ex = kill_an_executor_worker(ctx)
    print(f"ProcessPoolExecutor: killed {ex.killed} mid-task")
    for number, error in enumerate(ex.errors, 1):
        print(f"  future {number}: {type(error).__name__}")
    print(f"  message: {ex.errors[0]}")
    print(f"  submit() afterwards: {type(ex.submit_error).__name__}: {ex.submit_error}")


if __name__ == "__main__":
    entry.run(main)
