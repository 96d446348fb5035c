import re

from hypothesis import given, settings
from hypothesis import strategies as st

from parity.plinq import sum as plinq_sum

from ..conftest import RunConcept


def test_parallel_equals_sequential_and_closed_form(mp_context: plinq_sum.Context) -> None:
    assert plinq_sum.sequential() == plinq_sum.EXPECTED == 499_999_500_000
    assert plinq_sum.parallel(mp_context) == plinq_sum.EXPECTED


@settings(max_examples=200, deadline=None)
@given(count=st.integers(0, 10_000), parts=st.integers(1, 64))
def test_chunks_cover_the_range_exactly_once(count: int, parts: int) -> None:
    chunks = plinq_sum.chunks(count, parts)
    covered = [i for lo, hi in chunks for i in range(lo, hi)]
    assert covered == list(range(count))
    assert len(chunks) <= parts


def test_main_prints_the_sum_and_the_median_times(run_ok: RunConcept) -> None:
    done = run_ok("parity.plinq.sum")
    assert "parallel:   499999500000" in done.stdout
    assert re.search(r"sequential \d+\.\d{3} ms, parallel \(pool started\) \d+\.\d{3} ms", done.stdout)


def test_two_long_items_run_at_the_same_time(mp_context: plinq_sum.Context) -> None:
    assert plinq_sum.long_items_overlap(mp_context)
