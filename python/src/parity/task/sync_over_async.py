"""task.sync-over-async: blocking on async code from the thread that has to run it.

.NET's deadlock (.Result on a UI thread) has a direct asyncio analogue: the event loop is the
single thread that runs every coroutine, so blocking it until a coroutine on that same loop
finishes can never succeed. asyncio refuses the obvious spellings outright: asyncio.run() and
loop.run_until_complete() raise RuntimeError when the loop is already running. The spelling it
cannot refuse, waiting on run_coroutine_threadsafe(...).result() from the loop thread, really
deadlocks; here it has a timeout, so it ends in TimeoutError and then clears up. The fix is the
same as in .NET: await (async all the way).

The cousin of async void is a task nobody awaits: its exception reaches no caller, only the
loop's exception handler ("Task exception was never retrieved"), and a coroutine that is called
but never awaited does not run at all.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import gc
from typing import Any

from parity.common import entry
from parity.common.timing import SHORT_TIMEOUT, scaled


# <library>
async def library_call(delay: float) -> str:
    await asyncio.sleep(delay)
    return "done"


# </library>


# <refused>
async def nested_asyncio_run() -> str:
    """asyncio.run inside a running loop: refused with RuntimeError."""
    coro = library_call(0)
    try:
        return asyncio.run(coro)
    except RuntimeError as error:
        coro.close()  # it never ran; close it so it does not warn "never awaited"
        return f"RuntimeError: {error}"


async def nested_run_until_complete() -> str:
    """run_until_complete on the running loop: refused with RuntimeError."""
    coro = library_call(0)
    try:
        return asyncio.get_running_loop().run_until_complete(coro)
    except RuntimeError as error:
        coro.close()
        return f"RuntimeError: {error}"


# </refused>


# <block>
async def block_the_loop(delay: float, patience: float) -> tuple[str, str]:
    """On the loop thread, wait for a coroutine scheduled on that loop: a deadlock, with a limit."""
    future = asyncio.run_coroutine_threadsafe(library_call(delay), asyncio.get_running_loop())
    try:
        # the loop cannot run library_call while we wait here
        blocked = future.result(timeout=patience)
    except concurrent.futures.TimeoutError:  # the builtin TimeoutError since 3.11
        blocked = "TimeoutError (deadlock)"
    # Back on the loop: now it can run the coroutine, and awaiting is the fix.
    later = await asyncio.wait_for(asyncio.wrap_future(future), timeout=SHORT_TIMEOUT)
    return blocked, later


# </block>


# <fire-and-forget>
async def fire_and_forget(delay: float) -> list[str]:
    """A failing task that nobody awaits: the error only reaches the loop's exception handler."""
    loop = asyncio.get_running_loop()
    reported: list[str] = []

    def handler(_loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        reported.append(f"{context['message']}: {context.get('exception')!r}")

    loop.set_exception_handler(handler)

    async def fail_later() -> None:
        await asyncio.sleep(delay)
        raise RuntimeError("fire-and-forget failed")

    task = asyncio.create_task(fail_later())  # no await, as with async void
    await asyncio.sleep(delay * 5)  # the caller carries on; nothing is raised here
    del task
    gc.collect()  # the report comes when the forgotten task is collected
    loop.set_exception_handler(None)
    return reported


# </fire-and-forget>


# <run>
def main() -> None:
    print(f"asyncio.run inside a running loop: {asyncio.run(nested_asyncio_run())}")
    print(f"run_until_complete on the running loop: {asyncio.run(nested_run_until_complete())}")
    blocked, later = asyncio.run(block_the_loop(scaled(0.1), scaled(1)))
    print(f"future.result() on the loop thread: {blocked}; awaited afterwards: '{later}'")
    print(f"the fix, await: '{asyncio.run(library_call(scaled(0.1)))}'")
    print(f"a forgotten failing task: {asyncio.run(fire_and_forget(scaled(0.01)))}")


# </run>


if __name__ == "__main__":
    entry.run(main)
