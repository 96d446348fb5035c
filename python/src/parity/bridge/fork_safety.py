"""bridge.fork-safety: once the CLR is loaded, the process must not fork.

fork() copies only the calling thread. The CLR's own threads (GC, finalizer, tiered JIT, the
thread pool's workers) do not exist in the child, yet the child's copy of the runtime believes
they do: simple calls may still work, but anything that needs those threads (a PLINQ query, a
collection) waits forever, and the parent can crash too (its W^X code pages are shared
mappings the child writes into). So:

- the bridge registers an `os.register_at_fork` hook that warns (ForkAfterLoadWarning) on every
  fork after load (a hook cannot veto a fork);
- `bridge.child_context()` returns the 'spawn' context and refuses 'fork' once the CLR is loaded;
- a child that needs .NET is spawned and loads the CLR itself.
"""

from __future__ import annotations

import os
import sys
import warnings
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from parity.bridge._fork_hazard import launch
from parity.bridge._runtime import (
    BridgeError,
    ForkAfterLoadWarning,
    child_context,
    examples,
    exit_process,
)
from parity.common import entry
from parity.common.process_group import join_or_kill
from parity.common.timing import LONG_TIMEOUT, scaled

EXPECTED = 499_999_500_000
HANG_LIMIT = 10.0  # article-scale seconds after which a forked child counts as hung


# <fork-warning>
def fork_warnings() -> list[str]:
    """Forks (the child exits at once, touching no .NET) and returns the bridge's warnings.

    It forks this very process: call it only in a sacrificial interpreter (main() does)."""
    if sys.platform == "win32":
        raise NotImplementedError("no fork on Windows")
    examples()  # the CLR is loaded from here on
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        pid = os.fork()
        if pid == 0:
            os._exit(0)
        os.waitpid(pid, 0)
    return [
        f"{w.category.__name__}: {w.message}"
        for w in caught
        if issubclass(w.category, ForkAfterLoadWarning)
    ]


def fork_context_refusal() -> str:
    """What child_context('fork') says once the CLR is loaded."""
    examples()
    try:
        child_context("fork")
    except BridgeError as exc:
        return str(exc)
    return "allowed"


# </fork-warning>


# <spawn>
def _child_plinq_sum(results: Any) -> None:
    # A spawned child is a fresh interpreter: it loads its own CLR.
    results.put(int(examples().Plinq.Sum.ParallelRange(1_000_000)))
    results.close()
    results.join_thread()  # the sum is in the pipe: nothing left that needs pythonnet's slow exit
    exit_process()


def spawned_child_sum(timeout: float = LONG_TIMEOUT) -> int:
    ctx = child_context()  # 'spawn'
    results = ctx.Queue()
    child = ctx.Process(target=_child_plinq_sum, args=(results,))
    child.start()
    try:
        return int(results.get(timeout=timeout))
    finally:
        join_or_kill(child, timeout)


# </spawn>


def forked_child_outcome(limit: float | None = None) -> tuple[str, int, list[str]]:
    """Runs the hazard in a sacrificial interpreter (_fork_hazard): load, fork, PLINQ in the child;
    the concept never forks its own CLR.

    Returns (its outcome line, its exit code, the warnings the fork raised there); a negative
    code is the signal that killed it."""
    return launch(max(1.0, scaled(HANG_LIMIT)) if limit is None else limit)


def main() -> None:
    if not hasattr(os, "fork"):
        print("no fork on this platform: spawn is the only start method, and it is safe")
        print(f"spawned child, PLINQ sum: {spawned_child_sum()}")
        return
    # Each part runs in an interpreter of its own (started with exec, never a fork of this one),
    # so they run side by side; the lines still come in this order.
    with ThreadPoolExecutor(max_workers=2) as background:
        spawned = background.submit(spawned_child_sum)
        hazard = background.submit(forked_child_outcome)
        refusal = fork_context_refusal()  # loads the CLR here meanwhile
        outcome, code, warned = hazard.result(timeout=LONG_TIMEOUT)
        parent = "exited normally" if code == 0 else f"died (exit code {code})"
        print(f"forked after load, PLINQ in the child: {outcome}; the forking parent {parent}")
        for message in warned:
            print(f"os.fork() after load warns: {message.split(':', 1)[0]}")
        print(f"child_context('fork') after load: BridgeError: {refusal}")
        print(f"spawned child loads its own CLR, PLINQ sum: {spawned.result(timeout=LONG_TIMEOUT)}")


if __name__ == "__main__":
    entry.run(main)
    exit_process()  # no slow pythonnet shutdown: main() joined what it started
