"""The invoke tasks and the runner, as a user meets them: exit codes, one-line errors, the JSON
report, and no process left behind."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import psutil
import pytest

from parity import catalog, cpu_load, runner
from parity.common.timing import LONG_TIMEOUT, SHORT_TIMEOUT
from parity.paths import ROOT
from tests._sessions import as_terminal, ctrl_c, left_in_session

INVOKE = [sys.executable, "-m", "invoke"]


def _invoke(
    *args: str, timeout: float = LONG_TIMEOUT, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*INVOKE, *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        env={**os.environ, **(env or {})},
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("run", "nope"), "parity: unknown concept 'nope'; closest: "),
        (("run", "plinq.su"), "parity: unknown concept 'plinq.su'; closest: plinq.sum"),
        (
            ("run", "plinq.sum", "--lang", "rust"),
            "parity: bad --lang 'rust'; expected py, dotnet or both",
        ),
        (("run", "plinq.sum", "--via", "pipe"), "parity: bad --via 'pipe'; expected cli or bridge"),
        (("run", "plinq.sum", "--time-scale", "-1"), "parity: bad --time-scale '-1'"),
        (("run-all", "--only", "zzz"), "parity: no concept id starts with 'zzz'"),
        (("run-all", "--only", "pool,zzz,plinq"), "parity: no concept id starts with 'zzz';"),
        (
            ("run-all", "--json", "/nonexistent/dir/x.json"),
            "parity: bad --json '/nonexistent/dir/x.json'",
        ),
        (("run-all", "--json", "."), "parity: bad --json '.': expected a file name, not a folder"),
        (("run-all", "--jobs", "-3"), "parity: bad --jobs '-3'; expected a whole number"),
        (("run-all", "-j", "abc"), "parity: bad --jobs 'abc'; expected a whole number"),
        (("run-all", "--jobs", "0"), "parity: bad --jobs '0'; expected a whole number"),
        (("run-all", "--time-scale", "fast"), "parity: bad --time-scale 'fast'"),
        (("run-all", "--lang", "go"), "parity: bad --lang 'go'"),
    ],
)
def test_bad_input_gets_one_line_and_a_nonzero_exit(args: tuple[str, ...], message: str) -> None:
    result = _invoke(*args)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(message)
    assert "Traceback" not in result.stderr + result.stdout
    assert result.stdout == ""  # refused before anything was built or run


@pytest.mark.parametrize("args", [("run-all", "--lang", "py"), ("run", "process.basic")])
def test_a_bad_start_method_is_refused_before_anything_runs(args: tuple[str, ...]) -> None:
    result = _invoke(*args, env={"PARITY_START_METHOD": "bogus"})
    assert result.returncode == 2
    [line] = result.stderr.strip().splitlines()
    assert line.startswith(
        "parity: PARITY_START_METHOD: start method 'bogus' is not available here (have: "
    )
    assert result.stdout == ""


def test_short_flags_are_the_ones_a_user_would_guess() -> None:
    result = _invoke("--help", "run-all")
    assert result.returncode == 0
    options = {line.strip().split("  ")[0] for line in result.stdout.splitlines() if "--" in line}
    assert {
        "-j STRING, --jobs=STRING",
        "-o STRING, --only=STRING",
        "-l STRING, --lang=STRING",
    } <= options
    assert "--json=STRING" in options  # -j is --jobs, not --json


def test_run_into_a_pipe_prints_each_side_whole_not_a_160_column_table() -> None:
    result = _invoke("run", "plinq.sum")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "plinq.sum: " + catalog.load().get("plinq.sum").title
    headings = [line for line in lines if line.startswith("== ")]
    assert [h.split(":")[0] for h in headings] == ["== Python", "== .NET (cli)"]
    assert all(" ok in " in h for h in headings)
    assert not any(ch in result.stdout for ch in "┃│┏")  # no table drawn into a pipe
    assert max(map(len, lines)) < 160


def test_list_by_chapters_puts_each_concept_under_its_chapter() -> None:
    result = _invoke("list", "--chapters")
    assert result.returncode == 0
    cat = catalog.load()
    headings = [line for line in result.stdout.splitlines() if line and not line.startswith(" ")]
    assert headings == [f"{c.title} ({c.id}, comparisons/{c.id}.md)" for c in cat.chapters]
    ids = [line.split()[0] for line in result.stdout.splitlines() if line.startswith("  ")]
    assert ids == [c.id for c in cat.concepts]


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
    assert data["interrupted"] is False
    assert data["time_scale"] == runner.RUN_ALL_TIME_SCALE
    assert data["counts"] == {"ok": 2, "failed": 0, "skipped": 0, "not_finished": 0}
    environment = data["environment"]
    assert environment["python"] == ".".join(map(str, sys.version_info[:3]))
    assert environment["cores"] == os.cpu_count()
    assert environment["start_method"] in ("fork", "forkserver", "spawn")
    assert environment["dotnet"]  # the SDK's version
    assert data["seconds"] == pytest.approx(data["build_seconds"] + data["run_seconds"], abs=0.002)
    rows = data["results"]
    assert {(r["id"], r["language"]) for r in rows} == {
        ("plinq.sum", "python"),
        ("plinq.sum", "dotnet"),
    }
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
    result = runner.run(
        catalog.load().get("plinq.sum"), "python", time_scale=1.0, timeout=SHORT_TIMEOUT
    )
    grandchild = int(result.output.splitlines()[0])
    assert not result.ok
    assert "1 process(es) outlived the run and were killed" in result.output
    deadline = time.monotonic() + 5
    while psutil.pid_exists(grandchild) and time.monotonic() < deadline:
        if psutil.Process(grandchild).status() == psutil.STATUS_ZOMBIE:
            break
        time.sleep(0.02)
    assert (
        not psutil.pid_exists(grandchild)
        or psutil.Process(grandchild).status() == psutil.STATUS_ZOMBIE
    )


def test_run_waits_for_a_slow_resource_tracker_instead_of_failing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
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
    result = runner.run(
        catalog.load().get("plinq.sum"), "python", time_scale=1.0, timeout=SHORT_TIMEOUT
    )
    assert result.status == "ok", result.output


def test_under_load_starts_burners_and_stops_them_even_when_the_suite_fails() -> None:
    burners: list[psutil.Process] = []

    def failing_suite() -> None:
        with cpu_load.under_load(2):
            burners.extend(
                p for p in psutil.Process().children() if "getppid" in " ".join(p.cmdline())
            )
            raise RuntimeError("a failing suite")

    with pytest.raises(RuntimeError, match="a failing suite"):
        failing_suite()
    assert len(burners) == 2
    assert not [p for p in burners if p.is_running() and p.status() != psutil.STATUS_ZOMBIE]


def test_run_times_out_and_kills(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        runner, "command", lambda *_: [sys.executable, "-c", "import time; time.sleep(60)"]
    )
    started: list[subprocess.Popen[str]] = []
    popen = subprocess.Popen

    def recorded(*args: Any, **kwargs: Any) -> subprocess.Popen[str]:
        started.append(popen(*args, **kwargs))
        return started[-1]

    monkeypatch.setattr(subprocess, "Popen", recorded)
    result = runner.run(catalog.load().get("plinq.sum"), "python", time_scale=1.0, timeout=0.5)
    assert not result.ok
    assert "timed out after 0.5 s" in result.output  # and the 60 s sleep is gone (leak check)
    if sys.platform != "win32":  # reaped once: the kill's own status, never a second wait's 0
        assert started[0].returncode == -signal.SIGKILL


@pytest.mark.parametrize(
    ("code", "status"), [(0, "ok"), (77, "skipped"), (1, "failed"), (2, "failed")]
)
def test_run_reads_the_exit_code_as_a_status(
    monkeypatch: pytest.MonkeyPatch, code: int, status: str
) -> None:
    program = (
        f"from parity.common.skip import skip; skip('no server') if {code} == 77 else exit({code})"
    )
    monkeypatch.setattr(runner, "command", lambda *_: [sys.executable, "-c", program])
    result = runner.run(
        catalog.load().get("plinq.sum"), "python", time_scale=1.0, timeout=SHORT_TIMEOUT
    )
    assert result.status == status
    assert result.ok == (status != "failed")
    assert result.to_json()["status"] == status
    if status == "skipped":
        assert result.output.strip() == "skipped: no server"


def _descendant_running(pid: int, module: str, timeout: float = 60) -> psutil.Process:
    """Waits (polling, bounded) until a descendant of `pid` runs `module`; returns it."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for child in psutil.Process(pid).children(recursive=True):
            try:
                if module in child.cmdline():
                    return child
            except psutil.NoSuchProcess:
                continue
        time.sleep(0.02)
    raise AssertionError(f"{module} never started")


