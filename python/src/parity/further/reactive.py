"""further.reactive: the same streams as Rx.NET, with async generators.

An async generator function is a cold source: every `async for` runs it again from the start.
A hot source pushes to whoever is subscribed right now (here each subscriber gets a queue), so
a late subscriber misses what came before. buffer, debounce (Rx.NET's Throttle), sample and merge
are a few lines each. The time operators read timestamps carried by the events (virtual
milliseconds, as Rx.NET's HistoricalScheduler provides), so their output is exact; a live
version would wait with asyncio.timeout instead. Python's Rx is the reactivex package (formerly
RxPY, `rx` on PyPI); it is not needed for five operators, and it is not installed here.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterable, AsyncIterator

END = None  # the completion marker of a timestamped stream: (at_ms, END)

Timed = tuple[int, int | None]


# <cold-hot>
async def cold_values(runs: list[int]) -> AsyncIterator[int]:
    """A cold source: its body runs once per consumer."""
    runs.append(1)
    for i in (1, 2, 3):
        yield i


class Hot:
    """A hot source: values go to the subscribers present when they are published."""

    def __init__(self) -> None:
        self._subscribers: list[asyncio.Queue[int | None]] = []

    def subscribe(self) -> AsyncIterator[int]:
        inbox: asyncio.Queue[int | None] = asyncio.Queue()
        self._subscribers.append(inbox)

        async def values() -> AsyncIterator[int]:
            while (value := await inbox.get()) is not None:
                yield value

        return values()

    def publish(self, value: int | None) -> None:
        for inbox in self._subscribers:
            inbox.put_nowait(value)

    def complete(self) -> None:
        self.publish(None)


async def cold_and_hot() -> tuple[list[int], list[int], int, list[int], list[int]]:
    runs: list[int] = []
    first = [v async for v in cold_values(runs)]
    second = [v async for v in cold_values(runs)]
    hot = Hot()
    early = hot.subscribe()
    hot.publish(1)
    hot.publish(2)
    late = hot.subscribe()
    hot.publish(3)
    hot.complete()
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
    """Rx.NET's Throttle: a value goes out once `quiet_ms` pass with no newer one; completion flushes it."""
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
    inbox: asyncio.Queue[tuple[str, object]] = asyncio.Queue()

    async def pump(source: AsyncIterable[int]) -> None:
        try:
            async for value in source:
                await inbox.put(("next", value))
        except Exception as error:  # handed on to the consumer, as OnError
            await inbox.put(("error", error))
        else:
            await inbox.put(("done", None))

    pumps = [asyncio.create_task(pump(source)) for source in sources]
    try:
        open_sources = len(pumps)
        while open_sources:
            kind, payload = await inbox.get()
            if kind == "error":
                assert isinstance(payload, Exception)
                raise payload
            if kind == "done":
                open_sources -= 1
                continue
            assert isinstance(payload, int)
            yield payload
    finally:
        for task in pumps:
            task.cancel()  # after an error (or an early exit) nothing more is delivered
        await asyncio.gather(*pumps, return_exceptions=True)


# </operators>


async def timed(events: list[Timed]) -> AsyncIterator[Timed]:
    for event in events:
        yield event


async def stream(values: list[int], fail_after: bool = False) -> AsyncIterator[int]:
    for value in values:
        yield value
    if fail_after:
        raise RuntimeError("b failed")


def show(events: list[Timed]) -> str:
    return " ".join("completed@" + str(at) if value is END else f"{value}@{at}" for at, value in events)


# <run>
async def run() -> None:
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


def main() -> None:
    asyncio.run(run())


# </run>


if __name__ == "__main__":
    main()
