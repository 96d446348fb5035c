"""further.dataflow: a pipeline of bounded asyncio queues and worker tasks.

The counterpart of a Dataflow TransformBlock -> ActionBlock: a bounded queue in front of each
stage gives back-pressure (put waits while it is full), the number of worker tasks is the degree
of parallelism, and an end marker per worker is the completion signal. CPU work goes to a process
pool through run_in_executor, so the event loop stays free. Unlike a TransformBlock, several
workers hand their results on in the order they finish, not in input order. One item that raises
ends the TaskGroup: every other worker, the consumer and the producer are cancelled, and the
error comes out as an ExceptionGroup, much like a faulted block propagating down its links.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable
from concurrent.futures import Executor, ProcessPoolExecutor

from parity.common import entry
from parity.common.mp import context
from parity.common.timing import LONG_TIMEOUT, SHORT_TIMEOUT

Transform = Callable[[int], Awaitable[int]]


# <pipeline>
async def pipeline(
    items: Iterable[int],
    transform: Transform,
    sink: Callable[[int], None],
    *,
    workers: int,
    capacity: int,
    sent: list[int] | None = None,
) -> None:
    """transform (workers in parallel, bounded queue) -> sink (one consumer, bounded queue)."""
    inbox: asyncio.Queue[int | None] = asyncio.Queue(capacity)
    outbox: asyncio.Queue[int | None] = asyncio.Queue(capacity)

    async def worker() -> None:
        while (item := await inbox.get()) is not None:
            await outbox.put(await transform(item))

    async def consumer() -> None:
        while (result := await outbox.get()) is not None:
            sink(result)

    async with asyncio.TaskGroup() as group:  # one failure cancels every task in it
        group.create_task(consumer())
        stage = [group.create_task(worker()) for _ in range(workers)]
        for item in items:
            await inbox.put(item)  # waits while the stage is full: back-pressure
            if sent is not None:
                sent.append(item)
        for _ in stage:
            await inbox.put(None)  # one end marker per worker: the stage's Complete()
        await asyncio.gather(*stage)
        await outbox.put(None)


def in_processes(executor: Executor, work: Callable[[int], int]) -> Transform:
    """A stage that runs `work` in `executor` (a process pool for CPU work) and awaits it."""

    async def transform(item: int) -> int:
        return await asyncio.get_running_loop().run_in_executor(executor, work, item)

    return transform


# </pipeline>


def sum_of_squares(n: int) -> int:
    """The CPU stage: module level, so a spawned worker can import it."""
    return sum(i * i for i in range(1, n + 1))


async def failing(item: int) -> int:
    if item == 3:
        raise ValueError(f"item {item} is bad")
    return item * 10


# <run>
async def run() -> None:
    results: list[int] = []
    with ProcessPoolExecutor(max_workers=2, mp_context=context()) as pool:
        await asyncio.wait_for(
            pipeline(
                range(1, 9),
                in_processes(pool, sum_of_squares),
                results.append,
                workers=2,
                capacity=2,
            ),
            LONG_TIMEOUT,
        )
    # Sorted: two workers hand results on in the order they finish.
    print(f"sink got (2 workers, a process pool for the CPU work), sorted: {sorted(results)}")

    seen: list[int] = []
    sent: list[int] = []
    try:
        await asyncio.wait_for(
            pipeline(range(1, 9), failing, seen.append, workers=1, capacity=2, sent=sent),
            SHORT_TIMEOUT,
        )
    except* ValueError as group:
        print(f"one item raises: ExceptionGroup of {[repr(e) for e in group.exceptions]}")
    print(f"  the sink saw {seen}; the producer had sent {sent} when everything was cancelled")


def main() -> None:
    asyncio.run(run())


# </run>


if __name__ == "__main__":
    entry.run(main)
