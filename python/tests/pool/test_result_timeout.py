import builtins
import multiprocessing
from multiprocessing.synchronize import Event

import pytest

from parity.common.mp import Context
from parity.common.timing import SHORT_TIMEOUT
from parity.pool import result_timeout

from ..conftest import RunConcept

_gate: Event


def _install(gate: Event) -> None:
    global _gate
    _gate = gate


def _gated_square(x: int) -> int:
    if not _gate.wait(SHORT_TIMEOUT):
        raise builtins.TimeoutError("the gate never opened")
    return x * x


def test_get_times_out_while_the_task_runs_and_returns_later(mp_context: Context) -> None:
    gate = mp_context.Event()
    with mp_context.Pool(1, initializer=_install, initargs=(gate,)) as pool:
        result = pool.apply_async(_gated_square, (10,))
        with pytest.raises(multiprocessing.TimeoutError) as caught:
            result.get(timeout=0.05)
        assert str(caught.value) == ""  # the article prints it: nothing to see
        assert not result.ready()
        gate.set()  # the task was never stopped: let it finish
        assert result.get(timeout=SHORT_TIMEOUT) == 100
        assert result.successful()


def test_multiprocessing_timeout_error_is_not_the_builtin_one() -> None:
    assert not issubclass(multiprocessing.TimeoutError, builtins.TimeoutError)
    assert issubclass(multiprocessing.TimeoutError, multiprocessing.ProcessError)
    with pytest.raises(multiprocessing.TimeoutError):  # `except TimeoutError:` misses it
        _raise_inside_a_builtin_handler()


def _raise_inside_a_builtin_handler() -> None:
    try:
        raise multiprocessing.TimeoutError
    except builtins.TimeoutError:
        pytest.fail("the builtin TimeoutError caught multiprocessing's")


def test_successful_before_the_result_is_ready_raises(mp_context: Context) -> None:
    gate = mp_context.Event()
    with mp_context.Pool(1, initializer=_install, initargs=(gate,)) as pool:
        result = pool.apply_async(_gated_square, (3,))
        with pytest.raises(ValueError, match="not ready"):
            result.successful()
        gate.set()
        assert result.get(timeout=SHORT_TIMEOUT) == 9


def test_the_walk_through_times_out_then_gets_the_value(mp_context: Context) -> None:
    events = result_timeout.get_with_timeout(mp_context)
    assert events[0] == "submitted: ApplyResult, ready=False"
    assert events[1] == "timed out after 0.5 s: multiprocessing.context.TimeoutError('')"
    assert events[3] == "value 100 after all"


def test_run_module_prints_the_value_after_the_timeout(run_ok: RunConcept) -> None:
    result = run_ok("parity.pool.result_timeout")
    assert "value 100 after all" in result.stdout
