from collections import Counter

from parity.common.mp import Context
from parity.plinq import select

from ..conftest import RunConcept

SQUARES_IN_SOURCE_ORDER = [1, 4, 9, 16, 25, 49, 64, 81]
ARTICLES_NORMAL_OUTPUT = [1, 4, 9, 25, 64, 16, 49, 81]


def test_sequential_keeps_source_order_not_the_articles_order() -> None:
    result = select.sequential(select.ARTICLE_LIST)
    assert result == SQUARES_IN_SOURCE_ORDER
    assert result != ARTICLES_NORMAL_OUTPUT


def test_unordered_is_a_permutation_of_the_squares(mp_context: Context) -> None:
    values = list(range(-50, 150))
    result = select.unordered(mp_context, values)
    # Same multiset (negative and positive numbers give duplicate squares).
    assert Counter(result) == Counter(x * x for x in values)


def test_ordered_equals_the_sequence_exactly(mp_context: Context) -> None:
    values = list(range(-50, 150))
    assert select.ordered(mp_context, values) == [x * x for x in values]


def test_main_prints_the_ordered_results(run_ok: RunConcept) -> None:
    done = run_ok("parity.plinq.select")
    assert "sequential:          1, 4, 9, 16, 25, 49, 64, 81" in done.stdout
    assert "imap (ordered):      1, 4, 9, 16, 25, 49, 64, 81" in done.stdout
