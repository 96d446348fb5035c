"""task.when-all: start several downloads at once and wait for all of them.

asyncio.gather is the closest match to Task.WhenAll: results come back in the order of the
input, whatever order the downloads finish in, and the batch takes about as long as the
slowest one. The server is a loopback one this concept starts itself.

When downloads fail the two part ways. `await Task.WhenAll` throws the first exception in INPUT
order (all of them are in the returned task's Exception.InnerExceptions) after every task has
ended. asyncio.gather raises the first exception in TIME order at once and leaves the other
awaitables running; return_exceptions=True gives every outcome in input order, like
InnerExceptions; a TaskGroup cancels the siblings on the first failure and raises an
ExceptionGroup of the errors that happened before that.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

from parity.common import entry
from parity.common.http import HttpError, Reply, fetch, serve
from parity.common.timing import scaled


# <fetch-all>
async def download_all(urls: list[str]) -> list[str]:
    """Download every URL concurrently; results in input order, like Task.WhenAll."""
    return await asyncio.gather(*(fetch(url) for url in urls))


# </fetch-all>


# <errors>
async def gather_first_error(urls: list[str]) -> tuple[HttpError, list[asyncio.Task[str]]]:
    """gather raises the first failure in time order; the other tasks are NOT cancelled."""
    tasks = [asyncio.create_task(fetch(url)) for url in urls]
    try:
        await asyncio.gather(*tasks)
    except HttpError as error:
        return error, tasks
    raise AssertionError("expected a failure")


async def gather_every_outcome(urls: list[str]) -> list[str | BaseException]:
    """return_exceptions=True: every result or error, in input order (like InnerExceptions)."""
    return await asyncio.gather(*(fetch(url) for url in urls), return_exceptions=True)


async def task_group_errors(
    urls: list[str],
) -> tuple[ExceptionGroup[HttpError], list[asyncio.Task[str]]]:
    """A TaskGroup cancels the siblings at the first failure and raises an ExceptionGroup."""
    tasks: list[asyncio.Task[str]] = []
    caught: list[ExceptionGroup[HttpError]] = []
    try:
        async with asyncio.TaskGroup() as group:
            tasks.extend(group.create_task(fetch(url)) for url in urls)
    except* HttpError as errors:
        caught.append(errors)  # `return` is not allowed inside except*
    if not caught:
        raise AssertionError("expected a failure")
    return caught[0], tasks


# </errors>


def status_endpoint(path: str, _number: int) -> Reply:
    """/STATUS/N answers STATUS after N tenths of a second (scaled)."""
    _, status, tenths = path.split("/")
    return Reply(int(status), f"{status} after {tenths}", delay=scaled(int(tenths) / 10))


def _describe(outcome: str | BaseException) -> str:
    return f"HttpError {outcome.status}" if isinstance(outcome, HttpError) else repr(outcome)


async def _show_errors(server_url: Callable[[str], str]) -> None:
    # Input order: a 500 after 0.5 s, a 404 after 0.1 s (fails first), a 200 after 0.6 s.
    urls = [server_url(p) for p in ("/500/5", "/404/1", "/200/6")]
    error, tasks = await gather_first_error(urls)
    running = sum(not t.done() for t in tasks)
    print(
        f"gather raised HttpError {error.status} (first in time); {running} other task(s) still"
        " running"
    )
    for task in tasks:
        task.cancel()
    # cancelled and collected: nothing left running
    await asyncio.gather(*tasks, return_exceptions=True)
    outcomes = await gather_every_outcome(urls)
    print(f"gather(return_exceptions=True): {[_describe(o) for o in outcomes]}")
    group, tasks = await task_group_errors(urls)
    cancelled = sum(t.cancelled() for t in tasks)
    print(
        f"TaskGroup raised {[_describe(e) for e in group.exceptions]}; {cancelled} sibling(s)"
        " cancelled"
    )


# <run>
def slow_endpoint(path: str, _number: int) -> Reply:
    """/slow/N answers after N tenths of a second (scaled)."""
    tenths = int(path.rsplit("/", 1)[-1])
    return Reply(200, f"page {tenths}", delay=scaled(tenths / 10))


def main() -> None:
    delays = [3, 1, 2]
    with serve(slow_endpoint) as server:
        started = time.perf_counter()
        pages = asyncio.run(download_all([server.url(f"/slow/{d}") for d in delays]))
        elapsed = time.perf_counter() - started
    print(f"pages (input order): {', '.join(pages)}")
    alone, in_a_row = scaled(0.3), scaled(0.6)
    print(f"elapsed {elapsed:.2f} s; slowest alone {alone:.2f} s, all in a row {in_a_row:.2f} s")
    with serve(status_endpoint) as server:
        asyncio.run(_show_errors(server.url))


# </run>


if __name__ == "__main__":
    entry.run(main)
