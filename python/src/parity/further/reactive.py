"""further.reactive: the same streams as Rx.NET, with async generators.

Cold: an async generator runs again for each `async for`. Hot: values go to whoever subscribes
now. Rx's operators are a few lines each; the time ones read virtual timestamps (exact output).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterable, AsyncIterator

from parity.common import entry
from parity.further._reactive import END, Timed, show, stream, timed


# <cold-hot>
async def cold_values(runs: list[int]) -> AsyncIterator[int]:
    runs.append(1)  # a cold source: its body runs once per consumer
    for i in (1, 2, 3):
        yield i


class Hot:
    """A hot source: values go to the subscribers present when they are published."""

    def __init__(self) -> None:
        self._subscribers: list[asyncio.Queue[int | None]] = []

    def subscribe(self) -> AsyncIterator[int]:
        inbox: asyncio.Queue[int | None] = asyncio.Queue()
        self._subscribers.append(inbox)  # subscribed now, not at the first pull

        async def values() -> AsyncIterator[int]:
            while (value := await inbox.get()) is not None:
                yield value

        return values()

    def publish(self, value: int | None) -> None:
        for inbox in self._subscribers:
            inbox.put_nowait(value)


async def cold_and_hot() -> tuple[list[int], list[int], int, list[int], list[int]]:
    runs: list[int] = []
    first, second = [v async for v in cold_values(runs)], [v async for v in cold_values(runs)]
    hot = Hot()
    early = hot.subscribe()
    hot.publish(1)
    hot.publish(2)
    late = hot.subscribe()
    hot.publish(3)
    hot.publish(None)  # None completes every subscriber: Rx's OnCompleted
    return first, second, len(runs), [v async for v in early], [v async for v in late]


# </cold-hot>
# <operators>
async def buffer(source: AsyncIterable[int], count: int) -> AsyncIterator[list[int]]:
    chunk: list[int] = []
    async for value in source:
        chunk.append(value)
        if len(chunk) == count:
            yield chunk
            chunk = []
    if chunk:
        yield chunk  # the last, shorter chunk on completion, as Rx does


async def debounce(events: AsyncIterable[Timed], quiet_ms: int) -> AsyncIterator[Timed]:
    """Rx.NET's Throttle: a value goes out once `quiet_ms` pass with no newer one, or at the end."""
    pending: Timed | None = None
    async for at, value in events:
        if pending is not None and at >= pending[0] + quiet_ms:
            yield pending[0] + quiet_ms, pending[1]
            pending = None
        if value is END:
            if pending is not None:
                yield at, pending[1]
            yield at, END
            return
        pending = (at, value)


async def sample(events: AsyncIterable[Timed], period_ms: int) -> AsyncIterator[Timed]:
    """At each tick, the latest value if a new one arrived since the previous tick."""
    latest: int | None = None
    tick = period_ms
    async for at, value in events:
        while tick <= at:
            if latest is not None:
                yield tick, latest
                latest = None
            tick += period_ms
        if value is END:
            yield at, END
            return
        latest = value


async def merge(*sources: AsyncIterable[int]) -> AsyncIterator[int]:
    """Values from every source as they come; ends when all end; the first error ends it at once."""
    inbox: asyncio.Queue[int | Exception | None] = asyncio.Queue()  # None: a source completed

    async def pump(source: AsyncIterable[int]) -> None:
        try:
            async for value in source:
                await inbox.put(value)
            await inbox.put(None)
        except Exception as error:  # handed on to the consumer, as OnError
            await inbox.put(error)

    pumps = [asyncio.create_task(pump(source)) for source in sources]
    try:
        for _ in pumps:  # until each source has completed
            while (item := await inbox.get()) is not None:
                if isinstance(item, Exception):
                    raise item
                yield item
    finally:
        for task in pumps:
            task.cancel()  # after an error (or an early exit) nothing more is delivered
        await asyncio.gather(*pumps, return_exceptions=True)


# </operators>
# <run>
async def main() -> None:
    first, second, runs, early, late = await cold_and_hot()
    print(f"cold: first {first}, second {second}, producer ran {runs} times")
    print(f"hot:  early {early}, late {late}")
    chunks = [chunk async for chunk in buffer(stream(list(range(1, 8))), 3)]
    print(f"buffer(3) of 1..7: {' '.join(str(c) for c in chunks)}")
    burst: list[Timed] = [(0, 1), (100, 2), (200, 3), (800, 4), (900, 5), (1500, END)]
    print("events 1@0 2@100 3@200 4@800 5@900, end@1500 (virtual ms)")
    print(f"  debounce(300 ms): {show([e async for e in debounce(timed(burst), 300)])}")
    print(f"  sample(500 ms):   {show([e async for e in sample(timed(burst), 500)])}")
    merged = [v async for v in merge(stream([1]), stream([10, 20]))]
    print(f"merge, both complete: {sorted(merged)} then the end")
    got: list[int] = []
    try:
        async for value in merge(stream([1]), stream([10], fail_after=True)):
            got.append(value)
    except RuntimeError as error:
        print(f"merge, b fails: {sorted(got)} then error: {error}")


# </run>
if __name__ == "__main__":
    entry.run(lambda: asyncio.run(main()))
