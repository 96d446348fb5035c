"""Force the interleaving that loses an update: A reads and pauses, B runs, then A writes.

A race that depends on timing shows up some runs and not others; with events in between, each
interleaving is run on purpose and each outcome shown every time (shared.race, shared.manager).
"""

from __future__ import annotations

from collections.abc import Callable

from parity.common.mp import Context
from parity.common.process_group import join_all
from parity.common.timing import LONG_TIMEOUT


def interleave(
    ctx: Context,
    target: Callable[..., None],
    args: tuple[object, ...],
    locked: bool,
    blocked_for: float,
) -> bool:
    """Run target(*args, events, pause) in A (pausing after its read) and then in B; A writes last.

    target sets events[0] when it tries, events[1] once it has read, and (when pausing) waits for
    events[2] before it writes. Returns whether B read while A was paused.
    """
    a_events = (ctx.Event(), ctx.Event(), ctx.Event())
    b_events = (ctx.Event(), ctx.Event(), a_events[2])
    a = ctx.Process(target=target, args=(*args, a_events, True))
    b = ctx.Process(target=target, args=(*args, b_events, False))
    b_read_during_pause = False
    try:
        a.start()
        if not a_events[1].wait(LONG_TIMEOUT):
            raise TimeoutError("A never read")
        b.start()
        if not b_events[0].wait(LONG_TIMEOUT):
            raise TimeoutError("B never started")
        # Unlocked, B reads the same value (and writes it plus one) while A pauses; locked, B waits.
        b_read_during_pause = b_events[1].wait(LONG_TIMEOUT if not locked else blocked_for)
    finally:
        a_events[2].set()  # A may go on: it writes what it read, plus one
        join_all([p for p in (a, b) if p.pid is not None], LONG_TIMEOUT)
    return b_read_during_pause
