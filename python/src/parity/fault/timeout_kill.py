"""fault.timeout-kill: a timeout kills the child, but not what the child started.

A program that starts helpers of its own (a shell running a pipeline, a build tool, a test
runner) hands them its stdout. When the caller's timeout fires and it kills the child, the
grandchildren live on, still holding the write end of the pipe:

- `communicate()` after `kill()` (the documented recipe) waits for end of file on the pipe,
  which only comes when the last holder exits: it blocks long after the child is dead.
- `subprocess.run(timeout=...)` on POSIX returns at the deadline (it only waits for the child,
  since bpo-37424, Python 3.7.5/3.8), but it leaves the grandchild running; on Windows run()
  calls communicate() after the kill and waits for the grandchild like the recipe above.

The fix on POSIX: start the child in a new session (`start_new_session=True`, or
`process_group=0` since 3.11), so all it starts shares its process group, and kill the group
with `os.killpg`. Windows has no process groups; a Job object does it (.NET, fault.orphans).
"""

from __future__ import annotations

import subprocess
import sys
import time
from dataclasses import dataclass

from parity.common import entry
from parity.common.kill import gone, hard_kill, killed_after, running, signal_group
from parity.common.skip import skip
from parity.common.timing import SHORT_TIMEOUT, scaled

# The child starts a grandchild that inherits its stdout, says so, and both wait.
PARENT_OF_SLEEPER = (
    "import subprocess, sys, time\n"
    "sleeper = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)'])\n"
    "print('ready', sleeper.pid, flush=True)\n"
    "time.sleep(60)\n"
)


def start_in_new_session() -> tuple[subprocess.Popen[str], int]:
    """Start the child leading a new session and group; return it and the grandchild's pid."""
    child = subprocess.Popen(
        [sys.executable, "-c", PARENT_OF_SLEEPER],
        stdout=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    assert child.stdout is not None
    with killed_after(SHORT_TIMEOUT, lambda: signal_group(child.pid)):
        line = child.stdout.readline()  # the child prints this at once
    if not line.startswith("ready "):
        child.communicate(timeout=SHORT_TIMEOUT)
        raise RuntimeError(f"the child did not start its grandchild: {line!r}")
    return child, int(line.split()[1])


@dataclass(frozen=True)
class Outcome:
    child_exit: int | None
    grandchild_alive: bool
    communicate_timed_out: bool
    output: str


# <kill-child>
def kill_the_child_only() -> Outcome:
    """kill() ends the child; communicate() then waits on the pipe the grandchild still holds."""
    child, grandchild = start_in_new_session()
    try:
        child.kill()
        child.wait(SHORT_TIMEOUT)
        try:
            output, _ = child.communicate(timeout=scaled(1))  # unbounded, this waits 60 s
            timed_out = False
        except subprocess.TimeoutExpired:
            output, timed_out = "", True
        return Outcome(child.returncode, running(grandchild), timed_out, output)
    finally:
        signal_group(child.pid)  # clean up: the grandchild is still in the child's group
        child.communicate(timeout=SHORT_TIMEOUT)


# </kill-child>


# <kill-group>
def kill_the_group() -> Outcome:
    """killpg() ends the child and the grandchild: the pipe closes and communicate() returns."""
    child, grandchild = start_in_new_session()
    signal_group(child.pid)  # the child leads its group: its pid is the group id
    output, _ = child.communicate(timeout=SHORT_TIMEOUT)  # end of file: no holder is left
    return Outcome(child.returncode, not gone(grandchild, SHORT_TIMEOUT), False, output)


# </kill-group>


@dataclass(frozen=True)
class RunOutcome:
    timeout: float
    seconds: float
    grandchild: int
    grandchild_alive: bool


# <run>
def run_with_timeout() -> RunOutcome:
    """run(timeout) on POSIX returns at the deadline, and the grandchild keeps running."""
    timeout = scaled(2)
    while True:
        started = time.monotonic()
        try:
            subprocess.run(
                [sys.executable, "-c", PARENT_OF_SLEEPER],
                capture_output=True,
                check=False,
                timeout=timeout,
                start_new_session=True,
            )
        except subprocess.TimeoutExpired as exc:
            seconds = time.monotonic() - started
            partial = exc.stdout.decode() if isinstance(exc.stdout, bytes) else (exc.stdout or "")
        if partial.startswith("ready"):  # the grandchild existed before the deadline
            break
        timeout *= 2  # the child was killed before it started the grandchild: give it longer
    grandchild = int(partial.split()[1])
    still_alive = running(grandchild)
    hard_kill(grandchild)  # run() left it behind: clean up
    return RunOutcome(timeout, seconds, grandchild, still_alive)


# </run>


def main() -> None:
    if sys.platform == "win32":
        skip("process groups and killpg are POSIX; on Windows a Job object kills a tree (see .NET)")
    only = kill_the_child_only()
    print(f"kill(): child exit {only.child_exit}, grandchild alive={only.grandchild_alive}")
    waiting = only.communicate_timed_out
    print(f"        communicate() still waiting on the pipe after 1 s: {waiting}")
    group = kill_the_group()
    print(f"killpg(): child exit {group.child_exit}, grandchild alive={group.grandchild_alive}")
    print(f"          communicate() returned at once with {group.output!r}")
    run = run_with_timeout()
    print(f"run(timeout={run.timeout:g}): returned after the timeout (TimeoutExpired)")
    print(f"          but grandchild {run.grandchild} was still alive={run.grandchild_alive}")


if __name__ == "__main__":
    entry.run(main)
