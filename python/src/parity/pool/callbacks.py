"""pool.callbacks: apply_async(callback=..., error_callback=...), called as tasks finish.

Three tasks succeed after a second, two fail at once. `callback` receives each result and
`error_callback` each exception, in the order the tasks finish (the failures first), not in
submission order. Both run in the parent, on the pool's result-handler thread: keep them quick
(a slow one holds up every other result) and never let them raise. Without error_callback a
failure waits in its AsyncResult, and get() re-raises it with the worker's traceback as __cause__.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable

from parity.common import entry
from parity.common.mp import Context, context
from parity.common.process_group import close_pool
from parity.common.timing import SHORT_TIMEOUT, scaled


# <tasks>
def succeed(name: int, seconds: float) -> int:
    print(f"[task {name}] pid={os.getpid()} ppid={os.getppid()}", flush=True)
    time.sleep(seconds)
    return name


def fail(name: int) -> int:
    print(f"[task {name}] pid={os.getpid()} ppid={os.getppid()}", flush=True)
    raise RuntimeError(f"task {name} failed")


# </tasks>
# <callbacks>
def run_with_callbacks(
    ctx: Context,
    on_result: Callable[[int], None],
    on_error: Callable[[BaseException], None],
    processes: int | None = None,  # None: one worker per CPU, as in the article
) -> None:
    with ctx.Pool(processes) as pool:  # leaving `with` terminates the workers
        pending = [pool.apply_async(succeed, (n, scaled(1)), callback=on_result) for n in range(3)]
        pending += [pool.apply_async(fail, (n,), error_callback=on_error) for n in (3, 4)]
        # join() also waits for the result-handler thread, so every callback has run after it.
        if not close_pool(pool, SHORT_TIMEOUT):  # close(), then join() with a limit
            late = sum(not result.ready() for result in pending)
            raise TimeoutError(f"{late} of 5 tasks did not finish within {SHORT_TIMEOUT:g} s")


# </callbacks>


def main() -> None:
    ctx = context()
    print(
        f"[parent] pid={os.getpid()} start method={ctx.get_start_method()} workers={os.cpu_count()}"
    )
    run_with_callbacks(
        ctx,
        on_result=lambda name: print(f"[callback] task {name} finished"),
        on_error=lambda exc: print(f"[error_callback] {type(exc).__name__}: {exc}"),
    )
    print("over")


if __name__ == "__main__":
    entry.run(main)
