import os
from concurrent.futures.process import BrokenProcessPool

from parity.common.kill import hard_kill
from parity.common.mp import Context
from parity.common.timing import LONG_TIMEOUT
from parity.fault import worker_killed

from ..conftest import RunConcept


def test_pool_replaces_a_killed_worker_but_never_delivers_its_task(mp_context: Context) -> None:
    out = worker_killed.kill_a_pool_worker(mp_context)
    assert out.killed in out.workers
    assert out.replacement not in out.workers  # a new worker, started after the kill
    assert out.timed_out  # get() would have waited for ever: only its timeout ended the wait
    assert not out.ready_after_timeout


def test_executor_fails_every_future_and_refuses_new_work(mp_context: Context) -> None:
    out = worker_killed.kill_an_executor_worker(mp_context)
    assert len(out.errors) == 3
    for error in out.errors:
        assert isinstance(error, BrokenProcessPool)
        assert str(error) == (
            "A process in the process pool was terminated abruptly while the future was running or"
            " pending."
        )
    assert isinstance(out.submit_error, BrokenProcessPool)
    assert "the process pool is not usable anymore" in str(out.submit_error)


def test_main_shows_both_pools(run_ok: RunConcept) -> None:
    result = run_ok("parity.fault.worker_killed")
    assert "timed out=True, ready()=False" in result.stdout
    assert result.stdout.count("BrokenProcessPool") >= 4


def test_the_lost_task_is_in_no_queue_once_the_replacement_has_run_later_work(
    mp_context: Context,
) -> None:
    """Not decided by a timeout: one worker, killed mid-task; the replacement then runs a task
    submitted after the kill. Pool._maintain_pool only starts a new worker (Lib/multiprocessing/
    pool.py), so the lost task is in no queue, yet its job stays in the cache: nothing will ever
    set it, and the worker handler keeps running while the cache is not empty."""
    events, writer = mp_context.Pipe(duplex=False)
    with mp_context.Pool(1, initializer=worker_killed.announce, initargs=(writer,)) as pool:
        worker_killed.expect(events, "started")
        lost = pool.apply_async(worker_killed.doomed)
        victim = worker_killed.expect(events, "running")
        hard_kill(victim)
        replacement = worker_killed.expect(events, "started")
        later = pool.apply_async(os.getpid)
        assert later.get(timeout=LONG_TIMEOUT) == replacement  # the queue is past the lost task
        assert not events.poll(0)  # the replacement never started the lost task
        assert not pool._inqueue._reader.poll(0)  # type: ignore[attr-defined]  # nothing queued
        assert not lost.ready()
        assert list(pool._cache) == [lost._job]  # type: ignore[attr-defined]  # still awaited
