"""shared.race: five processes add 1 to a shared Value; without a lock, updates are lost.

A `Value` has a lock, but it only guards each single read and each single write.
`value.value += 1` is a read, then a write: two processes can both read 41 and both write 42,
and one increment is gone. Holding the Value's own lock across the read and the write
(`with value.get_lock():`, or acquire() ... release()) makes the increment whole again.

How much is lost depends on how long the children really run at the same time. With the
article's 1,000 increments a child is done in about a millisecond, so under spawn or
forkserver (slow to start) they barely overlap and the total is often 5,000 anyway; here a
barrier lines them up first, so the race is actually run.
"""

from __future__ import annotations

from collections.abc import Callable
from multiprocessing.sharedctypes import Synchronized
from multiprocessing.synchronize import Barrier, Event
from typing import Literal

from parity.common import entry
from parity.common.interleave import interleave
from parity.common.mp import Context, context
from parity.common.process_group import run_all
from parity.common.timing import LONG_TIMEOUT, SHORT_TIMEOUT

PROCESSES = 5
ITERATIONS = 1000  # the article's numbers: 5 x 1000 = 5000


def _line_up(barrier: Barrier | None) -> None:
    if barrier is not None:
        barrier.wait(LONG_TIMEOUT)  # every child starts its loop at the same moment


# <unlocked>
def add_unlocked(value: Synchronized[int], iterations: int, barrier: Barrier | None) -> None:
    _line_up(barrier)
    for _ in range(iterations):
        value.value += 1  # locked read, then locked write: not one atomic step


# </unlocked>


# <locked>
def add_with_lock(value: Synchronized[int], iterations: int, barrier: Barrier | None) -> None:
    _line_up(barrier)
    for _ in range(iterations):
        with value.get_lock():  # the Value's own RLock, held across read and write
            value.value += 1


def add_acquire_release(value: Synchronized[int], iterations: int, barrier: Barrier | None) -> None:
    """The article's "acquire() then release()" form, with a timeout and a finally."""
    _line_up(barrier)
    for _ in range(iterations):
        if not value.acquire(True, SHORT_TIMEOUT):  # block, at most SHORT_TIMEOUT s
            raise TimeoutError("the Value's lock was not free within the timeout")
        try:
            value.value += 1
        finally:
            value.release()  # only after a successful acquire: releasing an unheld RLock raises


# </locked>

Adding = Literal["unlocked", "get_lock", "acquire"]
ADDERS: dict[Adding, Callable[..., None]] = {
    "unlocked": add_unlocked,
    "get_lock": add_with_lock,
    "acquire": add_acquire_release,
}


# <run>
def count(
    ctx: Context,
    how: Adding,
    processes: int = PROCESSES,
    iterations: int = ITERATIONS,
    *,
    start_together: bool = True,
) -> int:
    """`processes` children each add 1 `iterations` times to one shared int; the final total."""
    value = ctx.Value("i", 0)
    barrier = ctx.Barrier(processes) if start_together else None
    children = [
        ctx.Process(target=ADDERS[how], args=(value, iterations, barrier)) for _ in range(processes)
    ]
    run_all(children, LONG_TIMEOUT)
    if any(c.exitcode != 0 for c in children):
        raise RuntimeError(f"a child failed: exit codes {[c.exitcode for c in children]}")
    return int(value.value)


# </run>


# <step-by-step>
def _read_pause_write(
    value: Synchronized[int], locked: bool, events: tuple[Event, ...], pause: bool
) -> None:
    """`value.value += 1` split in its two halves, with a pause between them."""
    trying, have_read, go_on = events
    lock = value.get_lock()
    trying.set()
    if locked and not lock.acquire(timeout=SHORT_TIMEOUT):
        raise TimeoutError("lock not acquired")
    try:
        seen = value.value  # the read half
        have_read.set()
        if pause and not go_on.wait(LONG_TIMEOUT):
            raise TimeoutError("never told to go on")
        value.value = seen + 1  # the write half
    finally:
        if locked:
            lock.release()


def lost_update_step_by_step(
    ctx: Context, locked: bool, blocked_for: float = 0.2
) -> tuple[int, bool]:
    """A reads and pauses; B tries to increment; A writes. Return (total, B read in A's pause)."""
    value = ctx.Value("i", 0)
    b_read_during_pause = interleave(ctx, _read_pause_write, (value, locked), locked, blocked_for)
    return int(value.value), b_read_during_pause


# </step-by-step>


def main() -> None:
    ctx = context()
    ideal = PROCESSES * ITERATIONS
    print(f"{PROCESSES} processes x {ITERATIONS} increments, ideal total {ideal}")
    print(f"unlocked, as the article runs it:      {count(ctx, 'unlocked', start_together=False)}")
    print(f"unlocked, children lined up:           {count(ctx, 'unlocked')}")
    print(f"with value.get_lock():                 {count(ctx, 'get_lock')}")
    print(f"with acquire() ... release():          {count(ctx, 'acquire')}")
    unsafe, safe = (lost_update_step_by_step(ctx, locked)[0] for locked in (False, True))
    print(f"read, pause, write (two processes):    {unsafe} of 2")
    print(f"the same holding the lock:             {safe} of 2")


if __name__ == "__main__":
    entry.run(main)
