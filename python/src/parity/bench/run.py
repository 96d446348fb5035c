"""Run every workload in both languages, group by group, and merge the results.

For each group of plan.GROUPS the Python side (pyperf) runs, then the .NET side (BenchmarkDotNet,
Release, in-process job), back to back: every ratio on the page compares numbers taken minutes
apart in the same run, never across runs. Each harness writes its own JSON; `collect` turns both
into rows of the same shape (median, quartiles, number of values, all in seconds).
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from parity import dotnet_build, summary
from parity.bench import plan
from parity.common.timing import SHORT_TIMEOUT
from parity.paths import REPORTS, ROOT

BENCH_PROJECT = ROOT / "dotnet" / "bench" / "Parity.Benchmarks"
RELEASE_CLI = dotnet_build.ARTIFACTS / "bin" / "Parity.Cli" / "release"
RELEASE_BENCH = (
    dotnet_build.ARTIFACTS / "bin" / "Parity.Benchmarks" / "release" / "Parity.Benchmarks.dll"
)
STEP_TIMEOUT = 900.0

Row = dict[str, Any]


class BenchError(RuntimeError):
    """A step failed; the message names it and ends with its log's tail."""


class UsageError(ValueError):
    """The options ask for something `invoke bench` does not do."""


def output_folder(quick: bool, out: str) -> Path:
    """Where the page, plots and results.json go: `out` if given, else comparisons/ for a full
    run and a fresh temporary folder for --quick (rough numbers never replace committed ones)."""
    if out:
        return Path(out).resolve()
    if quick:
        return Path(tempfile.mkdtemp(prefix="parity-bench-"))
    return ROOT / "comparisons"


def build_release() -> None:
    """Release builds of the CLI (which the bridge loads) and of the benchmark project."""
    exe = dotnet_build.dotnet_exe()
    for project in (ROOT / "dotnet" / "src" / "Parity.Cli", BENCH_PROJECT):
        done = subprocess.run(
            [exe, "build", str(project), "-c", "Release", "-nologo", "-v", "q"],
            capture_output=True,
            text=True,
            timeout=STEP_TIMEOUT,
            check=False,
        )
        if done.returncode != 0:
            raise BenchError(
                f"dotnet build -c Release {project.name}"
                f" failed:\n{done.stdout[-3000:]}{done.stderr[-2000:]}"
            )


def load_average() -> list[float] | None:
    return [round(x, 2) for x in os.getloadavg()] if hasattr(os, "getloadavg") else None


def _cpu_model() -> str:
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.is_file():
        for line in cpuinfo.read_text(encoding="utf-8", errors="replace").splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or platform.machine()


def machine() -> dict[str, Any]:
    return {
        "cpu": _cpu_model(),
        "cores": os.cpu_count(),
        "os": platform.platform(),
        "python": platform.python_version(),
        "dotnet_sdk": summary.dotnet_version() or "",
        "load_average_start": load_average(),
    }


def _quartiles(values: list[float]) -> tuple[float, float]:
    if len(values) < 2:
        return values[0], values[0]
    q1, _, q3 = statistics.quantiles(values, n=4, method="inclusive")
    return q1, q3


def pyperf_rows(path: Path) -> dict[str, Row]:
    import pyperf  # type: ignore[import-untyped]

    rows = {}
    for bench in pyperf.BenchmarkSuite.load(str(path)).get_benchmarks():
        values = list(bench.get_values())
        q1, q3 = _quartiles(values)
        rows[f"py:{bench.get_name()}"] = {
            "language": "python",
            "harness": "pyperf",
            "median": statistics.median(values),
            "q1": q1,
            "q3": q3,
            "runs": len(values),
        }
    return rows


def bdn_rows(group: str, folder: Path) -> tuple[dict[str, Row], dict[str, Any]]:
    """Rows from BenchmarkDotNet's full JSON report, and its host description."""
    rows: dict[str, Row] = {}
    host: dict[str, Any] = {}
    for report in sorted(folder.rglob("*-report-full.json")):
        data = json.loads(report.read_text(encoding="utf-8"))
        host = data.get("HostEnvironmentInfo", {})
        for bench in data["Benchmarks"]:
            stats = bench["Statistics"]
            params = [
                p.split("=", 1)[1] for p in bench.get("Parameters", "").split("&") if "=" in p
            ]
            key = ".".join([f"net:{group}", bench["Method"], *params])
            rows[key] = {
                "language": "dotnet",
                "harness": "BenchmarkDotNet",
                "median": stats["Median"] / 1e9,
                "q1": stats["Q1"] / 1e9,
                "q3": stats["Q3"] / 1e9,
                "runs": stats["N"],
            }
    return rows, host


def _run_logged(command: list[str], log: Path, env: dict[str, str] | None = None) -> None:
    with log.open("w", encoding="utf-8") as out:
        try:
            done = subprocess.run(
                command,
                stdout=out,
                stderr=subprocess.STDOUT,
                env=env,
                timeout=STEP_TIMEOUT,
                cwd=ROOT,
                check=False,
            )
        except subprocess.TimeoutExpired:
            raise BenchError(
                f"{' '.join(command)} took over {STEP_TIMEOUT:.0f} s; log: {log}"
            ) from None
    if done.returncode != 0:
        tail = log.read_text(encoding="utf-8", errors="replace")[-3000:]
        raise BenchError(f"{' '.join(command)} exited {done.returncode}; log {log}:\n{tail}")


