"""fault.recycling: replace a worker after N tasks, so whatever it leaks goes with it.

A long-lived worker accumulates what its tasks leave behind: a cache that only grows, a C
library's leak, a global some task forgot to reset. `Pool(maxtasksperchild=N)` retires each
worker after N tasks and starts a fresh one, so the leak starts again from zero; here every task
leaks 1 kB into a module-level list. ProcessPoolExecutor gained the knob, `max_tasks_per_child`,
in Python 3.11; it refuses the fork start method (forking a parent with threads is not safe:
cpython#90622), and above 1 it can deadlock from 3.11 on: a worker retires and no replacement
starts (cpython#115634, fixed in 2025-26 on the maintained branches, never in 3.11). So the
executor here uses max_tasks_per_child=1, the value that does not hang.
"""

from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor

from parity.common import entry
from parity.common.mp import Context, context
from parity.common.timing import SHORT_TIMEOUT

TASKS = 6

_leak: list[bytes] = []


def leaky_task(_: int) -> tuple[int, int]:
    _leak.append(bytes(1024))
    return os.getpid(), len(_leak)  # which worker ran it, and how much that worker holds


# <pool>
def run_tasks(ctx: Context, maxtasksperchild: int | None) -> list[tuple[int, int]]:
    """One worker, tasks one at a time (chunksize=1), so the order of pids and leaks is fixed."""
    with ctx.Pool(1, maxtasksperchild=maxtasksperchild) as pool:
        return pool.map_async(leaky_task, range(TASKS), chunksize=1).get(timeout=SHORT_TIMEOUT)


# </pool>


# <executor>
def run_tasks_executor(ctx: Context) -> list[tuple[int, int]]:
    with ProcessPoolExecutor(1, mp_context=ctx, max_tasks_per_child=1) as executor:
        return list(executor.map(leaky_task, range(TASKS), timeout=SHORT_TIMEOUT))


# </executor>


def show(label: str, runs: list[tuple[int, int]]) -> None:
    workers = len({pid for pid, _ in runs})
    print(f"{label}: {workers} worker(s); held after each task: {[n for _, n in runs]}")


def main() -> None:
    ctx = context()
    show("Pool()", run_tasks(ctx, None))
    show("Pool(maxtasksperchild=2)", run_tasks(ctx, 2))
    label = "ProcessPoolExecutor(max_tasks_per_child=1)"
    try:
        show(label, run_tasks_executor(ctx))
    except ValueError as exc:  # under fork
        print(f"{label} under {ctx.get_start_method()}: ValueError: {exc}")


if __name__ == "__main__":
    entry.run(main)
