"""bridge.delegates: Python callables as Func<>, Action<> and IProgress<T>.

A Python function is not a .NET delegate, and pythonnet does not convert one implicitly, not
even for a parameter of a concrete delegate type: wrap it (`Func[Int64, Int64](f)`,
`Action[Int32](f)`). An interface such as `IProgress<int>` is implemented by a Python class that
derives from it. .NET calls these callables on its own threads; each call takes the GIL back, so
the heavy loop stays in .NET and the callable only hears about progress, here feeding a
rich progress bar while PLINQ works on the thread pool.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from functools import cache

from rich.progress import Progress

from parity.bridge._net import bridge_types, timespan
from parity.bridge._runtime import cancelled_on_exit, exit_process, load, wait_task
from parity.common import entry
from parity.common.timing import LONG_TIMEOUT, scaled

COUNT = 1_000_000
STEPS = 8
STEP_PAUSE = 0.25  # seconds per step at time scale 1, so a person can watch the bar move


def square(value: int) -> int:
    return value * value


# <delegates>
def apply(function: Callable[[int], int], value: int) -> int:
    """Calls `function` from .NET as a Func<long, long>."""
    load()
    from System import Func, Int64

    return int(bridge_types().Delegates.Apply(Func[Int64, Int64](function), value))


def repeat(count: int, action: Callable[[int], None]) -> None:
    """.NET calls `action` count times as an Action<int>."""
    load()
    from System import Action, Int32

    bridge_types().Delegates.Repeat(count, Action[Int32](action))


@cache
def progress_type() -> type:
    """A Python class implementing IProgress<int> (created once: .NET types cannot be redefined)."""
    load()
    from System import Int32, IProgress

    class PythonProgress(IProgress[Int32]):  # type: ignore[misc]
        __namespace__ = "Parity.Python.Bridge"

        def __init__(self, callback: Callable[[int], None]) -> None:
            super().__init__()
            self.callback = callback

        def Report(self, value: int) -> None:  # called by .NET, on a thread-pool thread
            self.callback(value)

    return PythonProgress


def crunch(
    on_report: Callable[[int], None],
    count: int = COUNT,
    steps: int = STEPS,
    limit: float = LONG_TIMEOUT,
) -> int:
    """Sums 0..count-1 with PLINQ in `steps` chunks; .NET reports each chunk to `on_report`.

    Waits in slices (Ctrl-C reaches Python) for at most `limit` seconds; if the wait ends
    early, the token stops the .NET work as well."""
    progress = progress_type()(on_report)
    with cancelled_on_exit() as source:
        task = bridge_types().Delegates.CrunchAsync(
            count, steps, timespan(scaled(STEP_PAUSE)), progress, source.Token
        )
        wait_task(task, timeout=limit)
        return int(task.Result)


# </delegates>


def bare_function_error() -> str:
    """What pythonnet says when a plain function is passed where a Func<long, long> is expected."""
    try:
        bridge_types().Delegates.Apply(square, 7)
    except TypeError as exc:
        return str(exc)
    return "accepted"


def main() -> None:
    print(f"Func[Int64, Int64](square) called by .NET with 7: {apply(square, 7)}")
    print(f"a bare function instead: TypeError: {bare_function_error()}")
    seen: list[int] = []
    repeat(3, seen.append)
    print(f"Action[Int32] called by .NET with: {seen}")

    reports: list[int] = []
    threads: set[int] = set()
    # <progress>
    with Progress(transient=True) as display:
        bar = display.add_task("PLINQ sum in .NET", total=STEPS)

        def on_report(step: int) -> None:
            reports.append(step)
            threads.add(threading.get_ident())
            display.update(bar, completed=step)

        total = crunch(on_report)
    # </progress>
    print(f"sum of 0..{COUNT - 1:,}: {total} (closed form {COUNT * (COUNT - 1) // 2})")
    print(f"IProgress<int> reports seen by Python: {reports}")
    print(f"reported from the main thread: {threading.get_ident() in threads}")


if __name__ == "__main__":
    entry.run(main)
    exit_process()  # no slow pythonnet shutdown: main() joined what it started
