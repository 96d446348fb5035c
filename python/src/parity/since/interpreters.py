"""since.interpreters: isolated interpreters in one process (Python 3.14).

3.14 puts CPython's subinterpreters in the standard library: concurrent.interpreters, and
InterpreterPoolExecutor beside the thread and process pools. Each interpreter has its own
modules, globals and (since 3.12) its own GIL, so they run Python code in parallel on the
default build; nothing is shared unless asked for: arguments and results are copied, as with
processes, but with no new process to start. Threads share everything. .NET has no isolated
interpreters in one process: its threads already run in parallel over shared objects, and
isolation means another process.
"""

from __future__ import annotations

import sys
import time
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor

from parity.common import entry
from parity.common.mp import context
from parity.common.timing import SHORT_TIMEOUT


# <shared-or-copied>
def append_one(box: list[int]) -> int:
    box.append(1)  # in place: seen by the caller only if the box itself was shared
    return len(box)


def shared_or_copied(pool: Executor) -> tuple[str, float]:
    """Does the worker change the caller's list? And how long did the first call take?"""
    box: list[int] = []
    start = time.perf_counter()
    pool.submit(append_one, box).result(timeout=SHORT_TIMEOUT)
    first_call = time.perf_counter() - start
    return ("shared" if box else "copied"), first_call


def pools() -> dict[str, Executor]:
    """The executors this Python has: interpreters only from 3.14."""
    found: dict[str, Executor] = {"threads": ThreadPoolExecutor(1)}
    if sys.version_info >= (3, 14):
        from concurrent.futures import InterpreterPoolExecutor

        found["interpreters"] = InterpreterPoolExecutor(1)
    found["processes"] = ProcessPoolExecutor(1, mp_context=context())
    return found


# </shared-or-copied>


# <run>
def main() -> None:
    for name, pool in pools().items():
        with pool:
            what, first_call = shared_or_copied(pool)
        print(f"{name:<12}: the list is {what}; first call (with the start) {first_call:.3f} s")
    if sys.version_info < (3, 14):
        print("InterpreterPoolExecutor and concurrent.interpreters need Python 3.14")


# </run>


if __name__ == "__main__":
    entry.run(main)
