import asyncio

from parity.further import scheduling


def test_a_thread_pool_runs_at_most_max_workers_at_once() -> None:
    assert scheduling.peak_in_pool(2, 8, patience=0.3) == 2
    assert scheduling.peak_in_pool(8, 8, patience=0) == 8  # each submit starts a thread until max_workers


def test_a_dedicated_thread_is_not_a_pool_worker() -> None:
    assert scheduling.own_thread_or_pool() == ("pool_0", "long-running")


def test_a_one_worker_pool_starves_a_job_waiting_for_its_own_queue() -> None:
    assert scheduling.one_worker_waits_for_itself(0.2) == "TimeoutError (starved)"


def test_sync_code_on_the_loop_blocks_every_coroutine() -> None:
    # However long the blocking call waits, the coroutine that would release it cannot run.
    assert asyncio.run(scheduling.blocked_loop(0.2, offload=False)) == "timed out: the loop was blocked"


def test_run_in_executor_keeps_the_loop_free() -> None:
    assert asyncio.run(scheduling.blocked_loop(30, offload=True)) == "the loop ran meanwhile"


def test_main_runs(run_ok) -> None:  # type: ignore[no-untyped-def]
    result = run_ok("parity.further.scheduling")
    assert "at most 2 at once" in result.stdout
