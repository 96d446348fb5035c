"""process.subclass: a Process subclass with its own __init__ and run().

The object-oriented spelling of process.basic: subclass Process, call the base __init__ first,
keep the child's arguments as attributes and put its work in run(), which start() runs in the
child. Not in the article: a subclass of multiprocessing.Process starts with the *global*
default start method (to honour a context, inherit from that context's Process class), and
the child works on a copy of the object: what run() changes on self never reaches the parent,
so results travel through a Queue.
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
    def __init__(self, greeting: str, reports: Queue[Report]) -> None:
        super().__init__(name=f"greeter-{greeting}")  # first: start() needs the base's state
        self.greeting = greeting
        self.reports = reports

    def run(self) -> None:  # what start() runs in the child (a target= would be ignored)
        self.greeting = self.greeting.upper()  # changes the child's copy only
        self.reports.put((self.name, self.greeting, os.getpid(), os.getppid()))


# </subclass>
# A subclass is bound to a start method through its base class: one concrete class per method.
class SpawnGreeter(Greeter, SpawnProcess): ...


GREETERS: dict[str, type[Greeter]] = {"spawn": SpawnGreeter}
if sys.platform != "win32":
    from multiprocessing.context import ForkProcess, ForkServerProcess

    class ForkGreeter(Greeter, ForkProcess): ...

    class ForkServerGreeter(Greeter, ForkServerProcess): ...

    GREETERS |= {"fork": ForkGreeter, "forkserver": ForkServerGreeter}


# <parent>
def greet(ctx: Context, greeting: str) -> tuple[Greeter, Report]:
    reports: Queue[Report] = ctx.Queue()
    child = GREETERS[ctx.get_start_method()](greeting, reports)  # the context's start method
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
    said = f"exited with code {child.exitcode}; our copy still says {child.greeting!r}"
    print(f"[parent] {child.name} {said}")


# </parent>
if __name__ == "__main__":
    entry.run(main)
