"""The invoke tasks and the runner, as a user meets them: exit codes, one-line errors, the JSON
report, and no process left behind."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from parity import catalog, runner
from parity.catalog import ROOT
from parity.common.timing import LONG_TIMEOUT, SHORT_TIMEOUT

INVOKE = [sys.executable, "-m", "invoke"]


def _invoke(*args: str, timeout: float = LONG_TIMEOUT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*INVOKE, *args], cwd=ROOT, capture_output=True, text=True, timeout=timeout, check=False
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("run", "nope"), "parity: unknown concept 'nope'; closest: "),
        (("run", "plinq.su"), "parity: unknown concept 'plinq.su'; closest: plinq.sum"),
        (("run", "plinq.sum", "--lang", "rust"), "parity: bad --lang 'rust'; expected py, dotnet or both"),
        (("run", "plinq.sum", "--via", "pipe"), "parity: bad --via 'pipe'; expected cli or bridge"),
        (("run", "plinq.sum", "--time-scale", "-1"), "parity: bad --time-scale '-1'"),
        (("run-all", "--only", "zzz"), "parity: no concept id starts with 'zzz'"),
    ],
)
def test_bad_input_gets_one_line_and_a_nonzero_exit(args: tuple[str, ...], message: str) -> None:
    result = _invoke(*args)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(message)
    assert "Traceback" not in result.stderr + result.stdout


def test_list_shows_every_catalog_id_first() -> None:
    result = _invoke("list")
    assert result.returncode == 0
    ids = [line.split()[0] for line in result.stdout.splitlines()]
    assert ids == [c.id for c in catalog.load().concepts]


def test_run_all_writes_the_documented_report(tmp_path: Path) -> None:
    report = tmp_path / "report.json"
    result = _invoke("run-all", "--only", "plinq.sum", "--json", str(report))
    assert result.returncode == 0, result.stdout + result.stderr
    data = json.loads(report.read_text(encoding="utf-8"))
    assert data["ok"] is True
    assert data["time_scale"] == runner.RUN_ALL_TIME_SCALE
    rows = data["results"]
    assert {(r["id"], r["language"]) for r in rows} == {("plinq.sum", "python"), ("plinq.sum", "dotnet")}
    for row in rows:
        assert set(row) == {"id", "language", "status", "ok", "seconds", "output"}
        assert row["ok"] is True
        assert row["status"] == "ok"
        assert isinstance(row["seconds"], float)
        assert "499999500000" in row["output"]


def test_run_kills_and_reports_what_outlives_a_run(monkeypatch: pytest.MonkeyPatch) -> None:
    if os.name != "posix":
        pytest.skip("leftovers are found through the run's process group, a POSIX notion")
    # A "concept" that leaves a grandchild sleeping behind it.
    leaky = (
        "import subprocess, sys; p = subprocess.Popen([sys.executable, '-c', "
        "'import time; time.sleep(60)']); print(p.pid)"
    )
    monkeypatch.setattr(runner, "command", lambda *_: [sys.executable, "-c", leaky])
    result = runner.run(catalog.load().get("plinq.sum"), "python", time_scale=1.0, timeout=SHORT_TIMEOUT)
    grandchild = int(result.output.splitlines()[0])
    assert not result.ok
    assert "1 process(es) outlived the run and were killed" in result.output
    deadline = time.monotonic() + 5
    while psutil.pid_exists(grandchild) and time.monotonic() < deadline:
        if psutil.Process(grandchild).status() == psutil.STATUS_ZOMBIE:
            break
        time.sleep(0.02)
    assert not psutil.pid_exists(grandchild) or psutil.Process(grandchild).status() == psutil.STATUS_ZOMBIE


def test_run_waits_for_a_slow_resource_tracker_instead_of_failing(monkeypatch: pytest.MonkeyPatch) -> None:
    if os.name != "posix":
        pytest.skip("leftovers are found through the run's process group, a POSIX notion")
    # Under load, multiprocessing's resource tracker can take longer than LEFTOVER_GRACE to see
    # the run end and exit. This one (named like it) outlives the run by twice the grace.
    linger = 2 * runner.LEFTOVER_GRACE
    helper = f"import time; time.sleep({linger})"
    program = (
        "import subprocess, sys; "
        f"subprocess.Popen([sys.executable, '-c', {helper!r}, 'multiprocessing.resource_tracker'])"
    )
    monkeypatch.setattr(runner, "command", lambda *_: [sys.executable, "-c", program])
    result = runner.run(catalog.load().get("plinq.sum"), "python", time_scale=1.0, timeout=SHORT_TIMEOUT)
    assert result.status == "ok", result.output


def test_under_load_starts_burners_and_stops_them_even_when_the_suite_fails() -> None:
    sys.path.insert(0, str(ROOT))
    try:
        import tasks
    finally:
        sys.path.remove(str(ROOT))
    burners: list[psutil.Process] = []

    def failing_suite() -> None:
        with tasks._under_load(2):
            burners.extend(p for p in psutil.Process().children() if "getppid" in " ".join(p.cmdline()))
            raise RuntimeError("a failing suite")

    with pytest.raises(RuntimeError, match="a failing suite"):
        failing_suite()
    assert len(burners) == 2
    assert not [p for p in burners if p.is_running() and p.status() != psutil.STATUS_ZOMBIE]


def test_run_times_out_and_kills(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(runner, "command", lambda *_: [sys.executable, "-c", "import time; time.sleep(60)"])
    result = runner.run(catalog.load().get("plinq.sum"), "python", time_scale=1.0, timeout=0.5)
    assert not result.ok
    assert "timed out after 0.5 s" in result.output  # and the 60 s sleep is gone (leak check)


@pytest.mark.parametrize(("code", "status"), [(0, "ok"), (77, "skipped"), (1, "failed"), (2, "failed")])
def test_run_reads_the_exit_code_as_a_status(monkeypatch: pytest.MonkeyPatch, code: int, status: str) -> None:
    program = f"from parity.common.skip import skip; skip('no server') if {code} == 77 else exit({code})"
    monkeypatch.setattr(runner, "command", lambda *_: [sys.executable, "-c", program])
    result = runner.run(catalog.load().get("plinq.sum"), "python", time_scale=1.0, timeout=SHORT_TIMEOUT)
    assert result.status == status
    assert result.ok == (status != "failed")
    assert result.to_json()["status"] == status
    if status == "skipped":
        assert result.output.strip() == "skipped: no server"
