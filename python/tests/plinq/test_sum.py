import re

from parity.common.mp import Context
from parity.plinq import sum as plinq_sum

from ..conftest import RunConcept


def test_parallel_equals_sequential_and_closed_form(mp_context: Context) -> None:
    assert plinq_sum.sequential() == plinq_sum.EXPECTED == 499_999_500_000
    with mp_context.Pool(2) as pool:
        assert plinq_sum.parallel(pool) == plinq_sum.EXPECTED


def test_main_prints_the_sum_and_the_median_times(run_ok: RunConcept) -> None:
    done = run_ok("parity.plinq.sum")
    assert "parallel:   499999500000" in done.stdout
    assert re.search(
        r"sequential \d+\.\d{3} ms, parallel \(pool started\) \d+\.\d{3} ms", done.stdout
    )


def test_two_long_items_run_at_the_same_time(mp_context: Context) -> None:
    assert plinq_sum.long_items_overlap(mp_context)
