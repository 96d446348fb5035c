"""pool.result-timeout: ApplyResult.get(timeout) gives up waiting, the task does not stop.

apply_async returns an ApplyResult at once; get(timeout) waits for the value and raises
multiprocessing.TimeoutError (with an empty message) when the time is up. The task keeps
running in its worker, and a later get() still returns its value. Note the name: this
TimeoutError is multiprocessing's own, NOT the builtin TimeoutError, so `except TimeoutError`
without the import does not catch it.

The article waits exactly as long as the task sleeps (1 s and 1 s), a race that only process
start-up decides; here the first wait is half as long.
"""

from __future__ import annotations

import multiprocessing
import time

from parity.common import entry
from parity.common.mp import Context, context
from parity.common.timing import SHORT_TIMEOUT, scaled


def square(x: int, seconds: float) -> int:
    time.sleep(seconds)
    return x * x


# <timeout>
def get_with_timeout(ctx: Context) -> list[str]:
    """Wait 0.5 s for a 1 s task (timeout), then wait again (the value); returns what happened."""
    events = []
    with ctx.Pool(1) as pool:
        result = pool.apply_async(square, (10, scaled(1)))
        events.append(f"submitted: {type(result).__name__}, ready={result.ready()}")
        try:
            events.append(f"value {result.get(timeout=scaled(0.5))}")
        except multiprocessing.TimeoutError as exc:  # not the builtin TimeoutError
            events.append(
                f"timed out after 0.5 s: {type(exc).__module__}.TimeoutError({str(exc)!r})"
            )
        events.append(f"the task kept running: ready={result.ready()}")
        events.append(f"value {result.get(timeout=SHORT_TIMEOUT)} after all")
    return events


# </timeout>


def main() -> None:
    for line in get_with_timeout(context()):
        print(line)


if __name__ == "__main__":
    entry.run(main)
