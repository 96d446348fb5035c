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
import time

from parity.common import entry
from parity.common.mp import Context, context
from parity.common.peak import max_overlap
from parity.common.process_group import close_pool
from parity.common.timing import SHORT_TIMEOUT, scaled


# <task>
def task(name: int, seconds: float) -> tuple[int, int, float, float]:
    started = time.monotonic()  # one clock for every process of the machine
    print(f"[task {name}] pid={os.getpid()} ppid={os.getppid()}", flush=True)
    time.sleep(seconds)
    return name, os.getpid(), started, time.monotonic()


# </task>
# <pool>
def run_tasks(
    ctx: Context, processes: int = 5, tasks: int = 10
) -> tuple[list[tuple[int, int]], int]:
    """(task name, worker pid) in submission order, and the most tasks that ran at once."""
    pool = ctx.Pool(processes)
    try:
        pending = [pool.apply_async(task, (i, scaled(1))) for i in range(tasks)]
        pool.close()  # no more tasks: required before join()
        done = [p.get(timeout=SHORT_TIMEOUT) for p in pending]  # a timeout, because join() has none
        close_pool(pool, SHORT_TIMEOUT)  # join() with a limit: Pool.join() has none
    finally:
        pool.terminate()  # a no-op after a clean join; stops the workers if anything failed
    return [(n, pid) for n, pid, _, _ in done], max_overlap([(s, e) for _, _, s, e in done])


# </pool>


def main() -> None:
    ctx = context()
    print(f"[parent] pid={os.getpid()} start method={ctx.get_start_method()}")
    started = time.monotonic()
    results, peak = run_tasks(ctx)
    seconds = time.monotonic() - started
    workers = sorted({pid for _, pid in results})
    print(f"10 tasks on 5 workers {workers}: at most {peak} at once, {seconds:.2f} s")
    cpus = getattr(os, "process_cpu_count", os.cpu_count)()  # Pool()'s default on this Python
    print(f"Pool() would start {cpus} workers (os.cpu_count()={os.cpu_count()})")
    print("over")


if __name__ == "__main__":
    entry.run(main)
