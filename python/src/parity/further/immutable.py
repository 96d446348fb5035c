"""further.immutable: snapshots that are safe to share, and the one thing that is not.

tuple and frozenset never change, so any thread may read one without a lock (their elements
are another matter: a tuple of lists is not frozen). types.MappingProxyType is a read-only VIEW:
whoever holds the dict underneath can still change it, and every view shows the change, so it
is a snapshot only if nobody keeps the dict. Python has no persistent collections in the
standard library: a new version is a full copy (`{**old, key: value}`), where .NET's immutable
collections share structure. Copy-on-write: readers take the current snapshot (reading one
attribute is atomic), writers build a new one and swap the reference. The swap alone is not
enough: read, modify, write back, and a concurrent writer's update is lost. A lock around the
writers' read-modify-write fixes it (Python has no compare-and-swap on an attribute).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from types import MappingProxyType

from parity.common import entry
from parity.common.timing import SHORT_TIMEOUT


# <snapshots>
def view_versus_snapshot() -> tuple[int, int]:
    """Change the dict behind a MappingProxyType and behind a copied snapshot; what each shows."""
    owner = {"a": 1}
    view = MappingProxyType(owner)
    snapshot = MappingProxyType(dict(owner))  # a private copy: nobody can change it any more
    owner["b"] = 2
    return len(view), len(snapshot)


def frozen_only_one_level() -> tuple[tuple[int, list[int]], str]:
    """A tuple cannot be changed; a list inside it can, so it is not hashable either."""
    shared = (1, [2])
    shared[1].append(3)
    try:
        hash(shared)
        verdict = "hashable"
    except TypeError as error:
        verdict = f"TypeError: {error}"
    return shared, verdict


# </snapshots>


# <swap>
Pause = Callable[[], None]


class Registry:
    """Copy-on-write: readers take `current` without a lock; writers replace it."""

    def __init__(self) -> None:
        self.current: Mapping[str, int] = MappingProxyType({})
        self._writers = threading.Lock()

    def add_unsafely(self, key: str, value: int, pause: Pause = lambda: None) -> None:
        snapshot = self.current  # read
        pause()  # (where the tests let another writer in)
        self.current = MappingProxyType({**snapshot, key: value})  # modify, write back

    def add(self, key: str, value: int, pause: Pause = lambda: None) -> None:
        with self._writers:  # the whole read-modify-write, not just the swap
            snapshot = self.current
            pause()
            self.current = MappingProxyType({**snapshot, key: value})


def racing_writers(safe: bool) -> dict[str, int]:
    """Two writers: the second starts while the first is between its read and its write."""
    registry = Registry()
    first_has_read, second_done = threading.Event(), threading.Event()

    def pause() -> None:
        first_has_read.set()
        # Unsafe: wait until the second writer has written. Safe: it cannot write while we hold
        # the lock, so waiting would only run into the timeout; give it a moment to try instead.
        second_done.wait(SHORT_TIMEOUT if not safe else 0.05)

    first = threading.Thread(
        target=registry.add if safe else registry.add_unsafely, args=("first", 1, pause)
    )
    first.start()
    first_has_read.wait(SHORT_TIMEOUT)
    (registry.add if safe else registry.add_unsafely)("second", 2)
    second_done.set()
    first.join(SHORT_TIMEOUT)
    return dict(registry.current)


# </swap>


# <run>
def main() -> None:
    view, snapshot = view_versus_snapshot()
    print(
        f"owner changes the dict: MappingProxyType view shows {view} keys, "
        f"a proxied copy {snapshot}"
    )
    shared, verdict = frozen_only_one_level()
    print(f"a tuple holding a list: {shared}, hash -> {verdict}")
    print(f"frozenset.union returns a new set: {frozenset({1, 2}) | {3}}; the old one is unchanged")
    lost = sorted(racing_writers(safe=False))
    print(f"read, add, write back (two writers): {lost} (one update lost)")
    print(f"the same under the writers' lock:    {sorted(racing_writers(safe=True))}")


# </run>


if __name__ == "__main__":
    entry.run(main)
