"""pool.callbacks: apply_async(callback=..., error_callback=...), called as tasks finish.

Three tasks succeed after a second, two fail at once. `callback` receives each result and
`error_callback` each exception, in the order the tasks finish, not the order they were
submitted: here the failures come first. Both run in the parent, on the pool's result-handler
thread, so they must be quick (a slow callback holds up every other result) and must not
raise. A task without error_callback still fails: the exception waits in its AsyncResult,
and get() re-raises it with the worker's traceback attached as __cause__.
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
    processes: int | None = None,
    timeout: float = SHORT_TIMEOUT,
) -> None:
    """Tasks 0-2 succeed after 1 s, tasks 3-4 fail at once; the callbacks see them as they finish.

    TimeoutError if they have not all finished within `timeout` seconds."""
    pool = ctx.Pool(processes)  # None: one worker per CPU, as in the article
    try:
        pending = []
        for name in range(5):
            if name > 2:
                pending.append(
                    pool.apply_async(fail, (name,), callback=on_result, error_callback=on_error)
                )
            else:
                pending.append(pool.apply_async(succeed, (name, scaled(1)), callback=on_result))
        pool.close()
        deadline = time.monotonic() + timeout
        for result in pending:
            # never raises: the callbacks have it
            result.wait(max(0.0, deadline - time.monotonic()))
        unfinished = sum(not result.ready() for result in pending)
        if unfinished:
            raise TimeoutError(
                f"{unfinished} of {len(pending)} tasks did not finish within {timeout:g} s"
            )
        close_pool(pool, timeout)  # join() with a limit: Pool.join() has none
    finally:
        pool.terminate()


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
