"""since.priority-channel: the most urgent item first, asyncio.PriorityQueue and .NET 9.

asyncio.PriorityQueue hands out the smallest item first, as .NET 9's
Channel.CreateUnboundedPrioritized does with its comparer (Comparer<T>.Default unless given).
Both order only what is waiting when a reader takes it: a reader already waiting on an empty
queue takes, when it resumes, the most urgent item written by then. Equal
priorities come out in no promised order on either side, so a sequence number breaks the tie
when arrival order matters; in Python it also spares comparing the payloads themselves.
"""

from __future__ import annotations

import asyncio
import itertools

from parity.common import entry

# <prioritized>
Job = tuple[int, int, str]  # (priority, arrival, name): lower priority first, then arrival


async def serve(jobs: list[tuple[int, str]]) -> list[str]:
    """Queue every job before the reader starts, then take them all: the order it served them."""
    waiting: asyncio.PriorityQueue[Job] = asyncio.PriorityQueue()
    arrival = itertools.count()
    for priority, name in jobs:
        waiting.put_nowait((priority, next(arrival), name))
    served = []
    while not waiting.empty():
        _, _, name = await waiting.get()
        served.append(name)
    return served


# </prioritized>


# <run>
def main() -> None:
    jobs = [(2, "report"), (0, "outage"), (1, "review"), (2, "backup"), (0, "security fix")]
    print(f"queued: {[name for _, name in jobs]}")
    print(f"served: {asyncio.run(serve(jobs))}")


# </run>


if __name__ == "__main__":
    entry.run(main)
