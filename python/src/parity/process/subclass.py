"""process.subclass: a Process subclass with its own __init__ and run().

The object-oriented spelling of process.basic: instead of passing target=..., subclass
Process, keep the child's arguments as attributes in __init__ (after calling the base
__init__) and put the child's work in run(). start() runs run() in the child.

Two things the article does not say. A subclass of multiprocessing.Process starts with the
*global* default start method; to honour a context, inherit from that context's Process class
(here: one small class per start method over a shared mixin). And the child works on a copy
of the object: what run() changes on self never comes back to the parent, so results travel
through a Queue (or a Pipe).
"""

from __future__ import annotations

import os
import sys
from multiprocessing import process
from multiprocessing.context import SpawnProcess
from multiprocessing.queues import Queue

from parity.common import entry
from parity.common.mp import Context, context
from parity.common.process_group import join_or_kill
from parity.common.timing import SHORT_TIMEOUT

Report = tuple[str, str, int, int]  # (process name, greeting, pid, ppid), made in the child


# <subclass>
class Greeter(process.BaseProcess):
    """Greets from the child. The base __init__ must run first: start() needs its state."""

    def __init__(self, greeting: str, reports: Queue[Report]) -> None:
        super().__init__(name=f"greeter-{greeting}")
        self.greeting = greeting
        self.reports = reports

    def run(self) -> None:
        """What start() runs in the child (a target passed to __init__ would be ignored)."""
        self.greeting = self.greeting.upper()  # changes the child's copy only
        self.reports.put((self.name, self.greeting, os.getpid(), os.getppid()))


# </subclass>


# A subclass is bound to a start method through its base class: one concrete class per method.
class SpawnGreeter(Greeter, SpawnProcess):
    pass


_GREETERS: dict[str, type[Greeter]] = {"spawn": SpawnGreeter}

if sys.platform != "win32":
    from multiprocessing.context import ForkProcess, ForkServerProcess

    class ForkGreeter(Greeter, ForkProcess):
        pass

    class ForkServerGreeter(Greeter, ForkServerProcess):
        pass

    _GREETERS |= {"fork": ForkGreeter, "forkserver": ForkServerGreeter}


def greeter(ctx: Context, greeting: str, reports: Queue[Report]) -> Greeter:
    """A Greeter that starts with `ctx`'s start method."""
    return _GREETERS[ctx.get_start_method()](greeting, reports)


# <parent>
def greet(ctx: Context, greeting: str) -> tuple[Greeter, Report]:
    """Start a Greeter, collect its report, join it; return our copy of it and the report."""
    reports: Queue[Report] = ctx.Queue()
    child = greeter(ctx, greeting, reports)
    child.start()  # runs child.run() in the new process
    try:
        report = reports.get(timeout=SHORT_TIMEOUT)
    finally:
        join_or_kill(child, SHORT_TIMEOUT)
    return child, report


def main() -> None:
    ctx = context()
    print(f"[parent] pid={os.getpid()} ppid={os.getppid()} start method={ctx.get_start_method()}")
    child, (name, greeting, pid, ppid) = greet(ctx, "cheerful")
    print(f"[child {name}] pid={pid} ppid={ppid} greeting={greeting!r}")
    print(
        f"[parent] {child.name} exited with code {child.exitcode}; "
        f"our copy still says {child.greeting!r}"
    )


# </parent>


if __name__ == "__main__":
    entry.run(main)