def test_ctrl_c_during_run_all_shows_what_finished_and_exits_130(tmp_path: Path) -> None:
    if os.name != "posix":
        pytest.skip(
            "Ctrl-C is sent here as SIGINT to a process group; Windows' CTRL_C_EVENT differs"
        )
    report = tmp_path / "report.json"
    # One run at a time: process.basic finishes (its line is the marker), then pool.callbacks
    # starts and, at time scale 40, would sleep 40 s: Ctrl-C lands while it runs.
    args = [
        "run-all",
        "-o",
        "process.basic,pool.callbacks",
        "-j",
        "1",
        "-l",
        "py",
        "--time-scale",
        "40",
    ]
    # No durations known (a file of its own), so the runs start in the catalog's order.
    env = {**os.environ, runner.DURATIONS_VARIABLE: str(tmp_path / "durations.json")}
    with as_terminal([*INVOKE, *args, "--json", str(report)], cwd=ROOT, env=env) as proc:
        assert proc.stdout is not None
        first = proc.stdout.readline()
        assert first.startswith("ok       process.basic (python)"), first
        slow = _descendant_running(proc.pid, "parity.pool.callbacks")
        rest, err = ctrl_c(proc)
    assert proc.returncode == 130
    assert err.strip() == "parity: interrupted (Ctrl-C): 1 run of 2 finished"
    rows = {line.split("│")[1].strip(): line for line in rest.splitlines() if line.count("│") > 2}
    assert "ok" in rows["process.basic"]
    assert "stopped" in rows["pool.callbacks"]
    assert ".NET" not in rest  # --lang py: no .NET column
    assert "1 ok, 0 failed, 0 skipped, 1 not finished" in rest
    data = json.loads(report.read_text(encoding="utf-8"))
    assert data["interrupted"] is True
    assert data["ok"] is False
    assert [(r["id"], r["status"]) for r in data["results"]] == [("process.basic", "ok")]
    assert data["stopped"] == [{"id": "pool.callbacks", "language": "python"}]
    # the run had a session of its own: nothing of it is left
    assert left_in_session(slow.pid) == []


