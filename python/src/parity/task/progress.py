"""task.progress: report progress from the work to the caller.

.NET's Progress<T> posts each report to the context it was created on (a UI thread) or, in a
console app, to the thread pool: reports may overlap, come out of order, or after the work ends.
In Python a plain callback called from a coroutine runs inline, in order, on the loop thread. A
worker thread must post its reports to the loop (call_soon_threadsafe, the counterpart of posting
to a context); a display task drains them up to a sentinel and, awaited, has shown the last one.
"""

import asyncio
import threading
import time
from collections.abc import Callable

from parity.common import entry
from parity.common.timing import SHORT_TIMEOUT, scaled


# <report>
async def download_pages(pages: int, per_page: float, on_progress: Callable[[int], None]) -> int:
    for page in range(1, pages + 1):
        await asyncio.sleep(per_page)
        on_progress(page * 100 // pages)  # runs inline: in order, before we return
    return pages


# </report>
# <queue>
async def download_in_thread(pages: int, per_page: float, show: Callable[[int], None]) -> int:
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue[int | None] = asyncio.Queue()

    def work() -> None:  # blocking code; asyncio objects are not thread-safe: post to the loop
        for page in range(1, pages + 1):
            time.sleep(per_page)
            loop.call_soon_threadsafe(queue.put_nowait, page * 100 // pages)

    async def display() -> None:
        while (value := await queue.get()) is not None:
            show(value)

    display_task = asyncio.create_task(display())
    await asyncio.to_thread(work)
    queue.put_nowait(None)  # no more reports: the display ends after the last one
    await asyncio.wait_for(display_task, timeout=SHORT_TIMEOUT)
    return pages


# </queue>
# <run>
def main() -> None:
    received: list[int] = []
    pages = asyncio.run(download_pages(5, scaled(0.1), received.append))
    print(f"callback: {pages} pages, reports {received} (all in, in order, when the call returned)")
    shown: list[int] = []

    def show(value: int) -> None:
        shown.append(value)
        on_loop = threading.current_thread() is threading.main_thread()  # asyncio.run's loop
        print(f"  [{'#' * (value // 20):<5}] {value:3d}%  on the loop thread: {on_loop}")

    print("worker thread reporting through the loop to a display task:")
    pages = asyncio.run(download_in_thread(5, scaled(0.1), show))
    print(f"done: {pages} pages, {len(shown)} reports shown before the call returned")


# </run>
if __name__ == "__main__":
    entry.run(main)
