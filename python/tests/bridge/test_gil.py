"""bridge.gil in-process (bridge session)."""

from __future__ import annotations

import pytest

from parity.bridge import gil

pytestmark = pytest.mark.bridge

BUSY = 0.4


def test_a_python_thread_keeps_running_during_a_long_plinq_method_call() -> None:
    seen = gil.observe(lambda: gil.busy_all_cores(BUSY))
    assert seen.wall >= BUSY
    assert seen.python_iterations > 0


def test_a_property_getter_holds_the_gil_for_its_whole_duration() -> None:
    seen = gil.observe(gil.busy_property(BUSY))
    assert seen.wall >= BUSY
    # the Python thread cannot take a single step while the getter spins
    assert seen.longest_pause >= BUSY * 0.95


def test_plinq_runs_its_partitions_at_the_same_time_on_different_threads() -> None:
    # Forced, not measured: each partition waits until the others are inside too, so the query
    # completes only if PLINQ runs them side by side (how much faster that is: the benchmarks).
    assert gil.partitions_meeting(2) == 2
    # more partitions than this machine's 2 cores, still together
    assert gil.partitions_meeting(4) == 4
