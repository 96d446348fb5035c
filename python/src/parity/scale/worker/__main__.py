"""`python -m parity.scale.worker --redis URL`: take tasks from the stream until stopped.

Exit codes (the .NET worker's too): 0 stopped by SIGTERM, 130 by Ctrl-C, 1 the server went away,
2 bad input, no server, a wrong password or a Redis older than 7.0.
"""

from __future__ import annotations

import redis

from parity.common.redis_server import redact
from parity.scale import task_queue
from parity.scale._cli import Parser, add_connection, fail, stop_on_sigterm, url


def main() -> int:
    parser = Parser(
        prog="python -m parity.scale.worker",
        description="Take tasks from the Redis stream, record each result once, until SIGTERM or Ctrl-C.",
    )
    add_connection(parser)
    parser.add_argument("--name", help="this worker's name (default: python-HOST-PID)")
    parser.add_argument(
        "--claim-idle-ms",
        type=int,
        default=task_queue.CLAIM_IDLE_MS,
        metavar="MS",
        help="claim a task another worker has held this long (default: %(default)s)",
    )
    parser.add_argument(
        "--max-deliveries",
        type=int,
        default=task_queue.MAX_DELIVERIES,
        metavar="N",
        help="dead-letter a task delivered more often than this (default: %(default)s)",
    )
    parser.add_argument(
        "--stall-on",
        type=int,
        metavar="K",
        help="demo: take the K-th task and never finish it, like a machine that died",
    )
    args = parser.parse_args()
    if args.claim_idle_ms < 1 or args.max_deliveries < 1:
        fail("--claim-idle-ms and --max-deliveries must be positive")
    address = url(args)
    stop = stop_on_sigterm()
    r = task_queue.connect(address)
    try:
        task_queue.check_server(r)
    except (redis.RedisError, ValueError) as exc:  # no server, a wrong password, too old: as .NET
        r.close()
        fail(f"{redact(address)}: {exc}")
    try:
        worker = task_queue.Worker(
            r,
            keys=task_queue.Keys(args.namespace),
            name=args.name,
            claim_idle_ms=args.claim_idle_ms,
            max_deliveries=args.max_deliveries,
            stall_on=args.stall_on,
            say=lambda line: print(line, flush=True),
            stop=stop,
        )
        worker.run()
    except ValueError as exc:
        fail(str(exc))
    except KeyboardInterrupt:
        print("worker stopped (Ctrl-C); a task it held is claimed by another worker", flush=True)
        return 130
    except redis.RedisError as exc:
        fail(f"{redact(address)}: {type(exc).__name__}: {exc}", code=1)
    finally:
        r.close()
    print(f"worker {worker.name} stopped", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
