"""shared.manager: a dict and a list kept by a Manager's server process, changed through proxies.

A Manager starts a server process that owns ordinary Python objects; every other process holds
a proxy and each method call is a round trip to the server. Proxies pickle, so unlike a
Value they can be passed to Pool tasks.

Two things the article's listing hides:
- It submits the writer and the reader as two apply_async tasks. They run on different
  workers at the same time, so the reader may run first (or halfway) and print an empty dict.
  Only waiting for the writer's result before starting the reader fixes the order.
- `d["year"] += 1` is a read call and a write call: from 5 processes at once, updates are lost
  unless a lock is held around both. A multiprocessing.Lock() may be handed to Process
  children but not to Pool tasks (RuntimeError); a Manager's Lock() works in both.
"""

from __future__ import annotations

import contextlib
from multiprocessing.synchronize import Event, Lock
from typing import Literal

from parity.common import entry
from parity.common.interleave import interleave
from parity.common.mp import context
from parity.common.process_group import run_all
from parity.common.timing import SHORT_TIMEOUT
from parity.shared._manager import Proxy, Setup, Snapshot, reader_first, seconds_per_read, setup

PROCESSES = 5
ITERATIONS = 100  # the article's: 5 processes x 100 increments
START_YEAR = 2000


# <pool-tasks>
def write(d: Proxy, items: Proxy) -> None:
    d[1] = "1"
    d["2"] = 2
    d[0.25] = None
    items.reverse()


def read(d: Proxy, items: Proxy) -> Snapshot:
    return d.copy(), items[:]  # copies made in the server: one round trip each


def as_the_article(s: Setup) -> tuple[Snapshot, Snapshot]:
    """Writer and reader submitted together; returns (what the reader saw, the final state)."""
    d, items = s.manager.dict(), s.manager.list(range(10))
    writing = s.pool.apply_async(write, (d, items))
    reading = s.pool.apply_async(read, (d, items))  # may well run before the writer
    writing.get(SHORT_TIMEOUT)
    return reading.get(SHORT_TIMEOUT), (d.copy(), items[:])


def in_order(s: Setup) -> Snapshot:
    """The article's output, guaranteed: wait for the writer before submitting the reader."""
    d, items = s.manager.dict(), s.manager.list(range(10))
    s.pool.apply_async(write, (d, items)).get(SHORT_TIMEOUT)
    return s.pool.apply_async(read, (d, items)).get(SHORT_TIMEOUT)


# </pool-tasks>


# <year>
def add_years(d: Proxy, lock: Proxy | None, iterations: int) -> None:
    for _ in range(iterations):
        with lock if lock is not None else contextlib.nullcontext():
            d["year"] += 1  # __getitem__ then __setitem__: two calls to the server


LockKind = Literal["none", "multiprocessing", "manager"]
Runner = Literal["process", "pool"]


def years(s: Setup, lock: LockKind, runner: Runner = "process") -> int:
    """5 children (as the article) or 5 Pool tasks add 1 to d["year"] 100 times each."""
    d = s.manager.dict({"year": START_YEAR})
    make = {"none": lambda: None, "multiprocessing": s.ctx.Lock, "manager": s.manager.Lock}[lock]
    args = (d, make(), ITERATIONS)
    if runner == "process":
        children = [s.ctx.Process(target=add_years, args=args) for _ in range(PROCESSES)]
        run_all(children, SHORT_TIMEOUT)
    else:
        tasks = [s.pool.apply_async(add_years, args) for _ in range(PROCESSES)]
        for task in tasks:
            task.get(SHORT_TIMEOUT)  # a Lock that cannot be pickled for a task raises here
    return int(d["year"])


# </year>


# <year-step-by-step>
def _read_pause_write(d: Proxy, lock: Lock | None, events: tuple[Event, ...], pause: bool) -> None:
    """`d["year"] += 1` split in its two proxy calls, with a pause between them."""
    trying, have_read, go_on = events
    trying.set()
    if lock is not None and not lock.acquire(timeout=SHORT_TIMEOUT):
        raise TimeoutError("lock not acquired")
    try:
        seen = d["year"]  # __getitem__: one call to the server
        have_read.set()
        if pause and not go_on.wait(SHORT_TIMEOUT):
            raise TimeoutError("never told to go on")
        d["year"] = seen + 1  # __setitem__: a second call
    finally:
        if lock is not None:
            lock.release()


def lost_year_step_by_step(s: Setup, locked: bool, blocked_for: float = 0.2) -> tuple[int, bool]:
    """A reads the year and pauses; B adds one; A writes: (years added, B read in the pause)."""
    d = s.manager.dict({"year": START_YEAR})
    lock = s.ctx.Lock() if locked else None
    b_read = interleave(s.ctx, _read_pause_write, (d, lock), locked, blocked_for)
    return int(d["year"]) - START_YEAR, b_read


# </year-step-by-step>


def main() -> None:
    with setup(context()) as s:
        seen, (final_d, final_l) = as_the_article(s)
        print(f"[article] reader saw {seen[0]} {seen[1]}; afterwards {final_d} {final_l}")
        d, items = in_order(s)
        print(f"[in order] reader saw {d} {items}")
        d, items = reader_first(s, write, read)
        print(f"[reader first] reader saw {d} {items}")
        ideal = START_YEAR + PROCESSES * ITERATIONS
        print(f"year, {PROCESSES} processes x {ITERATIONS} += 1, ideal {ideal}")
        print(f"year without a lock: {years(s, 'none')}")
        unlocked, locked = (lost_year_step_by_step(s, locked=x)[0] for x in (False, True))
        print(f"read, pause, write (two processes): {unlocked} of 2 years added")
        print(f"the same holding a lock:            {locked} of 2 years added")
        print(f"year with a multiprocessing.Lock, Process children: {years(s, 'multiprocessing')}")
        print(f"year with manager.Lock(), Pool tasks: {years(s, 'manager', 'pool')}")
        try:
            years(s, "multiprocessing", "pool")
        except RuntimeError as error:
            print(f"multiprocessing.Lock passed to Pool tasks: RuntimeError: {error}")
        shared, proxied = seconds_per_read(s)
        print(f"one read: shared Value {shared * 1e6:.2f} us, Manager Value {proxied * 1e6:.1f} us")


if __name__ == "__main__":
    entry.run(main)
