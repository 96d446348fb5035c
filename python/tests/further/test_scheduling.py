import asyncio
import threading
from concurrent.futures import Future, ThreadPoolExecutor

from parity.common.timing import LONG_TIMEOUT
from parity.further import scheduling


def test_a_thread_pool_runs_at_most_max_workers_at_once() -> None:
    assert scheduling.peak_in_pool(2, 8, patience=0.3) == 2
    # each submit starts a thread until max_workers
    assert scheduling.peak_in_pool(8, 8, patience=0) == 8


def test_a_full_thread_pool_starts_no_thread_past_max_workers_and_queues_the_rest() -> None:
    # Decided by structure, not by a wait: with both workers held, the pool has two threads
    # (Lib/concurrent/futures/thread.py, _adjust_thread_count) and the other six jobs wait in
    # its queue, however long one looks.
    gate, running = threading.Event(), threading.Semaphore(0)

    def job() -> None:
        running.release()
        gate.wait(LONG_TIMEOUT)

    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = [pool.submit(job) for _ in range(8)]
        assert running.acquire(timeout=LONG_TIMEOUT)
        assert running.acquire(timeout=LONG_TIMEOUT)
        threads = len(pool._threads)
        waiting = pool._work_queue.qsize()
        gate.set()
        for future in futures:
            future.result(LONG_TIMEOUT)
    assert (threads, waiting) == (2, 6)


def test_a_dedicated_thread_is_not_a_pool_worker() -> None:
    assert scheduling.own_thread_or_pool() == ("pool_0", "long-running")


def test_the_demo_reports_a_timeout_when_a_job_waits_for_its_own_queue() -> None:
    # What the demo prints; the evidence that it starves is the ordering test at the end.
    assert scheduling.one_worker_waits_for_itself(0.2) == "TimeoutError (starved)"


def test_sync_code_on_the_loop_blocks_every_coroutine() -> None:
    # Decided by order, not by the wait: however long the blocking call waited, the coroutine it
    # waits for runs only after it returns. The test below is the same code with the call moved
    # off the loop, where the order flips, so this check can fail.
    order = asyncio.run(scheduling.blocked_loop(0, offload=False))
    assert order == ["the blocking call returned", "the coroutine ran"]


def test_run_in_executor_keeps_the_loop_free() -> None:
    order = asyncio.run(scheduling.blocked_loop(LONG_TIMEOUT, offload=True))
    assert order == ["the coroutine ran", "the blocking call returned"]


def test_main_runs(run_ok) -> None:  # type: ignore[no-untyped-def]
    result = run_ok("parity.further.scheduling")
    assert "at most 2 at once" in result.stdout


def test_the_job_queued_behind_runs_only_once_the_only_worker_is_free() -> None:
    """Starvation without a timeout: ThreadPoolExecutor starts a thread on submit only below
    max_workers (Lib/concurrent/futures/thread.py, _adjust_thread_count), so the job that the
    only worker queues gets no thread of its own and runs on that worker after it returns."""
    order: list[str] = []
    with ThreadPoolExecutor(max_workers=1) as pool:

        def run_inner() -> int:
            order.append("inner runs")
            return threading.get_ident()

        def outer() -> tuple[int, int, Future[int]]:
            inner = pool.submit(run_inner)
            threads = len(pool._threads)
            order.append("outer ends")
            return threads, threading.get_ident(), inner

        threads, outer_thread, inner = pool.submit(outer).result(LONG_TIMEOUT)
        inner_thread = inner.result(LONG_TIMEOUT)
    assert threads == 1  # no second thread was started for the queued job
    assert order == ["outer ends", "inner runs"]  # it ran only after the job waiting for it ended
    assert inner_thread == outer_thread  # on the one worker
