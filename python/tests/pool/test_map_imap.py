import multiprocessing
import os
import threading
import time
from collections.abc import Iterator
from multiprocessing.synchronize import Event

import psutil
import pytest

from parity.common.mp import Context
from parity.common.timing import SHORT_TIMEOUT
from parity.pool import map_imap

from ..conftest import RunConcept

SQUARES = [x * x for x in range(10)]

_gate: Event
_second_done: Event


def _install(gate: Event, second_done: Event) -> None:
    global _gate, _second_done
    _gate, _second_done = gate, second_done


def _held_first(x: int) -> int:
    """Item 0 waits for the test's gate; item 1 finishes at once and says so."""
    if x == 0:
        if not _gate.wait(SHORT_TIMEOUT):
            raise TimeoutError("gate never opened")
    else:
        _second_done.set()
    return x


def test_the_articles_sequence(mp_context: Context) -> None:
    seen = map_imap.map_and_imap(mp_context)
    assert seen["apply_async"] == 100
    assert seen["map"] == SQUARES  # a list, in input order
    assert seen["imap type"] == "IMapIterator"
    assert [seen["imap first"], *seen["imap rest"]] == SQUARES  # type: ignore[misc]
    assert sorted(seen["imap_unordered"]) == SQUARES  # type: ignore[call-overload]


@pytest.mark.parametrize("ordered", [True, False], ids=["imap", "imap_unordered"])
def test_imap_waits_for_item_zero_while_imap_unordered_does_not(
    mp_context: Context, ordered: bool
) -> None:
    gate, second_done = mp_context.Event(), mp_context.Event()
    with mp_context.Pool(2, initializer=_install, initargs=(gate, second_done)) as pool:
        results = (pool.imap if ordered else pool.imap_unordered)(_held_first, [0, 1], chunksize=1)
        assert second_done.wait(SHORT_TIMEOUT)  # item 1 is finished; item 0 is still held
        if ordered:
            with pytest.raises(multiprocessing.TimeoutError):
                results.next(timeout=0.1)  # item 1 is there, but imap owes item 0 first
            gate.set()
            assert [results.next(timeout=SHORT_TIMEOUT) for _ in range(2)] == [0, 1]
        else:
            assert results.next(timeout=SHORT_TIMEOUT) == 1  # whatever finished first
            gate.set()
            assert results.next(timeout=SHORT_TIMEOUT) == 0


def test_imap_reads_the_whole_input_before_anyone_iterates(mp_context: Context) -> None:
    exhausted = threading.Event()

    def numbers() -> Iterator[int]:
        yield from range(1000)
        exhausted.set()

    with mp_context.Pool(1) as pool:
        results = pool.imap(map_imap.square, numbers())
        # the task thread consumed every input; nobody asked for a result
        assert exhausted.wait(SHORT_TIMEOUT)
        assert results.next(timeout=SHORT_TIMEOUT) == 0


def test_leaving_the_with_block_terminates_instead_of_joining(mp_context: Context) -> None:
    with mp_context.Pool(1) as pool:
        worker = pool.apply(os.getpid)
        pending = pool.apply_async(time.sleep, (SHORT_TIMEOUT,))
    # __exit__ called terminate(): the sleeping task was killed, its result will never come.
    assert not pending.ready()
    assert not psutil.pid_exists(worker) or psutil.Process(worker).status() == psutil.STATUS_ZOMBIE


def test_run_module_prints_the_squares(run_ok: RunConcept) -> None:
    result = run_ok("parity.pool.map_imap")
    assert f"map:            {SQUARES}" in result.stdout
    assert "imap type:      IMapIterator" in result.stdout
