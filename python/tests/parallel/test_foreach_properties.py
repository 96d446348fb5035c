"""Properties of parallel.foreach's overlap count, checked by hypothesis (where it installs)."""

import pytest

from parity.common.peak import max_overlap

from ..conftest import NO_WHEEL

pytest.importorskip("hypothesis", reason=NO_WHEEL.format("hypothesis"))

from hypothesis import given
from hypothesis import strategies as st


@given(st.lists(st.tuples(st.floats(0, 100), st.floats(0.001, 10)), max_size=20))
def test_max_overlap_matches_a_brute_force_count(spans: list[tuple[float, float]]) -> None:
    intervals = [(start, start + length) for start, length in spans]
    brute = max(
        (sum(1 for s, e in intervals if s <= t < e) for t, _ in intervals),
        default=0,
    )
    assert max_overlap(intervals) == brute
