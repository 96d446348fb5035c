"""pool.initializer: hand a multiprocessing.Queue to every worker with Pool(initializer=...).

A Queue cannot travel as a task argument (tasks are pickled onto a pipe, and a Queue may only
be shared by inheritance), but a Pool's initializer and initargs are handed to each worker
when it starts, which counts as inheritance under fork, forkserver and spawn alike. The
initializer stores the queues in module globals; the tasks then use them.

Two workers hold the article's conversation: Ming asks, Zhang answers after a 4 s "network
delay". The article uses ONE queue and has the asker poll it with empty(): with a single
worker (Pool() on a one-CPU machine) the asker reads back its own question and the answerer
waits forever. Here each side has its own queue and every get() has a timeout.
"""

from __future__ import annotations

import os
import queue
import time
from multiprocessing.queues import Queue

from parity.common import entry
from parity.common.mp import Context, context
from parity.common.timing import SHORT_TIMEOUT, scaled

QUESTION = "[Ming] Zhang, skewers tonight?"
ANSWER = "[Zhang] Can't, I have a date."

_to_zhang: Queue[str]
_to_ming: Queue[str]


# <initializer>
def init(to_zhang: Queue[str], to_ming: Queue[str]) -> None:
    """Runs once in each worker as it starts: keep the queues for the tasks."""
    global _to_zhang, _to_ming
    _to_zhang, _to_ming = to_zhang, to_ming


def ming() -> str:
    print(f"[Ming]  pid={os.getpid()} ppid={os.getppid()}", flush=True)
    _to_zhang.put(QUESTION)
    # waits for Zhang's answer, never for our own question
    return _to_ming.get(timeout=SHORT_TIMEOUT)


def zhang() -> str:
    print(f"[Zhang] pid={os.getpid()} ppid={os.getppid()}", flush=True)
    question = _to_zhang.get(timeout=SHORT_TIMEOUT)
    time.sleep(scaled(4))  # the article's network delay
    _to_ming.put(ANSWER)
    return question


def converse(ctx: Context) -> tuple[str, str]:
    """Returns (what Zhang heard, what Ming heard)."""
    to_zhang, to_ming = ctx.Queue(), ctx.Queue()
    with ctx.Pool(2, initializer=init, initargs=(to_zhang, to_ming)) as pool:
        asked = pool.apply_async(ming)
        answered = pool.apply_async(zhang)
        return answered.get(timeout=SHORT_TIMEOUT), asked.get(timeout=SHORT_TIMEOUT)


# </initializer>


# <single-queue>
_shared: Queue[str]


def init_single(shared: Queue[str]) -> None:
    global _shared
    _shared = shared


def ming_polling() -> str:
    """The article's asker: one queue for both directions, polled with empty()."""
    _shared.put(QUESTION)
    for attempt in range(3):
        if not _shared.empty():
            return _shared.get(timeout=SHORT_TIMEOUT)  # may well be our own question
        time.sleep(scaled((attempt + 1) * 2))  # 2, 4, 6 s (not "1, 4, 6" as the comment says)
    return "(no answer)"


def zhang_blocking() -> str:
    question = _shared.get(timeout=scaled(4))  # the article waits forever here
    _shared.put(ANSWER)
    return question


def converse_on_one_queue(ctx: Context, processes: int) -> tuple[str, str]:
    """The article's design; returns (what Ming heard, what Zhang heard or the error)."""
    shared = ctx.Queue()
    with ctx.Pool(processes, initializer=init_single, initargs=(shared,)) as pool:
        asked = pool.apply_async(ming_polling)
        answered = pool.apply_async(zhang_blocking)
        heard = asked.get(timeout=SHORT_TIMEOUT)
        try:
            return heard, answered.get(timeout=SHORT_TIMEOUT)
        except queue.Empty:
            return heard, "queue.Empty: nobody asked"


# </single-queue>


def main() -> None:
    ctx = context()
    print(f"[parent] pid={os.getpid()} start method={ctx.get_start_method()}")
    heard_by_zhang, heard_by_ming = converse(ctx)
    print(heard_by_zhang)
    print(heard_by_ming)
    ming_heard, zhang_heard = converse_on_one_queue(ctx, processes=1)
    print(
        f"the article's single queue on one worker: Ming hears {ming_heard!r}; Zhang: {zhang_heard}"
    )


if __name__ == "__main__":
    entry.run(main)
