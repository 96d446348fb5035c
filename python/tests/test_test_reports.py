"""How `invoke test` splits pytest into shards of about equal length, from the last run's times."""

from __future__ import annotations

from pathlib import Path

import pytest

from parity import catalog, runner, test_reports, timings
from parity.paths import PYTHON_DIR, PYTHON_TESTS


def test_shards_hold_every_file_once_and_even_out_by_the_last_run_times() -> None:
    seconds = {"a.py": 10.0, "b.py": 6.0, "c.py": 5.0, "d.py": 4.0, "e.py": 1.0}
    groups = test_reports.shards(list(seconds), seconds, 2)
    assert sorted(f for g in groups for f in g) == sorted(seconds)
    totals = sorted(sum(seconds[f] for f in g) for g in groups)
    # Longest first, each to the lighter group: a | b, c | a, d | b, c, e.
    assert totals == [12.0, 14.0]


def test_a_file_never_timed_counts_as_the_median_one_and_no_shard_is_empty() -> None:
    seconds = {"a.py": 1.0, "b.py": 2.0, "c.py": 3.0}
    groups = test_reports.shards(["a.py", "b.py", "c.py", "new.py"], seconds, 2)
    assert [sum(seconds.get(f, 2.0) for f in g) for g in groups] == [4.0, 4.0]
    assert test_reports.shards(["only.py"], {}, 3) == [["only.py"]]


def test_file_seconds_add_up_each_file_s_cases_from_the_junit_reports(tmp_path: Path) -> None:
    (tmp_path / "pytest-1.xml").write_text(
        '<testsuites><testsuite tests="3">'
        '<testcase classname="tests.pool.test_a" name="x" time="1.5"/>'
        '<testcase classname="tests.pool.test_a" name="y" time="0.5"/>'
        '<testcase classname="tests.test_b" name="z" time="3"/>'
        "</testsuite></testsuites>",
        encoding="utf-8",
    )
    assert test_reports.file_seconds(tmp_path) == {
        "tests/pool/test_a.py": 2.0,
        "tests/test_b.py": 3.0,
    }
    assert test_reports.file_seconds(tmp_path / "absent") == {}


def test_a_fresh_clone_splits_by_the_times_kept_in_the_repository(tmp_path: Path) -> None:
    kept = timings.test_files()
    assert test_reports.last_seconds(tmp_path) == kept  # no reports yet: the kept times
    # They name today's test files: a file renamed since would count as a median one.
    files = {p.relative_to(PYTHON_DIR).as_posix() for p in PYTHON_TESTS.rglob("test_*.py")}
    assert set(kept) <= files
    assert len(kept) >= 0.9 * len(files)
    assert all(seconds >= 0 for seconds in kept.values())


def test_a_fresh_clone_starts_the_longest_runs_first_by_the_kept_times() -> None:
    kept = timings.runs()
    pairs = {
        f"{c.id} {language}"
        for c in catalog.load().concepts
        for language in ("python", "dotnet")
        if c.has(language)
    }
    assert set(kept) <= pairs
    assert len(kept) >= 0.9 * len(pairs)


def test_run_all_falls_back_to_the_kept_times_only_without_a_last_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(runner.DURATIONS_VARIABLE, raising=False)
    monkeypatch.setattr(runner, "DURATIONS", tmp_path / "none.json")
    assert runner.expected_durations() == timings.runs()
    assert runner.expected_cpu() == timings.run_cpu()
    assert timings.run_cpu(), "python/timings.json keeps the runs' CPU seconds for a fresh clone"
    # A file of its own named (a test's): what it holds, even nothing.
    monkeypatch.setenv(runner.DURATIONS_VARIABLE, str(tmp_path / "own.json"))
    assert runner.expected_durations() == {}
    assert runner.expected_cpu() == {}


def test_a_new_test_run_clears_the_reports_but_keeps_run_all_s_durations(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(runner, "DURATIONS", tmp_path / "run-durations.json")
    runner.DURATIONS.write_text('{"process.basic python": 0.2}\n', encoding="utf-8")
    runner.cpu_path(runner.DURATIONS).write_text('{"process.basic python": 0.1}\n', "utf-8")
    (tmp_path / "pytest-1.xml").write_text("<testsuites/>", encoding="utf-8")
    (tmp_path / "logs").mkdir()
    test_reports.clear(tmp_path)
    kept = sorted(p.name for p in tmp_path.iterdir())
    assert kept == ["run-durations.cpu.json", "run-durations.json"]


def test_the_closing_line_counts_every_report_and_says_how_long_it_took(tmp_path: Path) -> None:
    (tmp_path / "pytest-1.xml").write_text(
        '<testsuites><testsuite tests="4" failures="1" errors="0" skipped="1"/></testsuites>',
        encoding="utf-8",
    )
    line = test_reports.closing_line(tmp_path, 245.4)
    assert line == "all: 2 passed, 1 failed, 1 skipped in 4 min 5 s"
