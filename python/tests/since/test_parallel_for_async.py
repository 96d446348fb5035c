import asyncio

import pytest

from parity.common.timing import SHORT_TIMEOUT
from parity.since.parallel_for_async import for_async

from ..conftest import RunConcept


def test_at_most_limit_bodies_run_at_once_and_every_index_runs_once() -> None:
    async def run() -> tuple[int, list[int]]:
        running, peak, seen = 0, 0, []
        full = asyncio.Event()

        async def body(i: int) -> None:
            nonlocal running, peak
            running += 1
            peak = max(peak, running)
            if running == 3:
                full.set()
            await full.wait()  # nobody leaves before three are inside together
            await asyncio.sleep(0)
            seen.append(i)
            running -= 1

        await asyncio.wait_for(for_async(count=10, limit=3, body=body), SHORT_TIMEOUT)
        return peak, seen

    peak, seen = asyncio.run(run())
    assert peak == 3
    assert sorted(seen) == list(range(10))


def test_the_first_exception_cancels_the_bodies_still_running() -> None:
    async def run() -> list[int]:
        cancelled: list[int] = []
        started = asyncio.Event()

        async def body(i: int) -> None:
            if i == 0:
                await started.wait()
                raise ValueError("body 0 failed")
            try:
                started.set()
                await asyncio.Event().wait()  # would wait for ever
            except asyncio.CancelledError:
                cancelled.append(i)
                raise

        with pytest.raises(ExceptionGroup) as caught:
            await asyncio.wait_for(for_async(count=3, limit=3, body=body), SHORT_TIMEOUT)
        assert caught.group_contains(ValueError, match="body 0 failed")
        return cancelled

    assert sorted(asyncio.run(run())) == [1, 2]


def test_main_runs(run_module: RunConcept) -> None:
    result = run_module("parity.since.parallel_for_async")
    assert result.returncode == 0, result.stderr
    assert "10 finished, at most 3 at once" in result.stdout
