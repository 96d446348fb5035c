import os
import time

import pytest

from parity.common.mp import Context
from parity.common.process_group import close_pool
from parity.common.timing import CLOCK_TICK, SHORT_TIMEOUT, scaled
from parity.ipc import _queue_pool, queue_pool
from parity.ipc import queue_processes as qp

from ..conftest import RunConcept

SUCCESS = (queue_pool.ANSWER, queue_pool.QUESTION)


def test_a_plain_queue_argument_fails_with_runtime_error_in_the_error_callback(
    mp_context: Context,
) -> None:
    errors = queue_pool.with_plain_queue(mp_context)
    assert len(errors) == 2  # both tasks, and neither ever ran
    for error in errors:
        assert type(error) is RuntimeError
        assert (
            str(error)
            == "Queue objects should only be shared between processes through inheritance"
        )


def test_manager_queues_work_as_task_arguments(mp_context: Context) -> None:
    assert queue_pool.with_manager(mp_context) == SUCCESS


def test_queues_given_through_the_initializer_work(mp_context: Context) -> None:
    assert queue_pool.with_initializer(mp_context) == SUCCESS


def test_a_module_global_queue_works_only_under_fork(mp_context: Context) -> None:
    method = mp_context.get_start_method()
    if method == "fork":
        assert queue_pool.with_module_global(mp_context) == SUCCESS
    else:
        # spawn and forkserver: each worker imported the module and made its own queues.
        wait = scaled(6)
        started = time.monotonic()
        assert queue_pool.with_module_global(mp_context, wait) == (None, None)
        assert time.monotonic() - started >= wait - CLOCK_TICK  # a timer may wake a tick early


def test_under_fork_workers_inherit_the_parents_global_elsewhere_each_makes_its_own(
    mp_context: Context,
) -> None:
    queue_pool.module_queues()
    pool = mp_context.Pool(1)
    try:
        worker, maker = pool.apply_async(_queue_pool.who_made_the_queues).get(SHORT_TIMEOUT)
        assert close_pool(pool)
    finally:
        pool.terminate()
    assert worker != os.getpid()
    if mp_context.get_start_method() == "fork":
        assert maker == os.getpid()  # a copy of the parent's queues, made before the fork
    else:
        assert maker == worker  # re-imported module: a new queue, made in the worker itself


def test_a_manager_queue_hands_the_article_talker_its_own_question_at_once(
    mp_context: Context,
) -> None:
    # The article's one-queue retry loop on a Manager queue: put() is synchronous, so the very
    # first empty() check already sees the talker's own question.
    with mp_context.Manager() as manager:
        shared = manager.Queue()
        shared.put(qp.QUESTION)
        attempt = qp.retry_until(lambda: not shared.empty(), qp.article_delays(), _never_sleep)
        assert attempt == 1
        assert shared.get(timeout=5) == qp.QUESTION


def _never_sleep(seconds: float) -> None:
    pytest.fail(f"the first check should have found the message, not slept {seconds} s")


def test_main_shows_the_error_and_the_fixes(run_ok: RunConcept) -> None:
    result = run_ok("parity.ipc.queue_pool")
    out = result.stdout
    assert out.count("error_callback got RuntimeError: Queue objects should only be shared") == 2
    assert f"Manager().Queue(): answerer heard {queue_pool.QUESTION!r}" in out
    assert f"initializer: answerer heard {queue_pool.QUESTION!r}" in out
    assert "module global under" in out
