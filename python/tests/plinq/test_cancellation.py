import threading
from concurrent.futures import ThreadPoolExecutor, wait

from parity.common.mp import Context
from parity.common.timing import scaled
from parity.plinq import cancellation

from ..conftest import RunConcept


def test_terminate_kills_running_jobs_before_they_finish(mp_context: Context) -> None:
    # Jobs of 100 article seconds: far longer than the test could wait.
    outcome = cancellation.terminate_pool(mp_context, jobs=6, workers=2, job_seconds=100.0)
    assert outcome.completed == 0
    assert outcome.cancelled == 6


def test_shutdown_cancels_queued_futures_and_lets_running_ones_finish(mp_context: Context) -> None:
    outcome = cancellation.shutdown_executor(mp_context, jobs=8, workers=2, job_seconds=100.0)
    assert outcome.completed + outcome.cancelled == 8
    # The two running jobs finish, and so do the calls already in the executor's call queue:
    # it holds max_workers + 1 (= 3) calls waiting behind the running ones.
    assert 2 <= outcome.completed <= 2 + 3
    assert outcome.cancelled >= 8 - 5


def test_main_reports_both_stops(run_ok: RunConcept) -> None:
    done = run_ok("parity.plinq.cancellation")
    assert "Pool.terminate(): 0 of 10 jobs finished, 10 never will" in done.stdout
    assert "queued jobs cancelled" in done.stdout


def test_wait_does_not_wake_for_a_future_cancelled_by_shutdown() -> None:
    release = threading.Event()
    executor = ThreadPoolExecutor(max_workers=1)
    try:
        executor.submit(release.wait, 10)
        queued = executor.submit(int)
        executor.shutdown(wait=False, cancel_futures=True)
        assert queued.cancelled()
        assert queued.done()
        # ...yet wait() does not count it as done: it is cancelled but never "notified".
        done, not_done = wait([queued], timeout=scaled(1.0))
        assert (done, not_done) == (set(), {queued})
    finally:
        release.set()
        executor.shutdown(wait=True)
