"""ipc.queue-bounded: a Queue(3) holds three messages; a fourth put() waits, then gives up.

put(obj, timeout=t) waits up to t for a free slot and raises queue.Full; put_nowait() raises
it at once. qsize(), empty() and full() are snapshots (another process may change the queue a
moment later), and qsize() raises NotImplementedError on macOS, where the semaphore behind it
cannot be read. Catch queue.Full, not Exception: the article's `except Exception` would also
report a closed queue (ValueError) as "full".
"""

from __future__ import annotations

import queue
import sys
from multiprocessing.queues import Queue

from parity.common import entry
from parity.common.mp import Context, context
from parity.common.timing import scaled

MESSAGES: tuple[object, ...] = ([1, 2, 3, 4], {"a": 1, "b": 2}, {1, 2, 3, 4})


def size(q: Queue[object]) -> int | str:
    """qsize(), or a note where the platform cannot count (macOS)."""
    try:
        return q.qsize()
    except NotImplementedError:
        return "unknown (qsize() is not implemented on this platform)"


# <fill>
def fill(ctx: Context, wait: float) -> tuple[Queue[object], list[str]]:
    """Put three messages in a Queue(3), then try a fourth twice; returns the queue and a log."""
    q: Queue[object] = ctx.Queue(3)
    for message in MESSAGES:
        q.put(message)  # blocks while the queue is full; here it never is
    log = []
    try:
        q.put("one more?", timeout=wait)  # waits up to `wait` for a slot
    except queue.Full:
        log.append(f"put(timeout={wait:.2f}) raised Full: {size(q)} messages, full()={q.full()}")
    try:
        q.put_nowait("one more?")  # put(obj, block=False): no waiting at all
    except queue.Full:
        log.append(f"put_nowait() raised Full: {size(q)} messages, full()={q.full()}")
    return q, log


# </fill>


# <drain>
def drain(q: Queue[object]) -> list[tuple[object, int | str]]:
    """get_nowait() until Empty; returns each message with the size left behind it.

    Looping until Empty is sturdier than `while not q.empty()`: empty() is only a snapshot.
    """
    taken: list[tuple[object, int | str]] = []
    while True:
        try:
            message = q.get_nowait()
        except queue.Empty:
            return taken
        taken.append((message, size(q)))


# </drain>


def main() -> None:
    ctx = context()
    q, log = fill(ctx, scaled(2))
    print("\n".join(log))
    for message, left in drain(q):
        print(f"got {message!r}; {left} left")
    print(f"empty()={q.empty()}, full()={q.full()}")
    q.close()
    q.join_thread()
    if sys.platform == "darwin":
        print("(on macOS qsize() raises NotImplementedError)")


if __name__ == "__main__":
    entry.run(main)
