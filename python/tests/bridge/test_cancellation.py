"""bridge.cancellation: timeouts in-process (bridge session); Ctrl-C in a child interpreter."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from typing import Any

import pytest

from parity.bridge import _interrupts, cancellation
from parity.common.timing import CLOCK_TICK, LONG_TIMEOUT, SHORT_TIMEOUT

STEP = 0.02


@pytest.mark.bridge
def test_work_within_the_timeout_runs_to_completion() -> None:
    outcome = cancellation.steps_with_timeout(3, STEP, timeout=SHORT_TIMEOUT)
    assert outcome.status == "RanToCompletion"


@pytest.mark.bridge
def test_cancel_after_stops_the_dotnet_work_long_before_it_would_finish() -> None:
    outcome = cancellation.steps_with_timeout(1_000, STEP, timeout=0.1)  # 20 s of steps
    assert outcome.status == "Canceled"


@pytest.mark.bridge
def test_plinq_with_cancellation_raises_operation_canceled() -> None:
    outcome = cancellation.plinq_with_timeout(100_000, STEP, timeout=0.1)
    assert outcome.status == "Canceled"


@pytest.mark.bridge
def test_a_sigint_during_one_blocking_dotnet_call_is_delivered_only_after_it_returns() -> None:
    duration = 0.5
    arrived = _interrupts.blocking_call_delays_interrupt(duration)
    assert arrived >= duration - CLOCK_TICK  # raised at 1/10 of the call, seen only at its end


@pytest.mark.bridge
def test_waiting_in_slices_turns_ctrl_c_into_a_clean_cancellation() -> None:
    import threading

    ready = threading.Event()
    presser = _interrupts.press_ctrl_c_soon(0.05, ready)
    outcome = cancellation.steps_until_interrupted(1_000, STEP, ready.set)
    presser.join(timeout=SHORT_TIMEOUT)
    assert outcome.interrupted
    assert outcome.status == "Canceled"


@pytest.mark.skipif(
    sys.platform == "win32", reason="POSIX signal; Windows would need CTRL_C_EVENT and a console"
)
def test_sigint_to_a_child_interpreter_cancels_its_dotnet_work_cleanly() -> None:
    child = subprocess.Popen(
        [sys.executable, "-m", "parity.bridge.cancellation", "--until-ctrl-c"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        assert child.stdout is not None
        assert child.stdout.readline().startswith("working in .NET")  # the .NET task is running
        child.send_signal(signal.SIGINT)
        out, err = child.communicate(timeout=LONG_TIMEOUT)
    finally:
        if child.poll() is None:
            child.kill()
            child.communicate()
    assert child.returncode == 0, err
    assert "Ctrl-C: interrupted=True, .NET task Canceled" in out


@pytest.mark.bridge
def test_when_our_wait_gives_up_the_dotnet_work_is_cancelled_not_just_disposed() -> None:
    # 1000 steps (20 s), CancelAfter far away, but our own wait stops after 0.1 s: the source is
    # cancelled on the way out, so the .NET task ends Canceled instead of running on unseen.
    from parity.bridge import _runtime

    seen = []
    real_wait = cancellation.wait_done

    def record(task: object, limit: float = LONG_TIMEOUT, **kwargs: object) -> None:
        seen.append(task)
        real_wait(task, limit)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(cancellation, "wait_done", record)
        with pytest.raises(TimeoutError, match=r"did not finish within 0\.1 s"):
            cancellation.steps_with_timeout(1_000, STEP, timeout=LONG_TIMEOUT, limit=0.1)
    _runtime.wait_task(seen[0], timeout=SHORT_TIMEOUT)
    task: Any = seen[0]  # a .NET Task: pythonnet's types are not known to mypy
    assert str(task.Status) == "Canceled"


@pytest.mark.bridge
def test_wait_task_gives_up_after_its_timeout() -> None:
    from parity.bridge import _runtime

    _runtime.load()
    from System.Threading.Tasks import Task

    never = Task.Delay(-1)  # Timeout.Infinite: a task that never finishes
    with pytest.raises(TimeoutError, match=r"did not finish within 0\.1 s"):
        _runtime.wait_task(never, timeout=0.1)
