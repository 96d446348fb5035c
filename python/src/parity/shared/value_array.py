"""shared.value-array: a Value and an Array in shared memory, written by children, read by all.

`Value("d", 3.14)` is one C double and `Array("i", range(10))` ten C ints, placed in shared
memory before the children start; each child writes one slot and the parent sees both writes.
A plain Python list handed to a child is a copy (pickled under spawn and forkserver,
copy-on-write under fork): the parent never sees what the child does to it.

What the children print depends on which runs first: the article shows child 2 seeing child 1's
write, which is only one possible ordering.
"""

from __future__ import annotations

import array as arraymodule
import time
from multiprocessing.queues import Queue
from multiprocessing.sharedctypes import Synchronized, SynchronizedArray
from multiprocessing.synchronize import Event
from typing import Any

from parity.common import entry
from parity.common.mp import Context, context
from parity.common.process_group import join_all, run_all
from parity.common.timing import SHORT_TIMEOUT
from parity.shared._value_array import element_types, say

ArrayLike = Any  # a SynchronizedArray or a Manager's ArrayProxy: both index and slice


# <children>
def set_slot(name: str, value: Synchronized[float], array: SynchronizedArray[int], n: int) -> None:
    """Runs in a child: read the shared double, write 10 into one slot of the shared ints."""
    say(f"[{name}] value={value.value} before: {array[:]}")
    array[n] = 10  # one write: guarded by the Array's own lock
    say(f"[{name}] value={value.value} after:  {array[:]}")


def append_to_copy(items: list[int]) -> None:
    items.append(99)  # lands in the child's copy only


# </children>


# <parent>
def share(ctx: Context) -> tuple[float, list[int]]:
    """Two children write slots 0 and 1; returns what the parent then sees (value, array)."""
    value = ctx.Value("d", 3.14)  # 'd': C double
    array = ctx.Array("i", range(10))  # 'i': C int, initialised from any iterable of ints
    args = [(f"child {n + 1}", value, array, n) for n in range(2)]
    run_all([ctx.Process(target=set_slot, args=a) for a in args], SHORT_TIMEOUT)
    return value.value, array[:]


def plain_list_in_child(ctx: Context) -> list[int]:
    """Hand a plain list to a child that appends to it; returns the parent's list afterwards."""
    items = [1, 2, 3]
    run_all([ctx.Process(target=append_to_copy, args=(items,))], SHORT_TIMEOUT)
    return items


# </parent>


# <ordered>
def _set_slot_in_turn(
    array: SynchronizedArray[int], n: int, after: Event | None, done: Event, seen: Queue[list[int]]
) -> None:
    """Runs in a child: wait for the other child's write (if told to), note the array, write."""
    if after is not None and not after.wait(SHORT_TIMEOUT):
        raise TimeoutError("the other child never wrote")
    seen.put(array[:])
    array[n] = 10
    done.set()


def share_in_order(ctx: Context, first: int) -> tuple[list[int], list[int]]:
    """Both children start at once, but child `first` (1 or 2) writes before the other reads:
    what child 1 and child 2 saw. The article shows first=1; the scheduler may pick either."""
    array = ctx.Array("i", range(10))
    wrote = (ctx.Event(), ctx.Event())
    seen: list[Queue[list[int]]] = [ctx.Queue(), ctx.Queue()]
    children = [
        ctx.Process(
            target=_set_slot_in_turn,
            args=(array, n, None if n + 1 == first else wrote[first - 1], wrote[n], seen[n]),
        )
        for n in range(2)
    ]
    for c in children:
        c.start()
    try:
        saw = (seen[0].get(timeout=SHORT_TIMEOUT), seen[1].get(timeout=SHORT_TIMEOUT))
    finally:
        join_all(children, SHORT_TIMEOUT)
    return saw


# </ordered>


# <manager-array>
def _fill(array: ArrayLike, mark: int, size: int, rounds: int) -> None:
    for _ in range(rounds):
        array[:] = arraymodule.array("i", [mark] * size)  # one proxied call: the whole slice


def manager_array_snapshots(ctx: Context, size: int = 256, rounds: int = 100) -> set[int]:
    """Three children overwrite a Manager Array whole, again and again, while the parent reads it
    whole: how many distinct numbers each snapshot held. {1}: no read saw two writes' halves,
    since the array lives in the manager's server and each proxied call runs there in one piece.
    """
    mixes: set[int] = set()
    with ctx.Manager() as manager:
        array = manager.Array("i", [0] * size)
        children = [ctx.Process(target=_fill, args=(array, n + 1, size, rounds)) for n in range(3)]
        for c in children:
            c.start()
        try:
            deadline = time.monotonic() + SHORT_TIMEOUT
            while True:  # at least one snapshot, and one more after the last writer ended
                writing = any(c.is_alive() for c in children)
                mixes.add(len(set(array[:])))
                if not writing or time.monotonic() > deadline:
                    break
        finally:
            join_all(children, SHORT_TIMEOUT)
    return mixes


# </manager-array>


def main() -> None:
    ctx = context()
    wrapper_v, wrapper_a, _, _ = element_types(ctx)
    print(f"Value is a {wrapper_v.__qualname__}, Array is a {wrapper_a.__qualname__}")
    value, array = share(ctx)
    print(f"[parent] value={value} array={array}")
    for first in (1, 2):
        one, two = share_in_order(ctx, first)
        print(f"[child {first} writes first] child 1 saw {one}, child 2 saw {two}")
    print(f"[parent] plain list after the child appended to it: {plain_list_in_child(ctx)}")
    print(f"[parent] Manager Array snapshots held {manager_array_snapshots(ctx)} distinct values")


if __name__ == "__main__":
    entry.run(main)
