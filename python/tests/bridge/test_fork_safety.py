"""bridge.fork-safety: every test runs the CLR in a child interpreter (never fork a loaded one)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from parity.bridge import fork_safety

from ..conftest import python_c

POSIX_ONLY = pytest.mark.skipif(sys.platform == "win32", reason="no fork on Windows: spawn only")


def _python(code: str) -> subprocess.CompletedProcess[str]:
    return python_c(code)


@POSIX_ONLY
def test_os_fork_after_load_raises_a_fork_after_load_warning() -> None:
    result = _python("from parity.bridge import fork_safety as f; print(f.fork_warnings())")
    assert result.returncode == 0, result.stderr
    assert "ForkAfterLoadWarning: forking a process that has loaded the CLR" in result.stdout


@POSIX_ONLY
def test_a_fork_context_process_after_load_warns_too() -> None:
    code = (
        "import multiprocessing, warnings\n"
        "from parity import bridge\n"
        "bridge.load()\n"
        "with warnings.catch_warnings(record=True) as caught:\n"
        "    warnings.simplefilter('always')\n"
        "    p = multiprocessing.get_context('fork').Process(target=int)\n"
        "    p.start(); p.join(30)\n"
        "print(sorted({w.category.__name__ for w in caught}), p.exitcode)\n"
    )
    result = _python(code)
    assert result.returncode == 0, result.stderr
    # 3.12+ adds its own DeprecationWarning: the CLR's threads make the process multi-threaded.
    expected = ["DeprecationWarning"] if sys.version_info >= (3, 12) else []
    assert f"{sorted(['ForkAfterLoadWarning', *expected])} 0" in result.stdout


def test_the_bridge_refuses_a_fork_context_once_loaded_and_not_before() -> None:
    code = (
        "from parity import bridge\n"
        "import sys\n"
        "print(bridge.child_context().get_start_method())\n"
        "if sys.platform != 'win32': print(bridge.child_context('fork').get_start_method())\n"
        "from parity.bridge import fork_safety as f\n"
        "print(f.fork_context_refusal())\n"
    )
    result = _python(code)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "spawn"
    assert (
        lines[-1]
        == "this process has loaded the CLR, so it must not fork: use child_context('spawn')"
    )


def test_a_spawned_child_loads_dotnet_itself() -> None:
    result = _python("from parity.bridge import fork_safety as f; print(f.spawned_child_sum())")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "499999500000"


@POSIX_ONLY
def test_using_plinq_in_a_child_forked_after_load_hangs_or_crashes() -> None:
    outcome, parent_code, warned = fork_safety.forked_child_outcome(limit=3.0)
    child_finished = outcome == "child finished"
    # The hazard: the child never delivers the PLINQ result (it hangs or dies), or the forking
    # parent itself crashes (SIGSEGV, seen with .NET 10's default W^X double-mapped code pages).
    assert not child_finished or parent_code != 0, (outcome, parent_code)
    # A parent that lived to report says the bridge warned it as it forked.
    assert parent_code != 0 or [w.split(":", 1)[0] for w in warned] == ["ForkAfterLoadWarning"]


@POSIX_ONLY
def test_the_program_shows_the_hazard_the_guards_and_the_safe_way() -> None:
    # Run main() with a fork hook installed first: the program forks only in its sacrificial
    # interpreters, never its own CLR-loaded process (which would be the hazard it teaches).
    result = _python(
        "import os\n"
        "forks = []\n"
        "os.register_at_fork(before=lambda: forks.append(1))\n"
        "from parity.bridge import fork_safety\n"
        "fork_safety.main()\n"
        "print(f'forks in this process: {len(forks)}')\n"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "forks in this process: 0"
    # The warning is reported by the forking parent, which the hazard can kill before it
    # prints (SIGSEGV, seen under load); test_os_fork_after_load_raises_... always sees it.
    if "the forking parent exited normally" in result.stdout:
        assert "os.fork() after load warns: ForkAfterLoadWarning" in result.stdout
    else:
        assert "the forking parent died (exit code -" in result.stdout
    assert (
        "child_context('fork') after load: BridgeError: this process has loaded the CLR"
        in result.stdout
    )
    assert "spawned child loads its own CLR, PLINQ sum: 499999500000" in result.stdout
    assert "forked after load, PLINQ in the child:" in result.stdout
