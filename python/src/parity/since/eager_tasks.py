"""since.eager-tasks: a task that starts running the moment it is created.

create_task() schedules a coroutine: none of it runs until the caller awaits something. A C#
async method is the other way round: it runs on the caller's thread until its first await that
is not complete yet, and a method that never waits returns a task that is already done. Python
3.12 adds that behaviour as asyncio.eager_task_factory (for every task of a loop), and 3.14 as
create_task(..., eager_start=True) for one task.
"""

from __future__ import annotations

import asyncio
import sys

from parity.common import entry


# <eager>
async def step(log: list[str], wait: bool) -> str:
    log.append("started")
    if wait:
        await asyncio.sleep(0)  # the first await that really suspends
        log.append("resumed")
    return "done"


async def created(eager: bool, wait: bool) -> tuple[list[str], bool]:
    """What ran, and whether the task was finished, right after create_task() returned."""
    log: list[str] = []
    loop = asyncio.get_running_loop()
    if eager and sys.version_info >= (3, 14):
        task = asyncio.create_task(step(log, wait), eager_start=True)  # this one task only
    else:
        if eager and sys.version_info >= (3, 12):
            loop.set_task_factory(asyncio.eager_task_factory)  # every task of this loop
        task = asyncio.create_task(step(log, wait))
    seen, finished = list(log), task.done()
    loop.set_task_factory(None)
    await task
    return seen, finished


# </eager>


# <run>
def main() -> None:
    modes = [False, True] if sys.version_info >= (3, 12) else [False]
    for eager in modes:
        for wait in (True, False):
            seen, finished = asyncio.run(created(eager, wait))
            kind = "eager" if eager else "lazy "
            print(
                f"{kind} task, {'awaits' if wait else 'never awaits'}: right after create_task "
                f"it has run {seen or 'nothing'}, done: {finished}"
            )
    if sys.version_info < (3, 12):
        print("eager_task_factory needs Python 3.12 (eager_start=True needs 3.14)")


# </run>


if __name__ == "__main__":
    entry.run(main)
