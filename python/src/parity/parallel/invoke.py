"""parallel.invoke: run several functions at once and wait for all of them.

.NET's Parallel.Invoke runs blocking actions side by side; Python's counterpart is a
ThreadPoolExecutor (threads release the GIL while they sleep or do I/O), or asyncio.gather for
async work. The article's trap has a Python twin: Parallel.Invoke discards the Tasks its lambdas
return; an executor given async functions only creates coroutines, which never run ("coroutine
... was never awaited"). A set event, like a cancelled token, stops the batch before it starts.
"""

import asyncio
import threading
import time
from collections.abc import Awaitable, Callable
from concurrent.futures import CancelledError, ThreadPoolExecutor

from parity.common import entry
from parity.common.timing import LONG_TIMEOUT, scaled


# <invoke>
def invoke(*functions: Callable[[], object], cancel: threading.Event | None = None) -> list[object]:
    """Run the functions side by side; return their results once all have returned."""
    if cancel is not None and cancel.is_set():
        raise CancelledError("cancelled before any function started")
    with ThreadPoolExecutor(max_workers=len(functions)) as pool:
        return list(pool.map(lambda f: f(), functions, timeout=LONG_TIMEOUT))


async def gather(*work: Callable[[], Awaitable[object]]) -> list[object]:
    """The async counterpart (Task.WhenAll): start every coroutine, await them all."""
    return list(await asyncio.wait_for(asyncio.gather(*(w() for w in work)), LONG_TIMEOUT))


# </invoke>
# <trap>
def invoke_discarding(*work: Callable[[], Awaitable[object]]) -> list[str]:
    """The trap: invoke() given async functions returns coroutines nobody runs or awaits."""
    return [type(result).__name__ for result in invoke(*work)]  # dropped: "never awaited"


# </trap>
# <run>
def main() -> None:
    first, second = scaled(3), scaled(2)  # the article's 3 s and 2 s

    start = time.perf_counter()
    kinds = invoke_discarding(lambda: asyncio.sleep(first), lambda: asyncio.sleep(second))
    took = time.perf_counter() - start
    print(f"executor given async functions: returned after {took:.3f} s, got {kinds}")

    start = time.perf_counter()
    asyncio.run(gather(lambda: asyncio.sleep(first), lambda: asyncio.sleep(second)))
    elapsed = time.perf_counter() - start
    print(f"asyncio.gather(sleep 3 s, sleep 2 s): {elapsed:.3f} s (the longest, {first:g} s)")

    start = time.perf_counter()
    invoke(lambda: time.sleep(first), lambda: time.sleep(second))
    print(f"ThreadPoolExecutor(sleep 3 s, sleep 2 s): {time.perf_counter() - start:.3f} s")

    cancel = threading.Event()
    cancel.set()
    try:
        invoke(lambda: time.sleep(first), lambda: time.sleep(second), cancel=cancel)
    except CancelledError as error:
        print(f"cancelled event: {type(error).__name__}: {error}")


# </run>
if __name__ == "__main__":
    entry.run(main)
