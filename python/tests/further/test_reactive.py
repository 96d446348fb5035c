import asyncio
import importlib.util
from collections.abc import AsyncIterator

import pytest

from parity.further import _reactive, reactive


def test_a_cold_source_runs_once_per_consumer_and_a_hot_one_once_for_all() -> None:
    first, second, runs, early, late = asyncio.run(reactive.cold_and_hot())
    assert (first, second, runs) == ([1, 2, 3], [1, 2, 3], 2)
    assert (early, late) == ([1, 2, 3], [3])  # the late subscriber missed 1 and 2


def test_buffer_groups_by_count_and_flushes_the_rest() -> None:
    async def run() -> list[list[int]]:
        return [chunk async for chunk in reactive.buffer(_reactive.stream(list(range(1, 8))), 3)]

    assert asyncio.run(run()) == [[1, 2, 3], [4, 5, 6], [7]]


BURST: list[_reactive.Timed] = [
    (0, 1),
    (100, 2),
    (200, 3),
    (800, 4),
    (900, 5),
    (1500, _reactive.END),
]


def test_debounce_and_sample_emit_at_the_same_virtual_times_as_rx() -> None:
    async def run() -> tuple[str, str]:
        debounced = [e async for e in reactive.debounce(_reactive.timed(BURST), 300)]
        sampled = [e async for e in reactive.sample(_reactive.timed(BURST), 500)]
        return _reactive.show(debounced), _reactive.show(sampled)

    # The same strings the .NET side's Throttle and Sample produce on a HistoricalScheduler.
    assert asyncio.run(run()) == ("3@500 5@1200 completed@1500", "3@500 5@1000 completed@1500")


def test_debounce_flushes_a_pending_value_on_completion() -> None:
    async def run() -> str:
        return _reactive.show(
            [
                e
                async for e in reactive.debounce(
                    _reactive.timed([(0, 1), (100, _reactive.END)]), 300
                )
            ]
        )

    assert asyncio.run(run()) == "1@100 completed@100"


def test_merge_ends_when_every_source_ends() -> None:
    async def run() -> list[int]:
        return [v async for v in reactive.merge(_reactive.stream([1]), _reactive.stream([10, 20]))]

    assert sorted(asyncio.run(run())) == [1, 10, 20]


def test_merge_fails_at_the_first_error_and_delivers_nothing_after() -> None:
    async def run() -> list[int]:
        got: list[int] = []
        release = asyncio.Event()

        async def slow() -> AsyncIterator[int]:
            await release.wait()  # never set: only the error can end this merge
            yield 99

        async def drain() -> None:
            async for value in reactive.merge(slow(), _reactive.stream([10], fail_after=True)):
                got.append(value)

        with pytest.raises(RuntimeError, match="b failed"):
            await drain()
        return got

    assert asyncio.run(asyncio.wait_for(run(), 10)) == [10]


def test_reactivex_is_not_installed_and_not_needed() -> None:
    assert importlib.util.find_spec("reactivex") is None
    assert importlib.util.find_spec("rx") is None


def test_main_runs(run_ok) -> None:  # type: ignore[no-untyped-def]
    result = run_ok("parity.further.reactive")
    assert "merge, b fails: [1, 10] then error: b failed" in result.stdout
