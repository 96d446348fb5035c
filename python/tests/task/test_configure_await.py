import asyncio
import threading

from parity.task import configure_await


def _steps() -> dict[str, int]:
    return dict(asyncio.run(configure_await.where_code_runs(0.01)))


def test_every_await_resumes_on_the_loop_thread() -> None:
    steps = _steps()
    loop_thread = threading.get_ident()  # asyncio.run runs its loop on the calling thread
    assert steps["start (the loop thread)"] == loop_thread
    assert steps["after await"] == loop_thread
    assert steps["after await to_thread"] == loop_thread


def test_to_thread_runs_on_a_worker_and_run_coroutine_threadsafe_comes_back_to_the_loop() -> None:
    steps = _steps()
    loop_thread = threading.get_ident()
    assert steps["inside to_thread (a worker)"] != loop_thread
    assert steps["run_coroutine_threadsafe from the worker"] == loop_thread


def test_main_prints_the_threads(run_ok) -> None:  # type: ignore[no-untyped-def]
    result = run_ok("parity.task.configure_await")
    assert result.stdout.count(" thread ") == 5
