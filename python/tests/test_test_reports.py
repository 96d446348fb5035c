"""How `invoke test` splits pytest into shards of about equal length, from the last run's times."""

from __future__ import annotations

from pathlib import Path

from parity import test_reports


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
