import asyncio

from parity.since import async_enumerable

from ..conftest import RunConcept


def test_the_query_filters_and_projects_the_stream() -> None:
    log: list[str] = []
    assert asyncio.run(async_enumerable.even_squares(10, log)) == [0, 4, 16, 36, 64]
    assert log == ["closed"]  # run to the end, the generator finished


def test_leaving_a_bare_async_for_leaves_the_generator_open() -> None:
    assert asyncio.run(async_enumerable.leave_early(close=False)) == (4, False)


def test_aclosing_closes_the_generator_when_the_loop_is_left() -> None:
    assert asyncio.run(async_enumerable.leave_early(close=True)) == (4, True)


def test_main_runs(run_module: RunConcept) -> None:
    result = run_module("parity.since.async_enumerable")
    assert result.returncode == 0, result.stderr
    assert "bare async for: left at 4, generator closed on leaving: False" in result.stdout
    assert "with aclosing: left at 4, generator closed on leaving: True" in result.stdout
