"""How `invoke run-all` paces its runs on a few cores: the heavy ones one per core, first.

A few runs use most of the CPU (a Redis queue with four workers, a dask cluster, a CLR loaded
twice), while the rest start a process, print and end. With eight runs at a time sharing two
cores evenly, a heavy run got a quarter of a core and took two to three times as long as alone.
So a run that used HEAVY_CPU seconds of CPU last time is heavy: at most one heavy run per core
goes at a time. A light run that took under SHORT_RUN seconds has time to spare, and yields to
the heavy ones (nice LIGHT_NICE, also for its session's autogroup: Linux shares the CPU between
sessions first, then between the processes of each); a longer one, which mostly waits, keeps
its priority, since each of its wake-ups would wait too. Where no CPU figure is known (Windows,
a first run) nothing is heavy and every run goes as before.
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Generic, TypeVar

from parity.common.timing import POLL_INTERVAL

HEAVY_CPU = 0.4  # CPU seconds last time: a run that needs this much is heavy
SHORT_RUN = 1.0  # seconds last time: a light run this short has time to spare, and yields
LIGHT_NICE = 5  # a yielding run's priority next to a heavy one's (0): 1/3 of its share of a core

T = TypeVar("T")


def heavy_at_once(cores: int | None = os.cpu_count()) -> int:
    """How many heavy runs go at a time: one per core."""
    return max(1, cores or 1)


@dataclass(frozen=True)
class Plan:
    """Which runs ("id language") are heavy, and which yield the CPU to them."""

    heavy: frozenset[str] = frozenset()
    yielding: frozenset[str] = frozenset()


AS_BEFORE = Plan()  # nothing heavy, nothing yielding


def plan(cpu: dict[str, float], seconds: dict[str, float]) -> Plan:
    """The plan from last time's CPU seconds and durations; nothing heavy, nothing changed."""
    heavy = frozenset(key for key, used in cpu.items() if used >= HEAVY_CPU)
    if not heavy:
        return AS_BEFORE
    short = (key for key in cpu if key not in heavy and seconds.get(key, SHORT_RUN) < SHORT_RUN)
    return Plan(heavy, frozenset(short))


class Queue(Generic[T]):
    """The runs not started yet, handed out in their order, but never more than `at_once` heavy
    ones running: when the next run is heavy and that many are out, a light one goes first."""

    def __init__(self, items: list[tuple[T, bool]], at_once: int) -> None:
        self._waiting = list(enumerate(items))  # (position, (item, heavy?))
        self._at_once = at_once
        self._heavy_out = 0
        self._changed = threading.Condition()

    def take(self, stopping: threading.Event) -> tuple[int, T, bool] | None:
        """The next run that may start (position, item, heavy?); None once none is left or
        `stopping` is set. Waits while only heavy runs are left and enough of them are out."""
        with self._changed:
            while self._waiting and not stopping.is_set():
                for at, (position, (item, heavy)) in enumerate(self._waiting):
                    if not heavy or self._heavy_out < self._at_once:
                        del self._waiting[at]
                        self._heavy_out += heavy
                        return position, item, heavy
                self._changed.wait(POLL_INTERVAL)  # a slice, so `stopping` is seen
            return None

    def done(self, heavy: bool) -> None:
        """A run handed out by take() has ended."""
        with self._changed:
            self._heavy_out -= heavy
            self._changed.notify_all()


# Windows' priority class (subprocess names it only there): a yielding run starts in it.
BELOW_NORMAL_PRIORITY_CLASS = 0x00004000


def creationflags(yielding: bool) -> int:
    """Windows: a yielding run's process starts at below-normal priority."""
    return BELOW_NORMAL_PRIORITY_CLASS if sys.platform == "win32" and yielding else 0


def yield_to_heavy(pid: int) -> None:
    """POSIX: a yielding run, the leader of its own session and group, and whatever it starts,
    yield to the heavy runs: nice for the group, and on Linux for the session's autogroup (the
    unit the scheduler shares the CPU by when autogroups are on). Best effort: a run that has
    already ended, or a system without autogroups, just keeps its priority."""
    if sys.platform == "win32":
        return  # creationflags() did it
    with contextlib.suppress(OSError):
        os.setpriority(os.PRIO_PGRP, pid, LIGHT_NICE)
    with contextlib.suppress(OSError):
        Path(f"/proc/{pid}/autogroup").write_text(f"{LIGHT_NICE}\n", encoding="ascii")
