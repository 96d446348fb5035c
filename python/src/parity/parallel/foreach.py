"""parallel.foreach: how many bodies run at once, and how to cap it.

.NET's Parallel.ForEach takes MaxDegreeOfParallelism (default: no limit), PLINQ takes
WithDegreeOfParallelism (default: the core count). Python's executors take max_workers:
ThreadPoolExecutor defaults to min(32, cpu_count + 4) threads, ProcessPoolExecutor to the
core count; in asyncio, a Semaphore caps how many coroutines run their body at once (what
Parallel.ForEachAsync's MaxDegreeOfParallelism does). A meter counts the bodies inside at
once and the most it ever saw: it never exceeds the cap.
"""

from __future__ import annotations

import asyncio
import os
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

from parity.common import entry
from parity.common.mp import Context, context
from parity.common.peak import PeakMeter, max_overlap
from parity.common.timing import LONG_TIMEOUT, scaled


# <degree>
def _timed_body(meter: PeakMeter, seconds: float) -> None:
    with meter.inside():  # counts the bodies running now, and the most ever (parity.common.peak)
        time.sleep(seconds)


def threads_max(items: int, body_seconds: float, max_workers: int | None = None) -> int:
    """ThreadPoolExecutor.map over blocking bodies; None = the default max_workers."""
    meter = PeakMeter(name=f"body, max_workers={max_workers or 'default'}")
    with ThreadPoolExecutor(max_workers=max_workers) as pool:
        list(
            pool.map(lambda _: _timed_body(meter, body_seconds), range(items), timeout=LONG_TIMEOUT)
        )
    return meter.max


def _interval(body_seconds: float) -> tuple[float, float]:
    start = time.monotonic()  # system-wide clock: comparable across processes
    time.sleep(body_seconds)
    return start, time.monotonic()


def processes_max(ctx: Context, items: int, body_seconds: float, max_workers: int = 2) -> int:
    """ProcessPoolExecutor: each body records when it ran; count the most that overlapped."""
    with ProcessPoolExecutor(max_workers=max_workers, mp_context=ctx) as pool:
        intervals = list(pool.map(_interval, [body_seconds] * items, timeout=LONG_TIMEOUT))
    return max_overlap(intervals)


async def async_max(items: int, body_seconds: float, limit: int) -> int:
    """asyncio: a Semaphore lets `limit` coroutines into the body at once."""
    meter = PeakMeter(name=f"body, Semaphore({limit})")
    gate = asyncio.Semaphore(limit)

    async def body(_: int) -> None:
        async with gate:
            with meter.inside():
                await asyncio.sleep(body_seconds)

    async with asyncio.timeout(LONG_TIMEOUT):
        await asyncio.gather(*(body(i) for i in range(items)))
    return meter.max


# </degree>


def default_thread_workers() -> int:
    """What ThreadPoolExecutor() picks: min(32, cpu_count + 4) since Python 3.8."""
    return min(32, (os.cpu_count() or 1) + 4)


# <run>
def main() -> None:
    body = scaled(0.5)
    items = 8
    cores = os.cpu_count()
    print(f"{cores} cores; {items} blocking bodies of {body:g} s each; most bodies seen at once:")
    rows = [
        (
            "ThreadPoolExecutor(), default:",
            threads_max(items, body),
            f"(max_workers={default_thread_workers()})",
        ),
        ("ThreadPoolExecutor(max_workers=2):", threads_max(items, body, max_workers=2), ""),
        ("ProcessPoolExecutor(max_workers=2):", processes_max(context(), items, body), ""),
        (
            "asyncio + Semaphore(2):",
            asyncio.run(async_max(items, body, limit=2)),
            "(awaiting bodies)",
        ),
    ]
    for label, most, note in rows:
        print(f"  {label:<40}{most} {note}".rstrip())


# </run>


if __name__ == "__main__":
    entry.run(main)
