"""The chaos run decides: it finds nothing lost when Redis keeps an append-only file, and it
finds the loss when Redis restarts without one (so its 'nothing lost' can fail)."""

from __future__ import annotations

import sys

import pytest

from parity.common.redis_server import RedisMissing
from parity.scale._queue.chaos import Chaos, Options, Tally

from .conftest import skip_or_fail

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL and SIGSTOP: POSIX")


def _go(options: Options) -> tuple[Tally, list[str]]:
    lines: list[str] = []
    try:
        return Chaos(options, lines.append).go(), lines
    except RedisMissing as exc:
        skip_or_fail(str(exc))
        raise


def test_with_an_append_only_file_kills_pauses_and_a_restart_lose_nothing() -> None:
    tally, lines = _go(Options(seconds=6, workers=1, kills_per_minute=30, restarts=1, seed=7))
    assert tally.restarts == 1
    assert tally.pauses >= 1
    assert tally.tasks > 0
    assert (tally.missing, tally.dead_unexpected, tally.wrong) == (0, 0, 0), (tally, lines)
    assert tally.ok


def test_without_persistence_a_restart_loses_tasks_and_the_run_says_so() -> None:
    tally, _lines = _go(
        Options(seconds=3, workers=1, kills_per_minute=0, restarts=1, aof=False, seed=7)
    )
    assert tally.missing > 0  # the tasks queued at the restart are gone
    assert not tally.ok


def test_the_table_has_one_header_and_one_row() -> None:
    table = Tally(tasks=3, results=2, dead_expected=1, longest_s=1.25).table().splitlines()
    assert table[0].startswith(
        "| tasks | malformed | kills | pauses | restarts | results | missing |"
    )
    assert table[2] == "| 3 | 0 | 0 | 0 | 0 | 2 | 0 | 0 | 1 | 0 | 1.2 s |"
