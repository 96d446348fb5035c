"""ipc.pipe-pool: two Pool tasks converse through the two ends of one Pipe.

Unlike a Queue, a Connection may be passed to a Pool task as an argument: it is pickled by
handing its file descriptor (POSIX) or handle (Windows) to the worker that runs the task, under
every start method. The catch is the pool's size. The first task sends, then blocks in recv()
until the second task answers, so the conversation needs two workers at once. With one worker
(Pool() on a single-CPU machine) the second task never starts: a deadlock. Here it is caught
by AsyncResult.get(timeout), which raises multiprocessing.TimeoutError, and the pool is
terminated to free the stuck worker.
"""

from __future__ import annotations

import multiprocessing

from parity.common import entry
from parity.common.mp import Connection, Context, context, recv
from parity.common.timing import SHORT_TIMEOUT, scaled

INVITE = "[Ming] Zhang, I am meeting a girl today; come along? I will wait 24 h for your answer."
DECLINE = "[Zhang] No way: what if she falls for my good looks instead?"


# <tasks>
def asker(conn: Connection, timeout: float) -> str:
    conn.send(INVITE)
    return str(recv(conn, timeout))  # holds its worker until the answer comes


def answerer(conn: Connection, timeout: float) -> str:
    heard = str(recv(conn, timeout))
    conn.send(DECLINE)
    return heard


# </tasks>


# <pool>
def converse(ctx: Context, workers: int, timeout: float) -> tuple[str, str]:
    """Return (what the asker heard, what the answerer heard), or raise
    multiprocessing.TimeoutError when the conversation is stuck for `timeout`."""
    end1, end2 = ctx.Pipe()
    # Leaving the block terminates the pool: a worker stuck in recv() cannot be closed politely.
    with end1, end2, ctx.Pool(workers) as pool:
        # Each end is pickled into its task; both wait in the queue until a worker is free.
        first = pool.apply_async(asker, (end1, SHORT_TIMEOUT))
        second = pool.apply_async(answerer, (end2, SHORT_TIMEOUT))
        return first.get(timeout), second.get(timeout)


# </pool>


def main() -> None:
    ctx = context()
    heard_by_asker, heard_by_answerer = converse(ctx, workers=2, timeout=SHORT_TIMEOUT)
    print(heard_by_answerer)
    print(heard_by_asker)
    wait = scaled(2)
    try:
        converse(ctx, workers=1, timeout=wait)
    except multiprocessing.TimeoutError:
        print(f"with one worker: no answer within {wait:.2f} s (deadlock), pool terminated")


if __name__ == "__main__":
    entry.run(main)
