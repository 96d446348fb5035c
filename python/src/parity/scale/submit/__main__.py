"""`python -m parity.scale.submit --redis URL --count N --task-ms MS --timeout S`.

Puts N tasks, waits for their results and prints one line (tasks, results, missing,
duplicates, dead-lettered, results per language and per worker). Exit codes: 0 every task has
exactly one result, 1 not, 2 bad input or no server, 130 Ctrl-C.
"""

from __future__ import annotations

import time

import redis

from parity.common.redis_server import redact
from parity.scale import task_queue
from parity.scale._cli import Parser, add_connection, fail, interrupt_on_sigterm, url


def main() -> int:
    parser = Parser(
        prog="python -m parity.scale.submit",
        description="Put N tasks on the Redis stream, wait for every result, check them, print one line.",
    )
    add_connection(parser)
    parser.add_argument(
        "--count", type=int, default=20, metavar="N", help="how many tasks (default: %(default)s)"
    )
    parser.add_argument(
        "--task-ms",
        type=int,
        default=100,
        metavar="MS",
        help="how long each task takes a worker (default: %(default)s)",
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=60.0,
        metavar="S",
        help="give up waiting after this many seconds (default: %(default)s)",
    )
    parser.add_argument(
        "--fail",
        type=int,
        default=0,
        metavar="K",
        help="the last K tasks fail on every delivery and end in the dead-letter stream",
    )
    parser.add_argument(
        "--backlog",
        type=int,
        default=task_queue.BACKLOG,
        metavar="N",
        help="wait while this many tasks are unfinished (default: %(default)s)",
    )
    args = parser.parse_args()
    if not 1 <= args.count <= 2**31 - 1:
        fail("--count must be a positive integer")
    if not 0 <= args.task_ms <= task_queue.MAX_MS or not 0 <= args.fail <= args.count:
        fail(f"--task-ms must be in 0..{task_queue.MAX_MS} and --fail in 0..--count")
    if not args.timeout > 0 or args.backlog < 1:
        fail("--timeout and --backlog must be positive")
    address = url(args)
    interrupt_on_sigterm()
    r = task_queue.connect(address)
    keys = task_queue.Keys(args.namespace)
    try:
        task_queue.check_server(r)
        run = task_queue.new_run_id()
        started = time.monotonic()
        failing = range(args.count - args.fail, args.count)
        task_queue.put_tasks(
            r,
            run,
            args.count,
            args.task_ms,
            keys=keys,
            fail=failing,
            backlog=args.backlog,
            timeout=args.timeout,
        )
        remaining = max(0.0, args.timeout - (time.monotonic() - started))
        report = task_queue.collect(r, run, args.count, keys=keys, timeout=remaining)
    except KeyboardInterrupt:
        print("submit cancelled (Ctrl-C); tasks already put stay in the stream", flush=True)
        return 130
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
    raise SystemExit(main())
