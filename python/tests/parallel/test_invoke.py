import asyncio
import gc
import threading
import time
import warnings
from concurrent.futures import CancelledError

import pytest

from parity.common.timing import SHORT_TIMEOUT, scaled
from parity.parallel import invoke

from ..conftest import RunConcept


async def _wait_for(gate: asyncio.Event) -> str:
    await asyncio.wait_for(gate.wait(), 10)
    return "done"


def test_executor_given_async_functions_returns_unrun_coroutines_and_warns() -> None:
    ran: list[int] = []

    async def work() -> None:
        ran.append(1)  # never reached: the coroutine is never awaited

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        kinds = invoke.invoke_discarding(work, work)
        gc.collect()
    assert kinds == ["coroutine", "coroutine"]
    assert ran == []
    messages = [str(w.message) for w in caught if issubclass(w.category, RuntimeWarning)]
    assert any("was never awaited" in m for m in messages), messages


def test_gather_waits_for_every_coroutine() -> None:
    async def scenario() -> tuple[bool, list[object]]:
        gate = asyncio.Event()
        both = asyncio.ensure_future(
            invoke.gather(lambda: _wait_for(gate), lambda: _wait_for(gate))
        )
        await asyncio.sleep(0)
        pending = not both.done()
        gate.set()
        return pending, await asyncio.wait_for(both, 10)

    pending, results = asyncio.run(scenario())
    assert pending
    assert results == ["done", "done"]


def test_invoke_runs_blocking_functions_at_the_same_time() -> None:
    barrier = threading.Barrier(3)

    def meet() -> int:
        return barrier.wait(timeout=SHORT_TIMEOUT)

    # Three functions that wait for each other can only return if all three run at once.
    assert sorted(invoke.invoke(meet, meet, meet)) == [0, 1, 2]  # type: ignore[type-var]


def test_invoke_takes_as_long_as_the_longest() -> None:
    longest = scaled(3)
    start = time.perf_counter()

    def slow() -> int:
        time.sleep(longest)
        return 1

    assert invoke.invoke(slow, lambda: 2) == [1, 2]
    assert time.perf_counter() - start >= longest * 0.95


def test_invoke_with_a_set_event_runs_nothing() -> None:
    cancel = threading.Event()
    cancel.set()
    ran: list[int] = []
    with pytest.raises(CancelledError, match="cancelled before any function started"):
        invoke.invoke(lambda: ran.append(1), cancel=cancel)
    assert ran == []


def test_main_shows_the_trap(run_ok: RunConcept) -> None:
    done = run_ok("parity.parallel.invoke")
    assert "got ['coroutine', 'coroutine']" in done.stdout
    assert "was never awaited" in done.stderr
    assert "cancelled event: CancelledError: cancelled before any function started" in done.stdout
