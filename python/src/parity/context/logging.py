"""context.logging: multiprocessing's own logger and the lines a child logs over its life.

`multiprocessing.log_to_stderr(level)` attaches a stderr handler with the format
`[LEVEL/processName] message` to the logger named "multiprocessing" and returns it. At INFO a
child logs "child process calling self.run()", "process shutting down" and "process exiting
with exitcode N" (from 3.13 the exit-code line comes first: the exit handlers moved to atexit);
the parent logs "process shutting down" when it exits; DEBUG adds the atexit finalizers.
Without a level the logger stays at WARNING and none of these appear.

Which start method runs the child matters: a forked child inherits the logger as it is, while
spawn and forkserver children start fresh with only what multiprocessing sends them (the level,
and whether log_to_stderr() was called), so a handler you add yourself reaches forked children
only. The logger is process-wide state: each configuration runs in its own interpreter.
"""

from __future__ import annotations

import multiprocessing
import re
import subprocess
import sys
from typing import NamedTuple

from parity.common import entry
from parity.common.timing import LONG_TIMEOUT

LINE = re.compile(r"^\[(?:own )?(?P<level>[A-Z]+)/(?P<process>[\w-]+)\] (?P<message>.*)$")


class Record(NamedTuple):
    level: str
    process: str
    message: str


# <session>
def run_session(how: str, level: str, methods: list[str]) -> tuple[str, list[Record]]:
    """Configure logging `how` at `level` in a fresh interpreter and start one child per method;
    return its stdout and the log records it wrote to stderr."""
    done = subprocess.run(
        [sys.executable, "-m", "parity.context._log_session", how, level, *methods],
        capture_output=True,
        text=True,
        timeout=LONG_TIMEOUT,
        check=True,
    )
    lines = map(LINE.match, done.stderr.splitlines())
    return done.stdout, [Record(m["level"], m["process"], m["message"]) for m in lines if m]


# </session>
# <main>
def main() -> None:
    methods = ["default", *multiprocessing.get_all_start_methods()]
    print(f"log_to_stderr(INFO), one child each for: {', '.join(methods)}")
    _, shared = run_session("log_to_stderr", "INFO", methods)
    for record in shared:
        print(f"  [{record.level}/{record.process}] {record.message}")

    print("a handler added by hand instead: which children still log?")
    _, own = run_session("own_handler", "INFO", methods)
    for name in sorted({r.process for r in shared} - {"MainProcess"}):
        print(f"  {name:<20} {'logs' if any(r.process == name for r in own) else 'silent'}")


# </main>
if __name__ == "__main__":
    entry.run(main)
