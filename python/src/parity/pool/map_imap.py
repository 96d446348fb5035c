"""pool.map-imap: map (a list, in order), imap (an iterator, in order), imap_unordered.

map blocks until every result is in and returns them in input order. imap returns an
IMapIterator at once and yields results in input order as they arrive; imap_unordered yields
them as they finish. Lazy means lazy for the *consumer* only: the pool's task thread still
submits the whole input at once, so an endless input iterable is never a good idea.

`with Pool() as pool:` calls terminate() on exit, not close() and join(): results you have
not collected inside the block are lost, and the workers are killed mid-task.
"""

from __future__ import annotations

from parity.common import entry
from parity.common.mp import Context, context
from parity.common.timing import SHORT_TIMEOUT


def square(x: int) -> int:
    return x * x


# <map>
def map_and_imap(ctx: Context) -> dict[str, object]:
    """The article's sequence: apply_async, map, imap (skip the first), imap_unordered."""
    with ctx.Pool(processes=4) as pool:
        single = pool.apply_async(square, (10,)).get(timeout=SHORT_TIMEOUT)
        # map() itself has no timeout
        as_list = pool.map_async(square, range(10)).get(timeout=SHORT_TIMEOUT)
        iterator = pool.imap(square, range(10))
        iterator_type = type(iterator).__name__
        first = iterator.next(timeout=SHORT_TIMEOUT)
        rest = [iterator.next(timeout=SHORT_TIMEOUT) for _ in range(9)]
        unordered = pool.imap_unordered(square, range(10))
        finished = [unordered.next(timeout=SHORT_TIMEOUT) for _ in range(10)]
    return {
        "apply_async": single,
        "map": as_list,
        "imap type": iterator_type,
        "imap first": first,
        "imap rest": rest,
        "imap_unordered": finished,
    }


# </map>


def main() -> None:
    for name, value in map_and_imap(context()).items():
        print(f"{name + ':':<16}{value}")


if __name__ == "__main__":
    entry.run(main)
