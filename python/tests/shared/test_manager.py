from collections.abc import Iterator
from typing import Any

import pytest

from parity.common.mp import Context
from parity.shared import _manager, manager

from ..conftest import START_METHODS, RunConcept


@pytest.fixture
def s(mp_context: Context) -> Iterator[_manager.Setup]:
    with _manager.setup(mp_context) as ready:
        yield ready


WRITES = [(1, "1"), ("2", 2), (0.25, None)]
FINAL_DICT = dict(WRITES)
REVERSED = list(range(9, -1, -1))


def test_as_the_article_the_reader_sees_any_stage_of_the_writer(s: _manager.Setup) -> None:
    (seen_d, seen_l), (final_d, final_l) = manager.as_the_article(s)
    # The reader may run before, during or after the writer: it sees a prefix of the writes
    # and the list either way round. No cross-check between the two: the reader copies the
    # dict and then the list in two round trips, and the writer may finish in between.
    assert list(seen_d.items()) == WRITES[: len(seen_d)]
    assert seen_l in (list(range(10)), REVERSED)
    assert final_d == FINAL_DICT
    assert final_l == REVERSED


def test_the_reader_can_run_before_the_writer(s: _manager.Setup) -> None:
    assert _manager.reader_first(s, manager.write, manager.read) == ({}, list(range(10)))


def test_waiting_for_the_writer_first_gives_the_articles_output(s: _manager.Setup) -> None:
    assert manager.in_order(s) == (FINAL_DICT, REVERSED)


IDEAL_YEAR = manager.START_YEAR + manager.PROCESSES * manager.ITERATIONS


def test_unlocked_year_never_exceeds_the_ideal(s: _manager.Setup) -> None:
    assert manager.START_YEAR < manager.years(s, "none") <= IDEAL_YEAR


def test_multiprocessing_lock_with_process_children_is_exact(s: _manager.Setup) -> None:
    assert manager.years(s, "multiprocessing", "process") == IDEAL_YEAR


def test_manager_lock_with_pool_tasks_is_exact(s: _manager.Setup) -> None:
    assert manager.years(s, "manager", "pool") == IDEAL_YEAR


def test_multiprocessing_lock_cannot_be_passed_to_pool_tasks(s: _manager.Setup) -> None:
    with pytest.raises(
        RuntimeError,
        match="Lock objects should only be shared between processes through inheritance",
    ):
        manager.years(s, "multiprocessing", "pool")


def test_manager_offers_the_listed_types(s: _manager.Setup) -> None:
    m = s.manager
    made: dict[str, Any] = {  # proxies: typeshed knows some of their methods, not all
        "list": m.list([1]),
        "dict": m.dict(a=1),
        "Namespace": m.Namespace(x=1),  # type: ignore[call-arg]  # typeshed: no attributes
        "Lock": m.Lock(),
        "RLock": m.RLock(),
        "Semaphore": m.Semaphore(2),
        "BoundedSemaphore": m.BoundedSemaphore(2),
        "Condition": m.Condition(),
        "Event": m.Event(),
        "Barrier": m.Barrier(1),
        "Queue": m.Queue(),
    }
    assert made["list"][0] == made["dict"]["a"] == made["Namespace"].x == 1
    assert made["Lock"].acquire(timeout=5)
    made["Lock"].release()
    made["Queue"].put("x")
    assert made["Queue"].get(timeout=5) == "x"
    assert made["Barrier"].wait(timeout=5) == 0


def test_a_manager_round_trip_is_much_slower_than_shared_memory(s: _manager.Setup) -> None:
    shared, proxied = _manager.seconds_per_read(s)
    # Typically 100x or more (a socket round trip against a lock and a load); 5x leaves room for
    # load.
    assert proxied > 5 * shared


def test_module_runs(run_ok: RunConcept) -> None:
    result = run_ok("parity.shared.manager", start_method=START_METHODS[0])
    assert f"[in order] reader saw {FINAL_DICT} {REVERSED}" in result.stdout
    assert "[reader first] reader saw {} [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]" in result.stdout
    assert f"year with manager.Lock(), Pool tasks: {IDEAL_YEAR}" in result.stdout


def test_unlocked_year_loses_an_update_step_by_step(s: _manager.Setup) -> None:
    added, b_read_during_pause = manager.lost_year_step_by_step(s, locked=False)
    assert b_read_during_pause  # B read the year A had read and not yet written back ...
    assert added == 1  # ... so two += 1 added one year: each proxy call is whole, += is two calls


def test_a_lock_around_the_year_keeps_both_updates(s: _manager.Setup) -> None:
    added, b_read_during_pause = manager.lost_year_step_by_step(s, locked=True)
    assert not b_read_during_pause  # B waited for A's lock
    assert added == 2
