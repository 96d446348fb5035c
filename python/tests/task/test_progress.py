import asyncio
import threading

from parity.task import progress

ALL = [20, 40, 60, 80, 100]


def test_a_callback_gets_every_report_in_order_before_the_call_returns() -> None:
    events: list[object] = []

    async def scenario() -> None:
        await progress.download_pages(5, 0, events.append)
        events.append("returned")

    asyncio.run(scenario())
    assert events == [*ALL, "returned"]


def test_reports_from_a_worker_thread_are_shown_on_the_loop_in_order_before_return() -> None:
    threads: set[int] = set()
    events: list[object] = []

    def show(value: int) -> None:
        threads.add(threading.get_ident())
        events.append(value)

    async def scenario() -> int:
        pages = await progress.download_in_thread(5, 0, show)  # bursts, no pauses
        events.append("returned")
        return pages

    assert asyncio.run(scenario()) == 5
    assert events == [*ALL, "returned"]
    assert threads == {threading.get_ident()}  # asyncio.run's loop runs on this thread


def test_main_shows_every_report(run_ok) -> None:  # type: ignore[no-untyped-def]
    result = run_ok("parity.task.progress")
    assert "reports [20, 40, 60, 80, 100]" in result.stdout
    assert result.stdout.count("on the loop thread: True") == 5
    assert "5 reports shown before the call returned" in result.stdout
