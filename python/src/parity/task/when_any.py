"""task.when-any: ask several equivalent endpoints at once, keep the first answer, cancel the rest.

asyncio.wait(..., return_when=FIRST_COMPLETED) is the counterpart of Task.WhenAny: it returns
when one task is done, and does nothing to the others. The article's version stops there, so the
losing downloads keep running (and keep their connections) after the winner has been used.
Here the losers are cancelled and awaited, so nothing is left behind. A mirror that fails does
not win: the race goes on with the others, and only if all fail does the last error propagate.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Coroutine, Iterable
from typing import Any, TypeVar

from parity.common import entry
from parity.common.http import HttpError, Reply, fetch, serve
from parity.common.timing import SHORT_TIMEOUT, scaled

T = TypeVar("T")


# <first-answer>
async def first_success(jobs: Iterable[Coroutine[Any, Any, T]]) -> tuple[T, list[asyncio.Task[T]]]:
    """The first successful result; every other job is cancelled and awaited before returning."""
    tasks = [asyncio.create_task(job) for job in jobs]
    pending: set[asyncio.Task[T]] = set(tasks)
    try:
        while True:
            done, pending = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
            winners = [t for t in tasks if t in done and t.exception() is None]
            if winners:
                return winners[0].result(), tasks
            if not pending:  # every job failed: the last error is the caller's
                return done.pop().result(), tasks
    finally:
        for task in pending:
            task.cancel()
        # Wait for the cancellations to land, so no request outlives this call.
        await asyncio.wait_for(
            asyncio.gather(*pending, return_exceptions=True), timeout=SHORT_TIMEOUT
        )


async def first_answer(urls: list[str]) -> tuple[str, list[asyncio.Task[str]]]:
    """Ask every mirror; the first good answer wins, the other requests are cancelled."""
    return await first_success(fetch(url) for url in urls)


# </first-answer>


# <first-completed-only>
async def first_completed_only(
    urls: list[str],
) -> tuple[asyncio.Task[str], list[asyncio.Task[str]]]:
    """The article's shape: take the first task to finish (even a failed one), leave the rest."""
    tasks = [asyncio.create_task(fetch(url)) for url in urls]
    done, _still_running = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    return done.pop(), tasks


# </first-completed-only>


def mirror(path: str, _number: int) -> Reply:
    """/mirror/N answers after N tenths of a second (scaled); /broken/N, 503 after N tenths."""
    _, kind, tenths = path.split("/")
    status = 200 if kind == "mirror" else 503
    return Reply(status, f"{kind} {tenths}", delay=scaled(int(tenths) / 10))


def _outcome(task: asyncio.Task[str]) -> str:
    if task.cancelled():
        return "cancelled"
    error = task.exception()
    if isinstance(error, HttpError):
        return f"HttpError {error.status}"
    return repr(error) if error else repr(task.result())


def _listed(tasks: list[asyncio.Task[str]]) -> str:
    """[cancelled, HttpError 503, 'mirror 1']: each outcome written as the .NET side prints it."""
    return f"[{', '.join(_outcome(t) for t in tasks)}]"


# <run>
def main() -> None:
    paths = ["/mirror/4", "/broken/0", "/mirror/1", "/mirror/6"]
    with serve(mirror) as server:
        urls = [server.url(p) for p in paths]

        started = time.perf_counter()
        answer, tasks = asyncio.run(first_answer(urls))
        elapsed = time.perf_counter() - started
        print(f"first answer: '{answer}' after {elapsed:.2f} s (the broken mirror did not win)")
        print(f"  all requests: {_listed(tasks)}")

        async def article_style() -> None:
            first, tasks = await first_completed_only(urls)
            running = [t for t in tasks if not t.done()]
            print(
                f"article style: first done is {_outcome(first)}; "
                f"{len(running)} request(s) still run"
            )
            # Gather every task, the done ones too: a failure that lost the race by a hair would
            # otherwise go unretrieved ("Task exception was never retrieved" at exit).
            await asyncio.wait_for(
                asyncio.gather(*tasks, return_exceptions=True), timeout=SHORT_TIMEOUT
            )
            print(f"  ...and finish anyway, unused: {_listed(running)}")

        asyncio.run(article_style())


# </run>


if __name__ == "__main__":
    entry.run(main)
