"""task.configure-await: where does code after an await run?

asyncio has one answer: on the event loop's thread, always. A coroutine is resumed by its loop,
so there is nothing like ConfigureAwait(false) to choose; the closest relative of .NET's
SynchronizationContext is the loop itself. Work leaves the loop thread only when you send it away
(asyncio.to_thread / loop.run_in_executor), and comes back with the await. From a worker thread,
asyncio.run_coroutine_threadsafe is the way back onto the loop, like Post to a context.
"""

from __future__ import annotations

import asyncio
import threading
from dataclasses import dataclass

from parity.common import entry
from parity.common.timing import SHORT_TIMEOUT, scaled


@dataclass(frozen=True)
class Observation:
    where: str
    thread_id: int

    def __str__(self) -> str:
        return f"{self.where:<44} thread {self.thread_id}"


def _here(where: str) -> Observation:
    return Observation(where, threading.get_ident())


# <resume>
async def where_code_runs(delay: float) -> list[Observation]:
    loop = asyncio.get_running_loop()
    steps = [_here("start (the loop thread)")]
    await asyncio.sleep(delay)
    steps.append(_here("after await"))

    def blocking_work() -> Observation:
        # On a worker thread: to touch the loop, post a coroutine to it and wait (with a timeout).
        back_on_loop = asyncio.run_coroutine_threadsafe(_on_loop(), loop).result(
            timeout=SHORT_TIMEOUT
        )
        steps.append(back_on_loop)
        return _here("inside to_thread (a worker)")

    steps.append(await asyncio.to_thread(blocking_work))
    steps.append(_here("after await to_thread"))
    return steps


async def _on_loop() -> Observation:
    return _here("run_coroutine_threadsafe from the worker")


# </resume>


# <run>
def main() -> None:
    for step in asyncio.run(where_code_runs(scaled(0.1))):
        print(f"  {step}")
    print(f"main thread: {threading.get_ident()} (asyncio.run's loop runs here)")


# </run>


if __name__ == "__main__":
    entry.run(main)
