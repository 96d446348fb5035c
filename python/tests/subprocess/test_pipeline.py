import sys

from parity.subprocess import pipeline
from parity.subprocess.pipeline import ENDLESS, GREP, HEAD, TABLE, python, run_pipeline

from ..conftest import RunConcept

FIRST_THREE = "line 0\nline 1\nline 2\n"


def test_table_into_grep_keeps_the_matching_rows() -> None:
    result = run_pipeline(python(TABLE), python(GREP, "bash"))
    assert result.output == "101  bash\n103  bash -l\n"
    assert result.producer_ended_by_itself
    assert result.producer_returncode == 0


def test_closing_our_copy_lets_the_producer_see_the_broken_pipe() -> None:
    result = run_pipeline(python(ENDLESS), python(HEAD, "3"), producer_grace=30)
    assert result.output == FIRST_THREE
    assert result.producer_ended_by_itself
    assert result.producer_stderr.startswith("producer: reader gone (")
    if sys.platform != "win32":
        # Python ignores SIGPIPE, so the write fails with EPIPE instead of killing the process.
        assert "(BrokenPipeError)" in result.producer_stderr


def test_keeping_our_copy_leaves_the_producer_blocked_until_killed() -> None:
    result = run_pipeline(
        python(ENDLESS), python(HEAD, "3"), close_parent_copy=False, producer_grace=0.5
    )
    assert result.output == FIRST_THREE
    assert not result.producer_ended_by_itself  # it would block forever: we hold a reader
    assert result.producer_returncode != 0  # killed
    assert result.producer_stderr == ""  # it never saw a broken pipe


def test_main_shows_grep_head_and_the_stuck_producer(run_ok: RunConcept) -> None:
    result = run_ok("parity.subprocess.pipeline")
    assert "table | grep bash:\n101  bash\n103  bash -l\n" in result.stdout
    assert "producer ended by itself: True" in result.stdout
    assert "without closing our copy, ended by itself: False" in result.stdout
    assert pipeline.PROCESS_TABLE[1] in result.stdout
