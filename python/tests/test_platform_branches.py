"""Branches written for another platform, forced here: each test sets the predicate the code
reads (sys.platform, the CI variable, a missing call) and checks what that platform would get.
The concepts' own platform branches are forced in their tests (queue-bounded's qsize(), the
start-method orders of context.logging, Ctrl-Break in test_entry, pipe names in the .NET tests).
"""

from __future__ import annotations

import os
import signal
import sys

import pytest

from parity import pacing, runner
from parity.bridge import startup
from parity.common import kill
from parity.common.redis_server import servers_required

# These compare POSIX's answer with the forced Windows one; on Windows the code takes its branch
# for real in the tests that use it.
FROM_POSIX = pytest.mark.skipif(sys.platform == "win32", reason="forces Windows' branch from POSIX")


@pytest.mark.parametrize(
    ("platform", "ci", "required"),
    [
        ("linux", "true", True),  # CI installed redis-server: a missing one is a broken setup
        ("darwin", "true", True),
        ("win32", "true", False),  # no redis-server package on Windows: its tests skip, saying why
        ("linux", "", False),  # a laptop without the server: skip, with the install hint
    ],
)
def test_a_missing_server_fails_only_in_ci_and_never_on_windows(
    monkeypatch: pytest.MonkeyPatch, platform: str, ci: str, required: bool
) -> None:
    monkeypatch.setattr(sys, "platform", platform)
    monkeypatch.setenv("CI", ci)
    assert servers_required() is required


@pytest.mark.parametrize(
    ("platform", "runtime"), [("win32", "netfx"), ("linux", "mono"), ("darwin", "mono")]
)
def test_pythonnets_default_runtime_is_netfx_on_windows_and_mono_elsewhere(
    monkeypatch: pytest.MonkeyPatch, platform: str, runtime: str
) -> None:
    monkeypatch.setattr(sys, "platform", platform)
    assert startup.default_runtime() == runtime


@FROM_POSIX
def test_on_windows_there_is_no_process_group_to_sweep(monkeypatch: pytest.MonkeyPatch) -> None:
    if sys.platform == "win32":  # skipped there already; mypy reads the rest as POSIX
        pytest.skip("POSIX only")
    assert runner._pgid(os.getpid()) == os.getpgid(os.getpid())
    monkeypatch.setattr(sys, "platform", "win32")
    assert runner._pgid(os.getpid()) is None


@FROM_POSIX
def test_on_windows_a_hard_kill_is_terminate_and_groups_are_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    if sys.platform == "win32":  # skipped there already; mypy reads the rest as POSIX
        pytest.skip("POSIX only")
    sent: list[tuple[int, int]] = []
    monkeypatch.setattr(os, "kill", lambda pid, sig: sent.append((pid, sig)))
    kill.hard_kill(12345)
    monkeypatch.setattr(sys, "platform", "win32")
    kill.hard_kill(12345)  # os.kill with SIGTERM is TerminateProcess there
    assert sent == [(12345, signal.SIGKILL), (12345, signal.SIGTERM)]
    with pytest.raises(NotImplementedError, match="process groups are POSIX"):
        kill.signal_group(12345)


@pytest.mark.parametrize("platform", ["darwin", "win32"])
def test_pdeathsig_is_refused_off_linux(monkeypatch: pytest.MonkeyPatch, platform: str) -> None:
    from parity.fault import orphans

    monkeypatch.setattr(sys, "platform", platform)
    with pytest.raises(NotImplementedError, match="PR_SET_PDEATHSIG is Linux only"):
        orphans.die_with_parent()


@pytest.mark.parametrize("platform", ["darwin", "win32"])
def test_the_fork_demos_refuse_windows_only(monkeypatch: pytest.MonkeyPatch, platform: str) -> None:
    from parity.bridge import _fork_hazard, fork_safety

    monkeypatch.setattr(sys, "platform", platform)
    monkeypatch.setattr(fork_safety, "examples", lambda: pytest.fail("forked past the guard"))
    monkeypatch.setattr(_fork_hazard, "examples", lambda: pytest.fail("forked past the guard"))
    if platform == "win32":
        with pytest.raises(NotImplementedError, match="no fork on Windows"):
            fork_safety.fork_warnings()
        with pytest.raises(SystemExit, match="no fork on Windows"):
            _fork_hazard.main()
    else:  # macOS forks: the guard lets it through (to the stand-in, which stops the test)
        with pytest.raises(pytest.fail.Exception, match="forked past the guard"):
            fork_safety.fork_warnings()


@FROM_POSIX
def test_a_duplex_end_is_a_named_pipe_on_windows_and_a_socket_here(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import multiprocessing

    from parity.ipc import pipe_duplex

    here, there = multiprocessing.Pipe()
    try:
        assert pipe_duplex.transport(here) == "socket"
        monkeypatch.setattr(sys, "platform", "win32")
        # Windows gives a PipeConnection; anything else is named as it is, not taken for a pipe.
        assert pipe_duplex.transport(here) == "Connection"
    finally:
        here.close()
        there.close()


@FROM_POSIX
def test_on_windows_a_yielding_run_starts_below_normal_priority_and_nice_is_not_called(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    if sys.platform == "win32":  # skipped there already; mypy reads the rest as POSIX
        pytest.skip("POSIX only")
    assert pacing.creationflags(yielding=True) == 0  # POSIX: nice after the start instead
    monkeypatch.setattr(os, "setpriority", lambda *a: pytest.fail("setpriority on Windows"))
    monkeypatch.setattr(sys, "platform", "win32")
    assert pacing.creationflags(yielding=True) == pacing.BELOW_NORMAL_PRIORITY_CLASS
    assert pacing.creationflags(yielding=False) == 0
    pacing.yield_to_heavy(os.getpid())  # the priority class did it: nothing more to do
