"""parallel.foreach: how many bodies run at once, and how to cap it.

.NET caps Parallel.ForEach with MaxDegreeOfParallelism (default: no limit; ForEachAsync: the core
count), PLINQ with WithDegreeOfParallelism (default: the core count). Python's executors take
max_workers (threads: min(32, cpu_count + 4), processes: the core count), asyncio a Semaphore.
"""

import asyncio
import os
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

from parity.common import entry
from parity.common.mp import Context, context
from parity.common.peak import PeakMeter, max_overlap
from parity.common.timing import LONG_TIMEOUT, scaled


# <degree>
def threads_max(items: int, body_seconds: float, max_workers: int | None = None) -> int:
    meter = PeakMeter(name=f"body, max_workers={max_workers or 'default'}")
    body = meter.inside()(time.sleep)  # a @contextmanager decorates too: each sleep is counted
    with ThreadPoolExecutor(max_workers=max_workers) as pool:
        list(pool.map(body, [body_seconds] * items, timeout=LONG_TIMEOUT))
    return meter.max


def _interval(body_seconds: float) -> tuple[float, float]:
    start = time.monotonic()  # system-wide clock: comparable across processes
    time.sleep(body_seconds)
    return start, time.monotonic()


def processes_max(ctx: Context, items: int, body_seconds: float, max_workers: int = 2) -> int:
    """Processes share no meter: each body records when it ran; count the most that overlapped."""
    with ProcessPoolExecutor(max_workers=max_workers, mp_context=ctx) as pool:
        return max_overlap(list(pool.map(_interval, [body_seconds] * items, timeout=LONG_TIMEOUT)))


async def async_max(items: int, body_seconds: float, limit: int) -> int:
    meter = PeakMeter(name=f"body, Semaphore({limit})")
    gate = asyncio.Semaphore(limit)

    async def body(_: int) -> None:
        async with gate:
            with meter.inside():
                await asyncio.sleep(body_seconds)

    await asyncio.wait_for(asyncio.gather(*(body(i) for i in range(items))), LONG_TIMEOUT)
    return meter.max


# </degree>
# <run>
def main() -> None:
    body, items, cores = scaled(0.5), 8, os.cpu_count() or 1
    print(f"{cores} cores; {items} blocking bodies of {body:g} s each; most bodies seen at once:")
    default = min(32, cores + 4)  # ThreadPoolExecutor's max_workers since Python 3.8
    for label, most, note in [
        ("ThreadPoolExecutor(), default:", threads_max(items, body), f"(max_workers={default})"),
        ("ThreadPoolExecutor(max_workers=2):", threads_max(items, body, max_workers=2), ""),
        ("ProcessPoolExecutor(max_workers=2):", processes_max(context(), items, body), ""),
        ("asyncio + Semaphore(2):", asyncio.run(async_max(items, body, 2)), "(awaiting bodies)"),
    ]:
        print(f"  {label:<40}{most} {note}".rstrip())


# </run>
if __name__ == "__main__":
    entry.run(main)
