"""further.channels: bounded queues between producers and consumers, asyncio and threads.

asyncio.Queue(maxsize) is the counterpart of a bounded Channel in its default Wait mode: put()
waits while it is full and put_nowait() raises QueueFull (TryWrite answers false). The standard
library has no drop modes: `offer` below writes them in a few lines, for one event loop (for
threads the check-then-act would need a lock). Several producers and consumers share one queue;
since Python 3.11 has no Queue.shutdown() (3.13 adds it, the counterpart of Complete()), each
consumer gets an end marker. queue.Queue is the same thing for threads, with timeouts.
"""

from __future__ import annotations

import asyncio
import queue
import threading
from typing import Literal

from parity.common import entry
from parity.common.timing import SHORT_TIMEOUT

Mode = Literal["wait", "drop-newest", "drop-oldest", "drop-write"]


# <full-modes>
def offer(channel: asyncio.Queue[int], item: int, mode: Mode, dropped: list[int]) -> bool:
    """Write without waiting, as a bounded Channel does in each full mode; False means refused."""
    if channel.full():
        if mode == "wait":
            return False  # put() would wait here; put_nowait() raises QueueFull
        if mode == "drop-write":
            dropped.append(item)
            return True
        if mode == "drop-oldest":
            dropped.append(channel.get_nowait())
        else:  # drop-newest: the last item already inside makes room (a deque would be O(1))
            kept = [channel.get_nowait() for _ in range(channel.qsize())]
            dropped.append(kept.pop())
            for old in kept:
                channel.put_nowait(old)
    channel.put_nowait(item)
    return True


def fill(mode: Mode, capacity: int, count: int) -> tuple[list[int], list[int], list[int]]:
    """Writes 1..count into a queue nobody reads yet; returns (kept, dropped, refused)."""
    channel: asyncio.Queue[int] = asyncio.Queue(capacity)
    dropped: list[int] = []
    refused = [i for i in range(1, count + 1) if not offer(channel, i, mode, dropped)]
    kept = [channel.get_nowait() for _ in range(channel.qsize())]
    return kept, dropped, refused


# </full-modes>


# <producers-consumers>
async def share(producers: int, items_each: int, consumers: int, capacity: int) -> list[list[int]]:
    """Several producer and consumer tasks on one bounded asyncio.Queue; what each consumer took."""
    channel: asyncio.Queue[int | None] = asyncio.Queue(capacity)
    taken: list[list[int]] = [[] for _ in range(consumers)]

    async def produce(p: int) -> None:
        for i in range(items_each):
            await channel.put(p * items_each + i)  # waits while full

    async def consume(mine: list[int]) -> None:
        while (item := await channel.get()) is not None:
            mine.append(item)

    readers = [asyncio.create_task(consume(mine)) for mine in taken]
    await asyncio.gather(*(produce(p) for p in range(producers)))
    for _ in readers:
        await channel.put(None)  # no shutdown() before 3.13: one end marker per consumer
    await asyncio.gather(*readers)
    return taken


def share_threads(
    producers: int, items_each: int, consumers: int, capacity: int, timeout: float = SHORT_TIMEOUT
) -> list[list[int]]:
    """The same with threads and queue.Queue; every blocking call has a timeout."""
    channel: queue.Queue[int | None] = queue.Queue(capacity)
    taken: list[list[int]] = [[] for _ in range(consumers)]

    def produce(p: int) -> None:
        for i in range(items_each):
            channel.put(p * items_each + i, timeout=timeout)  # raises queue.Full if it never drains

    def consume(mine: list[int]) -> None:
        while (item := channel.get(timeout=timeout)) is not None:
            mine.append(item)

    readers = [threading.Thread(target=consume, args=(mine,)) for mine in taken]
    writers = [threading.Thread(target=produce, args=(p,)) for p in range(producers)]
    for thread in readers + writers:
        thread.start()
    for thread in writers:
        thread.join(timeout)
    for _ in readers:
        channel.put(None, timeout=timeout)
    for thread in readers:
        thread.join(timeout)
    return taken


# </producers-consumers>


# <run>
def main() -> None:
    modes: list[Mode] = ["wait", "drop-newest", "drop-oldest", "drop-write"]
    for mode in modes:
        kept, dropped, refused = fill(mode, capacity=3, count=5)
        print(
            f"capacity 3, write 1..5, {mode:<11}: kept {kept}, dropped {dropped}, refused {refused}"
        )
    for name, taken in (
        ("asyncio.Queue", asyncio.run(share(3, 100, 2, 4))),
        ("queue.Queue (threads)", share_threads(3, 100, 2, 4)),
    ):
        every = [item for mine in taken for item in mine]
        once = sorted(every) == list(range(300))
        print(
            f"{name}, 3 producers x 100, 2 consumers: {len(every)} taken, every item once: {once}"
        )


# </run>


if __name__ == "__main__":
    entry.run(main)
