import multiprocessing
import pickle

import pytest

from parity.common.mp import Context
from parity.common.process_group import close_pool
from parity.common.timing import SHORT_TIMEOUT, scaled
from parity.ipc import pipe_pool

from ..conftest import RunConcept


def test_two_workers_let_the_tasks_converse(mp_context: Context) -> None:
    # The Connection objects travel to the workers as task arguments under every start method.
    heard_by_asker, heard_by_answerer = pipe_pool.converse(
        mp_context, workers=2, timeout=SHORT_TIMEOUT
    )
    assert heard_by_answerer == pipe_pool.INVITE
    assert heard_by_asker == pipe_pool.DECLINE


def test_one_worker_deadlocks_and_the_timeout_catches_it(mp_context: Context) -> None:
    end1, end2 = mp_context.Pipe()
    pool = mp_context.Pool(1)
    try:
        first = pool.apply_async(pipe_pool.asker, (end1, SHORT_TIMEOUT))
        second = pool.apply_async(pipe_pool.answerer, (end2, SHORT_TIMEOUT))
        with pytest.raises(multiprocessing.TimeoutError):
            first.get(scaled(2))
        # The asker did run: its invitation sits in the pipe, unread, because the answerer
        # is still queued behind it for the only worker.
        assert end2.poll(SHORT_TIMEOUT)
        assert not first.ready()
        assert not second.ready()
    finally:
        pool.terminate()
        end1.close()
        end2.close()


def test_pool_get_timeout_is_not_the_builtin_timeout_error() -> None:
    assert issubclass(multiprocessing.TimeoutError, multiprocessing.ProcessError)
    assert not issubclass(multiprocessing.TimeoutError, TimeoutError)


def test_converse_with_one_worker_raises_and_leaves_no_worker(mp_context: Context) -> None:
    with pytest.raises(multiprocessing.TimeoutError):
        pipe_pool.converse(mp_context, workers=1, timeout=scaled(2))
    # The autouse leak check fails this test if the stuck worker survived.


def _worker_is_daemon() -> bool:
    return multiprocessing.current_process().daemon


def test_pool_workers_are_daemons(mp_context: Context) -> None:
    pool = mp_context.Pool(1)
    try:
        assert pool.apply_async(_worker_is_daemon).get(SHORT_TIMEOUT) is True
    finally:
        assert close_pool(pool)


def test_main_shows_the_conversation_and_the_deadlock(run_ok: RunConcept) -> None:
    result = run_ok("parity.ipc.pipe_pool")
    assert pipe_pool.INVITE in result.stdout
    assert pipe_pool.DECLINE in result.stdout
    assert "with one worker: no answer within" in result.stdout


def test_a_pool_cannot_be_handed_to_another_process(mp_context: Context) -> None:
    pool = mp_context.Pool(1)
    try:
        message = r"^pool objects cannot be passed between processes or pickled$"
        with pytest.raises(NotImplementedError, match=message):
            pickle.dumps(pool)
    finally:
        assert close_pool(pool)
