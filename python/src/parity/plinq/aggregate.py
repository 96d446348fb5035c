"""plinq.aggregate: folding with a seed, sequentially and as a parallel map-reduce.

reduce(func, values, seed) counts the seed once. A parallel fold folds each chunk in
a worker and combines the partials, so whatever a worker starts from counts once PER CHUNK:
workers must start from the identity (0 for a sum) and the seed is applied once, when the
partials are combined (the rule of PLINQ's parallel Aggregate overload and its seedFactory).
A non-associative function (subtraction) gives another answer once it is split at all.
"""

from collections.abc import Callable, Sequence
from functools import reduce
from operator import add, sub

from parity.common import entry
from parity.common.mp import Context, context
from parity.common.timing import LONG_TIMEOUT


def chunks(values: Sequence[int], parts: int) -> list[Sequence[int]]:
    step = max(1, -(-len(values) // parts))
    return [values[i : i + step] for i in range(0, len(values), step)]


# <aggregate>
def fold_sequential(values: Sequence[int], seed: int) -> int:
    return reduce(add, values, seed)


def fold_seed_per_chunk(ctx: Context, values: Sequence[int], seed: int, parts: int) -> int:
    """Pitfall: every worker starts from the seed, so it is counted once per chunk."""
    with ctx.Pool(2) as pool:
        work = [(add, chunk, seed) for chunk in chunks(values, parts)]
        return sum(pool.starmap_async(reduce, work).get(timeout=LONG_TIMEOUT))


def fold_map_reduce(ctx: Context, values: Sequence[int], seed: int, parts: int) -> int:
    """Correct: workers start from the identity, the seed is applied once when combining."""
    with ctx.Pool(2) as pool:
        work = [(add, chunk, 0) for chunk in chunks(values, parts)]
        partials = pool.starmap_async(reduce, work).get(timeout=LONG_TIMEOUT)
    return reduce(add, partials, seed)


# </aggregate>
# <non-associative>
def fold_split(values: Sequence[int], parts: int, func: Callable[[int, int], int] = sub) -> int:
    """Fold each chunk with `func`, then fold the partials with it: what a parallel reduce does."""
    partials = [reduce(func, chunk) for chunk in chunks(values, parts)]
    return reduce(func, partials)


# </non-associative>
# <run>
def main() -> None:
    ctx = context()
    values, seed, parts = list(range(1, 100_001)), 1, 4
    print(f"sum of 1..{len(values)}:                  {sum(values)}")
    print(f"reduce(add, values, 1):            {fold_sequential(values, seed)} (seed counted once)")
    per_chunk = fold_seed_per_chunk(ctx, values, seed, parts)
    print(f"pool, every chunk starts at 1:     {per_chunk} (once per chunk)")
    print(f"pool, chunks start at 0, then +1:  {fold_map_reduce(ctx, values, seed, parts)}")
    split = fold_split(values, parts)
    print(f"subtraction: sequential {reduce(sub, values)}, split into {parts} {split}")


# </run>

if __name__ == "__main__":
    entry.run(main)
