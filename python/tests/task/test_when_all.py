import asyncio
import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager

from parity.common.http import HttpError, LoopbackServer, Reply, serve
from parity.common.timing import SHORT_TIMEOUT
from parity.task import when_all

DELAYS = (0.3, 0.1, 0.2)


def _server() -> AbstractContextManager[LoopbackServer]:
    return serve(lambda path, _n: Reply(200, path, delay=float(path.rsplit("/", 1)[-1])))


def test_download_all_returns_pages_in_input_order() -> None:
    with _server() as server:
        urls = [server.url(f"/d/{d}") for d in DELAYS]
        pages = asyncio.run(when_all.download_all(urls))
    assert pages == [f"/d/{d}" for d in DELAYS]


def test_batch_downloads_are_all_in_flight_at_the_same_time() -> None:
    # Each request is answered only once all three have arrived: downloaded one after another,
    # the first would wait for the others forever (here: until the barrier breaks).
    together = threading.Barrier(len(DELAYS), timeout=SHORT_TIMEOUT)

    def handler(path: str, _n: int) -> Reply:
        together.wait()
        return Reply(200, path)

    with serve(handler) as server:
        pages = asyncio.run(when_all.download_all([server.url(f"/d/{d}") for d in DELAYS]))
    assert pages == [f"/d/{d}" for d in DELAYS]


# Input order: a 500, a 404, a 200; the gated server answers the 404 at once and the others
# only when the test releases them, so "the 404 fails first" holds whatever the machine's load.
FAILING = ("/500/0", "/404/0", "/200/0")


@contextmanager
def _gated_server() -> Iterator[tuple[LoopbackServer, threading.Event]]:
    release = threading.Event()

    def handler(path: str, _n: int) -> Reply:
        status = int(path.split("/")[1])
        if status != 404:
            release.wait(timeout=SHORT_TIMEOUT)
        return Reply(status, f"{status} after 0")

    with serve(handler) as server:
        try:
            yield server, release
        finally:
            release.set()


def test_gather_raises_the_first_failure_in_time_and_leaves_the_rest_running() -> None:
    async def scenario(urls: list[str]) -> tuple[int, list[bool], list[bool]]:
        error, tasks = await when_all.gather_first_error(urls)
        running = [not t.done() for t in tasks]
        release.set()
        await asyncio.wait_for(
            asyncio.gather(*tasks, return_exceptions=True), timeout=SHORT_TIMEOUT
        )
        return error.status, running, [t.cancelled() for t in tasks]

    with _gated_server() as (server, release):
        status, running, cancelled = asyncio.run(scenario([server.url(p) for p in FAILING]))
        requests = server.requests
    assert status == 404  # first in time, although the 500 comes first in the input
    assert running == [True, False, True]  # gather did not stop the 500 and the 200
    assert cancelled == [False, False, False]  # ...and they ran to their own end
    assert requests == 3


def test_gather_with_return_exceptions_gives_every_outcome_in_input_order() -> None:
    with _gated_server() as (server, release):
        release.set()
        outcomes = asyncio.run(when_all.gather_every_outcome([server.url(p) for p in FAILING]))
    assert [type(o) for o in outcomes] == [HttpError, HttpError, str]
    assert [getattr(o, "status", o) for o in outcomes] == [500, 404, "200 after 0"]


def test_task_group_raises_an_exception_group_and_cancels_the_siblings() -> None:
    with _gated_server() as (server, _release):
        group, tasks = asyncio.run(when_all.task_group_errors([server.url(p) for p in FAILING]))
    assert isinstance(group, ExceptionGroup)
    errors = [e for e in group.exceptions if isinstance(e, HttpError)]
    assert len(errors) == len(group.exceptions)
    assert [e.status for e in errors] == [404]  # the 500 had not happened yet
    assert [t.cancelled() for t in tasks] == [True, False, True]


def test_main_prints_pages_in_input_order(capsys) -> None:  # type: ignore[no-untyped-def]
    when_all.main()
    out = capsys.readouterr().out
    assert "pages (input order): page 3, page 1, page 2" in out
    # Which error comes first in time depends on timing here; the gated tests above pin it down.
    assert "gather raised HttpError" in out
    assert (
        "gather(return_exceptions=True): ['HttpError 500', 'HttpError 404', \"'200 after 6'\"]"
        in out
    )
    assert "TaskGroup raised ['HttpError" in out


def test_every_download_is_in_flight_before_any_answers_and_the_batch_ends_with_the_last() -> None:
    paths = ["/slowest", "/fast", "/middle"]
    # The three requests and the test meet here: downloads made one after another never would.
    in_flight = threading.Barrier(len(paths) + 1)
    answer = {path: threading.Event() for path in paths}

    def handler(path: str, _n: int) -> Reply:
        in_flight.wait(timeout=SHORT_TIMEOUT)
        answer[path].wait(timeout=SHORT_TIMEOUT)
        return Reply(200, path)

    async def scenario(urls: list[str]) -> tuple[bool, list[str]]:
        batch = asyncio.create_task(when_all.download_all(urls))
        await asyncio.to_thread(in_flight.wait, SHORT_TIMEOUT)  # all three under way, none answered
        answer["/fast"].set()
        answer["/middle"].set()
        await asyncio.sleep(0)
        waiting_for_the_slowest = not batch.done()
        answer["/slowest"].set()
        return waiting_for_the_slowest, await asyncio.wait_for(batch, timeout=SHORT_TIMEOUT)

    with serve(handler) as server:
        try:
            waiting, pages = asyncio.run(scenario([server.url(p) for p in paths]))
        finally:
            for event in answer.values():
                event.set()
    assert waiting
    assert pages == paths
