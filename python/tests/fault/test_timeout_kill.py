import sys

import pytest

from parity.fault import timeout_kill

from ..conftest import RunConcept

pytestmark = pytest.mark.skipif(
    sys.platform == "win32",
    reason="process groups and killpg are POSIX; Windows needs a Job object",
)


def test_killing_only_the_child_leaves_the_grandchild_holding_the_pipe() -> None:
    out = timeout_kill.kill_the_child_only()
    assert out.child_exit == -9
    assert out.grandchild_alive
    assert out.communicate_timed_out  # the child is dead, yet no end of file


def test_killing_the_group_ends_the_grandchild_and_closes_the_pipe() -> None:
    out = timeout_kill.kill_the_group()
    assert out.child_exit == -9
    assert not out.grandchild_alive
    assert out.output == ""


def test_run_with_a_timeout_returns_but_leaves_the_grandchild_running() -> None:
    out = timeout_kill.run_with_timeout()
    assert out.seconds >= out.timeout
    assert out.grandchild_alive  # run() did not wait for the pipe the grandchild holds


def test_main_shows_all_three(run_ok: RunConcept) -> None:
    result = run_ok("parity.fault.timeout_kill")
    assert "communicate() still waiting on the pipe after 1 s: True" in result.stdout
    assert "killpg(): child exit -9, grandchild alive=False" in result.stdout
