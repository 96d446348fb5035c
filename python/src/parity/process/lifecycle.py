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
import signal
import time
from multiprocessing.process import BaseProcess

from parity.common import entry
from parity.common.mp import Context, context
from parity.common.timing import SHORT_TIMEOUT, scaled


def state(child: BaseProcess) -> str:
    """initial | started | stopped, from the public API (close() makes every query raise)."""
    if child.pid is None:
        return "initial"
    return "started" if child.is_alive() else "stopped"


def signal_name(exitcode: int | None) -> str:
    """-15 -> '-SIGTERM': the negative exit code of a child ended by a signal."""
    if exitcode is not None and exitcode < 0:
        return f"-{signal.Signals(-exitcode).name}"
    return str(exitcode)


# <lifecycle>
def walk_through(ctx: Context) -> list[tuple[str, str, int | None]]:
    """Create, start, time out a join, terminate, close a child; return (step, state, exitcode)."""
    steps: list[tuple[str, str, int | None]] = []

    def note(step: str, child: BaseProcess) -> None:
        steps.append((step, state(child), child.exitcode))
        print(f"{step:<22} {child!r}")

    # The child only sleeps: a child terminated while blocked on a shared Event, Lock or Queue
    # can leave it broken (Event.set() in the parent would then wait for it forever).
    child = ctx.Process(target=time.sleep, args=(SHORT_TIMEOUT,), name="sleeper")
    note("created", child)
    child.start()
    note("started", child)
    child.join(timeout=scaled(0.5))  # returns after 0.5 s: the child is still waiting
    note("join(0.5) returned", child)
    child.terminate()  # SIGTERM on POSIX, TerminateProcess on Windows
    child.join(SHORT_TIMEOUT)
    note("terminated and joined", child)
    child.close()  # releases the sentinel and pipes; the object is unusable afterwards
    print(f"{'closed':<22} {child!r}")
    return steps


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
    steps = walk_through(ctx)
    print(f"exit code after terminate(): {signal_name(steps[-1][2])}")
    pid = leave_a_daemon_running(ctx)
    print(f"daemon child {pid} left running: multiprocessing terminates it when we exit")


if __name__ == "__main__":
    entry.run(main)
