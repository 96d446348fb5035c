"""context.logging: multiprocessing's own logger and the lines a child logs over its life.

`multiprocessing.log_to_stderr(level)` attaches a stderr handler with the format
`[LEVEL/processName] message` to the logger named "multiprocessing" and returns it. At INFO a
child logs "child process calling self.run()", "process shutting down" and "process exiting
with exitcode N"; the parent logs "process shutting down" when it exits; DEBUG adds the atexit
finalizers. Without a level the logger stays at WARNING and none of these appear.

Which start method runs the child matters: a forked child inherits the logger as it is, while
spawn and forkserver children start fresh and get only what multiprocessing sends them: the
level, and whether log_to_stderr() was called. A handler you add yourself reaches forked
children only. The logger is process-wide state, so each configuration runs in its own
interpreter (parity.context._log_session).
"""

from __future__ import annotations

import multiprocessing
import re
import subprocess
import sys
from dataclasses import dataclass

from parity.common import entry
from parity.common.timing import LONG_TIMEOUT

LINE = re.compile(r"^\[(?:own )?(?P<level>[A-Z]+)/(?P<process>[\w-]+)\] (?P<message>.*)$")


def lifecycle(version: tuple[int, int] = sys.version_info[:2]) -> list[str]:
    """A child's INFO lines in order. From 3.13 its exit handlers run at interpreter exit
    (atexit), after the exit-code line, so "process shutting down" comes last."""
    started, down, exiting = (
        "child process calling self.run()",
        "process shutting down",
        "process exiting with exitcode 0",
    )
    return [started, exiting, down] if version >= (3, 13) else [started, down, exiting]


LIFECYCLE = lifecycle()


@dataclass(frozen=True)
class Record:
    level: str
    process: str
    message: str


@dataclass(frozen=True)
class Session:
    stdout: str
    records: list[Record]

    def messages(self, process: str) -> list[str]:
        """What one process logged, in order."""
        return [r.message for r in self.records if r.process == process]


# <session>
def run_session(how: str, level: str, methods: list[str]) -> Session:
    """Configure logging `how` at `level` in a fresh interpreter and start one child per method."""
    done = subprocess.run(
        [sys.executable, "-m", "parity.context._log_session", how, level, *methods],
        capture_output=True,
        text=True,
        timeout=LONG_TIMEOUT,
        check=True,
    )
    records = [
        Record(m["level"], m["process"], m["message"])
        for m in map(LINE.match, done.stderr.splitlines())
        if m is not None
    ]
    return Session(done.stdout, records)


# </session>


# <main>
def main() -> None:
    methods = ["default", *multiprocessing.get_all_start_methods()]
    print(f"log_to_stderr(INFO), one child each for: {', '.join(methods)}")
    shared = run_session("log_to_stderr", "INFO", methods)
    for record in shared.records:
        print(f"  [{record.level}/{record.process}] {record.message}")

    print("a handler added by hand instead: which children still log?")
    own = run_session("own_handler", "INFO", methods)
    for name in sorted({r.process for r in shared.records} - {"MainProcess"}):
        print(f"  {name:<20} {'logs' if own.messages(name) else 'silent'}")


# </main>


if __name__ == "__main__":
    entry.run(main)
