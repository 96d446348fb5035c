"""bridge.gil in-process (bridge session)."""

from __future__ import annotations

import os

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


@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="needs two cores to show more than one busy")
def test_plinq_inside_one_method_call_uses_more_than_one_core() -> None:
    # A ratio against the same spin on one thread, best of 3: other load slows both alike.
    best = max(gil.parallel_speedup(BUSY / 2) for _ in range(3))
    assert best > 1.2
