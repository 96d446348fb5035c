"""process.lifecycle: a child's name, is_alive(), join(timeout), terminate(), exitcode, daemon.

A Process object moves through four states that its repr shows: initial (created, no pid),
started (running), stopped (exited: exitcode is set, negative when a signal ended it) and
closed (close() released its resources). join(timeout) returns when the timeout expires even
if the child still runs, so always check is_alive() after it. terminate() asks the child to
stop: SIGTERM on POSIX (the child may catch it), TerminateProcess on Windows; kill() is
SIGKILL. A daemon child is terminated by multiprocessing when the parent's interpreter exits.
"""

from __future__ import annotations

import os
import time

from parity.common import entry
from parity.common.mp import Context, context
from parity.common.timing import SHORT_TIMEOUT, scaled


# <lifecycle>
def walk_through(ctx: Context) -> int | None:
    """Create, start, time out a join, terminate and close a child; return its exit code."""
    # The child only sleeps: a child terminated while blocked on a shared Event, Lock or Queue
    # can leave it broken (Event.set() in the parent would then wait for it forever).
    child = ctx.Process(target=time.sleep, args=(SHORT_TIMEOUT,), name="sleeper")

    def show(step: str) -> None:  # the repr names the state: initial, started, stopped, closed
        print(f"{step:<22} {child!r}")

    show("created")
    child.start()
    show("started")
    child.join(timeout=scaled(0.5))  # gives up after 0.5 s, child still running: is_alive()
    show("join(0.5) returned")
    child.terminate()  # SIGTERM on POSIX, TerminateProcess on Windows
    child.join(SHORT_TIMEOUT)
    show("terminated and joined")
    exitcode = child.exitcode  # read it now: after close() every query raises
    child.close()  # releases the sentinel and pipes; the object is unusable afterwards
    show("closed")
    return exitcode


# </lifecycle>
# <daemon>
def leave_a_daemon_running(ctx: Context) -> int:
    """Start a daemon child and return its pid without joining: the interpreter's exit ends it."""
    child = ctx.Process(target=time.sleep, args=(SHORT_TIMEOUT,), name="daemon", daemon=True)
    child.start()
    assert child.pid is not None
    return child.pid


# </daemon>


def main() -> None:
    ctx = context()
    print(f"[parent] pid={os.getpid()} start method={ctx.get_start_method()}")
    exitcode = walk_through(ctx)
    print(f"exit code after terminate(): {exitcode} (minus the signal's number)")
    pid = leave_a_daemon_running(ctx)
    print(f"daemon child {pid} left running: multiprocessing terminates it when we exit")


if __name__ == "__main__":
    entry.run(main)
