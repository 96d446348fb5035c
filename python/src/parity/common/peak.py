"""How many are inside a section at once, and the most ever seen: the evidence for every
"at most N at a time" claim (pool workers, max_workers, a semaphore). Counted live (PeakMeter),
or afterwards from when each one started and ended (max_overlap).

Without a context the counters are plain integers behind a threading.Lock (threads, coroutines).
With one, they live in shared memory behind the Value's lock, so processes count together:
pass the meter to pool workers through `initializer`/`initargs` (it travels only while a
process is being started, like the Values inside it).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from parity.common.mp import Context


@dataclass
class _Plain:
    value: int = 0


class PeakMeter:
    def __init__(self, ctx: Context | None = None) -> None:
        self._current: Any
        self._peak: Any
        if ctx is None:
            self._current, self._peak, self._lock = _Plain(), _Plain(), threading.Lock()
        else:
            self._current = ctx.Value("i", 0)
            self._peak = ctx.Value("i", 0, lock=False)  # guarded by the first Value's lock
            self._lock = self._current.get_lock()

    @contextmanager
    def inside(self) -> Iterator[None]:
        """Count the caller as inside for the duration of the block."""
        with self._lock:
            self._current.value += 1
            self._peak.value = max(self._peak.value, self._current.value)
        try:
            yield
        finally:
            with self._lock:
                self._current.value -= 1

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