class _Server:
    """The Kestrel loopback server both fan-out clients hit, in its own process."""

    def __init__(self) -> None:
        self._process = subprocess.Popen(
            [dotnet_build.dotnet_exe(), str(RELEASE_BENCH), "serve"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self._process.stdout is not None
        self.url = self._process.stdout.readline().strip()
        if not self.url.startswith("http://"):
            self.stop()
            raise BenchError(f"the loopback server did not start (said {self.url!r})")

    def stop(self) -> None:
        assert self._process.stdin is not None
        self._process.stdin.close()
        try:
            self._process.wait(SHORT_TIMEOUT)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait(SHORT_TIMEOUT)


def steps(groups: Sequence[str] = plan.GROUPS) -> list[tuple[str, str]]:
    """(language, group) in run order: Python then .NET for each group of `groups`."""
    order = []
    for group in (g for g in plan.GROUPS if g in groups):
        order.append(("python", group))
        if group in plan.DOTNET_GROUPS:
            order.append(("dotnet", group))
    return order


def run(
    quick: bool,
    work: Path,
    on_step: Callable[[str, str], None] | None = None,
    groups: Sequence[str] = plan.GROUPS,
) -> dict[str, Any]:
    """Every step of the plan (of `groups` only, if given); returns what results.json holds."""
    work.mkdir(parents=True, exist_ok=True)
    started_at, started = datetime.now(UTC), time.perf_counter()
    info = machine()
    build_release()
    settings = replace(plan.settings(quick), dotnet_build=str(RELEASE_CLI))
    rows: dict[str, Row] = {}
    server: _Server | None = None
    try:
        for language, group in steps(groups):
            if on_step:
                on_step(language, group)
            if group == "async" and server is None:
                server = _Server()
                settings = replace(settings, url=server.url)
            settings_file = work / "settings.json"
            settings.write(settings_file)
            if language == "python":
                out = work / f"py-{group}.json"
                out.unlink(missing_ok=True)
                command = [
                    sys.executable,
                    "-m",
                    "parity.bench.harness",
                    group,
                    "--settings",
                    str(settings_file),
                ]
                _run_logged(
                    [*command, "-o", str(out), "--quiet", *plan.pyperf_options(group, quick)],
                    work / f"py-{group}.log",
                )
                rows.update(pyperf_rows(out))
            else:
                artifacts = work / f"net-{group}"
                env = {
                    **os.environ,
                    **settings.dotnet_environment(),
                    "DOTNET_CLI_TELEMETRY_OPTOUT": "1",
                }
                _run_logged(
                    [dotnet_build.dotnet_exe(), str(RELEASE_BENCH), "bench", group, str(artifacts)],
                    work / f"net-{group}.log",
                    env,
                )
                found, host = bdn_rows(group, artifacts)
                rows.update(found)
                if host:
                    info["dotnet_runtime"] = host.get("RuntimeVersion", "")
                    info["benchmarkdotnet"] = host.get("BenchmarkDotNetVersion", "")
            if group == "async" and language == "dotnet" and server is not None:
                server.stop()
                server = None
    finally:
        if server is not None:
            server.stop()
    info["load_average_end"] = load_average()
    return {
        "generated_by": "invoke bench"
        + (" --quick" if quick else "")
        + ("" if set(groups) >= set(plan.GROUPS) else f" --groups {','.join(groups)}"),
        "mode": "quick" if quick else "full",
        "started": started_at.isoformat(timespec="seconds"),
        "seconds": round(time.perf_counter() - started, 1),
        "machine": info,
        "settings": {k: v for k, v in vars(settings).items() if k not in ("url", "dotnet_build")},
        "harnesses": {
            "python": "pyperf " + " ".join(plan.pyperf_options("map", quick)),
            "dotnet": "BenchmarkDotNet, in-process emit toolchain, "
            + (
                "1 warm-up, 3 iterations of ~20 ms"
                if quick
                else "4 warm-ups, 10 iterations of ~120 ms"
            ),
        },
        "rows": dict(sorted(rows.items())),
    }


def run_showing_progress(
    quick: bool, work: Path, groups: Sequence[str] = plan.GROUPS
) -> dict[str, Any]:
    """`run`, with a progress bar naming the group and the harness at work."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, transient=False) as progress:
        bar = progress.add_task("bench: building (Release)", total=len(steps(groups)))
        seen: list[str] = []

        def on_step(language: str, group: str) -> None:
            if seen:
                progress.advance(bar)
            seen.append(group)
            name = "Python (pyperf)" if language == "python" else ".NET (BenchmarkDotNet)"
            progress.update(bar, description=f"bench{' --quick' if quick else ''}: {group}, {name}")

        results = run(quick, work, on_step, groups)
        progress.advance(bar)
    return results


def command(quick: bool, out: str, render: bool, groups: str) -> None:
    """`invoke bench`: measure (every group, or `groups`), warn about ratios that moved from the
    committed run, write the page, its plots and results.json; or, with `render`, only rewrite the
    page and plots from the committed results.json."""
    from parity.bench import regressions, report

    if render:
        print("\n".join(f"wrote {path}" for path in report.write(report.load())))
        return
    try:
        chosen = plan.chosen_groups(groups)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    if chosen != plan.GROUPS and not (quick or out):
        raise UsageError("--groups runs part of the benchmarks: add --quick or --out FOLDER")
    folder = output_folder(quick, out)
    work = (folder if out or quick else REPORTS) / "bench-raw"
    results = run_showing_progress(quick, work, chosen)
    if report.RESULTS.is_file():  # read before a full run replaces it
        print("\n".join(regressions.summary(results, report.load())))
    written = report.write(results, folder / "benchmarks.md", folder / "benchmarks")
    print("\n".join(f"wrote {path}" for path in written))
    load = results["machine"].get("load_average_start")
    print(
        f"bench: {results['seconds']:.0f} s, load average at the start {load}; harness logs in"
        f" {work}"
    )
