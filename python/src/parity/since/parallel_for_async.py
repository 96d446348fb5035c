"""since.parallel-for-async: an async body for each index, at most N at once.

.NET 8's Parallel.ForAsync(0, count, options, body) runs an async body per index with
MaxDegreeOfParallelism bodies in flight, and ends with the first exception (cancelling the
rest through its token). asyncio has no single call for it: a TaskGroup waits for every body
and cancels the rest on the first error, and a Semaphore caps how many are inside at once.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from parity.common import entry
from parity.common.peak import PeakMeter
from parity.common.timing import scaled


# <for-async>
async def for_async(count: int, limit: int, body: Callable[[int], Awaitable[None]]) -> None:
    """body(0) .. body(count - 1), at most `limit` running at any moment."""
    gate = asyncio.Semaphore(limit)

    async def bounded(i: int) -> None:
        async with gate:
            await body(i)

    async with asyncio.TaskGroup() as group:  # one task per index, like ForAsync's items
        for i in range(count):
            group.create_task(bounded(i))


# </for-async>


# <run>
async def main_async() -> None:
    running, finished = PeakMeter(name="body running"), []

    async def download(i: int) -> None:
        with running.inside():
            await asyncio.sleep(scaled(0.05))
        finished.append(i)

    await for_async(count=10, limit=3, body=download)
    print(f"10 bodies, limit 3: {len(finished)} finished, at most {running.max} at once")


def main() -> None:
    asyncio.run(main_async())


# </run>


if __name__ == "__main__":
    entry.run(main)
