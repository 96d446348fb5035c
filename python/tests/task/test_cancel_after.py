import asyncio
import time

import pytest

from parity.common.timing import CLOCK_TICK, SHORT_TIMEOUT, scaled
from parity.task import cancel_after


@pytest.mark.parametrize("run", [cancel_after.with_time_limit, cancel_after.with_wait_for])
def test_a_3_s_limit_on_a_5_s_operation_times_out_after_about_3_s(run) -> None:  # type: ignore[no-untyped-def]
    log: list[str] = []
    assert asyncio.run(run(scaled(3), scaled(5), log)) == "timed out"
    assert log == ["operation saw CancelledError"]  # the limit reached into the operation
    # Not before the limit (less one clock tick); "timed out" shows the 5 s operation did not
    # finish.
    started = time.perf_counter()
    assert asyncio.run(run(scaled(3), 5.0, [])) == "timed out"
    assert time.perf_counter() - started >= scaled(3) - CLOCK_TICK


def test_an_operation_within_the_limit_returns_its_result() -> None:
    assert asyncio.run(cancel_after.with_time_limit(scaled(5), scaled(1), [])) == "ok"


def test_the_timeout_reaches_the_caller_as_the_builtin_timeout_error() -> None:
    async def bare() -> str:
        async with asyncio.timeout(0.01):
            return await cancel_after.do_something(10, [])

    with pytest.raises(TimeoutError):
        asyncio.run(bare())
    assert asyncio.TimeoutError is TimeoutError  # 3.11+; before, a separate class


def test_an_outside_cancel_stays_a_cancelled_error_not_a_timeout() -> None:
    async def scenario() -> None:
        log: list[str] = []
        task = asyncio.create_task(cancel_after.with_time_limit(10, 20, log))
        await asyncio.sleep(0.01)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await asyncio.wait_for(task, timeout=SHORT_TIMEOUT)
        assert log == ["operation saw CancelledError"]

    asyncio.run(scenario())


def test_main_times_out_both_ways(run_ok) -> None:  # type: ignore[no-untyped-def]
    result = run_ok("parity.task.cancel_after")
    assert result.stdout.count("'timed out'") == 2
    assert "asyncio.TimeoutError is TimeoutError: True" in result.stdout
