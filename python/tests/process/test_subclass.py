import multiprocessing
import os

import pytest

from parity.common.mp import Context
from parity.process import subclass

from ..conftest import RunConcept


def test_start_runs_the_overridden_run_in_a_child(mp_context: Context) -> None:
    child, (name, greeting, pid, _ppid) = subclass.greet(mp_context, "cheerful")
    assert name == "greeter-cheerful" == child.name
    assert greeting == "CHEERFUL"  # run() did its work...
    assert pid == child.pid != os.getpid()  # ...in another process
    assert child.exitcode == 0


def test_changes_made_by_run_stay_in_the_child(mp_context: Context) -> None:
    child, (_, greeting_in_child, _, _) = subclass.greet(mp_context, "quiet")
    assert greeting_in_child == "QUIET"
    assert child.greeting == "quiet"  # the parent's object never saw run()'s assignment


def test_greeter_uses_the_contexts_start_method(mp_context: Context) -> None:
    child = subclass.GREETERS[mp_context.get_start_method()]("x", mp_context.Queue())
    assert isinstance(child, type(mp_context.Process()))


class _NoBaseInit(multiprocessing.Process):
    def __init__(self, greeting: str) -> None:
        self.greeting = greeting  # forgot super().__init__()

    def run(self) -> None:
        pass


def test_forgetting_the_base_init_fails_at_start() -> None:
    child = _NoBaseInit("hello")
    with pytest.raises(AttributeError, match="no attribute '_closed'"):
        child.start()


def test_run_module_prints_both_sides(run_ok: RunConcept, mp_context: Context) -> None:
    result = run_ok("parity.process.subclass", start_method=mp_context.get_start_method())
    assert "greeting='CHEERFUL'" in result.stdout
    assert "exited with code 0; our copy still says 'cheerful'" in result.stdout
