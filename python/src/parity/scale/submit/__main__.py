"""`python -m parity.scale.submit --redis URL --count N --task-ms MS --timeout S`.

Puts N tasks, waits for their results and prints one line (tasks, results, missing, of which
lost, duplicates, dead-lettered, results per language and per worker). With --progress (or on a
terminal) a progress line goes to stderr at most once a second: done and dead for this run; in
flight, waiting and retrying for the whole queue. A missing task still queued, running or
waiting for a retry is slow; one found nowhere in Redis is lost (a restart without persistence).

Exit codes: 0 every task has exactly one result, 1 not, 2 bad input or no server, 130 Ctrl-C.
"""

from __future__ import annotations

import sys
import time

import redis

from parity.common import entry
from parity.common.entry import INTERRUPTED_EXIT
from parity.common.redis_server import redact
from parity.scale import task_queue
from parity.scale._cli import Parser, fail, interrupt_on_sigterm, positive, url
from parity.scale._queue import redis_ops as ops
from parity.scale._queue.messages import MAX_MS, Keys
from parity.scale._queue.report import collect, new_run_id


def main() -> int:
    parser = Parser(
        "submit",
        "Put N tasks on the Redis stream, wait for every result, check them, print one line.",
    )
    parser.add_argument(
        "--count",
        type=positive,
        default=20,
        metavar="N",
        help="how many tasks (default: %(default)s)",
    )
    parser.add_argument(
        "--task-ms",
        type=int,
        default=100,
        metavar="MS",
        help="each task's time (default: %(default)s)",
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=60.0,
        metavar="S",
        help="give up after S s (default: %(default)s)",
    )
    parser.add_argument(
        "--fail",
        type=int,
        default=0,
        metavar="K",
        help="the last K tasks raise on every attempt and end in the dead-letter stream",
    )
    parser.add_argument(
        "--backlog",
        type=positive,
        default=task_queue.BACKLOG,
        metavar="N",
        help=f"wait while N tasks are unfinished, at most {ops.STREAM_CAP} (default: %(default)s)",
    )
    parser.add_argument(
        "--progress",
        action="store_true",
        help="progress on stderr once a second (default on a terminal)",
    )
    args = parser.parse_args()
    if not args.count <= 2**31 - 1:
        fail("--count must be a positive integer")
    if not 0 <= args.task_ms <= MAX_MS or not 0 <= args.fail <= args.count:
        fail(f"--task-ms must be in 0..{MAX_MS} and --fail in 0..--count")
    if not args.timeout > 0:
        fail("--timeout must be positive")
    if args.backlog > ops.STREAM_CAP:
        fail(f"--backlog must be at most {ops.STREAM_CAP}, the stream's MAXLEN: beyond it, "
             "XADD would trim unread tasks")  # fmt: skip
    address = url(args)
    interrupt_on_sigterm()
    r = ops.connect(address)
    keys = Keys(args.namespace)
    show = args.progress or sys.stderr.isatty()
    try:
        ops.check_server(r)
        run = new_run_id()
        started = time.monotonic()
        failing = set(range(args.count - args.fail, args.count))
        task_queue.put_tasks(
            r, run, args.count, args.task_ms, keys=keys, fail=failing, backlog=args.backlog,
            timeout=args.timeout,
        )  # fmt: skip
        remaining = max(0.0, args.timeout - (time.monotonic() - started))
        progress = (lambda line: print(line, file=sys.stderr, flush=True)) if show else None
        report = collect(r, run, args.count, keys=keys, timeout=remaining, progress=progress)
    except KeyboardInterrupt:
        print("submit cancelled (Ctrl-C); tasks already put stay in the stream", flush=True)
        return INTERRUPTED_EXIT
    except TimeoutError as exc:
        fail(str(exc), code=1)
    except ValueError as exc:  # a Redis older than 7.0
        fail(f"{redact(address)}: {exc}")
    except redis.RedisError as exc:
        fail(f"{redact(address)}: {type(exc).__name__}: {exc}")
    finally:
        r.close()
    print(report.line(), flush=True)
    return 0 if report.ok else 1


if __name__ == "__main__":
    raise SystemExit(entry.run(main))
