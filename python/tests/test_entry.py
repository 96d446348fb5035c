"""Every `python -m parity.<module>` program, as a user meets it: a bad environment is one line
and exit 2 before anything runs, and Ctrl-C is one line with no traceback from any process."""

from __future__ import annotations

import ast
import os
import signal
import sys

import pytest

from parity import catalog
from parity.common.entry import BAD_ENVIRONMENT_EXIT
from parity.common.timing import LONG_TIMEOUT
from parity.paths import PYTHON_SRC
from tests._sessions import as_terminal, ctrl_c, left_in_session

from .conftest import python_c

PROGRAMS = [c.module for c in catalog.load().concepts if c.module] + ["parity.bridge"]


@pytest.mark.parametrize("module", PROGRAMS)
@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        (
            "PARITY_TIME_SCALE",
            "abc",
            "parity: PARITY_TIME_SCALE must be a positive number, got 'abc'",
        ),
        (
            "PARITY_TIME_SCALE",
            "-1",
            "parity: PARITY_TIME_SCALE must be a positive number, got '-1'",
        ),
        (
            "PARITY_START_METHOD",
            "bogus",
            "parity: PARITY_START_METHOD: start method 'bogus' is not",
        ),
    ],
)
def test_every_program_refuses_a_bad_environment_in_one_line(
    run_module: object, module: str, variable: str, value: str, message: str
) -> None:
    result = run_module(module, env={variable: value}, args=())  # type: ignore[operator]
    assert result.returncode == BAD_ENVIRONMENT_EXIT
    [line] = result.stderr.strip().splitlines()
    assert line.startswith(message)
    assert result.stdout == ""


_IMPORT_ONLY = """
import signal, sys
before = (sys.stdout.line_buffering, sys.excepthook, signal.getsignal(signal.SIGINT))
import parity, parity.common.entry
after = (sys.stdout.line_buffering, sys.excepthook, signal.getsignal(signal.SIGINT))
print(before == after, after[0], after[1] is sys.__excepthook__)
"""


def test_importing_parity_changes_nothing_a_program_can_see() -> None:
    # As `python -m parity.<module>` imports it too: argv[0] is "-m" while the module is found.
    shown = python_c(_IMPORT_ONLY, check=True).stdout.split()
    assert shown == ["True", "False", "True"]  # no line buffering, no hook, Ctrl-C untouched


