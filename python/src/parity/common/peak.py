"""How many are inside a section at once, and the most ever seen: the evidence for every
"at most N at a time" claim (pool workers, max_workers, a semaphore). Counted live (PeakMeter),
or afterwards from when each one started and ended (max_overlap).

Without a context the counters are plain integers behind a threading.Lock (threads, coroutines).
With one, they live in shared memory behind the Value's lock, so processes count together:
pass the meter to pool workers through `initializer`/`initargs` (it travels only while a
process is being started, like the Values inside it).

When the run records a timeline (`--trace`), each stay inside is a span named for the meter, on
the caller's thread or asyncio task, begun and ended under the meter's own lock: the most spans
of that name at one instant in the trace is then exactly the most the meter counted.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from parity.common.mp import Context


@dataclass
class _Plain:
    value: int = 0


def _recorder() -> ModuleType | None:
    """The timeline recorder when this run records one; never even imported otherwise."""
    if "PARITY_TRACE_FILE" not in os.environ:
        return None
    from parity.trace import record

    return record


class PeakMeter:
    def __init__(self, ctx: Context | None = None, name: str = "inside") -> None:
        self.name = name
        self._current: Any
        self._peak: Any
        if ctx is None:
            self._current, self._peak, self._lock = _Plain(), _Plain(), threading.Lock()
        else:
            self._current = ctx.Value("i", 0)
            self._peak = ctx.Value("i", 0, lock=False)  # guarded by the first Value's lock
            self._lock = self._current.get_lock()

    @contextmanager
    def inside(self) -> Iterator[int]:
        """Count the caller as inside for the duration of the block; gives how many are inside
        as it enters, itself included."""
        trace = _recorder()
        with self._lock:
            self._current.value += 1
            now = int(self._current.value)
            self._peak.value = max(self._peak.value, now)
            if trace is not None:
                trace.begin(self.name, "section", tid=trace.track())
        try:
            yield now
        finally:
            with self._lock:
                self._current.value -= 1
                if trace is not None:
                    trace.end(tid=trace.track())

    @property
    def max(self) -> int:
        """The most that were inside at the same moment."""
        with self._lock:
            return int(self._peak.value)


def max_overlap(intervals: list[tuple[float, float]]) -> int:
    """The most intervals open at one instant (an end before a start at the same time)."""
    events = sorted([(start, 1) for start, _ in intervals] + [(end, -1) for _, end in intervals])
    open_now = most = 0
    for _, step in events:
        open_now += step
        most = max(most, open_now)
    return most
