"""context.start-methods: fork, spawn and forkserver, how to choose one, and what each costs.

- fork (POSIX): the child is a copy of the parent, memory, threads' locks and open files included.
- spawn (everywhere): the child is a fresh interpreter that imports what the target needs.
- forkserver (POSIX): a single-threaded server process, started once, forks each child.

Choose with `get_context(method)`, which returns an object with the same API as the module and
can be used next to other contexts; `set_start_method(method)` fixes the module-wide default
once per program, and a second call raises RuntimeError unless force=True. The defaults:
Windows and macOS spawn; other POSIX systems fork until Python 3.13, forkserver from 3.14.
The measurement below starts a child with each method a few times and compares the medians.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import time

from parity.common import entry
from parity.common.measure import median_seconds
from parity.common.mp import Context, context
from parity.common.process_group import join_or_kill
from parity.common.timing import SHORT_TIMEOUT
from parity.context._start_methods import fresh, time_programs

# <child>
# Set when this module is imported: a forked child inherits the parent's value, a spawned
# child imports the module afresh and gets its own pid.
IMPORTED_IN_PID = os.getpid()


def hello(queue: multiprocessing.Queue[tuple[str, bool]]) -> None:
    """The article's target: send a greeting back, and whether we imported this module ourselves."""
    queue.put(("hello", os.getpid() == IMPORTED_IN_PID))


# </child>


# <start-once>
def start_once(ctx: Context) -> tuple[tuple[str, bool], float]:
    """Start one child with this context; return its answer and the seconds start-to-join took."""
    queue: multiprocessing.Queue[tuple[str, bool]] = ctx.Queue()
    began = time.perf_counter()
    child = ctx.Process(target=hello, args=(queue,))
    child.start()
    try:
        answer = queue.get(timeout=SHORT_TIMEOUT)
    finally:
        join_or_kill(child, SHORT_TIMEOUT)
    return answer, time.perf_counter() - began


def median_start(ctx: Context, runs: int = 3) -> float:
    """Median seconds to start, hear from and join a child: one slow outlier does not count."""
    return median_seconds(lambda: start_once(ctx), runs, warm_up=False)


# </start-once>


# <defaults>
def default_in_fresh_interpreter() -> str:
    return fresh("import multiprocessing as mp; print(mp.get_start_method())").strip()


# </defaults>


# <set-twice>
SET_TWICE = """
    import multiprocessing as mp

    def attempt(label, method, **kwargs):
        try:
            mp.set_start_method(method, **kwargs)
            print(f"{label}: ok, now {mp.get_start_method()}")
        except RuntimeError as error:
            print(f"{label}: RuntimeError: {error}")

    attempt("first call", "spawn")
    attempt("second call, same method", "spawn")
    attempt("third call, force=True", "spawn", force=True)
    mp.set_start_method(None, force=True)  # back to 'not set yet'
    mp.Queue()  # using the default context fixes the method too
    attempt("after mp.Queue()", "spawn")
"""


def set_start_method_twice() -> list[str]:
    """What set_start_method says when called more than once, in a fresh interpreter."""
    return fresh(SET_TWICE).splitlines()


# </set-twice>


# <article-programs>
# The article timed whole programs: one calls set_start_method('spawn'), one get_context('spawn'),
# and one (the fast one) the default, fork on Linux up to 3.13. The first two do the same work.
PROGRAM = """
    import multiprocessing as mp
    from parity.common.timing import SHORT_TIMEOUT
    from parity.context.start_methods import hello

    if __name__ == "__main__":
        {setup}
        q = ctx.Queue()
        p = ctx.Process(target=hello, args=(q,))
        p.start()
        print(q.get(timeout=SHORT_TIMEOUT))
        p.join(SHORT_TIMEOUT)
"""
ARTICLE_SETUPS = {
    "set_start_method('spawn')": "mp.set_start_method('spawn'); ctx = mp",
    "get_context('spawn')": "ctx = mp.get_context('spawn')",
}


# </article-programs>


# <main>
def main() -> None:
    version = sys.version.split()[0]
    print(f"default start method here: {default_in_fresh_interpreter()} (Python {version})")
    methods = multiprocessing.get_all_start_methods()
    medians = {method: median_start(context(method)) for method in methods}
    fastest = min(medians.values())
    for method, seconds in medians.items():
        print(f"  {method:<10} median start {seconds * 1000:7.1f} ms  x{seconds / fastest:5.1f}")

    for line in set_start_method_twice():
        print(f"  {line}")

    print("the article's two spawn programs, whole-program wall time:")
    for timing in time_programs(PROGRAM, ARTICLE_SETUPS, runs=1):
        print(f"  {timing.setup:<26} {timing.median_seconds * 1000:7.1f} ms -> {timing.answer}")


# </main>


if __name__ == "__main__":
    entry.run(main)
