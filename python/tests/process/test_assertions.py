import multiprocessing
import sys
import time
from multiprocessing.process import BaseProcess
from multiprocessing.queues import Queue

import pytest

from parity.common.mp import Context
from parity.common.timing import SHORT_TIMEOUT
from parity.process import assertions

from ..conftest import RunConcept


def test_a_failing_assert_raises_assertion_error_with_its_message() -> None:
    with pytest.raises(AssertionError, match=r"^the divisor must not be zero$"):
        assertions.divide(1, 0)


def test_a_passing_assert_does_nothing() -> None:
    assert assertions.divide(1, 4) == 0.25


def test_under_python_dash_o_the_assert_is_gone() -> None:
    assert assertions.outcome_in_child("divide", optimize=False) == (
        "AssertionError: the divisor must not be zero"
    )
    assert (
        assertions.outcome_in_child("divide", optimize=True)
        == "ZeroDivisionError: division by zero"
    )


def test_join_asserts_the_process_was_started(mp_context: Context) -> None:
    with pytest.raises(AssertionError, match=r"^can only join a started process$"):
        mp_context.Process(target=print).join(1)


def test_under_python_dash_o_join_fails_further_down() -> None:
    # Without its assert, join() on an unstarted process trips over the missing Popen.
    assert assertions.outcome_in_child("join", optimize=True) == (
        "AttributeError: 'NoneType' object has no attribute 'wait'"
    )


def _join_a_sibling(sibling: BaseProcess, answers: "Queue[str]") -> None:
    try:
        sibling.join(1)
    except AssertionError as exc:
        answers.put(f"AssertionError: {exc}")
    else:
        answers.put("joined")


@pytest.mark.skipif(
    sys.platform == "win32", reason="needs fork: a started Process object cannot be pickled"
)
def test_join_asserts_the_caller_is_the_parent() -> None:
    if sys.platform == "win32":  # skipped there already; mypy reads the rest as POSIX
        pytest.skip("POSIX only")
    ctx = multiprocessing.get_context("fork")
    answers = ctx.Queue()
    sibling = ctx.Process(target=time.sleep, args=(30,))
    sibling.start()
    try:
        # The second child inherits the Process object of its sibling but is not its parent.
        joiner = ctx.Process(target=_join_a_sibling, args=(sibling, answers))
        joiner.start()
        assert answers.get(timeout=SHORT_TIMEOUT) == "AssertionError: can only join a child process"
        joiner.join(SHORT_TIMEOUT)
    finally:
        sibling.kill()
        sibling.join(SHORT_TIMEOUT)


def test_run_module_shows_both_interpreters(run_ok: RunConcept) -> None:
    result = run_ok("parity.process.assertions")
    assert "divide: ZeroDivisionError: division by zero" in result.stdout
    assert "divide: AssertionError: the divisor must not be zero" in result.stdout
