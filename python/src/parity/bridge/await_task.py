"""bridge.await-task: `await` a .NET Task from asyncio without blocking the event loop.

pythonnet has no asyncio integration (issues 604 and 2288), and `task.Result` or
`GetAwaiter().GetResult()` would block the loop's thread. The bridge below registers a
continuation on the Task (`GetAwaiter().OnCompleted(Action)`); .NET runs it on a thread-pool
thread, which hands the outcome to the loop with `loop.call_soon_threadsafe`. The loop keeps
running meanwhile (a ticker coroutine keeps ticking). Outcomes map both ways:

- a result becomes the awaited value;
- a fault (an AggregateException) raises its inner .NET exception, same type and message;
- a .NET cancellation raises asyncio.CancelledError;
- cancelling the asyncio task cancels the .NET token, so the .NET work stops too.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

from parity.bridge._net import bridge_types, timespan
from parity.bridge._runtime import exit_process, load
from parity.common import entry
from parity.common.timing import LONG_TIMEOUT, SHORT_TIMEOUT, scaled

TICK = 0.1  # article-scale seconds between ticks
WORK = 1.0  # article-scale seconds the .NET work takes


# <await>
def _settle(future: asyncio.Future[Any], task: Any) -> None:
    """On the loop's thread: copy the finished Task's outcome into the future."""
    if future.done():  # the asyncio side was cancelled first
        return
    if task.IsCanceled:
        future.cancel()
    elif task.IsFaulted:
        errors = task.Exception.InnerExceptions  # AggregateException: raise what is inside
        future.set_exception(errors[0] if errors.Count == 1 else task.Exception)
    else:
        future.set_result(getattr(task, "Result", None))


async def await_dotnet(task: Any, cancel: Any | None = None) -> Any:
    """Awaits a System.Threading.Tasks.Task; `cancel` (a CancellationTokenSource) is cancelled
    if the awaiting asyncio task is."""
    load()
    from System import Action

    loop = asyncio.get_running_loop()
    future: asyncio.Future[Any] = loop.create_future()

    def on_completed() -> None:  # a .NET thread-pool thread, holding the GIL
        # RuntimeError: the loop closed meanwhile, and nobody is waiting any more.
        with contextlib.suppress(RuntimeError):
            loop.call_soon_threadsafe(_settle, future, task)

    task.GetAwaiter().OnCompleted(Action(on_completed))
    try:
        return await future
    except asyncio.CancelledError:
        if cancel is not None and not task.IsCompleted:
            cancel.Cancel()  # asyncio cancelled us: stop the .NET work as well
        raise


# </await>


def cancellation_source() -> Any:
    load()
    from System.Threading import CancellationTokenSource

    return CancellationTokenSource()


async def square_later(value: int, delay: float, cancel: Any | None = None) -> int:
    source = cancel or cancellation_source()
    task = bridge_types().AwaitTask.SquareLaterAsync(value, timespan(delay), source.Token)
    return int(await await_dotnet(task, source))


async def fail_later(message: str, delay: float) -> int:
    task = bridge_types().AwaitTask.FailLaterAsync(message, timespan(delay))
    return int(await await_dotnet(task))


async def give_up_after(timeout: float) -> int:
    return int(await await_dotnet(bridge_types().AwaitTask.GiveUpAfterAsync(timespan(timeout))))


# <responsive>
async def ticking_while(awaitable: Any, interval: float) -> tuple[Any, int]:
    """Awaits `awaitable` while a ticker coroutine counts; returns (result, ticks)."""
    ticks = 0

    async def ticker() -> None:
        nonlocal ticks
        while True:
            await asyncio.sleep(interval)
            ticks += 1

    ticking = asyncio.create_task(ticker())
    try:
        result = await asyncio.wait_for(awaitable, timeout=LONG_TIMEOUT)
    finally:
        ticking.cancel()
    return result, ticks


# </responsive>


async def demo() -> None:
    work, tick = scaled(WORK), scaled(TICK)
    result, ticks = await ticking_while(square_later(12, work), tick)
    print(f"awaited SquareLaterAsync(12): {result}; the loop ticked {ticks} times meanwhile")
    try:
        await fail_later("the .NET side gave up", scaled(0.1))
    except Exception as exc:
        message = getattr(exc, "Message", str(exc))
        print(f"a faulted Task raises {type(exc).__module__}.{type(exc).__name__}: {message}")
    try:
        await give_up_after(scaled(0.1))
    except asyncio.CancelledError:
        print("a Task cancelled by .NET raises asyncio.CancelledError")
    source = cancellation_source()
    task = bridge_types().AwaitTask.SquareLaterAsync(3, timespan(60), source.Token)
    try:
        await asyncio.wait_for(await_dotnet(task, source), timeout=scaled(0.2))
    except TimeoutError:
        await asyncio.sleep(0)
        settled = await asyncio.wait_for(_until_completed(task), timeout=SHORT_TIMEOUT)
        cancelled = source.IsCancellationRequested
        print(f"asyncio timed out: token cancelled {cancelled}, .NET task {settled}")


async def _until_completed(task: Any) -> str:
    while not task.IsCompleted:
        await asyncio.sleep(0.01)
    return str(task.Status)


def main() -> None:
    asyncio.run(demo())


if __name__ == "__main__":
    entry.run(main)
    exit_process()  # no slow pythonnet shutdown: main() joined what it started
