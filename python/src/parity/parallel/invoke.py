"""parallel.invoke: run several functions at once and wait for all of them.

.NET's Parallel.Invoke runs blocking actions side by side; Python's counterpart for waiting
work is a ThreadPoolExecutor (threads release the GIL while they sleep or do I/O), and for
async work it is asyncio.gather. The article's trap has a Python twin: Parallel.Invoke given
lambdas that return Tasks discards them and returns at once; an executor given an async
function only creates coroutine objects, which never run ("coroutine ... was never awaited").
Cancellation: like ParallelOptions.CancellationToken, a set event stops the batch before any
function starts.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Awaitable, Callable
from concurrent.futures import CancelledError, ThreadPoolExecutor
from typing import Any

from parity.common import entry
from parity.common.timing import LONG_TIMEOUT, scaled


# <invoke>
def invoke(*functions: Callable[[], object], cancel: threading.Event | None = None) -> list[object]:
    """Run the functions side by side; return their results once all have returned."""
    if cancel is not None and cancel.is_set():
        raise CancelledError("cancelled before any function started")
    with ThreadPoolExecutor(max_workers=len(functions)) as pool:
        futures = [pool.submit(f) for f in functions]
        return [f.result(timeout=LONG_TIMEOUT) for f in futures]


async def gather(*work: Callable[[], Awaitable[object]]) -> list[object]:
    """The async counterpart (Task.WhenAll): start every coroutine, await them all."""
    return list(await asyncio.wait_for(asyncio.gather(*(w() for w in work)), LONG_TIMEOUT))


# </invoke>


# <trap>
def invoke_discarding(*work: Callable[[], Awaitable[object]]) -> list[Any]:
    """The trap: calling an async function only builds a coroutine; nobody awaits it."""
    with ThreadPoolExecutor(max_workers=len(work)) as pool:
        futures = [pool.submit(w) for w in work]
        # Each "result" is an un-run coroutine object; dropping it warns "never awaited".
        return [type(f.result(timeout=LONG_TIMEOUT)).__name__ for f in futures]


# </trap>


def _sleep(seconds: float) -> Callable[[], float]:
    def run() -> float:
        time.sleep(seconds)
        return seconds

    return run


def _delay(seconds: float) -> Callable[[], Awaitable[float]]:
    async def run() -> float:
        await asyncio.sleep(seconds)
        return seconds

    return run


# <run>
def main() -> None:
    first, second = scaled(3), scaled(2)  # the article's 3 s and 2 s

    start = time.perf_counter()
    kinds = invoke_discarding(_delay(first), _delay(second))
    took = time.perf_counter() - start
    print(f"executor given async functions: returned after {took:.3f} s, got {kinds}")

    start = time.perf_counter()
    asyncio.run(gather(_delay(first), _delay(second)))
    elapsed = time.perf_counter() - start
    print(f"asyncio.gather(sleep 3 s, sleep 2 s): {elapsed:.3f} s (the longest, {first:g} s)")

    start = time.perf_counter()
    invoke(_sleep(first), _sleep(second))
    print(f"ThreadPoolExecutor(sleep 3 s, sleep 2 s): {time.perf_counter() - start:.3f} s")

    cancel = threading.Event()
    cancel.set()
    try:
        invoke(_sleep(first), _sleep(second), cancel=cancel)
    except CancelledError as error:
        print(f"cancelled event: {type(error).__name__}: {error}")


# </run>


if __name__ == "__main__":
    entry.run(main)
