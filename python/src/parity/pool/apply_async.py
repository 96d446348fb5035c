"""pool.apply-async: a pool of 5 worker processes runs 10 one-second tasks.

apply_async() queues a task and returns at once; the pool runs at most `processes` tasks at a
time, so 10 tasks of 1 s on 5 workers take about 2 s. close() says no more tasks will come,
join() waits for the workers to finish and exit; join() before close() is a ValueError.
Without an argument, Pool() makes os.cpu_count() workers (Python 3.13+: os.process_cpu_count(),
which honours CPU affinity): logical CPUs, not physical cores.

Each task also returns when it started and ended, so the parent counts the most that ran at
the same moment: the bound is measured, not assumed.
"""

from __future__ import annotations

import os
import sys
import time
from dataclasses import dataclass

from parity.common import entry
from parity.common.mp import Context, context
from parity.common.peak import max_overlap
from parity.common.process_group import close_pool
from parity.common.timing import SHORT_TIMEOUT, scaled


# <task>
def task(name: int, seconds: float) -> tuple[int, int, float, float]:
    """One unit of work: say who runs it, sleep; return (name, worker pid, start, end)."""
    started = time.monotonic()  # one clock for every process of the machine
    print(f"[task {name}] pid={os.getpid()} ppid={os.getppid()}", flush=True)
    time.sleep(seconds)
    return name, os.getpid(), started, time.monotonic()


# </task>


@dataclass(frozen=True)
class PoolRun:
    results: list[
        tuple[int, int]
    ]  # (task name, pid of the worker that ran it), in submission order
    peak: int  # the most tasks that were running at the same moment
    seconds: float


# <pool>
def run_tasks(
    ctx: Context,
    processes: int = 5,
    tasks: int = 10,
    seconds: float | None = None,
    join_timeout: float = SHORT_TIMEOUT,
) -> PoolRun:
    started = time.monotonic()
    pool = ctx.Pool(processes)
    try:
        duration = scaled(1) if seconds is None else seconds
        pending = [pool.apply_async(task, (i, duration)) for i in range(tasks)]
        pool.close()  # no more tasks: required before join()
        done = [p.get(timeout=SHORT_TIMEOUT) for p in pending]  # a timeout, because join() has none
        close_pool(pool, join_timeout)  # join() with a limit: Pool.join() has none
    finally:
        pool.terminate()  # a no-op after a clean join; stops the workers if anything failed
    results = [(name, pid) for name, pid, _, _ in done]
    peak = max_overlap([(start, end) for _, _, start, end in done])
    return PoolRun(results, peak, time.monotonic() - started)


# </pool>


def default_pool_size() -> int:
    """What Pool() uses when processes is None, on this Python version."""
    if sys.version_info >= (3, 13):
        return os.process_cpu_count() or 1  # type: ignore[attr-defined,unused-ignore]
    return os.cpu_count() or 1


def main() -> None:
    ctx = context()
    print(f"[parent] pid={os.getpid()} start method={ctx.get_start_method()}")
    run = run_tasks(ctx)
    workers = sorted({pid for _, pid in run.results})
    print(f"10 tasks on 5 workers {workers}: at most {run.peak} at once, {run.seconds:.2f} s")
    print(f"Pool() would start {default_pool_size()} workers (os.cpu_count()={os.cpu_count()})")
    print("over")


if __name__ == "__main__":
    entry.run(main)