def test_the_build_reports_each_project_as_it_finishes_and_only_errors_on_failure() -> None:
    from parity import dotnet_build

    # MSBuild's minimal output, as `dotnet build -v m` prints it.
    fake_build = (
        "print('  Determining projects to restore...'); "
        "print('  Parity.Examples -> /a/Parity.Examples.dll'); "
        "print('/a/X.cs(1,1): error CS1002: ; expected [/a/Parity.Cli.csproj]'); "
        "print('/a/X.cs(1,1): error CS1002: ; expected [/a/Parity.Cli.csproj]'); "
        "raise SystemExit(1)"
    )
    built: list[str] = []
    code, detail = dotnet_build._build_streaming([sys.executable, "-c", fake_build], built.append)
    assert (code, built) == (1, ["Parity.Examples"])
    assert detail == "/a/X.cs(1,1): error CS1002: ; expected [/a/Parity.Cli.csproj]\n"  # once
    assert {"Parity.Cli", "Parity.Examples", "Parity.Examples.Tests"} <= set(
        dotnet_build.projects()
    )


def test_a_helper_that_ends_while_the_runner_looks_is_neither_waited_for_nor_killed() -> None:
    if os.name != "posix":
        pytest.skip("zombies (ended, not yet reaped) are a POSIX notion")
    # The run-ending sweep reads a leftover's status, then its command line: a helper that exits
    # in between is a zombie by then, which must count as gone, not as an unknown leftover.
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    zombie = psutil.Process(child.pid)
    deadline = time.monotonic() + SHORT_TIMEOUT
    while zombie.status() != psutil.STATUS_ZOMBIE and time.monotonic() < deadline:
        time.sleep(0.01)
    try:
        assert zombie.status() == psutil.STATUS_ZOMBIE
        assert runner._is_self_ending_helper(zombie)
        assert runner._alive([zombie]) == []
    finally:
        child.wait(timeout=SHORT_TIMEOUT)


def test_a_run_s_group_id_taken_again_by_a_newcomer_is_not_the_run_s(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    if os.name != "posix":
        pytest.skip("process groups are POSIX")
    # A process group that holds this very process: were it the run's, this one would be a leftover.
    ours = subprocess.Popen([sys.executable, "-c", "pass"], text=True)
    ours.wait(SHORT_TIMEOUT)
    monkeypatch.setattr(runner, "_pgid", lambda _pid: ours.pid)
    monkeypatch.setattr(psutil, "pid_exists", lambda pid: pid == ours.pid)  # the pid is back
    assert runner._leftovers(ours, []) == []  # the kernel reuses a group's id only once it is empty
    monkeypatch.setattr(psutil, "pid_exists", lambda _pid: False)
    assert runner._leftovers(ours, [])  # otherwise every member of the group is the run's
