import multiprocessing
from typing import Any, Literal

import pytest

from parity.common.mp import Context
from parity.common.process_group import run_all
from parity.common.timing import LONG_TIMEOUT
from parity.shared import race

from ..conftest import RunConcept

# Enough work that the lined-up children overlap for a long while: loss is then all but certain,
# but the test only asserts what cannot be otherwise (never more than the ideal).
MANY = 20_000


def test_unlocked_total_never_exceeds_the_ideal(mp_context: Context) -> None:
    total = race.count(mp_context, "unlocked", iterations=MANY)
    assert 0 < total <= race.PROCESSES * MANY


def test_lost_update_step_by_step_loses_one_increment(mp_context: Context) -> None:
    total, b_read_during_pause = race.lost_update_step_by_step(mp_context, locked=False)
    assert b_read_during_pause  # B read the same 0 that A had read ...
    assert total == 1  # ... so two increments left 1: the Value's lock did not make += atomic


def test_holding_the_lock_across_read_and_write_keeps_both(mp_context: Context) -> None:
    total, b_read_during_pause = race.lost_update_step_by_step(mp_context, locked=True)
    assert not b_read_during_pause  # B was kept out while A held the lock
    assert total == 2


@pytest.mark.parametrize("how", ["get_lock", "acquire"])
def test_locked_total_is_exact(mp_context: Context, how: Literal["get_lock", "acquire"]) -> None:
    assert race.count(mp_context, how, iterations=2_000) == race.PROCESSES * 2_000


def test_children_that_do_not_overlap_lose_nothing(mp_context: Context) -> None:
    # The loss needs overlap: the article's 2153 is one machine's amount of overlap, not a constant.
    value = mp_context.Value("i", 0)
    for _ in range(race.PROCESSES):  # each child starts after the previous one ended
        child = mp_context.Process(target=race.add_unlocked, args=(value, race.ITERATIONS, None))
        run_all([child], LONG_TIMEOUT)
    assert value.value == race.PROCESSES * race.ITERATIONS


def test_value_lock_is_a_recursive_lock(mp_context: Context) -> None:
    value = mp_context.Value("i", 7)
    lock = value.get_lock()
    assert type(lock).__name__ == "RLock"
    with lock, lock:  # re-entrant: the same process may take it twice
        assert value.value == 7  # and a single read inside still works (same owner)


def test_releasing_a_lock_not_acquired_raises() -> None:
    # Why the release belongs in a finally after a successful acquire(), not after `if acquire():`.
    value = multiprocessing.get_context("spawn").Value("i", 0)
    with pytest.raises(AssertionError, match="attempt to release recursive lock not owned"):
        value.release()


def test_module_runs_with_the_article_numbers(run_ok: RunConcept) -> None:
    result = run_ok("parity.shared.race")
    assert "with value.get_lock():                 5000" in result.stdout
    assert "with acquire() ... release():          5000" in result.stdout
    assert "read, pause, write (two processes):    1 of 2" in result.stdout


def test_lock_false_gives_the_raw_ctypes_object(mp_context: Context) -> None:
    raw = mp_context.Value("i", 0, lock=False)
    assert type(raw).__name__ == "c_int"  # no wrapper, no get_lock(): synchronise it yourself
    assert not hasattr(raw, "get_lock")


def test_a_lock_without_acquire_is_refused() -> None:
    not_a_lock: Any = object()  # what typeshed rightly refuses: the point of the test
    with pytest.raises(AttributeError, match="has no method 'acquire'"):
        multiprocessing.Value("i", 0, lock=not_a_lock)
    with pytest.raises(AttributeError, match="has no method 'acquire'"):
        multiprocessing.Array("i", 3, lock=not_a_lock)
