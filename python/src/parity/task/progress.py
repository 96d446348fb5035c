"""task.progress: report progress from the work to the caller.

.NET passes an IProgress<T>; Progress<T> posts each report to the SynchronizationContext it was
created on (a UI thread), or, in a console app, to the thread pool, where reports can run
concurrently, out of order, and after the work has finished. Python needs no special type: a
plain callback called from a coroutine runs inline, in order, on the loop thread. Work on another
thread must hand its reports to the loop (loop.call_soon_threadsafe, the counterpart of posting
to a context); a queue drained by a display task, closed with a sentinel and awaited, guarantees
that the caller has seen the last report before it goes on.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable

from parity.common import entry
from parity.common.timing import SHORT_TIMEOUT, scaled


# <report>
async def download_pages(
    pages: int, per_page: float, on_progress: Callable[[int], None] | None = None
) -> int:
    """Pretend to download `pages` pages; report the percentage done after each one."""
    for page in range(1, pages + 1):
        await asyncio.sleep(per_page)
        if on_progress is not None:
            on_progress(page * 100 // pages)  # runs inline: in order, before we return
    return pages


# </report>


def download_pages_blocking(pages: int, per_page: float, on_progress: Callable[[int], None]) -> int:
    """The same work as blocking code, for a worker thread."""
    for page in range(1, pages + 1):
        time.sleep(per_page)
        on_progress(page * 100 // pages)
    return pages


# <queue>
async def download_in_thread_with_display(
    pages: int, per_page: float, show: Callable[[int], None]
) -> tuple[int, list[int]]:
    """Work on a worker thread; a task on the loop shows every report before we return."""
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue[int | None] = asyncio.Queue()
    shown: list[int] = []

    async def display() -> None:
        while (value := await queue.get()) is not None:
            shown.append(value)
            show(value)

    display_task = asyncio.create_task(display())

    # asyncio objects are not thread-safe: the worker posts each report to the loop.
    def report(value: int) -> None:
        loop.call_soon_threadsafe(queue.put_nowait, value)

    result = await asyncio.to_thread(download_pages_blocking, pages, per_page, report)
    queue.put_nowait(None)  # no more reports: the display ends after the last one
    await asyncio.wait_for(display_task, timeout=SHORT_TIMEOUT)
    return result, shown


# </queue>


# <run>
def main() -> None:
    per_page = scaled(0.1)
    received: list[int] = []
    pages = asyncio.run(download_pages(5, per_page, received.append))
    print(f"callback: {pages} pages, reports {received} (all in, in order, when the call returned)")

    def show(value: int) -> None:
        on_loop = threading.get_ident() == main_thread
        print(f"  [{'#' * (value // 20):<5}] {value:3d}%  on the loop thread: {on_loop}")

    main_thread = threading.get_ident()
    print("worker thread reporting through the loop to a display task:")
    pages, shown = asyncio.run(download_in_thread_with_display(5, per_page, show))
    print(f"done: {pages} pages, {len(shown)} reports shown before the call returned")


# </run>


if __name__ == "__main__":
    entry.run(main)
