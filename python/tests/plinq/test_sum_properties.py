"""Properties of plinq.sum's chunking, checked by hypothesis (where it installs)."""

import pytest

from parity.plinq import sum as plinq_sum

from ..conftest import NO_WHEEL

pytest.importorskip("hypothesis", reason=NO_WHEEL.format("hypothesis"))

from hypothesis import given, settings
from hypothesis import strategies as st


@settings(max_examples=200, deadline=None)
@given(count=st.integers(0, 10_000), parts=st.integers(1, 64))
def test_chunks_cover_the_range_exactly_once(count: int, parts: int) -> None:
    chunks = plinq_sum.chunks(count, parts)
    covered = [i for lo, hi in chunks for i in range(lo, hi)]
    assert covered == list(range(count))
    assert len(chunks) <= parts
