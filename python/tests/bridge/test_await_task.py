"""bridge.await-task: asyncio awaiting .NET Tasks (bridge session), and the program itself."""

from __future__ import annotations

import asyncio
import re

import pytest

from parity.bridge import await_task
from parity.bridge._net import bridge_types, timespan
from parity.common.timing import SHORT_TIMEOUT
from tests.conftest import RunConcept

# What `await x` says when x is not awaitable: 3.11 to 3.13 "object X can't be used in 'await'
# expression", 3.14 "'X' object can't be awaited".
NOT_AWAITABLE = r"can't be used in 'await' expression|object can't be awaited"


def test_the_not_awaitable_pattern_matches_this_python_and_both_wordings() -> None:
    async def await_a_plain_object() -> object:
        return await object()  # type: ignore[misc]

    with pytest.raises(TypeError, match=NOT_AWAITABLE):
        asyncio.run(await_a_plain_object())
    assert re.search(NOT_AWAITABLE, "object Task can't be used in 'await' expression")
    assert re.search(NOT_AWAITABLE, "'Task' object can't be awaited")
    assert not re.search(NOT_AWAITABLE, "'Task' object is not callable")


@pytest.mark.bridge
def test_a_dotnet_task_is_not_awaitable_by_itself() -> None:
    async def naive() -> object:
        task = bridge_types().AwaitTask.SquareLaterAsync(
            2, timespan(0), await_task.cancellation_source().Token
        )
        return await task

    with pytest.raises(TypeError, match=NOT_AWAITABLE):
        asyncio.run(naive())


@pytest.mark.bridge
def test_the_result_of_a_dotnet_task_is_awaited_while_the_loop_keeps_ticking() -> None:
    result, ticks = asyncio.run(await_task.ticking_while(await_task.square_later(12, 0.3), 0.01))
    assert result == 144
    assert ticks > 0  # the loop ran other coroutines during the .NET wait


@pytest.mark.bridge
def test_a_faulted_task_raises_the_inner_dotnet_exception() -> None:
    from System import InvalidOperationException

    with pytest.raises(InvalidOperationException) as info:
        asyncio.run(await_task.fail_later("the .NET side gave up", 0.01))
    assert info.value.Message == "the .NET side gave up"
    assert type(info.value).__name__ == "InvalidOperationException"


@pytest.mark.bridge
def test_a_task_cancelled_by_dotnet_raises_cancelled_error() -> None:
    with pytest.raises(asyncio.CancelledError):
        asyncio.run(await_task.give_up_after(0.01))


@pytest.mark.bridge
def test_cancelling_the_asyncio_task_cancels_the_dotnet_token() -> None:
    async def scenario() -> tuple[bool, str]:
        source = await_task.cancellation_source()
        task = bridge_types().AwaitTask.SquareLaterAsync(3, timespan(60), source.Token)
        waiting = asyncio.create_task(await_task.await_dotnet(task, source))
        await asyncio.sleep(0.05)
        waiting.cancel()
        with pytest.raises(asyncio.CancelledError):
            await waiting
        status = await asyncio.wait_for(await_task._until_completed(task), timeout=SHORT_TIMEOUT)
        return bool(source.IsCancellationRequested), status

    assert asyncio.run(scenario()) == (True, "Canceled")


@pytest.mark.bridge
def test_an_already_finished_task_is_awaited_too() -> None:
    from System.Threading.Tasks import Task

    assert asyncio.run(await_task.await_dotnet(Task.FromResult[int](5))) == 5


def test_the_program_shows_the_loop_ticking_and_every_outcome(run_ok: RunConcept) -> None:
    result = run_ok("parity.bridge.await_task")
    assert "awaited SquareLaterAsync(12): 144" in result.stdout
    assert "System.InvalidOperationException: the .NET side gave up" in result.stdout
    assert "cancelled by .NET raises asyncio.CancelledError" in result.stdout
    assert "token cancelled True, .NET task Canceled" in result.stdout
