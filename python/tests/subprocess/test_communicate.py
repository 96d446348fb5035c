import signal
import subprocess
import sys
from subprocess import PIPE
from typing import Any

import pytest

from parity.common.timing import SHORT_TIMEOUT
from parity.subprocess import communicate

from ..conftest import RunConcept


@pytest.fixture
def children(monkeypatch: pytest.MonkeyPatch) -> list[subprocess.Popen[str]]:
    """Every child the lesson starts, kept so that a test can read its exit code afterwards."""
    started: list[subprocess.Popen[str]] = []
    real = subprocess.Popen

    def popen(*args: Any, **kwargs: Any) -> subprocess.Popen[str]:
        started.append(real(*args, **kwargs))
        return started[-1]

    monkeypatch.setattr(subprocess, "Popen", popen)  # the module the lesson calls Popen through
    return started


def test_communicate_feeds_the_repl_and_reads_everything_it_answers(
    capsys: pytest.CaptureFixture[str], children: list[subprocess.Popen[str]]
) -> None:
    communicate.converse(communicate.HELLO, timeout=SHORT_TIMEOUT)
    # No timeout line; all of stdout; one prompt per line, and one before end of file.
    assert capsys.readouterr().out == "stdout='hello\\n4\\n' prompts on stderr=3\n"
    assert [child.returncode for child in children] == [0]


def test_on_timeout_the_child_keeps_running_until_killed_and_output_is_collected(
    capsys: pytest.CaptureFixture[str], children: list[subprocess.Popen[str]]
) -> None:
    communicate.converse(communicate.STUCK, timeout=3.0)
    timed_out, collected = capsys.readouterr().out.splitlines()
    # communicate(timeout=...) timed out and did not kill the child.
    assert timed_out == "timed out=True, still running then=True"
    # The second communicate() after kill() returns what the child printed before the deadline.
    (child,) = children
    assert (
        collected == f"collected after kill: stdout='working...\\n' returncode={child.returncode}"
    )
    if sys.platform == "win32":
        assert child.returncode != 0
    else:
        assert child.returncode == -signal.SIGKILL


def test_timeout_expired_is_not_a_timeout_error() -> None:
    assert not issubclass(subprocess.TimeoutExpired, TimeoutError)
    assert subprocess.TimeoutExpired.__mro__[1] is subprocess.SubprocessError
    with subprocess.Popen(
        communicate.REPL, stdin=PIPE, stdout=PIPE, stderr=PIPE, text=True
    ) as child:
        try:
            with pytest.raises(subprocess.TimeoutExpired):
                communicate.article_style(child, communicate.STUCK, timeout=0.2)
            # The article's `except TimeoutError` never ran, so nobody killed the child.
            assert child.poll() is None
        finally:
            child.kill()
            child.communicate(timeout=SHORT_TIMEOUT)


def test_main_shows_the_three_cases(run_ok: RunConcept) -> None:
    result = run_ok("parity.subprocess.communicate")
    assert "stdout='hello\\n4\\n'" in result.stdout
    assert "timed out=True, still running then=True" in result.stdout
    assert "`except TimeoutError` did not catch TimeoutExpired" in result.stdout


def test_communicate_sends_the_input_and_closes_stdin() -> None:
    # The child reads to end of file: it ends only because communicate() closed its stdin.
    child = subprocess.Popen(
        [sys.executable, "-c", "import sys; print(len(sys.stdin.read()))"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    out, _ = child.communicate("abc", timeout=SHORT_TIMEOUT)
    assert out.strip() == "3"
    assert child.returncode == 0
