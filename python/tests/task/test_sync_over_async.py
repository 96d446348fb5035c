import asyncio
import time

import pytest

from parity.common.timing import CLOCK_TICK
from parity.task import sync_over_async


def test_asyncio_run_inside_a_running_loop_raises_runtime_error() -> None:
    assert asyncio.run(sync_over_async.nested_asyncio_run()) == (
        "RuntimeError: asyncio.run() cannot be called from a running event loop"
    )


def test_run_until_complete_on_the_running_loop_raises_runtime_error() -> None:
    assert asyncio.run(sync_over_async.nested_run_until_complete()) == (
        "RuntimeError: This event loop is already running"
    )


def test_blocking_the_loop_on_its_own_coroutine_deadlocks_until_the_timeout() -> None:
    started = time.perf_counter()
    # However long we wait, the coroutine cannot run while its only thread is blocked.
    blocked, later = asyncio.run(sync_over_async.block_the_loop(0.01, 0.3))
    assert blocked == "TimeoutError (deadlock)"
    assert time.perf_counter() - started >= 0.3 - CLOCK_TICK
    assert later == "done"  # released once the loop runs again


def test_the_futures_timeout_is_the_builtin_timeout_error() -> None:
    import concurrent.futures

    assert concurrent.futures.TimeoutError is TimeoutError  # 3.11+


def test_awaiting_instead_of_blocking_works() -> None:
    assert asyncio.run(sync_over_async.library_call(0.01)) == "done"


def test_a_forgotten_failing_task_reaches_only_the_loop_exception_handler() -> None:
    reported = asyncio.run(sync_over_async.fire_and_forget(0.01))
    assert reported == [
        "Task exception was never retrieved: RuntimeError('fire-and-forget failed')"
    ]


def test_a_coroutine_called_without_await_never_runs() -> None:
    ran: list[str] = []

    async def work() -> None:
        ran.append("ran")

    with pytest.warns(RuntimeWarning, match="coroutine .*work' was never awaited"):
        work()  # type: ignore[unused-coroutine]  # dropped at once: CPython warns right here
    assert ran == []


def test_main_shows_every_case(run_ok) -> None:  # type: ignore[no-untyped-def]
    result = run_ok("parity.task.sync_over_async", args=("-W", "error::RuntimeWarning"))
    out = result.stdout
    assert "asyncio.run() cannot be called from a running event loop" in out
    assert "This event loop is already running" in out
    assert "TimeoutError (deadlock); awaited afterwards: 'done'" in out
    assert "Task exception was never retrieved" in out
    assert "Traceback" not in result.stderr
