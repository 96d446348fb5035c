import asyncio
from concurrent.futures import ProcessPoolExecutor

import pytest

from parity.common.mp import Context
from parity.further import dataflow
from parity.paths import ROOT


def test_the_pipeline_runs_every_item_through_a_process_pool(mp_context: Context) -> None:
    results: list[int] = []

    async def run() -> None:
        with ProcessPoolExecutor(max_workers=2, mp_context=mp_context) as pool:
            stage = dataflow.in_processes(pool, dataflow.sum_of_squares)
            await asyncio.wait_for(
                dataflow.pipeline(range(1, 9), stage, results.append, workers=2, capacity=2), 60
            )

    asyncio.run(run())
    assert sorted(results) == [dataflow.sum_of_squares(n) for n in range(1, 9)]


async def _settle() -> None:
    for _ in range(20):  # let every runnable task run until all of them wait
        await asyncio.sleep(0)


def test_a_full_stage_makes_the_producer_wait() -> None:
    async def run() -> list[int]:
        gate, started = asyncio.Event(), asyncio.Event()
        sent: list[int] = []

        async def held(item: int) -> int:
            started.set()
            await gate.wait()
            return item

        task = asyncio.create_task(
            dataflow.pipeline(range(1, 9), held, lambda _: None, workers=1, capacity=1, sent=sent)
        )
        await asyncio.wait_for(started.wait(), 10)
        await _settle()
        waiting = list(sent)
        gate.set()
        await asyncio.wait_for(task, 10)
        assert sent == list(range(1, 9))
        return waiting

    # item 1 in the worker, item 2 in the one-slot queue; the put of item 3 waits
    assert asyncio.run(run()) == [1, 2]


def test_workers_cap_the_items_in_flight() -> None:
    async def run() -> tuple[int, int]:
        gate = asyncio.Event()
        in_flight = peak = 0

        async def held(item: int) -> int:
            nonlocal in_flight, peak
            in_flight += 1
            peak = max(peak, in_flight)
            await gate.wait()
            in_flight -= 1
            return item

        task = asyncio.create_task(
            dataflow.pipeline(range(6), held, lambda _: None, workers=2, capacity=10)
        )
        await _settle()
        held_at_once = in_flight
        gate.set()
        await asyncio.wait_for(task, 10)
        return held_at_once, peak

    assert asyncio.run(run()) == (2, 2)


def test_several_workers_hand_results_on_in_finishing_order() -> None:
    async def run() -> list[int]:
        order: list[int] = []
        second_done = asyncio.Event()

        async def slow_first(item: int) -> int:
            if item == 1:
                await second_done.wait()  # item 1 finishes only after item 2 reached the sink
            return item

        def sink(item: int) -> None:
            order.append(item)
            if item == 2:
                second_done.set()

        await asyncio.wait_for(
            dataflow.pipeline([1, 2], slow_first, sink, workers=2, capacity=2), 10
        )
        return order

    assert asyncio.run(run()) == [2, 1]  # a TransformBlock would give [1, 2]


def test_one_failing_item_cancels_the_whole_pipeline() -> None:
    seen: list[int] = []
    sent: list[int] = []
    with pytest.raises(ExceptionGroup) as caught:
        asyncio.run(
            asyncio.wait_for(
                dataflow.pipeline(
                    range(1, 9), dataflow.failing, seen.append, workers=1, capacity=2, sent=sent
                ),
                10,
            )
        )
    (error,) = caught.value.exceptions
    assert isinstance(error, ValueError)
    assert str(error) == "item 3 is bad"
    assert seen == [10, 20][: len(seen)]  # what got through came before the bad item, in order
    assert 3 in sent
    assert sent != list(range(1, 9))  # the producer was stopped midway


@pytest.mark.parametrize(
    "library",
    [
        "System.Threading.Tasks.Dataflow",
        "System.Reactive",
        "System.Collections.Immutable",
        "System.Threading.RateLimiting",
    ],
)
def test_no_article_chapter_uses_the_closing_sections_libraries(library: str) -> None:
    sources = (ROOT / "dotnet" / "src" / "Parity.Examples").rglob("*.cs")
    using = sorted(
        str(p.relative_to(ROOT))
        for p in sources
        if p.parent.name != "Further" and library in p.read_text()
    )
    assert using == []


def test_main_runs(run_ok) -> None:  # type: ignore[no-untyped-def]
    result = run_ok("parity.further.dataflow")
    assert "ExceptionGroup of [\"ValueError('item 3 is bad')\"]" in result.stdout
    assert "[1, 5, 14, 30, 55, 91, 140, 204]" in result.stdout
