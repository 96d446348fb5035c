"""bridge.cancellation: a SIGINT that reaches the process during one .NET call, forced in order.

The signal is sent only once the main thread is inside the call, and the call is released only
once CPython's C-level handler has run (it writes to the wakeup fd at once); so Python's own
handler can run only after the call returns, and it records whether the release came first.
"""

from __future__ import annotations

import os
import select
import signal
import sys
import threading

import pytest

from parity.bridge import _runtime
from parity.common.timing import LONG_TIMEOUT

pytestmark = [
    pytest.mark.bridge,
    pytest.mark.skipif(sys.platform == "win32", reason="pthread_kill and SIGINT are POSIX"),
]


def test_python_handles_a_sigint_only_after_the_blocking_dotnet_call_returns() -> None:
    _runtime.load()
    from System.Threading import ManualResetEvent, WaitHandle

    entered, release = ManualResetEvent(False), ManualResetEvent(False)
    released = threading.Event()
    handled: list[bool] = []  # per run of Python's handler: had the call been released?
    delivered: list[bool] = []
    main = threading.main_thread().ident
    assert main is not None
    wake_read, wake_write = os.pipe()
    if sys.platform == "win32":  # skipped there already; mypy reads the rest as POSIX
        pytest.skip("POSIX only")
    os.set_blocking(wake_write, False)

    def press_ctrl_c_inside_the_call() -> None:
        if not entered.WaitOne(int(LONG_TIMEOUT * 1000)):  # the main thread is in .NET now
            return
        signal.pthread_kill(main, signal.SIGINT)
        ready, _, _ = select.select([wake_read], [], [], LONG_TIMEOUT)
        delivered.append(bool(ready) and os.read(wake_read, 1) == bytes([signal.SIGINT]))
        released.set()
        release.Set()

    previous = signal.signal(signal.SIGINT, lambda _s, _f: handled.append(released.is_set()))
    previous_fd = signal.set_wakeup_fd(wake_write)
    presser = threading.Thread(target=press_ctrl_c_inside_the_call, daemon=True)
    try:
        presser.start()
        # One .NET method call: signal `entered`, then block until `release` (or the timeout).
        returned = WaitHandle.SignalAndWait(entered, release, int(LONG_TIMEOUT * 1000), False)
        presser.join(LONG_TIMEOUT)
    finally:
        signal.set_wakeup_fd(previous_fd)
        signal.signal(signal.SIGINT, previous)
        os.close(wake_read)
        os.close(wake_write)
    assert delivered == [True]  # the C-level handler ran while the main thread was in the call
    assert returned  # the call ran to its release: the SIGINT neither ended nor interrupted it
    assert handled == [True]  # Python's handler ran once, after the release


def test_a_python_thread_runs_while_the_main_thread_is_inside_a_dotnet_method() -> None:
    """bridge.gil, forced: the .NET call can end only if a Python thread runs meanwhile."""
    _runtime.load()
    from System.Threading import ManualResetEvent, WaitHandle

    entered, release = ManualResetEvent(False), ManualResetEvent(False)

    def python_code_releases_the_call() -> None:
        if entered.WaitOne(int(LONG_TIMEOUT * 1000)):
            release.Set()

    helper = threading.Thread(target=python_code_releases_the_call, daemon=True)
    helper.start()
    returned = WaitHandle.SignalAndWait(entered, release, int(LONG_TIMEOUT * 1000), False)
    helper.join(LONG_TIMEOUT)
    assert returned  # released by the Python thread, which needed the GIL to run