def _main_blocks() -> list[tuple[str, str]]:
    """(module file, the source of its `if __name__ == "__main__":` block) for every program."""
    found = []
    for path in sorted((PYTHON_SRC / "parity").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in tree.body:  # top level only: a program text inside a string is not ours
            if isinstance(node, ast.If) and ast.unparse(node.test) == "__name__ == '__main__'":
                found.append((str(path.relative_to(PYTHON_SRC)), ast.unparse(node)))
    return found


def test_every_program_says_in_its_main_block_that_it_starts_as_one_of_ours() -> None:
    blocks = _main_blocks()
    assert len(blocks) > len(PROGRAMS)  # the concepts, the bridge, the tools and helpers
    assert [path for path, block in blocks if "entry.run(" not in block] == []


@pytest.mark.parametrize(
    ("module", "marker"),
    [
        ("parity.pool.callbacks", "[task 1]"),  # pool workers busy in a task
        ("parity.process.basic", ""),  # Process children, joined
        ("parity.distributed.manager_queues", ""),  # a manager's server process
        ("parity.task.retry_backoff", ""),  # asyncio, a server thread
    ],
)
@pytest.mark.parametrize("start_method", ["fork", "forkserver", "spawn"])
# Serial: with the other suites running beside it (load average 5 to 8 here), a Ctrl-C can reach
# a child still starting up (a fresh interpreter importing `site`), which then says more than
# one line: a race of the product under heavy load, reproduced, not yet fixed.
@pytest.mark.serial
def test_ctrl_c_ends_a_concept_with_one_line_and_no_process_left(
    module: str, marker: str, start_method: str
) -> None:
    if os.name != "posix":
        pytest.skip(
            "Ctrl-C is sent here as SIGINT to a process group; Windows' CTRL_C_EVENT differs"
        )
    env = {
        **os.environ,
        "PARITY_START_METHOD": start_method,
        "PARITY_TIME_SCALE": "50",  # every wait is long: Ctrl-C lands while the concept works
        "PYTHONUNBUFFERED": "1",
    }
    with as_terminal([sys.executable, "-m", module], env=env) as proc:
        assert proc.stdout is not None
        seen = [proc.stdout.readline()]  # the first line: the concept is under way
        while marker not in seen[-1] and seen[-1]:
            seen.append(proc.stdout.readline())
        assert marker in seen[-1], seen
        _, err = ctrl_c(proc)
    # Python ends an unhandled KeyboardInterrupt by SIGINT itself: a shell shows exit status 130.
    assert proc.returncode == -signal.SIGINT
    assert err.strip() == f"parity: {module} interrupted (Ctrl-C)"
    assert left_in_session(proc.pid) == []


# Windows, forced here: Linux has no SIGBREAK nor CTRL_BREAK_EVENT, so SIGUSR1 stands in for both.
# On Windows itself SIGUSR1 does not exist; there the runner's Ctrl-Break reaches the real handler.
FORCED_FROM_POSIX = pytest.mark.skipif(
    sys.platform == "win32",
    reason="forces Windows' Ctrl-Break from POSIX, with SIGUSR1 standing in",
)
_BREAK_CHILD = """
import signal, sys, time
from parity.common import entry
from parity.common.timing import LONG_TIMEOUT
from parity.paths import PYTHON_SRC
sys.platform, signal.SIGBREAK = "win32", signal.SIGUSR1
sys.excepthook = entry._report_interrupt
entry.break_is_ctrl_c()
print("ready", flush=True)
time.sleep(LONG_TIMEOUT)  # until the runner stops it
"""


@FORCED_FROM_POSIX
def test_on_windows_ctrl_break_is_ctrl_c_in_a_program_a_child_and_a_deferred_block(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from parity.common import entry

    if sys.platform == "win32":  # skipped there already; mypy reads the rest as POSIX
        pytest.skip("POSIX only")
    assert entry.interrupt_signals() == [signal.SIGINT]  # here: SIGINT alone
    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.setattr(signal, "SIGBREAK", signal.SIGUSR1, raising=False)
    previous = {n: signal.getsignal(n) for n in (signal.SIGINT, signal.SIGUSR1)}
    try:
        assert entry.interrupt_signals() == [signal.SIGINT, signal.SIGUSR1]
        entry.break_is_ctrl_c()  # a program: KeyboardInterrupt, so its one line is said
        with pytest.raises(KeyboardInterrupt):
            signal.raise_signal(signal.SIGUSR1)
        with entry.deferred_interrupt() as pressed:  # a block that must not be cut: a flag
            signal.raise_signal(signal.SIGUSR1)
            assert pressed.is_set()
        assert signal.getsignal(signal.SIGUSR1) is signal.default_int_handler  # given back
        entry.stop_on_interrupt()  # a child: ends quietly with 130
        with pytest.raises(SystemExit) as stopped:
            signal.raise_signal(signal.SIGUSR1)
        assert stopped.value.code == entry.INTERRUPTED_EXIT
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


@FORCED_FROM_POSIX
def test_on_windows_the_runner_stops_a_run_with_ctrl_break_and_it_says_one_line(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import subprocess

    from parity import runner

    if sys.platform == "win32":  # skipped there already; mypy reads the rest as POSIX
        pytest.skip("POSIX only")
    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.setattr(signal, "CTRL_BREAK_EVENT", signal.SIGUSR1, raising=False)
    with subprocess.Popen(
        [sys.executable, "-c", _BREAK_CHILD],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    ) as proc:
        assert proc.stdout is not None
        assert proc.stdout.readline() == "ready\n"
        runner._Live._signal(proc, kill=False)  # what Ctrl-C in run-all does to each run
        _, err = proc.communicate(timeout=LONG_TIMEOUT)
    assert err.strip() == "parity: program interrupted (Ctrl-C)"
    assert proc.returncode == -signal.SIGINT  # POSIX's way to end on KeyboardInterrupt
