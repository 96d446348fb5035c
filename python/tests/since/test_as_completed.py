import asyncio
import sys

import pytest

from parity.common.timing import SHORT_TIMEOUT
from parity.since import as_completed

from ..conftest import RunConcept


async def finish_in(order: list[str]) -> list[tuple[str | None, str]]:
    """Jobs that end exactly in `order`: each waits for the one before it."""
    done = {name: asyncio.Event() for name in order}

    async def job(name: str) -> str:
        i = order.index(name)
        if i:
            await done[order[i - 1]].wait()
        # let the previous job's result be collected before this one ends
        await asyncio.sleep(0)
        done[name].set()
        return name

    return await as_completed.in_finish_order({name: job(name) for name in sorted(order)})


def test_results_come_in_finishing_order_not_submission_order() -> None:
    order = ["c", "a", "b"]
    done = asyncio.run(asyncio.wait_for(finish_in(order), SHORT_TIMEOUT))
    assert [result for _, result in done] == order


@pytest.mark.skipif(sys.version_info < (3, 13), reason="async for over the tasks needs 3.13")
def test_since_313_async_for_yields_the_original_tasks() -> None:
    done = asyncio.run(asyncio.wait_for(finish_in(["b", "a"]), SHORT_TIMEOUT))
    assert done == [("b", "b"), ("a", "a")]  # the task's own name: it is the task we made


@pytest.mark.skipif(sys.version_info >= (3, 13), reason="the fallback of Pythons before 3.13")
def test_before_313_the_yielded_awaitables_are_not_the_tasks() -> None:
    async def run() -> bool:
        task = asyncio.ensure_future(asyncio.sleep(0, "x"))
        (first,) = list(asyncio.as_completed([task]))
        same = first is task
        await first
        return same

    assert not asyncio.run(run())
    done = asyncio.run(asyncio.wait_for(finish_in(["b", "a"]), SHORT_TIMEOUT))
    assert done == [(None, "b"), (None, "a")]


def test_main_runs(run_module: RunConcept) -> None:
    result = run_module("parity.since.as_completed")
    assert result.returncode == 0, result.stderr
    names = [line.split(":")[0] for line in result.stdout.splitlines() if line.startswith("task")]
    expected = "task fast" if sys.version_info >= (3, 13) else "task (unknown)"
    assert names[0] == expected
    assert len(names) == 3
