"""task.cancel-after: give a 5 s operation a 3 s time limit.

`asyncio.timeout(3)` plays the part of CancellationTokenSource.CancelAfter(3 s): when the time is
up it cancels the work inside (the operation sees CancelledError at its current await, and may
clean up), then turns that cancellation into TimeoutError for the caller. Since Python 3.11
asyncio.TimeoutError IS the builtin TimeoutError. A cancel that comes from outside (the caller's
caller cancelling us) stays a CancelledError, so the two causes cannot be confused; the .NET side
has to tell them apart itself, by checking its own token.
"""

import asyncio
import time

from parity.common import entry
from parity.common.timing import scaled


# <operation>
async def do_something(seconds: float, log: list[str]) -> str:
    try:
        await asyncio.sleep(seconds)
    except asyncio.CancelledError:
        log.append("operation saw CancelledError")
        raise  # swallowing it would break the timeout
    return "ok"


# </operation>


# <cancel-after>
async def with_time_limit(limit: float, work: float, log: list[str]) -> str:
    try:
        async with asyncio.timeout(limit):
            return await do_something(work, log)
    except TimeoutError:  # only our own limit lands here; an outside cancel stays CancelledError
        return "timed out"


# </cancel-after>


async def with_wait_for(limit: float, work: float, log: list[str]) -> str:
    """The older spelling: wait_for cancels the operation and raises TimeoutError too."""
    try:
        return await asyncio.wait_for(do_something(work, log), timeout=limit)
    except TimeoutError:
        return "timed out"


# <run>
def main() -> None:
    for name, run in (("asyncio.timeout", with_time_limit), ("asyncio.wait_for", with_wait_for)):
        log: list[str] = []
        started = time.perf_counter()
        result = asyncio.run(run(scaled(3), scaled(5), log))
        elapsed = time.perf_counter() - started
        limits = f"{name}({scaled(3):.2f} s) on a {scaled(5):.2f} s operation"
        print(f"{limits}: {result!r} after {elapsed:.2f} s; {log}")
    print(f"asyncio.TimeoutError is TimeoutError: {asyncio.TimeoutError is TimeoutError}")
    print(f"CancelledError is an Exception: {issubclass(asyncio.CancelledError, Exception)}")


# </run>


if __name__ == "__main__":
    entry.run(main)
