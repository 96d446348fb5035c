"""since.async-enumerable: querying an async stream, async generators and .NET 10's LINQ.

An async generator is Python's IAsyncEnumerable<T>, and an async comprehension its query:
`[f(x) async for x in source if p(x)]`. .NET 10 puts the query operators in the framework
(System.Linq.AsyncEnumerable: Where, Select, Take, ToListAsync...), where they used to come
from the System.Linq.Async package. One difference matters for clean-up: leaving `await
foreach` early disposes the enumerator at once, so the producer's finally runs; leaving
`async for` early leaves the generator suspended until it is garbage-collected or aclose()d,
which contextlib.aclosing does for you.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, AsyncIterator
from contextlib import aclosing

from parity.common import entry


# <source>
async def readings(count: int, log: list[str]) -> AsyncGenerator[int, None]:
    """An async stream of numbers that notes when it is closed."""
    try:
        for i in range(count):
            await asyncio.sleep(0)  # as if each came from the network
            yield i
    finally:
        log.append("closed")


# </source>


# <query>
async def even_squares(count: int, log: list[str]) -> list[int]:
    """The query: Where(even), Select(square), ToListAsync()."""
    return [x * x async for x in readings(count, log) if x % 2 == 0]


async def first_over(limit: int, stream: AsyncIterator[int]) -> int | None:
    """Leave the stream at its first number over `limit`: a `break` in C#."""
    async for x in stream:
        if x > limit:
            return x
    return None


async def leave_early(close: bool) -> tuple[int | None, bool]:
    """Leave a stream early, bare or inside aclosing: was the producer closed right after?"""
    log: list[str] = []
    if close:
        async with aclosing(readings(100, log)) as stream:
            found = await first_over(3, stream)
    else:
        found = await first_over(3, readings(100, log))  # suspended until garbage-collected
    return found, "closed" in log


# </query>


# <run>
async def main_async() -> None:
    log: list[str] = []
    print(f"even squares of 0..9: {await even_squares(10, log)}")
    for close in (False, True):
        x, closed = await leave_early(close)
        how = "with aclosing" if close else "bare async for"
        print(f"{how}: left at {x}, generator closed on leaving: {closed}")


def main() -> None:
    asyncio.run(main_async())


# </run>


if __name__ == "__main__":
    entry.run(main)
