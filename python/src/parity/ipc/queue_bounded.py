"""ipc.queue-bounded: a Queue(3) holds three messages; a fourth put() waits, then gives up.

qsize(), empty() and full() are snapshots another process may change a moment later; qsize()
raises NotImplementedError on macOS (no sem_getvalue()). Catch queue.Full, not Exception: the
article's `except Exception` would also report a closed queue (ValueError) as "full".
"""

from __future__ import annotations

import contextlib
import queue
from multiprocessing.queues import Queue

from parity.common import entry
from parity.common.mp import Context, context
from parity.common.timing import scaled

MESSAGES: tuple[object, ...] = ([1, 2, 3, 4], {"a": 1, "b": 2}, {1, 2, 3, 4})


def size(q: Queue[object]) -> int | str:
    try:
        return q.qsize()
    except NotImplementedError:  # macOS
        return "unknown (qsize() raises NotImplementedError here)"


# <fill>
def fill(ctx: Context, wait: float) -> Queue[object]:
    q: Queue[object] = ctx.Queue(3)
    for message in MESSAGES:
        q.put(message)  # blocks while the queue is full; here it never is
    try:
        q.put("one more?", timeout=wait)  # waits up to `wait` for a slot, then raises Full
    except queue.Full:
        print(f"put(timeout={wait:.2f}) raised Full: {size(q)} messages, full()={q.full()}")
    try:
        q.put_nowait("one more?")  # put(obj, block=False): no waiting at all
    except queue.Full:
        print(f"put_nowait() raised Full: {size(q)} messages, full()={q.full()}")
    return q


# </fill>


# <drain>
def drain(q: Queue[object]) -> None:
    # Until get_nowait() raises Empty: sturdier than `while not q.empty()`, a mere snapshot.
    with contextlib.suppress(queue.Empty):
        while True:
            message = q.get_nowait()
            print(f"got {message!r}; {size(q)} left")


# </drain>


def main() -> None:
    q = fill(context(), scaled(2))
    drain(q)
    print(f"empty()={q.empty()}, full()={q.full()}")
    q.close()
    q.join_thread()


if __name__ == "__main__":
    entry.run(main)
