"""`python -m parity.scale.worker --redis URL`: take tasks from the stream until stopped.

SIGTERM or Ctrl-C: a task in hand is handed back at once (the next worker claims it without
waiting out the idle time), then the worker leaves. A server that goes away (a restart) is
waited for, with a growing pause, for up to a minute.

Exit codes (the .NET worker's too): 0 stopped by SIGTERM, 130 by Ctrl-C, 1 the server stayed
away, 2 bad input, no server, a wrong password or a Redis older than 7.0.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable
from typing import Any

import redis

from parity.common import entry
from parity.common.entry import INTERRUPTED_EXIT
from parity.common.redis_server import redact
from parity.scale import task_queue
from parity.scale._cli import Parser, fail, positive, stop_on_signals, url
from parity.scale._queue import redis_ops as ops
from parity.scale._queue.messages import Keys, Task


def stalling_on(nth: int | None) -> Callable[[Task, threading.Event], None]:
    """--stall-on N: the N-th task is never finished, like a machine that died holding it (the
    lesson's demo kills this worker next); every other task is the usual simulated work."""
    if nth is None:
        return ops.simulated_work
    taken = itertools.count(1)

    def work(task: Task, cancel: threading.Event) -> None:
        if next(taken) == nth:
            cancel.wait()  # until the worker is stopped, if it is not killed first
            return
        ops.simulated_work(task, cancel)

    return work


def main() -> int:
    parser = Parser(
        "worker",
        "Take tasks from the Redis stream, record each result once, until SIGTERM or Ctrl-C.",
    )
    parser.add_argument("--name", help="this worker's name (default: python-HOST-PID)")
    number: dict[str, Any] = {"type": positive, "metavar": "N"}
    parser.add_argument(
        "--claim-idle-ms",
        **number,
        default=task_queue.CLAIM_IDLE_MS,
        help="claim a task another worker has held this long, in ms (default: %(default)s)",
    )
    parser.add_argument(
        "--max-deliveries",
        **number,
        default=task_queue.MAX_DELIVERIES,
        help="dead-letter a task handed out more often: its workers die (default: %(default)s)",
    )
    parser.add_argument(
        "--max-attempts",
        **number,
        default=task_queue.MAX_ATTEMPTS,
        help="dead-letter a task that raised this often; until then retry it with backoff "
        "(default: %(default)s)",
    )
    parser.add_argument(
        "--time-limit-ms",
        type=int,
        default=0,
        metavar="MS",
        help="a task running longer fails (its handler is cancelled); 0: no limit",
    )
    parser.add_argument(
        "--stall-on",
        **number,
        help="demo: take the K-th task and never finish it, like a dead machine",
    )
    args = parser.parse_args()
    if args.time_limit_ms < 0:
        fail("--time-limit-ms must be 0 or more")
    address = url(args)
    stop, interrupted = stop_on_signals()
    r = ops.connect(address)
    try:
        ops.check_server(r)
    except (redis.RedisError, ValueError) as exc:  # no server, a wrong password, too old: as .NET
        r.close()
        fail(f"{redact(address)}: {exc}")
    try:
        worker = task_queue.Worker(
            r,
            keys=Keys(args.namespace),
            name=args.name,
            claim_idle_ms=args.claim_idle_ms,
            max_deliveries=args.max_deliveries,
            max_attempts=args.max_attempts,
            time_limit_ms=args.time_limit_ms,
            work=stalling_on(args.stall_on),
            say=lambda line: print(line, flush=True),
            stop=stop,
        )
        worker.run()
    except ValueError as exc:
        fail(str(exc))
    except redis.RedisError as exc:
        fail(f"{redact(address)}: {type(exc).__name__}: {exc}", code=1)
    finally:
        r.close()
    if interrupted.is_set():
        print(f"worker {worker.name} stopped (Ctrl-C)", flush=True)
        return INTERRUPTED_EXIT
    print(f"worker {worker.name} stopped", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(entry.run(main))
