"""A sacrificial interpreter for bridge.fork-safety: load the CLR, fork, use .NET in the child.

Run as `python -m parity.bridge._fork_hazard SECONDS` by fork_safety.forked_child_outcome().
Prints `child PID` first (so the caller can clean up even if this process dies), then one
`outcome: ...` line. The child arms an alarm, so a hung child ends itself as well.
"""

from __future__ import annotations

import os
import signal
import sys
import time
import warnings

from parity.bridge._runtime import ForkAfterLoadWarning, examples

EXPECTED = 499_999_500_000


def main() -> None:
    if sys.platform == "win32":
        raise SystemExit("no fork on Windows: nothing to show")
    limit = float(sys.argv[1]) if len(sys.argv) > 1 else 2.0
    plinq_sum = examples().Plinq.Sum
    assert plinq_sum.ParallelRange(1_000_000) == EXPECTED  # .NET works here, before the fork
    warnings.simplefilter("ignore", ForkAfterLoadWarning)  # the warning is not the point here
    pid = os.fork()
    if pid == 0:
        signal.alarm(int(limit) + 3)  # SIGALRM's default action ends a hung child
        ok = plinq_sum.ParallelRange(1_000_000) == EXPECTED
        os._exit(0 if ok else 3)
    print(f"child {pid}", flush=True)
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
    main()
    os._exit(0)  # skip pythonnet's slow shutdown; nothing is left to clean up
