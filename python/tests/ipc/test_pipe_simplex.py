import time

import pytest

from parity.common.mp import Context
from parity.common.timing import CLOCK_TICK, scaled
from parity.ipc import pipe_simplex

from ..conftest import RunConcept


def test_the_first_end_reads_and_the_second_writes(mp_context: Context) -> None:
    assert pipe_simplex.receive(mp_context) == pipe_simplex.MESSAGE


def test_using_an_end_the_wrong_way_raises_oserror(mp_context: Context) -> None:
    assert pipe_simplex.misuse(mp_context) == [
        "OSError: connection is read-only",
        "OSError: connection is write-only",
    ]
    reader, writer = mp_context.Pipe(duplex=False)
    try:
        assert reader.readable
        assert not reader.writable
        assert writer.writable
        assert not writer.readable
        with pytest.raises(OSError, match=r"^connection is read-only$"):
            reader.send("x")
    finally:
        reader.close()
        writer.close()


def test_receiving_before_start_finds_nothing_then_start_delivers(mp_context: Context) -> None:
    wait = scaled(1)
    started = time.monotonic()
    arrived_early, message = pipe_simplex.receive_before_start(mp_context, wait)
    assert arrived_early is False  # a plain recv() here would have blocked forever
    assert time.monotonic() - started >= wait - CLOCK_TICK  # a timer may wake a tick early
    assert message == pipe_simplex.MESSAGE


def test_a_silent_child_gives_eof_only_when_the_parent_closed_its_write_end(
    mp_context: Context,
) -> None:
    assert pipe_simplex.after_silent_child(mp_context, close_writer=True, wait=10) == "eof"
    # The child is dead, yet the parent's own write end keeps the pipe open: recv() would hang.
    assert (
        pipe_simplex.after_silent_child(mp_context, close_writer=False, wait=scaled(1)) == "nothing"
    )


def test_main_shows_every_case(run_ok: RunConcept) -> None:
    result = run_ok("parity.ipc.pipe_simplex")
    out = result.stdout
    assert "anything within" in out
    assert "? False; after start(): [child]" in out
    assert "wrong direction: OSError: connection is read-only" in out
    assert "parent closed its write end: eof" in out
    assert "parent kept its write end: nothing" in out
