"""`python -m parity.scale.dead --redis URL list | redrive ID... | redrive --all`.

list: one line per dead letter, oldest first (id, task, deliveries, attempt, worker, reason).
redrive: put letters back on the task stream as fresh tasks (their attempts start again).
Exit codes (the .NET `dead` command's too): 0 done, 1 a named letter was not found (or its
task is gone), 2 bad input or no server.
"""

from __future__ import annotations

import redis

from parity.common import entry
from parity.common.redis_server import redact
from parity.scale._cli import Parser, fail, url
from parity.scale._queue import dead
from parity.scale._queue import redis_ops as ops
from parity.scale._queue.messages import Keys


def main() -> int:
    parser = Parser(
        "dead",
        "List the dead-letter stream, or put letters back on the task stream as fresh tasks.",
    )
    parser.add_argument("words", nargs="+", metavar="list | redrive ID... | redrive --all")
    parser.add_argument("--all", action="store_true", help="with redrive: every letter")
    args = parser.parse_args()
    words = args.words
    if words == ["list"] and not args.all:
        command, ids = "list", []
    elif words[0] == "redrive" and (args.all != (len(words) > 1)):
        command, ids = "redrive", words[1:]
    else:
        fail("say list, redrive ID... or redrive --all (--help shows how)")
    address = url(args)
    r = ops.connect(address)
    keys = Keys(args.namespace)
    try:
        ops.check_server(r)
        if command == "list":
            for text in dead.list_lines(r, keys):
                print(text, flush=True)
            return 0
        moved, missing = dead.redrive(r, keys, ids)
    except (redis.RedisError, ValueError) as exc:
        fail(f"{redact(address)}: {type(exc).__name__}: {exc}")
    finally:
        r.close()
    print(f"re-drove {moved} dead letter(s)", flush=True)
    if missing:
        fail(f"no dead letter {', '.join(missing)}", code=1)
    return 0


if __name__ == "__main__":
    raise SystemExit(entry.run(main))
