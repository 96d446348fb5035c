"""plinq.sum: the sum of 0..999,999, sequentially and split across a process Pool.

Python has no PLINQ: the nearest honest equivalent for CPU-bound work is a Pool over chunks
(threads would serialize on the GIL). Each worker sums one range and the parent adds the
partial sums. The same numbers are also summed by .NET's PLINQ through the bridge
(`invoke run plinq.sum --via bridge`).
"""

from __future__ import annotations

from parity.common.mp import Context, context

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
        # map_async + get(timeout): a blocking wait that cannot hang forever.
        return sum(pool.map_async(_range_sum, chunks(count, workers)).get(timeout=60))


# </sum>


# <run>
def main() -> None:
    print(f"sequential: {sequential()}")
    print(f"parallel:   {parallel(context())}")
    print(f"closed form n(n-1)/2: {EXPECTED}")


# </run>


if __name__ == "__main__":
    main()
