"""task.configure-await: where does code after an await run?

asyncio has one answer: on the event loop's thread, always. A coroutine is resumed by its loop,
so there is nothing like ConfigureAwait(false) to choose; the closest relative of .NET's
SynchronizationContext is the loop itself. Work leaves the loop thread only when you send it away
(asyncio.to_thread / loop.run_in_executor), and comes back with the await. From a worker thread,
asyncio.run_coroutine_threadsafe is the way back onto the loop, like Post to a context.
"""

import asyncio
import threading

from parity.common import entry
from parity.common.timing import SHORT_TIMEOUT, scaled


# <resume>
def here(where: str) -> tuple[str, int]:
    return where, threading.get_ident()


async def where_code_runs(delay: float) -> list[tuple[str, int]]:
    loop = asyncio.get_running_loop()
    steps = [here("start (the loop thread)")]
    await asyncio.sleep(delay)
    steps.append(here("after await"))

    async def on_loop() -> tuple[str, int]:
        return here("run_coroutine_threadsafe from the worker")

    def blocking_work() -> tuple[str, int]:
        # On a worker thread: to touch the loop, post a coroutine to it and wait (with a timeout).
        steps.append(asyncio.run_coroutine_threadsafe(on_loop(), loop).result(SHORT_TIMEOUT))
        return here("inside to_thread (a worker)")

    steps.append(await asyncio.to_thread(blocking_work))
    steps.append(here("after await to_thread"))
    return steps


# </resume>


# <run>
def main() -> None:
    for where, thread_id in asyncio.run(where_code_runs(scaled(0.1))):
        print(f"  {where:<44} thread {thread_id}")
    print(f"main thread: {threading.get_ident()} (asyncio.run's loop runs here)")


# </run>


if __name__ == "__main__":
    entry.run(main)
