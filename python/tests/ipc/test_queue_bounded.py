from __future__ import annotations

import multiprocessing
import queue
import re
import sys
import threading
import time
from multiprocessing import queues, synchronize
from multiprocessing.queues import Queue

import pytest

from parity.common.mp import Context
from parity.common.timing import CLOCK_TICK, SHORT_TIMEOUT, scaled
from parity.ipc import queue_bounded

from ..conftest import RunConcept

UNKNOWN = "unknown (qsize() raises NotImplementedError here)"


def _drain(q: Queue[object], capsys: pytest.CaptureFixture[str]) -> list[tuple[str, str]]:
    """Drain q with the lesson's drain(): (the message's repr, what was left) from each line."""
    capsys.readouterr()
    queue_bounded.drain(q)
    lines = capsys.readouterr().out.splitlines()
    found = [re.fullmatch(r"got (.*); (.*) left", line) for line in lines]
    assert all(found), lines
    return [(m[1], m[2]) for m in found if m]


def test_a_fourth_put_raises_full_after_the_timeout_and_put_nowait_at_once(
    mp_context: Context, capsys: pytest.CaptureFixture[str]
) -> None:
    wait = scaled(2)
    started = time.monotonic()
    q = queue_bounded.fill(mp_context, wait)
    log = capsys.readouterr().out.splitlines()
    try:
        assert time.monotonic() - started >= wait - CLOCK_TICK  # a timer may wake a tick early
        assert log[0].startswith(f"put(timeout={wait:.2f}) raised Full")
        assert log[1].startswith("put_nowait() raised Full")
        assert q.full()
        assert [m for m, _ in _drain(q, capsys)] == [repr(m) for m in queue_bounded.MESSAGES]
        assert q.empty()
    finally:
        q.close()
        q.join_thread()


def test_put_nowait_on_a_full_queue_does_not_wait(mp_context: Context) -> None:
    q = mp_context.Queue(1)
    try:
        q.put("only")
        with pytest.raises(queue.Full):  # at once: put_nowait is put(block=False)
            q.put_nowait("second")
    finally:
        q.close()
        q.join_thread()


def test_qsize_counts_what_is_left_while_draining(
    mp_context: Context, capsys: pytest.CaptureFixture[str]
) -> None:
    q = queue_bounded.fill(mp_context, scaled(2))
    try:
        if _qsize_works():
            assert q.qsize() == 3
            assert [left for _, left in _drain(q, capsys)] == ["2", "1", "0"]
        else:  # macOS
            with pytest.raises(NotImplementedError):
                q.qsize()
            assert [left for _, left in _drain(q, capsys)] == [UNKNOWN] * 3
    finally:
        q.close()
        q.join_thread()


