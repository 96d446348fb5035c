import signal
import subprocess
import sys

import pytest

from parity.common.timing import SHORT_TIMEOUT
from parity.subprocess import communicate

from ..conftest import RunConcept


def test_communicate_feeds_the_repl_and_reads_everything_it_answers() -> None:
    talk = communicate.converse(communicate.HELLO, timeout=SHORT_TIMEOUT)
    assert not talk.timed_out
    assert talk.stdout == "hello\n4\n"
    assert talk.stderr.count(">>>") == 3  # one prompt per line, and one before end of file
    assert talk.returncode == 0


def test_on_timeout_the_child_keeps_running_until_killed_and_output_is_collected() -> None:
    stuck = communicate.converse(communicate.STUCK, timeout=3.0)
    assert stuck.timed_out
    assert stuck.alive_after_timeout, "communicate(timeout=...) must not kill the child"
    # The second communicate() after kill() returns what the child printed before the deadline.
    assert stuck.stdout == "working...\n"
    if sys.platform == "win32":
        assert stuck.returncode != 0
    else:
        assert stuck.returncode == -signal.SIGKILL


def test_timeout_expired_is_not_a_timeout_error() -> None:
    assert not issubclass(subprocess.TimeoutExpired, TimeoutError)
    assert subprocess.TimeoutExpired.__mro__[1] is subprocess.SubprocessError
    with communicate.start_repl() as child:
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
