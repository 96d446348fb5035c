"""task.retry-backoff: retry a download three times, waiting 1 s, 2 s, 4 s, then try once more.

The last attempt is not wrapped: its error is the caller's. Only HTTP and connection errors are
retried. asyncio.CancelledError derives from BaseException, so `except Exception` (or the narrower
clause here) never swallows a cancellation; a bare `except:` would, and that is the Python form of
the article's `catch {}`, shown below next to the fix. The server is a loopback one this concept
starts; it fails the first k requests so the retries have something to do.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Coroutine
from typing import Any

from parity.common import entry
from parity.common.http import HttpError, Reply, fetch, serve
from parity.common.timing import scaled

RETRIES = 3
FIRST_DELAY = 1.0  # article seconds; doubles after every failed attempt

RetryHook = Callable[[int, float, Exception], None]


# <retry>
async def download_with_retry(
    url: str,
    *,
    first_delay: float | None = None,
    retries: int = RETRIES,
    on_retry: RetryHook | None = None,
) -> str:
    """GET `url`; on failure wait first_delay, then twice as long...; the last error escapes."""
    delay = scaled(FIRST_DELAY) if first_delay is None else first_delay
    for attempt in range(1, retries + 1):
        try:
            return await fetch(url)
        except (HttpError, ConnectionError) as error:  # never CancelledError: it is a BaseException
            if on_retry is not None:
                on_retry(attempt, delay, error)
        await asyncio.sleep(delay)  # a cancellation here ends the whole download at once
        delay *= 2
    return await fetch(url)  # the last attempt: whatever it raises is the caller's


# </retry>


# <swallow-everything>
async def download_swallowing_everything(url: str, *, first_delay: float | None = None) -> str:
    """The article's shape in Python: a bare except retries even after the task was cancelled."""
    delay = scaled(FIRST_DELAY) if first_delay is None else first_delay
    for _ in range(RETRIES):
        try:
            return await fetch(url)
        except:  # noqa: E722 -- deliberately the anti-pattern: it also swallows CancelledError
            pass
        await asyncio.sleep(delay)
        delay *= 2
    return await fetch(url)


# </swallow-everything>


def failing_first(k: int, delay: float = 0.0) -> Callable[[str, int], Reply]:
    """A handler that answers 500 to the first k requests, then 200; each reply after `delay` s."""

    def handler(_path: str, number: int) -> Reply:
        if number <= k:
            return Reply(500, "busy", delay=delay)
        return Reply(200, f"page after {number} requests", delay=delay)

    return handler


async def cancel_during(download: Coroutine[Any, Any, str], after: float) -> tuple[float, str]:
    """Cancel `download` after `after` s; return how long it ran on after that, and how it ended."""
    task = asyncio.create_task(download)
    await asyncio.sleep(after)
    task.cancel()
    started = time.perf_counter()
    try:
        await asyncio.wait_for(task, timeout=scaled(60))
        outcome = "finished anyway"
    except asyncio.CancelledError:
        outcome = "cancelled"
    except HttpError as error:
        outcome = f"HttpError {error.status}"
    return time.perf_counter() - started, outcome


# <run>
def main() -> None:
    def show(attempt: int, delay: float, error: Exception) -> None:
        print(f"  attempt {attempt} failed ({error}); waiting {delay:.2f} s")

    for k in (2, 4):
        print(f"server fails the first {k} requests:")
        with serve(failing_first(k)) as server:
            try:
                page = asyncio.run(download_with_retry(server.url("/page"), on_retry=show))
                print(f"  got '{page}' after {server.requests} attempts")
            except HttpError as error:
                print(f"  gave up after {server.requests} attempts: HttpError {error.status}")

    # Every reply is slow, so the cancel lands while a request is in flight.
    print("cancelled while the first request is in flight (backoff 0.25 s, 0.5 s, 1 s):")
    with serve(failing_first(100, delay=scaled(0.2))) as server:
        url, first = server.url("/page"), scaled(0.25)
        good = asyncio.run(cancel_during(download_with_retry(url, first_delay=first), scaled(0.1)))
        print(f"  except (HttpError, ConnectionError): {good[1]} {good[0]:.2f} s after the cancel")
        bad = asyncio.run(
            cancel_during(download_swallowing_everything(url, first_delay=first), scaled(0.1))
        )
        print(f"  bare except (the article's catch {{}}): {bad[1]} {bad[0]:.2f} s after the cancel")


# </run>


if __name__ == "__main__":
    entry.run(main)
