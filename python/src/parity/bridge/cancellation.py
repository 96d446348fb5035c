"""bridge.cancellation: a CancellationTokenSource owned by Python stops .NET work.

Python creates the source, hands its token to .NET, and cancels it: after a timeout
(`CancelAfter`) or when the user presses Ctrl-C. The catch with Ctrl-C: Python runs its
SIGINT handler only between bytecodes of the main thread, so while the main thread sits in one
long .NET call the KeyboardInterrupt waits until that call returns. The cure is to wait in
short slices (`Task.WaitAny([task], 50 ms)`), so the interrupt lands within a slice, and then
to cancel the token and let .NET finish cleanly.

`python -m parity.bridge.cancellation --until-ctrl-c` waits for a real Ctrl-C.
"""

from __future__ import annotations

import argparse
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from parity.bridge._interrupts import blocking_call_delays_interrupt, press_ctrl_c_soon
from parity.bridge._net import bridge_types, timespan
from parity.bridge._runtime import cancelled_on_exit, exit_process, load, wait_task
from parity.common import entry
from parity.common.entry import deferred_interrupt
from parity.common.timing import LONG_TIMEOUT, SHORT_TIMEOUT, scaled

STEP = 0.1  # article-scale seconds per step of the .NET work


@dataclass(frozen=True)
class Outcome:
    status: str  # the .NET TaskStatus: RanToCompletion, Canceled or Faulted
    seconds: float
    interrupted: bool = False


# <wait>
def wait_done(
    task: Any, limit: float = LONG_TIMEOUT, pressed: threading.Event | None = None
) -> None:
    """Waits for `task` in short slices (Task.WaitAny with 50 ms, GIL released in each), so
    Ctrl-C is noticed promptly; TimeoutError after `limit` seconds.

    Ctrl-C only sets a flag meanwhile (deferred_interrupt; `pressed` is an enclosing one's):
    a KeyboardInterrupt raised while pythonnet binds arguments aborts the process.
    Task.WaitAny never throws the task's exception: the caller looks at task.Status."""
    load()
    wait_task(task, pressed, timeout=limit)


# </wait>


# <timeout>
def steps_with_timeout(
    steps: int, step: float, timeout: float, limit: float = LONG_TIMEOUT
) -> Outcome:
    """Runs `steps` .NET steps of `step` seconds, cancelled by CancelAfter(timeout).

    If our own wait gives up first (`limit`), the source is cancelled too: disposing it alone
    would leave the .NET work running with nobody waiting for it."""
    start = time.monotonic()
    with cancelled_on_exit() as source:
        source.CancelAfter(timespan(timeout))
        task = bridge_types().Cancellation.StepsAsync(steps, timespan(step), source.Token)
        wait_done(task, limit)
        return Outcome(str(task.Status), time.monotonic() - start)


def plinq_with_timeout(count: int, per_element: float, timeout: float) -> Outcome:
    """A PLINQ query WithCancellation(token): OperationCanceledException once CancelAfter fires."""
    load()
    from System import OperationCanceledException

    start = time.monotonic()
    with cancelled_on_exit() as source:
        source.CancelAfter(timespan(timeout))
        try:
            bridge_types().Cancellation.SlowSum(count, timespan(per_element), source.Token)
            status = "RanToCompletion"
        except OperationCanceledException:
            status = "Canceled"
    return Outcome(status, time.monotonic() - start)


# </timeout>


# <ctrl-c>
def steps_until_interrupted(
    steps: int, step: float, on_started: Callable[[], None] | None = None
) -> Outcome:
    """Runs .NET steps until they finish or Ctrl-C arrives; Ctrl-C cancels the token."""
    start = time.monotonic()
    interrupted = False
    # Ctrl-C only sets a flag that we check.
    with deferred_interrupt() as pressed, cancelled_on_exit() as source:
        task = bridge_types().Cancellation.StepsAsync(steps, timespan(step), source.Token)
        try:
            if on_started is not None:
                on_started()
            wait_done(task, pressed=pressed)
        except KeyboardInterrupt:
            interrupted = True
            source.Cancel()  # .NET throws TaskCanceledException; the task ends Canceled
            pressed.clear()
            wait_done(task, limit=SHORT_TIMEOUT, pressed=pressed)
    return Outcome(str(task.Status), time.monotonic() - start, interrupted)


# </ctrl-c>


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m parity.bridge.cancellation")
    parser.add_argument("--until-ctrl-c", action="store_true", help="run until a real Ctrl-C")
    args = parser.parse_args()
    step = scaled(STEP)
    if args.until_ctrl_c:
        outcome = steps_until_interrupted(
            1_000_000, step, lambda: print("working in .NET; press Ctrl-C to cancel", flush=True)
        )
        print(f"Ctrl-C: interrupted={outcome.interrupted}, .NET task {outcome.status}", flush=True)
        sys.exit(0 if outcome.interrupted and outcome.status == "Canceled" else 1)

    done = steps_with_timeout(5, step, timeout=SHORT_TIMEOUT)  # should not fire: not scaled
    print(f"5 steps, timeout after 10 s: task {done.status}")
    cut = steps_with_timeout(100, step, timeout=scaled(0.5))
    taken = cut.seconds / step
    print(f"100 steps, CancelAfter 0.5 s: task {cut.status} after {taken:.0f} steps' time")
    plinq = plinq_with_timeout(10_000, step, timeout=scaled(0.5))
    print(f"PLINQ WithCancellation, CancelAfter 0.5 s: {plinq.status}")

    ready = threading.Event()
    presser = press_ctrl_c_soon(scaled(0.3), ready)
    outcome = steps_until_interrupted(1_000, step, ready.set)
    presser.join(timeout=LONG_TIMEOUT)
    print(
        f"Ctrl-C while awaiting in slices: interrupted={outcome.interrupted}, task {outcome.status}"
    )
    late = blocking_call_delays_interrupt(scaled(1.0)) / scaled(1.0)
    print(f"Ctrl-C during one blocking 1 s .NET call arrives after it returns: {late:.1f} of it")


if __name__ == "__main__":
    entry.run(main)
    exit_process()  # no slow pythonnet shutdown: main() joined what it started
