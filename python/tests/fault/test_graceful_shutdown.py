import re
import signal
import sys

import pytest

from parity.common.mp import START_METHOD_VARIABLE, Context
from parity.common.timing import SHORT_TIMEOUT
from parity.fault import _shutdown
from parity.fault import graceful_shutdown as gs

from ..conftest import RunConcept

pytestmark = pytest.mark.skipif(
    sys.platform == "win32",
    reason="sends SIGTERM and a group SIGINT to another program: POSIX only",
)


@pytest.fixture
def server_start_method(mp_context: Context, monkeypatch: pytest.MonkeyPatch) -> str:
    """The server program the harness starts uses this test's start method."""
    method = mp_context.get_start_method()
    monkeypatch.setenv(START_METHOD_VARIABLE, method)
    return method


def _stopped(output: str) -> tuple[int, int]:
    found = re.search(r"stopped: (\d+) jobs finished, (\d+) cut short", output)
    assert found, output
    return int(found[1]), int(found[2])


def test_sigterm_stops_taking_jobs_and_lets_the_ones_in_flight_finish(
    server_start_method: str,
) -> None:
    out = _shutdown.stop_a_server("drain", signal.SIGTERM, group=False)
    assert out.exit_code == gs.DRAINED, out.errors
    assert "got SIGTERM: taking no new jobs" in out.output
    finished, cut_short = _stopped(out.output)
    assert cut_short == 0
    assert finished == out.output.count("submitted ") >= 2  # every job it took, it finished


def test_ctrl_c_past_the_deadline_terminates_the_jobs_in_flight(server_start_method: str) -> None:
    out = _shutdown.stop_a_server("stuck", signal.SIGINT, group=True)
    assert out.exit_code == gs.CUT_SHORT, out.errors
    assert _stopped(out.output) == (0, 2)
    assert "got SIGINT" in out.output
    assert "KeyboardInterrupt" not in out.errors  # the workers ignored the group's SIGINT


def test_asyncio_run_cancels_the_tasks_on_ctrl_c_then_raises_keyboard_interrupt() -> None:
    out = _shutdown.stop_a_server("asyncio", signal.SIGINT, group=True)
    assert out.exit_code == gs.INTERRUPTED, out.errors
    lines = out.output.splitlines()
    assert {"a: job 1 cancelled", "b: job 1 cancelled"} <= set(lines)
    assert lines[-1] == "KeyboardInterrupt after the tasks were cancelled"


def test_fork_workers_inherit_the_parents_python_signal_handlers(mp_context: Context) -> None:
    previous = signal.signal(signal.SIGTERM, lambda *_: None)
    pool = mp_context.Pool(1)
    try:
        default = pool.apply_async(_shutdown.sigterm_is_default).get(timeout=SHORT_TIMEOUT)
    finally:
        # Not terminate() (what `with` calls): its SIGTERM would only run the inherited handler in
        # a forked worker and leave it running. close() lets the worker exit on its own.
        pool.close()
        pool.join()
        signal.signal(signal.SIGTERM, previous)
    assert default == (mp_context.get_start_method() != "fork")


def test_main_shows_the_three_exit_codes(run_ok: RunConcept) -> None:
    result = run_ok("parity.fault.graceful_shutdown")
    for line in ("exit code 0", "exit code 124", "exit code 130"):
        assert line in result.stdout


def test_an_unknown_mode_gets_one_line_and_a_non_zero_exit(run_module: RunConcept) -> None:
    result = run_module("parity.fault.graceful_shutdown", "--serve", "bogus")
    assert result.returncode != 0
    assert (
        result.stderr
        == "usage: python -m parity.fault.graceful_shutdown [--serve drain|stuck|asyncio]\n"
    )
