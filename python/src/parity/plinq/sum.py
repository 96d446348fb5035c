"""plinq.sum: the sum of 0..999,999, sequentially and split across a process Pool.

Python has no PLINQ: for CPU-bound work the nearest honest equivalent is a Pool over chunks
(threads would serialize on the GIL); each worker sums one range and the parent adds the
partial sums. `invoke run plinq.sum --via bridge` sums the same numbers with .NET's PLINQ.
Timing is in-process with the pool already started (a warm-up, then the median of several
runs): timing the whole program (`time python -m ...`) would mostly measure start-up.
"""

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


def chunks(count: int, parts: int) -> list[tuple[int, int]]:
    """Split 0..count-1 into `parts` contiguous ranges that cover it exactly once."""
    step = max(1, -(-count // parts))  # ceiling division, at least 1
    return [(lo, min(lo + step, count)) for lo in range(0, count, step)]


def parallel(pool: Pool, count: int = COUNT, workers: int = 2) -> int:
    ranges = [range(lo, hi) for lo, hi in chunks(count, workers)]  # each pickles as 3 numbers
    # map_async + get(timeout): a blocking wait that cannot hang forever.
    return sum(pool.map_async(sum, ranges).get(timeout=LONG_TIMEOUT))


# </sum>
# <long-items>
def _wait_for_the_other(barrier: Any) -> int:
    return int(barrier.wait(timeout=SHORT_TIMEOUT))  # BrokenBarrierError when alone


def long_items_overlap(ctx: Context) -> bool:
    """Two long items that wait for each other: both pass only if they run at the same time
    (otherwise the barrier breaks, and get() raises BrokenBarrierError)."""
    with ctx.Manager() as manager, ctx.Pool(2) as pool:
        items = [manager.Barrier(2)] * 2  # a manager's proxy travels as a task argument
        done = pool.map_async(_wait_for_the_other, items, chunksize=1).get(SHORT_TIMEOUT)
        return sorted(done) == [0, 1]


# </long-items>
# <run>
def main() -> None:
    with context().Pool(2) as pool:
        print(f"sequential: {sequential()}")
        print(f"parallel:   {parallel(pool)}")
        print(f"closed form n(n-1)/2: {EXPECTED}")
        seq, par = median_seconds(sequential), median_seconds(lambda: parallel(pool))
    print(
        f"median of 5 in-process runs: sequential {seq * 1000:.3f} ms, "
        f"parallel (pool started) {par * 1000:.3f} ms"
    )


# </run>
if __name__ == "__main__":
    entry.run(main)
