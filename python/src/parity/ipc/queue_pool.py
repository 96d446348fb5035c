"""ipc.queue-pool: getting Queues to Pool tasks, and three ways that work (one only under fork).

A multiprocessing.Queue cannot travel as a task argument: Pool pickles arguments onto its own
task queue, and a Queue refuses to be pickled except while a child process is being created
("shared through inheritance"). The RuntimeError never reaches the task; it goes to the
error_callback. What works, with one queue per direction (ipc.queue-processes says why):

1. Manager().Queue(): a proxy to a queue living in the manager's server process; proxies pickle.
2. Pool(initializer=..., initargs=(queues...)): initargs travel while the workers are created,
   so plain Queues are allowed there, under every start method.
3. A module global: under fork the workers inherit the parent's memory, queues included. Under
   spawn and forkserver each worker imports the module afresh and makes queues of its own, so
   the two tasks talk past each other and both time out.
"""

from __future__ import annotations

import queue
import time
from multiprocessing.queues import Queue
from typing import Any

from parity.common import entry
from parity.common.mp import Context, context
from parity.common.process_group import close_pool
from parity.common.timing import SHORT_TIMEOUT, scaled
from parity.ipc._queue_pool import Heard, run_pair

QUESTION = "[Xiao Ming] Skewers tonight?"
ANSWER = "[Xiao Zhang] Can't, I have a date."
FRIEND_DELAY = 4  # article seconds before the answer


# <tasks>
def ask(to_friend: Any, from_friend: Any, wait: float) -> str | None:
    to_friend.put(QUESTION)
    try:
        return str(from_friend.get(timeout=wait))
    except queue.Empty:
        return None


def answer(to_friend: Any, from_friend: Any, wait: float) -> str | None:
    try:
        heard = str(to_friend.get(timeout=wait))
    except queue.Empty:
        return None
    time.sleep(scaled(FRIEND_DELAY))
    from_friend.put(ANSWER)
    return heard


# </tasks>


# <global>
_queues: tuple[Any, Any] | None = None  # this process's module global: (to_friend, from_friend)


def module_queues() -> tuple[Any, Any]:
    """The module-global pair, made on first use by whichever process asks first."""
    global _queues
    if _queues is None:
        _queues = (context().Queue(), context().Queue())
    return _queues


def adopt(to_friend: Queue[str], from_friend: Queue[str]) -> None:
    """Pool initializer: runs once in each worker, with queues passed at creation time."""
    global _queues
    _queues = (to_friend, from_friend)


def ask_global(wait: float) -> str | None:
    return ask(*module_queues(), wait)


def answer_global(wait: float) -> str | None:
    return answer(*module_queues(), wait)


# </global>


# <plain>
def with_plain_queue(ctx: Context) -> list[BaseException]:
    """Pass a plain Queue as a task argument; returns what the error_callback received."""
    to_friend, from_friend = ctx.Queue(), ctx.Queue()
    errors: list[BaseException] = []
    pool = ctx.Pool(2)
    try:
        pair = (to_friend, from_friend, SHORT_TIMEOUT)
        results = [pool.apply_async(f, pair, error_callback=errors.append) for f in (ask, answer)]
        for result in results:
            result.wait(SHORT_TIMEOUT)
        close_pool(pool)
    finally:
        pool.terminate()
    return errors


# </plain>


# <fixes>
def with_manager(ctx: Context, wait: float = SHORT_TIMEOUT) -> Heard:
    """Fix 1: Manager().Queue() proxies pickle fine as task arguments."""
    with ctx.Manager() as manager:
        to_friend, from_friend = manager.Queue(), manager.Queue()
        pair = (to_friend, from_friend, wait)
        return run_pair(ctx.Pool(2), (ask, *pair), (answer, *pair))


def with_initializer(ctx: Context, wait: float = SHORT_TIMEOUT) -> Heard:
    """Fix 2: hand plain Queues to every worker when it starts, through the initializer."""
    to_friend, from_friend = ctx.Queue(), ctx.Queue()
    pool = ctx.Pool(2, initializer=adopt, initargs=(to_friend, from_friend))
    return run_pair(pool, (ask_global, wait), (answer_global, wait))


def with_module_global(ctx: Context, wait: float = SHORT_TIMEOUT) -> Heard:
    """Fix 3, fork only: the workers inherit the global the parent made before the pool."""
    module_queues()  # make it now, so a forked worker is born with it
    return run_pair(ctx.Pool(2), (ask_global, wait), (answer_global, wait))


# </fixes>


def main() -> None:
    ctx = context()
    for error in with_plain_queue(ctx):
        print(f"plain Queue as an argument: error_callback got {type(error).__name__}: {error}")
    asked, answered = with_manager(ctx)
    print(f"Manager().Queue(): answerer heard {answered!r}; asker heard {asked!r}")
    asked, answered = with_initializer(ctx)
    print(f"initializer: answerer heard {answered!r}; asker heard {asked!r}")
    wait = scaled(6)  # the whole conversation takes 4 s; give up after 6 s
    asked, answered = with_module_global(ctx, wait)
    method = ctx.get_start_method()
    if asked is None:
        outcome = f"each worker has its own queues; both gave up after {wait:.2f} s"
    else:
        outcome = f"answerer heard {answered!r}; asker heard {asked!r}"
    print(f"module global under {method}: {outcome}")


if __name__ == "__main__":
    entry.run(main)
