"""process.subclass: a Process subclass with its own __init__ and run().

process.basic, the object-oriented way. Not in the article: a subclass of multiprocessing.Process
uses the *global* default start method (inherit from a context's Process class to honour it),
and the child works on a copy: what run() sets on self never reaches the parent (use a Queue).
"""

import multiprocessing.context
import os
import sys
from multiprocessing import process
from multiprocessing.queues import Queue

from parity.common import entry
from parity.common.mp import Context, context
from parity.common.process_group import join_or_kill
from parity.common.timing import SHORT_TIMEOUT

Report = tuple[str, str, int, int]  # (process name, greeting, pid, ppid), made in the child


# <subclass>
class Greeter(process.BaseProcess):
    def __init__(self, greeting: str, reports: "Queue[Report]") -> None:
        super().__init__(name=f"greeter-{greeting}")  # first: start() needs the base's state
        self.greeting = greeting
        self.reports = reports

    def run(self) -> None:  # what start() runs in the child (a target= would be ignored)
        self.greeting = self.greeting.upper()  # changes the child's copy only
        self.reports.put((self.name, self.greeting, os.getpid(), os.getppid()))


# </subclass>
class SpawnGreeter(Greeter, multiprocessing.context.SpawnProcess): ...


GREETERS: dict[str, type[Greeter]] = {"spawn": SpawnGreeter}  # a subclass per start method
if sys.platform != "win32":  # fork and forkserver are POSIX only

    class ForkGreeter(Greeter, multiprocessing.context.ForkProcess): ...

    class ForkServerGreeter(Greeter, multiprocessing.context.ForkServerProcess): ...

    GREETERS |= {"fork": ForkGreeter, "forkserver": ForkServerGreeter}


# <parent>
def greet(ctx: Context, greeting: str) -> tuple[Greeter, Report]:
    reports: Queue[Report] = ctx.Queue()
    child = GREETERS[ctx.get_start_method()](greeting, reports)  # the context's start method
    child.start()  # runs child.run() in the new process
    try:
        return child, reports.get(timeout=SHORT_TIMEOUT)
    finally:
        join_or_kill(child, SHORT_TIMEOUT)


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
