"""The run-all summary as a reader sees it: columns for the languages that ran, a legend for
every mark that is not a status, a totals line, the settings that make two runs comparable."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from rich.console import Console

from parity import catalog, runner, summary


def _outcome(
    ids: list[str],
    languages: tuple[runner.Language, ...],
    results: list[runner.Result],
    **extra: object,
) -> summary.Outcome:
    cat = catalog.load()
    return summary.Outcome(
        concepts=[cat.get(x) for x in ids],
        languages=languages,
        results=results,
        via="cli",
        time_scale=0.1,
        started=datetime.now(UTC),
        build_seconds=40.0,
        run_seconds=12.5,
        **extra,  # type: ignore[arg-type]
    )


def _render(outcome: summary.Outcome) -> str:
    console = Console(width=120, record=True, color_system=None)
    console.print(outcome.table())
    console.print(outcome.footer())
    return console.export_text()


def _result(concept_id: str, language: runner.Language, status: runner.Status) -> runner.Result:
    return runner.Result(concept_id, language, status, 0.5, "")


@pytest.mark.parametrize(
    ("statuses", "line"),
    [
        ([], "0 ok, 0 failed, 0 skipped"),
        (["ok", "ok", "failed", "skipped"], "2 ok, 1 failed, 1 skipped"),
    ],
)
def test_totals_count_each_status(statuses: list[runner.Status], line: str) -> None:
    assert summary.totals(_result("plinq.sum", "python", s) for s in statuses) == line


def test_plural_is_right_for_one() -> None:
    assert (summary.plural(1, "concept"), summary.plural(2, "concept")) == (
        "1 concept",
        "2 concepts",
    )


def test_a_python_only_run_has_no_dotnet_column() -> None:
    text = _render(_outcome(["plinq.sum"], ("python",), [_result("plinq.sum", "python", "ok")]))
    assert "Python" in text
    assert ".NET" not in text  # neither the column nor "via cli" in the title
    assert "1 concept: time scale 0.1" in text
    assert "1 ok, 0 failed, 0 skipped (build 40.0 s, runs 12.5 s)" in text


def test_no_implementation_and_not_run_are_told_apart_with_a_legend() -> None:
    # bridge.gil is Python-only; plinq.sum's .NET run never started (Ctrl-C), and pool.callbacks'
    # Python run was stopped part-way.
    outcome = _outcome(
        ["bridge.gil", "plinq.sum", "pool.callbacks"],
        ("python", "dotnet"),
        [_result("bridge.gil", "python", "ok"), _result("plinq.sum", "python", "skipped")],
        stopped=[("pool.callbacks", "python")],
        interrupted=True,
    )
    rows = {
        line.split("│")[1].strip(): line for line in _render(outcome).splitlines() if "│" in line
    }
    gil = [x.strip() for x in rows["bridge.gil"].split("│")[1:-1]]
    assert gil[3] == summary.NO_IMPLEMENTATION
    plinq = [x.strip() for x in rows["plinq.sum"].split("│")[1:-1]]
    assert plinq[1] == "skipped"
    assert plinq[3] == summary.NOT_RUN
    assert "stopped" in rows["pool.callbacks"]
    text = _render(outcome)
    for mark in (summary.NO_IMPLEMENTATION, summary.NOT_RUN, summary.STOPPED):
        assert f"{mark:>8}  {summary.LEGEND[mark]}" in text.splitlines()
    assert "1 ok, 0 failed, 1 skipped, 3 not finished" in text
    report = outcome.report()
    assert report["interrupted"] is True
    assert report["ok"] is False
    assert report["counts"] == {"ok": 1, "failed": 0, "skipped": 1, "not_finished": 3}


def test_the_start_method_is_shown_when_chosen(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PARITY_START_METHOD", "spawn")
    assert (
        summary.describe(0.1, "cli", ("python", "dotnet"))
        == "time scale 0.1, .NET via cli, start method spawn"
    )
    assert summary.describe(0.1, "cli", ("dotnet",)) == "time scale 0.1, .NET via cli"
    monkeypatch.delenv("PARITY_START_METHOD")
    assert summary.describe(0.1, "bridge", ("python",)) == "time scale 0.1"
