"""plinq.select: square numbers in parallel, in no fixed order or in source order.

PLINQ's AsParallel().Select hands results back as partitions finish; AsOrdered() restores the
source order. A process Pool offers the same choice: imap_unordered yields results as workers
finish them, while map and imap yield them in input order. A plain list comprehension (like
LINQ's sequential Select) always keeps the source order.
"""

from __future__ import annotations

from collections.abc import Iterable
from multiprocessing.pool import IMapIterator

from parity.common import entry
from parity.common.mp import Context, context
from parity.common.timing import SHORT_TIMEOUT

# The article's list (it has no 6).
ARTICLE_LIST = (1, 2, 3, 4, 5, 7, 8, 9)


# <select>
def square(x: int) -> int:
    return x * x


def sequential(values: Iterable[int]) -> list[int]:
    return [square(x) for x in values]


def _drain(results: IMapIterator[int], count: int) -> list[int]:
    # next(timeout) rather than list(): a stuck worker raises TimeoutError instead of hanging.
    return [results.next(timeout=SHORT_TIMEOUT) for _ in range(count)]


def unordered(ctx: Context, values: Iterable[int], workers: int = 2) -> list[int]:
    """The squares in completion order: the same multiset, possibly shuffled."""
    items = list(values)
    with ctx.Pool(workers) as pool:
        return _drain(pool.imap_unordered(square, items, chunksize=1), len(items))


def ordered(ctx: Context, values: Iterable[int], workers: int = 2) -> list[int]:
    """Still parallel, but yielded in input order (like AsOrdered)."""
    items = list(values)
    with ctx.Pool(workers) as pool:
        return _drain(pool.imap(square, items, chunksize=1), len(items))


# </select>


# <run>
def main() -> None:
    ctx = context()
    print(f"source:              {', '.join(map(str, ARTICLE_LIST))}")
    print(f"sequential:          {', '.join(map(str, sequential(ARTICLE_LIST)))}")
    print(f"imap_unordered:      {', '.join(map(str, unordered(ctx, ARTICLE_LIST)))}")
    print(f"imap (ordered):      {', '.join(map(str, ordered(ctx, ARTICLE_LIST)))}")


# </run>


if __name__ == "__main__":
    entry.run(main)
