"""process.basic: start a child process running a function with arguments, then join it.

Both sides print their PID and their parent's PID. Under fork and spawn the child's parent is
us; under forkserver (the POSIX default from Python 3.14) the child is forked by the fork
server, so os.getppid() names that server, itself our child. `join()` is how the parent
reaps the child (no zombie is left behind), and here it always has a timeout.
"""

from __future__ import annotations

import os

from parity.common import entry
from parity.common.mp import Context, context
from parity.common.timing import SHORT_TIMEOUT


# <child>
def report(name: str) -> None:
    """Runs in the child: say who we are and who our parent is."""
    print(f"[child {name}] pid={os.getpid()} ppid={os.getppid()}", flush=True)


# </child>


# <parent>
def run_child(ctx: Context, name: str) -> tuple[int, int | None]:
    """Start `report(name)` in a child, wait for it; returns (child pid, exit code)."""
    child = ctx.Process(target=report, args=(name,))  # args is a tuple: note the comma
    child.start()
    child.join(SHORT_TIMEOUT)
    if child.is_alive():  # join() returned because of the timeout, not because the child ended
        child.kill()
        child.join()
        raise TimeoutError(f"child {child.pid} did not finish within {SHORT_TIMEOUT} s")
    assert child.pid is not None
    return child.pid, child.exitcode


def main() -> None:
    ctx = context()
    print(
        f"[parent] pid={os.getpid()} ppid={os.getppid()} start method={ctx.get_start_method()}",
        flush=True,
    )
    pid, exitcode = run_child(ctx, "cheerful")
    print(f"[parent] child {pid} exited with code {exitcode}")


# </parent>


if __name__ == "__main__":
    entry.run(main)
