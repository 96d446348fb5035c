from concurrent.futures.process import BrokenProcessPool

from parity.common.mp import Context
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
            "A process in the process pool was terminated abruptly while the future was running or pending."
        )
    assert isinstance(out.submit_error, BrokenProcessPool)
    assert "the process pool is not usable anymore" in str(out.submit_error)


def test_main_shows_both_pools(run_ok: RunConcept) -> None:
    result = run_ok("parity.fault.worker_killed")
    assert "timed out=True, ready()=False" in result.stdout
    assert result.stdout.count("BrokenProcessPool") >= 4
