"""since.async-enumerable: querying an async stream, async generators and .NET 10's LINQ.

An async generator is Python's IAsyncEnumerable<T>, and an async comprehension its query:
`[f(x) async for x in source if p(x)]`, where .NET 10 has System.Linq.AsyncEnumerable (Where,
Select, Take, ToListAsync...; before, the System.Linq.Async package). They differ in clean-up:
leaving `await foreach` early disposes the enumerator at once, so the producer's finally runs;
leaving `async for` early leaves the generator suspended until it is garbage-collected or
aclose()d, which contextlib.aclosing does for you.
"""

import asyncio
from collections.abc import AsyncGenerator, AsyncIterator
from contextlib import aclosing

from parity.common import entry


# <source>
async def readings(count: int, log: list[str]) -> AsyncGenerator[int, None]:
    try:
        for i in range(count):
            await asyncio.sleep(0)  # as if each came from the network
            yield i
    finally:
        log.append("closed")


# </source>


# <query>
async def even_squares(count: int, log: list[str]) -> list[int]:
    return [x * x async for x in readings(count, log) if x % 2 == 0]  # Where, Select, ToListAsync


async def first_over(limit: int, stream: AsyncIterator[int]) -> int | None:
    async for x in stream:
        if x > limit:
            return x  # leaves the loop early, as a `break` in C#
    return None


async def leave_early(close: bool) -> tuple[int | None, bool]:
    log: list[str] = []
    if close:
        async with aclosing(readings(100, log)) as stream:
            found = await first_over(3, stream)
    else:
        found = await first_over(3, readings(100, log))  # suspended until garbage-collected
    return found, "closed" in log  # was the producer closed as we left?


# </query>


# <run>
def main() -> None:
    print(f"even squares of 0..9: {asyncio.run(even_squares(10, []))}")
    for how, close in (("bare async for", False), ("with aclosing", True)):
        x, closed = asyncio.run(leave_early(close))
        print(f"{how}: left at {x}, generator closed on leaving: {closed}")


# </run>


if __name__ == "__main__":
    entry.run(main)
