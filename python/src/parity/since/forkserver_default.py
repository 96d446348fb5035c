"""since.forkserver-default: Python 3.14 stopped forking by default on Linux.

Up to 3.13 Linux started multiprocessing children (and ProcessPoolExecutor workers) with fork:
the child is a copy of the parent, so whatever the parent set before start() is already there,
and the target is never pickled. 3.14 switches the default to forkserver on every platform but
macOS and Windows (which have used spawn for years). The child then imports the main module
afresh and receives its target by pickle, so two things that used to work break: state set at
run time before start() is not seen, and a lambda or nested function cannot be the target.
Code that relies on fork can ask for it by name: multiprocessing.get_context("fork").
"""

from __future__ import annotations

import multiprocessing
import pickle

from parity.common import entry
from parity.common.mp import Context, context
from parity.common.timing import SHORT_TIMEOUT

SETTING = "set at import"


# <what-breaks>
def report(results: multiprocessing.Queue[str]) -> None:
    results.put(SETTING)


def child_sees(ctx: Context) -> str:
    """Change a global at run time, then start a child: which value does the child see?"""
    global SETTING
    SETTING = "set at run time"
    results: multiprocessing.Queue[str] = ctx.Queue()
    child = ctx.Process(target=report, args=(results,))
    child.start()
    seen = results.get(timeout=SHORT_TIMEOUT)
    child.join(SHORT_TIMEOUT)
    return seen


def start_a_lambda(ctx: Context) -> str:
    """A lambda as the target: fine when nothing is pickled, refused when it is."""
    child = ctx.Process(target=lambda: None)
    try:
        child.start()
    except (pickle.PicklingError, AttributeError, TypeError) as error:
        return f"refused ({type(error).__name__})"
    child.join(SHORT_TIMEOUT)
    return f"ran (exit code {child.exitcode})"


# </what-breaks>


# <run>
def main() -> None:
    print(f"default start method here: {multiprocessing.get_start_method()}")
    for method in multiprocessing.get_all_start_methods():  # fork by name: get_context("fork")
        ctx = context(method)
        print(f"{method:<10}: the child sees {child_sees(ctx)!r}; a lambda {start_a_lambda(ctx)}")


# </run>


if __name__ == "__main__":
    entry.run(main)
