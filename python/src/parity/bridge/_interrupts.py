"""bridge.cancellation's support: Ctrl-C pressed from inside the program, and timed."""

from __future__ import annotations

import signal
import threading
import time

from parity.bridge._net import bridge_types, timespan
from parity.common.timing import LONG_TIMEOUT


def blocking_call_delays_interrupt(duration: float) -> float:
    """SIGINT raised 1/10 into one blocking .NET call: seconds until Python's handler runs.

    The handler only records the time (a KeyboardInterrupt could land inside pythonnet)."""
    block, span = bridge_types().Cancellation.Block, timespan(duration)
    handled: list[float] = []
    previous = signal.signal(
        signal.SIGINT, lambda _signum, _frame: handled.append(time.monotonic())
    )
    timer = threading.Timer(duration / 10, signal.raise_signal, args=(signal.SIGINT,))
    try:
        start = time.monotonic()
        timer.start()
        block(span)
        deadline = start + LONG_TIMEOUT
        while not handled and time.monotonic() < deadline:  # the handler runs at the next bytecode
            time.sleep(0.01)
    finally:
        timer.cancel()
        signal.signal(signal.SIGINT, previous)
    if not handled:
        raise AssertionError("the SIGINT handler never ran")
    return handled[0] - start


def press_ctrl_c_soon(delay: float, ready: threading.Event) -> threading.Thread:
    """Presses Ctrl-C for us: SIGINT to this process once the work has started."""

    def press() -> None:
        if ready.wait(LONG_TIMEOUT):
            time.sleep(delay)
            signal.raise_signal(signal.SIGINT)

    thread = threading.Thread(target=press, daemon=True)
    thread.start()
    return thread
