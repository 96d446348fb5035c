"""A sacrificial interpreter for bridge.fork-safety: load the CLR, fork, use .NET in the child.

Started as `python -m parity.bridge._fork_hazard SECONDS` by launch() (for
fork_safety.forked_child_outcome()).
Prints `child PID` first (so the caller can clean up even if this process dies), a `warned: ...`
line for each warning the fork raised, then one `outcome: ...` line. The child arms an alarm, so
a hung child ends itself as well.
"""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
import time
import warnings
from collections.abc import Iterable

import psutil

from parity.bridge._runtime import ForkAfterLoadWarning, examples, exit_process
from parity.common import entry
from parity.common.kill import gone
from parity.common.timing import SHORT_TIMEOUT

EXPECTED = 499_999_500_000


def launch(limit: float) -> tuple[str, int, list[str]]:
    """Run this module in a fresh interpreter: (its outcome line, its exit code, the warnings
    its fork raised)."""
    process = subprocess.Popen(
        [sys.executable, "-m", "parity.bridge._fork_hazard", str(limit)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    pipe: queue.SimpleQueue[str | None] = queue.SimpleQueue()
    threading.Thread(target=_read_lines, args=(process.stdout, pipe), daemon=True).start()
    try:
        process.wait(timeout=limit + 60)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    # The grandchild outlives a crashed parent and holds the pipe open (until its alarm): end
    # it as soon as the parent is gone, from the pid the parent printed first.
    lines = []
    while (line := pipe.get(timeout=SHORT_TIMEOUT)) is not None:
        lines.append(line)
        if line.startswith("child "):
            _kill_orphan(int(line.split()[1]))
    outcome = next(
        (line for line in lines if line.startswith("outcome: ")), "outcome: none (parent died)"
    )
    warned = [line.removeprefix("warned: ") for line in lines if line.startswith("warned: ")]
    return outcome.removeprefix("outcome: "), process.returncode, warned


def _read_lines(stream: Iterable[str], lines: queue.SimpleQueue[str | None]) -> None:
    for line in stream:
        lines.put(line.rstrip("\n"))
    lines.put(None)  # the end: every holder of the pipe has exited


def _kill_orphan(pid: int) -> None:
    try:
        orphan = psutil.Process(pid)
        if "_fork_hazard" in " ".join(orphan.cmdline()):
            orphan.kill()
            gone(pid, SHORT_TIMEOUT)  # dead once a zombie: its reaper is init, not us
    except (psutil.NoSuchProcess, psutil.AccessDenied):
        pass


def main() -> None:
    if sys.platform == "win32":
        raise SystemExit("no fork on Windows: nothing to show")
    limit = float(sys.argv[1]) if len(sys.argv) > 1 else 2.0
    plinq_sum = examples().Plinq.Sum
    assert plinq_sum.ParallelRange(1_000_000) == EXPECTED  # .NET works here, before the fork
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ForkAfterLoadWarning)
        pid = os.fork()
    if pid == 0:
        signal.alarm(int(limit) + 3)  # SIGALRM's default action ends a hung child
        ok = plinq_sum.ParallelRange(1_000_000) == EXPECTED
        os._exit(0 if ok else 3)
    print(f"child {pid}", flush=True)
    for w in caught:
        print(f"warned: {w.category.__name__}: {w.message}", flush=True)
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            code = os.waitstatus_to_exitcode(status)
            verdict = "finished" if code == 0 else f"crashed (exit {code})"
            print(f"outcome: child {verdict}", flush=True)
            return
        time.sleep(0.02)
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    print(f"outcome: child hung (no PLINQ result within {limit:g} s; killed)", flush=True)


if __name__ == "__main__":
    entry.run(main)
    exit_process()  # skip pythonnet's slow shutdown; nothing is left to clean up
