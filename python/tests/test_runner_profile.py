"""run-all's profile and order: where a run's time goes (phase marks stripped from its output),
and the longest runs started first from the durations the last run-all kept."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from parity import catalog, runner, summary
from parity.common import phase
from parity.common.timing import SHORT_TIMEOUT

MARKING = (
    "import sys; from parity.common import phase; phase.mark('server up'); print('hello'); "
    "print('a warning', file=sys.stderr)"
)


def _run(monkeypatch: pytest.MonkeyPatch, program: str, profile: bool) -> runner.Result:
    monkeypatch.setattr(runner, "command", lambda *_: [sys.executable, "-c", program])
    concept = catalog.load().get("plinq.sum")
    return runner.run(concept, "python", time_scale=1.0, timeout=SHORT_TIMEOUT, profile=profile)


def test_a_profiled_run_has_its_phases_in_order_and_no_marks_in_its_output(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    result = _run(monkeypatch, MARKING, profile=True)
    assert result.status == "ok", result.output
    assert [name for name, _ in result.phases] == [
        "server up",
        "first output",
        "last output",
        "exit",
    ]
    times = [t for _, t in result.phases]
    assert times == sorted(times)
    assert times[-1] == result.seconds
    assert "hello" in result.output
    assert "a warning" in result.output
    assert phase.MARKER.strip() not in result.output
    assert "phases" not in result.to_json()  # the JSON report's fields are unchanged


def test_without_profile_a_run_is_asked_for_no_marks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(phase.PROFILE_VARIABLE, "1")  # even when the caller's environment asks
    asked = f"import os; print(repr(os.environ.get({phase.PROFILE_VARIABLE!r})))"
    result = _run(monkeypatch, asked, profile=False)
    assert result.output.strip() == "''"
    assert result.phases == ()


def test_runs_start_longest_first_with_an_estimate_for_a_run_never_timed() -> None:
    cat = catalog.load()
    pairs: list[tuple[catalog.Concept, runner.Language]] = [
        (cat.get("plinq.sum"), "python"),
        (cat.get("plinq.sum"), "dotnet"),
        (cat.get("bridge.gil"), "python"),
    ]
    known = {"plinq.sum python": 0.1, "bridge.gil python": 3.0}
    ordered = runner.longest_first(pairs, known)
    assert [(c.id, x) for c, x in ordered] == [
        ("bridge.gil", "python"),
        ("plinq.sum", "dotnet"),  # never timed: the .NET estimate, between the two
        ("plinq.sum", "python"),
    ]
    assert runner.ESTIMATES["dotnet"] < 3.0
    assert runner.ESTIMATES["dotnet"] > 0.1


def test_a_line_the_reader_took_after_the_exit_counts_at_the_exit() -> None:
    # A busy machine: the run printed and exited at 0.046 s, its reader thread took the last
    # line from the pipe at 0.048 s (CI32 under load). The line was written before the exit.
    out = runner._Stream(started=0.0)
    out.first, out.last = 0.042, 0.048
    phases = runner._phases(out, [], started_wall=0.0, seconds=0.046)
    assert phases == (("first output", 0.042), ("last output", 0.046), ("exit", 0.046))


def test_durations_are_kept_merged_and_a_damaged_file_means_none_known(tmp_path: Path) -> None:
    path = tmp_path / "reports" / "durations.json"
    assert runner.load_durations(path) == {}
    runner.save_durations([runner.Result("a", "python", "ok", 1.5, "")], path)
    runner.save_durations([runner.Result("b", "dotnet", "failed", 2.5, "")], path)
    assert runner.load_durations(path) == {"a python": 1.5, "b dotnet": 2.5}
    assert runner.load_cpu(path) == {}  # no CPU figure given: none kept
    runner.save_durations([runner.Result("a", "python", "ok", 1.4, "", cpu=0.25)], path)
    assert runner.load_cpu(path) == {"a python": 0.25}
    assert runner.load_durations(path) == {"a python": 1.4, "b dotnet": 2.5}
    path.write_text("[not an object", encoding="utf-8")
    assert runner.load_durations(path) == {}
    path.write_text(json.dumps(["a list"]), encoding="utf-8")
    assert runner.load_durations(path) == {}


def test_the_profile_shows_the_slowest_runs_first_with_phases_and_the_load() -> None:
    results = [
        runner.Result(
            f"c{i}", "python", "ok", float(i), "", (("CLR loaded", i / 2), ("exit", float(i)))
        )
        for i in range(1, 13)
    ]
    lines = summary.profile_lines(results, cores=2)
    assert lines[0].startswith(f"{summary.SLOWEST} slowest runs (")
    assert "2 cores" in lines[0]
    assert len(lines) == 1 + summary.SLOWEST
    assert "c12 (python)" in lines[1]
    assert "CLR loaded 6.00, exit 12.00" in lines[1]
    assert "c3 (python)" in lines[-1]
    assert all("c1 (" not in line and "c2 (" not in line for line in lines)
    assert "CPU" not in "".join(lines)  # none measured (Windows): no figure made up


def test_the_profile_gives_each_run_s_cpu_and_the_least_time_all_of_them_need() -> None:
    results = [runner.Result(f"c{i}", "dotnet", "ok", 1.0, "", cpu=0.5 * i) for i in (1, 2, 3)]
    lines = summary.profile_lines(results, cores=2, count=2)
    assert lines[1].endswith("exit 1.00; CPU 0.50 s")
    assert lines[-1] == "CPU of 3 runs: 3.0 s, so at least 1.5 s on 2 cores"


_BURN = "import time; end = time.process_time() + 0.3\nwhile time.process_time() < end: pass"
BURNING_CHILD = (
    f"import subprocess, sys; subprocess.run([sys.executable, '-c', {_BURN!r}], check=True)"
)


def test_a_run_s_cpu_counts_the_children_it_waited_for(monkeypatch: pytest.MonkeyPatch) -> None:
    result = _run(monkeypatch, BURNING_CHILD, profile=False)
    assert result.status == "ok", result.output
    if sys.platform == "win32":  # no wait4: no figure, rather than a made-up one
        assert result.cpu is None
    else:
        assert result.cpu is not None
        assert result.cpu >= 0.3  # the child's burn, waited for by the run's process
    assert "cpu" not in result.to_json()


def test_on_windows_a_run_has_no_cpu_figure_and_still_its_exit_code(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(sys, "platform", "win32")  # forced here: Popen.wait, no wait4
    result = _run(monkeypatch, BURNING_CHILD + "; sys.exit(3)", profile=False)
    assert (result.status, result.cpu) == ("failed", None)


def test_the_dotnet_cli_marks_when_it_is_ready_and_the_mark_leaves_no_trace() -> None:
    concept = catalog.load().get("plinq.sum")
    result = runner.run(concept, "dotnet", time_scale=1.0, timeout=SHORT_TIMEOUT, profile=True)
    assert result.status == "ok", result.output
    names = [name for name, _ in result.phases]
    assert names[0] == "CLI ready"  # the runtime started and found the concept before any output
    assert names[-1] == "exit"
    assert "first output" in names
    assert phase.MARKER.strip() not in result.output
    assert "499999500000" in result.output


def test_the_test_totals_skip_the_durations_kept_beside_the_reports(tmp_path: Path) -> None:
    from parity import test_reports

    suite = '<testsuites><testsuite tests="3" failures="1" errors="0" skipped="1"/></testsuites>'
    (tmp_path / "pytest.xml").write_text(suite, encoding="utf-8")
    runner.save_durations(
        [runner.Result("a", "python", "ok", 1.0, "")], tmp_path / "run-durations.json"
    )
    assert test_reports.totals(tmp_path) == test_reports.junit_counts(tmp_path / "pytest.xml")
    assert sum(test_reports.totals(tmp_path)) == 3
