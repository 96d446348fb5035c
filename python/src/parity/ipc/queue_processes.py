"""ipc.queue-processes: two processes talk through Queues, and why one shared Queue is a trap.

The article's talker puts a question on a Queue, then polls that same Queue (empty()? sleep,
retry) for the answer. But a Queue has no idea who put what: if the talker looks before its
friend has taken the question, it takes its own question back, and the friend waits forever.
Started alone, the talker shows this every time. The fix is one Queue per direction, and a
blocking get(timeout) instead of the sleep-and-retry loop: the answer is taken the moment it
arrives, so the conversation takes the friend's 4 s, not the 6 s the retry loop needs.
"""

from __future__ import annotations

import queue
import time
from collections.abc import Callable, Sequence
from multiprocessing.queues import Queue
from typing import TypeAlias

from parity.common import entry
from parity.common.mp import Context, context
from parity.common.process_group import join_or_kill
from parity.common.timing import SHORT_TIMEOUT, scaled

QUESTION = "[talker] Ming, skewers tonight?"
ANSWER = "[friend] Can't, I have a date."
FRIEND_DELAY = 4  # article seconds: the friend's "network latency" before answering
Report = tuple[str, object]
Inbox: TypeAlias = "Queue[str]"  # quoted: Queue[str] is for the type checker only


# <retry>
def article_delays(attempts: int = 3) -> list[int]:
    """The article's back-off, (i + 1) * 2: 2, 4 and 6 s (its comment says 1, 4, 6)."""
    return [(i + 1) * 2 for i in range(attempts)]


def retry_until(
    ready: Callable[[], bool], delays: Sequence[float], sleep: Callable[[float], None]
) -> int | None:
    """The article's loop: check, else sleep and check again. Returns the attempt that saw a
    message (1-based), or None after sleeping through every delay."""
    for attempt, delay in enumerate(delays, start=1):
        if ready():
            return attempt
        sleep(delay)
    return None


# </retry>


# <one-queue>
def article_talker(shared: Inbox, report: Queue[Report]) -> None:
    """The article's first process: ask on the shared queue, then poll that queue for a reply."""
    shared.put(QUESTION)
    delays = [scaled(d) for d in article_delays()]
    attempt = retry_until(lambda: not shared.empty(), delays, time.sleep)
    heard = shared.get(timeout=SHORT_TIMEOUT) if attempt is not None else None
    report.put(("talker", heard))  # heard is the talker's own QUESTION when it is alone


# </one-queue>


# <two-queues>
def talker(to_friend: Inbox, from_friend: Inbox, report: Queue[Report], wait: float) -> None:
    """Ask on one queue, wait on the other: nothing we put can come back to us."""
    to_friend.put(QUESTION)
    try:
        report.put(("talker", from_friend.get(timeout=wait)))
    except queue.Empty:
        report.put(("talker", None))


def friend(to_friend: Inbox, from_friend: Inbox, report: Queue[Report], wait: float) -> None:
    """Take the question, pause, answer. The article's friend is this with one queue for both."""
    try:
        heard = to_friend.get(timeout=wait)  # the article's get() has no timeout: it could hang
    except queue.Empty:
        report.put(("friend", None))
        return
    time.sleep(scaled(FRIEND_DELAY))
    from_friend.put(ANSWER)
    report.put(("friend", heard))


# </two-queues>


def _collect(report: Queue[Report], count: int) -> dict[str, object]:
    return dict(report.get(timeout=SHORT_TIMEOUT) for _ in range(count))


# <parent>
def lone_talker(ctx: Context, wait: float) -> dict[str, object]:
    """The race made certain: the talker runs before its friend exists, then the friend runs.
    What each heard: the talker its own question, the friend nothing (after `wait`)."""
    shared: Inbox = ctx.Queue()
    report: Queue[Report] = ctx.Queue()
    first = ctx.Process(target=article_talker, args=(shared, report))
    first.start()
    heard = _collect(report, 1)
    join_or_kill(first)
    # The article's friend takes the question from, and answers on, the same queue.
    second = ctx.Process(target=friend, args=(shared, shared, report, wait))
    second.start()
    heard |= _collect(report, 1)
    join_or_kill(second)
    return heard


def converse(ctx: Context, wait: float = SHORT_TIMEOUT) -> tuple[dict[str, object], float]:
    """The fix: one queue per direction. Returns what each heard and the seconds it took."""
    to_friend: Inbox = ctx.Queue()
    from_friend: Inbox = ctx.Queue()
    report: Queue[Report] = ctx.Queue()
    args = (to_friend, from_friend, report, wait)
    processes = [ctx.Process(target=talker, args=args), ctx.Process(target=friend, args=args)]
    started = time.monotonic()
    for process in processes:
        process.start()
    try:
        heard = _collect(report, 2)
    finally:
        for process in processes:
            join_or_kill(process)
    return heard, time.monotonic() - started


# </parent>


def main() -> None:
    ctx = context()
    wait = scaled(2)
    alone = lone_talker(ctx, wait)
    print(f"one shared queue, talker first: the talker heard {alone['talker']!r}")
    print(f"  ...and the friend heard {alone['friend']!r} within {wait:.2f} s")
    heard, seconds = converse(ctx)
    print(f"two queues: the friend heard {heard['friend']!r}")
    print(f"two queues: the talker heard {heard['talker']!r}")
    retry_total = sum(article_delays()[:2])
    print(
        f"took {seconds:.2f} s (the friend's delay is {scaled(FRIEND_DELAY):.2f} s; "
        f"the article's retry loop would notice only at {scaled(retry_total):.2f} s)"
    )


if __name__ == "__main__":
    entry.run(main)
