"""The shared helpers in parity.common: process groups and the peak meter."""

from __future__ import annotations

import threading
from multiprocessing.synchronize import Barrier

import pytest

from parity.common.measure import median_seconds
from parity.common.mp import Context
from parity.common.peak import PeakMeter
from parity.common.process_group import run_all
from parity.common.timing import LONG_TIMEOUT, SHORT_TIMEOUT


def _meet(barrier: Barrier) -> None:
    barrier.wait()


def test_a_failed_start_kills_the_started_ones_and_raises_the_real_error(
    mp_context: Context,
) -> None:
    # The first child waits for the second at a barrier; the second never starts. The start's
    # own error must come out at once, not a TimeoutError after the first waited in vain.
    barrier = mp_context.Barrier(2, timeout=LONG_TIMEOUT)
    first = mp_context.Process(target=_meet, args=(barrier,))
    second = mp_context.Process(target=_meet, args=(barrier,))

    def refuse() -> None:
        raise OSError("no more processes")

    second.start = refuse  # type: ignore[method-assign]
    with pytest.raises(OSError, match="no more processes"):
        run_all([first, second], timeout=LONG_TIMEOUT)
    assert not first.is_alive()
    assert first.exitcode is not None


def test_the_peak_meter_counts_those_inside_at_the_same_moment() -> None:
    meter = PeakMeter()
    together = threading.Barrier(3, timeout=SHORT_TIMEOUT)

    def body() -> None:
        with meter.inside():
            together.wait()  # all three are inside here at once

    threads = [threading.Thread(target=body) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(SHORT_TIMEOUT)
    assert meter.max == 3
    assert PeakMeter().max == 0
    alone = PeakMeter()
    for _ in range(4):  # one after another: never more than one inside
        with alone.inside():
            pass
    assert alone.max == 1


def test_median_seconds_times_the_call_and_rejects_zero_runs() -> None:
    calls: list[int] = []
    assert median_seconds(lambda: calls.append(1), runs=3) >= 0
    assert len(calls) == 4  # one warm-up, three timed
    with pytest.raises(ValueError, match="runs must be at least 1, got 0"):
        median_seconds(lambda: None, runs=0)
