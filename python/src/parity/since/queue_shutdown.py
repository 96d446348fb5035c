"""since.queue-shutdown: ending a queue for every consumer, as a Channel's Complete() does.

Up to 3.12 a consumer learns that no more items will come only from an end marker, one per
consumer. Python 3.13 adds shutdown() to asyncio.Queue and queue.Queue: put() then raises
QueueShutDown / queue.ShutDown at once, and get() raises it once the queue is empty, so every
consumer ends after the last item, however many there are. shutdown(immediate=True) drops what
is still queued instead, which a Channel expresses by cancelling its readers.
"""

import asyncio
import sys

from parity.common import entry

END = None  # the end marker that Pythons before 3.13 still need


# <shutdown>
async def consume(channel: asyncio.Queue[int | None], mine: list[int]) -> None:
    while True:
        if sys.version_info >= (3, 13):
            try:
                item = await channel.get()
            except asyncio.QueueShutDown:  # shut down and drained: nothing more will come
                return
        else:
            item = await channel.get()
        if item is END:
            return
        mine.append(item)
        await asyncio.sleep(0)  # let the other consumers take a turn


async def share(items: int, consumers: int) -> tuple[list[list[int]], str]:
    channel: asyncio.Queue[int | None] = asyncio.Queue(4)
    taken: list[list[int]] = [[] for _ in range(consumers)]
    readers = [asyncio.create_task(consume(channel, mine)) for mine in taken]
    for item in range(items):
        await channel.put(item)
    if sys.version_info >= (3, 13):
        channel.shutdown()  # the counterpart of writer.Complete()
        how = "shutdown()"
    else:
        for _ in readers:
            await channel.put(END)
        how = f"{consumers} end markers (shutdown() needs Python 3.13)"
    await asyncio.gather(*readers)
    return taken, how


# </shutdown>


# <run>
def main() -> None:
    taken, how = asyncio.run(share(items=20, consumers=3))
    every = sorted(item for mine in taken for item in mine)
    print(
        f"3 consumers took {[len(mine) for mine in taken]} items; every item once: "
        f"{every == list(range(20))}; ended by {how}"
    )


# </run>


if __name__ == "__main__":
    entry.run(main)
