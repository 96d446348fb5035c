"""plinq.sum: the sum of 0..999,999, sequentially and split across a process Pool.

Python has no PLINQ: the nearest honest equivalent for CPU-bound work is a Pool over chunks
(threads would serialize on the GIL). Each worker sums one range and the parent adds the
partial sums. The same numbers are also summed by .NET's PLINQ through the bridge
(`invoke run plinq.sum --via bridge`).

Timing is measured in-process, with the pool already started: a warm-up, then the median of
several runs. Timing the whole program (`time python -m ...`) would mostly measure start-up.
"""

from __future__ import annotations

import threading
from multiprocessing.pool import Pool
from typing import Any

from parity.common import entry
from parity.common.measure import median_seconds
from parity.common.mp import Context, context
from parity.common.timing import LONG_TIMEOUT, SHORT_TIMEOUT

COUNT = 1_000_000
EXPECTED = COUNT * (COUNT - 1) // 2  # 499_999_500_000


# <sum>
def sequential(count: int = COUNT) -> int:
    return sum(range(count))


def _range_sum(bounds: tuple[int, int]) -> int:
    start, stop = bounds
    return sum(range(start, stop))


def chunks(count: int, parts: int) -> list[tuple[int, int]]:
    """Split 0..count-1 into `parts` contiguous ranges that cover it exactly once."""
    step = max(1, -(-count // parts))  # ceiling division, at least 1
    return [(lo, min(lo + step, count)) for lo in range(0, count, step)]


def parallel(ctx: Context, count: int = COUNT, workers: int = 2) -> int:
    with ctx.Pool(workers) as pool:
        return parallel_in(pool, count, workers)


def parallel_in(pool: Pool, count: int = COUNT, workers: int = 2) -> int:
    # map_async + get(timeout): a blocking wait that cannot hang forever.
    return sum(pool.map_async(_range_sum, chunks(count, workers)).get(timeout=LONG_TIMEOUT))


# </sum>


# <long-items>
_barrier: Any = None


def _init_barrier(barrier: Any) -> None:
    global _barrier
    _barrier = barrier


def _wait_for_the_other(_: int) -> bool:
    try:
        _barrier.wait(timeout=SHORT_TIMEOUT)
    except threading.BrokenBarrierError:
        return False
    return True


def long_items_overlap(ctx: Context) -> bool:
    """Two long items that wait for each other: both pass only if they run at the same time."""
    with ctx.Pool(2, initializer=_init_barrier, initargs=(ctx.Barrier(2),)) as pool:
        return all(
            pool.map_async(_wait_for_the_other, [0, 1], chunksize=1).get(timeout=SHORT_TIMEOUT)
        )


# </long-items>


# <run>
def main() -> None:
    print(f"sequential: {sequential()}")
    print(f"parallel:   {parallel(context())}")
    print(f"closed form n(n-1)/2: {EXPECTED}")
    with context().Pool(2) as pool:
        seq = median_seconds(sequential)
        par = median_seconds(lambda: parallel_in(pool))
    print(
        f"median of 5 in-process runs: sequential {seq * 1000:.3f} ms, "
        f"parallel (pool started) {par * 1000:.3f} ms"
    )


# </run>


if __name__ == "__main__":
    entry.run(main)
