"""plinq.aggregate: folding with a seed, sequentially and as a parallel map-reduce.

functools.reduce(func, values, seed) is the sequential fold: the seed counts once. A parallel
fold splits the values into chunks, folds each chunk in a worker and combines the partial
results; whatever each worker starts from is counted once PER CHUNK. So a worker must start
from the identity (0 for a sum), and the real seed is applied once when the partials are
combined. This is the same rule as PLINQ's parallel Aggregate overload and its seedFactory.
A non-associative function (subtraction) gives a different answer once it is split at all.
"""

from __future__ import annotations

import functools
import operator
from collections.abc import Callable, Sequence

from parity.common import entry
from parity.common.mp import Context, context
from parity.common.timing import LONG_TIMEOUT


def numbers(count: int) -> list[int]:
    return list(range(1, count + 1))


def chunks(values: Sequence[int], parts: int) -> list[Sequence[int]]:
    step = max(1, -(-len(values) // parts))
    return [values[i : i + step] for i in range(0, len(values), step)]


# <aggregate>
def fold_sequential(values: Sequence[int], seed: int) -> int:
    return functools.reduce(operator.add, values, seed)


def _fold_chunk(chunk_and_start: tuple[Sequence[int], int]) -> int:
    chunk, start = chunk_and_start
    return functools.reduce(operator.add, chunk, start)


def fold_seed_per_chunk(ctx: Context, values: Sequence[int], seed: int, parts: int) -> int:
    """Pitfall: every worker starts from the seed, so it is counted once per chunk."""
    with ctx.Pool(2) as pool:
        work = [(chunk, seed) for chunk in chunks(values, parts)]
        return sum(pool.map_async(_fold_chunk, work).get(timeout=LONG_TIMEOUT))


def fold_map_reduce(ctx: Context, values: Sequence[int], seed: int, parts: int) -> int:
    """Correct: workers start from the identity, the seed is applied once when combining."""
    with ctx.Pool(2) as pool:
        work = [(chunk, 0) for chunk in chunks(values, parts)]
        partials = pool.map_async(_fold_chunk, work).get(timeout=LONG_TIMEOUT)
    return functools.reduce(operator.add, partials, seed)


# </aggregate>


# <non-associative>
def fold_split(
    values: Sequence[int], parts: int, func: Callable[[int, int], int] = operator.sub
) -> int:
    """Fold each chunk with `func`, then fold the partials with it: what a parallel reduce does."""
    partials = [functools.reduce(func, chunk) for chunk in chunks(values, parts)]
    return functools.reduce(func, partials)


# </non-associative>


# <run>
def main() -> None:
    ctx = context()
    values = numbers(100_000)
    total = sum(values)
    seed, parts = 1, 4
    print(f"sum of 1..{len(values)}:                  {total}")
    print(f"reduce(add, values, 1):            {fold_sequential(values, seed)} (seed counted once)")
    per_chunk = fold_seed_per_chunk(ctx, values, seed, parts)
    print(f"pool, every chunk starts at 1:     {per_chunk} (once per chunk)")
    print(f"pool, chunks start at 0, then +1:  {fold_map_reduce(ctx, values, seed, parts)}")
    print(
        f"subtraction: sequential {functools.reduce(operator.sub, values)}, "
        f"split into {parts} {fold_split(values, parts)}"
    )


# </run>


if __name__ == "__main__":
    entry.run(main)