def test_where_qsize_raises_the_drain_says_unknown(
    mp_context: Context, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(queues.Queue, "qsize", _qsize_not_implemented)
    q = queue_bounded.fill(mp_context, scaled(2))
    log = capsys.readouterr().out.splitlines()
    try:
        assert log[1] == f"put_nowait() raised Full: {UNKNOWN} messages, full()=True"
        expected = [(repr(m), UNKNOWN) for m in queue_bounded.MESSAGES]
        assert _drain(q, capsys) == expected
    finally:
        q.close()
        q.join_thread()


def test_full_is_queue_full_a_bare_exception_subclass() -> None:
    assert queues.Full is queue.Full  # type: ignore[attr-defined]  # imported there, not exported
    assert queue.Full.__bases__ == (Exception,)


def test_catching_exception_would_report_a_closed_queue_as_full(mp_context: Context) -> None:
    q = mp_context.Queue(3)
    q.close()
    # Python 3.8+ raises ValueError here (the article's source shows an assert).
    with pytest.raises(ValueError, match=r"^Queue .* is closed$") as caught:
        q.put("late")
    assert not isinstance(caught.value, queue.Full)  # `except Exception` would swallow it anyway


def test_a_blocked_put_resumes_as_soon_as_a_slot_frees(mp_context: Context) -> None:
    q = mp_context.Queue(1)
    q.put("first")
    done = threading.Event()

    def put_second() -> None:
        q.put("second", timeout=SHORT_TIMEOUT)
        done.set()

    putter = threading.Thread(target=put_second, daemon=True)
    putter.start()
    try:
        assert not done.wait(scaled(2))  # still blocked: the queue is full
        assert q.get(timeout=SHORT_TIMEOUT) == "first"
        assert done.wait(SHORT_TIMEOUT)
        assert q.get(timeout=SHORT_TIMEOUT) == "second"
    finally:
        putter.join(SHORT_TIMEOUT)
        q.close()
        q.join_thread()


def _qsize_works() -> bool:
    """False where the platform cannot read a semaphore's value (macOS)."""
    q: Queue[object] = multiprocessing.get_context().Queue()
    try:
        q.qsize()
    except NotImplementedError:
        return False
    finally:
        q.close()
    return True


def test_main_prints_the_log_and_the_drain(run_ok: RunConcept) -> None:
    result = run_ok("parity.ipc.queue_bounded")
    counted = _qsize_works()
    left = "0 left" if counted else f"{UNKNOWN} left"
    held = "3" if counted else UNKNOWN
    assert f"raised Full: {held} messages, full()=True" in result.stdout
    assert f"got {{1, 2, 3, 4}}; {left}" in result.stdout
    assert "empty()=True, full()=False" in result.stdout


def _qsize_not_implemented(self: Queue[object]) -> int:
    raise NotImplementedError  # what macOS's Queue.qsize() does: sem_getvalue() is missing there


@pytest.mark.skipif(
    sys.platform == "win32",
    reason="forces macOS from another POSIX: a Windows queue has no write lock",
)
def test_on_macos_the_log_and_the_drain_say_the_size_is_unknown(
    mp_context: Context, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # The macOS branch, forced here: qsize() raises.
    monkeypatch.setattr(queues.Queue, "qsize", _qsize_not_implemented)
    monkeypatch.setattr(queue_bounded, "context", lambda: mp_context)
    queue_bounded.main()
    out = capsys.readouterr().out
    assert f"raised Full: {UNKNOWN} messages, full()=True" in out
    assert f"got {{1, 2, 3, 4}}; {UNKNOWN} left" in out
    assert out.count(UNKNOWN) == 5  # both failed puts and all three gets say why
    assert not _qsize_works()  # the patch reached every Queue, as macOS's missing call does


def test_a_queue_without_maxsize_is_capped_by_the_semaphore_maximum(mp_context: Context) -> None:
    q = mp_context.Queue()
    try:
        # _maxsize is private (the article reads it too); SEM_VALUE_MAX is the platform's limit.
        assert q._maxsize == synchronize.SEM_VALUE_MAX  # type: ignore[attr-defined]
    finally:
        q.close()


def test_put_hands_the_object_to_a_feeder_thread(mp_context: Context) -> None:
    q = mp_context.Queue()
    try:
        before = set(threading.enumerate())
        q.put("x")  # returns at once; a background thread writes it to the pipe
        assert [t.name for t in set(threading.enumerate()) - before] == ["QueueFeederThread"]
        assert q.get(timeout=SHORT_TIMEOUT) == "x"
    finally:
        q.close()
        q.join_thread()


def test_get_with_a_timeout_and_get_nowait_raise_empty(mp_context: Context) -> None:
    q = mp_context.Queue()
    with pytest.raises(queue.Empty):
        q.get(timeout=0.05)  # waits that long, then gives up
    with pytest.raises(queue.Empty):
        q.get_nowait()  # get(False): gives up at once
    q.close()
    q.join_thread()


def test_the_write_lock_exists_except_on_windows(mp_context: Context) -> None:
    q = mp_context.Queue()
    # Windows writes to its pipe with overlapped I/O and needs no lock; POSIX puts take one.
    if sys.platform == "win32":
        assert q._wlock is None  # type: ignore[attr-defined]
    else:
        assert isinstance(q._wlock, synchronize.Lock)  # type: ignore[attr-defined]
    assert isinstance(q._rlock, synchronize.Lock)  # type: ignore[attr-defined]
    q.close()
    q.join_thread()
