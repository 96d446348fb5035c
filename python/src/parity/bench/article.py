"""The article's start-method programs, run whole (`python -m parity.bench.article MODE`).

The article timed each with `time`: interpreter start-up, imports, one child that puts 'hello'
on a Queue, and exit. MODE: `default` (fork on Linux before 3.14), `set-spawn`
(set_start_method('spawn')), `context-spawn` (get_context('spawn')), `noop` (start-up alone).
"""

from __future__ import annotations

import multiprocessing as mp
import sys
from typing import Any

from parity.common import entry
from parity.common.timing import SHORT_TIMEOUT


def _hello(queue: Any) -> None:
    queue.put("hello")


def main() -> None:
    mode = sys.argv[1] if len(sys.argv) > 1 else ""
    if mode == "noop":
        return
    if mode == "set-spawn":
        # force: importing `parity` already looked at the default context (parity.common.entry
        # checks PARITY_START_METHOD), which would make a plain second setting raise.
        mp.set_start_method("spawn", force=True)
        ctx: Any = mp
    elif mode == "context-spawn":
        ctx = mp.get_context("spawn")
    elif mode == "default":
        ctx = mp.get_context()
    else:
        sys.exit(
            f"article: unknown mode {mode!r}; expected default, set-spawn, context-spawn or noop"
        )
    queue = ctx.Queue()
    child = ctx.Process(target=_hello, args=(queue,))
    child.start()
    print(queue.get(timeout=SHORT_TIMEOUT))
    child.join(timeout=SHORT_TIMEOUT)


if __name__ == "__main__":
    entry.run(main)
