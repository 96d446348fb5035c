"""fault.child-exception: an exception where nobody is waiting for it. Who hears about it?

- A Process child: the traceback goes to the child's stderr, the child exits with code 1, and
  the parent hears nothing unless it looks at `exitcode`.
- A Pool task: the worker catches it, sends it back, and get() re-raises it in the parent, with
  the worker's traceback attached as `__cause__` (a RemoteTraceback). The worker lives on.
- A thread: the thread ends, `threading.excepthook` reports it (by default on stderr), and the
  process carries on; join() does not raise.
- An asyncio task nobody awaits: the exception is kept in the task; when the task is garbage
  collected the loop's exception handler logs "Task exception was never retrieved".

None of these ends the Python process. In .NET an unhandled exception on a thread (or from an
`async void` method) ends the whole process; the .NET side shows each in a child process.
"""

from __future__ import annotations

import asyncio
import gc
import threading
from dataclasses import dataclass
from typing import Any

from parity.common import entry
from parity.common.mp import Context, context
from parity.common.timing import SHORT_TIMEOUT


def fail() -> None:
    raise ValueError("bad row 3")


# <process>
def process_child_raises(ctx: Context) -> int | None:
    """The child's exception ends it (traceback on its stderr); the parent sees an exit code."""
    child = ctx.Process(target=fail)
    child.start()
    child.join(SHORT_TIMEOUT)
    return child.exitcode


# </process>


# <pool>
def pool_task_raises(ctx: Context) -> BaseException:
    """get() re-raises the task's exception in the parent, the worker's traceback as __cause__."""
    with ctx.Pool(1) as pool:
        try:
            pool.apply_async(fail).get(timeout=SHORT_TIMEOUT)
        except ValueError as exc:
            return exc
    raise AssertionError("get() did not raise")


# </pool>


@dataclass(frozen=True)
class ThreadOutcome:
    reported: tuple[str, str]  # (thread name, exception) as the hook saw them
    finished: bool


# <thread>
def thread_raises() -> ThreadOutcome:
    """The thread dies, threading.excepthook hears of it, join() returns normally."""
    seen: list[tuple[str, str]] = []

    def hook(args: threading.ExceptHookArgs) -> None:
        name = args.thread.name if args.thread else "?"
        seen.append((name, repr(args.exc_value)))

    previous, threading.excepthook = threading.excepthook, hook
    try:
        worker = threading.Thread(target=fail, name="loader")
        worker.start()
        worker.join(SHORT_TIMEOUT)  # no exception here
    finally:
        threading.excepthook = previous
    return ThreadOutcome(seen[0], not worker.is_alive())


# </thread>


# <asyncio>
async def _forget_a_failing_task() -> list[dict[str, Any]]:
    reports: list[dict[str, Any]] = []
    loop = asyncio.get_running_loop()
    loop.set_exception_handler(lambda _loop, report: reports.append(report))

    async def load() -> None:
        fail()

    task = asyncio.create_task(load())
    # it finished; wait() does not retrieve its exception
    await asyncio.wait([task], timeout=SHORT_TIMEOUT)
    del task
    gc.collect()  # the report comes when the task is collected, not when it fails
    return reports


def asyncio_task_never_awaited() -> dict[str, Any]:
    """The loop's exception handler reports the exception when the forgotten task is collected."""
    return asyncio.run(_forget_a_failing_task())[0]


# </asyncio>


def main() -> None:
    ctx = context()
    code = process_child_raises(ctx)
    print(
        f"Process: the child raised; the parent sees exitcode={code} (the traceback went to its"
        " stderr)"
    )
    exc = pool_task_raises(ctx)
    print(f"Pool: get() re-raised {exc!r}, __cause__ is {type(exc.__cause__).__name__}")
    thread = thread_raises()
    print(
        f"thread: excepthook saw {thread.reported[1]} in thread {thread.reported[0]!r}; join()"
        " returned"
    )
    report = asyncio_task_never_awaited()
    print(f"asyncio: loop handler: {report['message']!r}: {report['exception']!r}")
    print("the parent process is still running")


if __name__ == "__main__":
    entry.run(main)
