"""since.as-completed: results in the order they finish, asyncio and Task.WhenEach.

asyncio.as_completed has always yielded awaitables in finishing order, but up to 3.12 they are
new coroutines: awaiting one gives a result, not the task it came from, so which request
finished is lost unless the result carries it. Since 3.13 it is also an async iterator, and
`async for` over tasks yields the original tasks themselves, as .NET 9's Task.WhenEach does.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Awaitable, Mapping

from parity.common import entry
from parity.common.timing import SHORT_TIMEOUT, scaled


async def fetch(name: str, seconds: float) -> str:
    await asyncio.sleep(seconds)
    return f"{name} after {seconds:.2f} s"


# <finish-order>
async def in_finish_order(jobs: Mapping[str, Awaitable[str]]) -> list[tuple[str | None, str]]:
    """(which task, its result) in the order they finish; None where this Python cannot tell."""
    tasks = {asyncio.ensure_future(job): name for name, job in jobs.items()}
    done: list[tuple[str | None, str]] = []
    if sys.version_info >= (3, 13):
        async for task in asyncio.as_completed(tasks, timeout=SHORT_TIMEOUT):
            done.append((tasks[task], task.result()))  # the very task we created
    else:
        for next_done in asyncio.as_completed(tasks, timeout=SHORT_TIMEOUT):
            done.append((None, await next_done))  # a fresh coroutine: only the result
    return done


# </finish-order>


# <run>
async def main_async() -> None:
    delays = {"slow": scaled(1.5), "fast": scaled(0.5), "middle": scaled(1.0)}
    jobs = {name: fetch(name, seconds) for name, seconds in delays.items()}
    for task, result in await in_finish_order(jobs):
        print(f"task {task or '(unknown)'}: {result}")
    if sys.version_info < (3, 13):
        print("async for over the original tasks needs Python 3.13; this one yields coroutines")


def main() -> None:
    asyncio.run(main_async())


# </run>


if __name__ == "__main__":
    entry.run(main)
