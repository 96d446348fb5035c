"""The benchmark harness's own parts: the plan, the merge of both harnesses' JSON, the children.

No timing is asserted here (speed is what `invoke bench` measures); these check that the pieces
compute, parse and talk correctly.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from parity.bench import plan, report, rows, run, workloads

TIMEOUT = 60


def test_chunks_cover_the_range_once_in_order() -> None:
    for count, parts in [(10, 3), (1, 4), (0, 2), (1_000_003, 8)]:
        covered = [x for lo, hi in workloads.chunks(count, parts) for x in range(lo, hi)]
        assert covered == list(range(count))


def test_the_python_map_computes_what_the_csharp_map_computes() -> None:
    # Plinq.Cancellation.Work(3) in C#: the sum of sqrt(3 + k) for k in 1..200.
    assert workloads.work(3) == pytest.approx(sum((3 + k) ** 0.5 for k in range(1, 201)), rel=1e-12)
    assert workloads.map_range((0, 4)) == pytest.approx(sum(workloads.work(x) for x in range(4)), rel=1e-12)


def test_quick_mode_sizes_each_value_and_reports_the_time_per_operation() -> None:
    asked: list[int] = []

    def fake(loops: int) -> float:  # a clock where one operation takes 1 ms
        asked.append(loops)
        return loops * 0.001

    lazy = workloads._Lazy(lambda: fake, self_calibrate=True)
    assert lazy(1) == pytest.approx(0.001)
    assert asked == [1, 10]  # one probe, then 10 operations make the 10 ms value
    assert lazy(2) == pytest.approx(0.002)  # pyperf divides by its loops (2): still 1 ms each
    assert asked[-1] == 20


def test_the_settings_reach_dotnet_with_the_same_sizes(tmp_path: Path) -> None:
    settings = plan.settings(quick=True)
    settings.write(tmp_path / "s.json")
    assert plan.Settings.read(tmp_path / "s.json") == settings
    env = settings.dotnet_environment()
    assert env["PARITY_BENCH_QUICK"] == "1"
    assert env["PARITY_BENCH_MAP_COUNT"] == str(settings.map_count)
    assert env["PARITY_BENCH_IPC_SIZES"] == ",".join(map(str, settings.ipc_sizes))
    assert plan.settings(quick=False).map_count > settings.map_count


def test_every_group_runs_python_then_dotnet() -> None:
    steps = run.steps()
    assert [g for _, g in steps if _ == "python"] == list(plan.GROUPS)
    for i, (language, group) in enumerate(steps):
        if language == "dotnet":
            assert steps[i - 1] == ("python", group)


def test_benchmarkdotnet_rows_are_read_in_seconds_with_their_parameters(tmp_path: Path) -> None:
    stats = {"Median": 2_000.0, "Q1": 1_000.0, "Q3": 3_000.0, "N": 10}
    report_json = {
        "HostEnvironmentInfo": {"RuntimeVersion": ".NET 10.0.0", "BenchmarkDotNetVersion": "0.15.8"},
        "Benchmarks": [
            {"Method": "AnonymousPipe", "Parameters": "Size=64", "Statistics": stats},
            {"Method": "Sequential", "Parameters": "", "Statistics": stats},
        ],
    }
    (tmp_path / "results").mkdir()
    (tmp_path / "results" / "X-report-full.json").write_text(json.dumps(report_json), encoding="utf-8")
    rows, host = run.bdn_rows("ipc", tmp_path)
    assert set(rows) == {"net:ipc.AnonymousPipe.64", "net:ipc.Sequential"}
    assert rows["net:ipc.Sequential"]["median"] == pytest.approx(2e-6)
    assert rows["net:ipc.Sequential"]["runs"] == 10
    assert host["RuntimeVersion"] == ".NET 10.0.0"


def test_pyperf_rows_give_median_quartiles_and_count(tmp_path: Path) -> None:
    import pyperf  # type: ignore[import-untyped]

    runs = [
        pyperf.Run([v], warmups=None, metadata={"name": "map.sequential", "loops": 1}, collect_metadata=False)
        for v in (1.0, 2.0, 3.0, 4.0, 5.0)
    ]
    path = tmp_path / "py.json"
    pyperf.BenchmarkSuite([pyperf.Benchmark(runs)]).dump(str(path))
    row = run.pyperf_rows(path)["py:map.sequential"]
    assert (row["median"], row["q1"], row["q3"], row["runs"]) == (3.0, 2.0, 4.0, 5)


def test_the_raw_pipe_sink_acknowledges_each_message_and_stops_when_stdin_closes() -> None:
    child = subprocess.Popen(
        [sys.executable, "-m", "parity.bench.sink"], stdin=subprocess.PIPE, stdout=subprocess.PIPE
    )
    assert child.stdin is not None
    assert child.stdout is not None
    for size in (1, 70_000):  # the second is larger than a pipe's buffer
        child.stdin.write(size.to_bytes(4, "little") + bytes(size))
        child.stdin.flush()
        assert child.stdout.read(1) == b"\x01"
    child.stdin.close()
    assert child.wait(TIMEOUT) == 0


def test_the_articles_programs_print_hello_and_a_bad_mode_is_one_line() -> None:
    command = [sys.executable, "-m", "parity.bench.article"]
    for mode in ("default", "context-spawn", "set-spawn"):
        done = subprocess.run([*command, mode], capture_output=True, text=True, timeout=TIMEOUT, check=False)
        assert (done.returncode, done.stdout) == (0, "hello\n"), done.stderr
    bad = subprocess.run([*command, "nope"], capture_output=True, text=True, timeout=TIMEOUT, check=False)
    assert bad.returncode == 1
    assert bad.stderr.strip().splitlines() == [
        "article: unknown mode 'nope'; expected default, set-spawn, context-spawn or noop"
    ]


def test_a_page_renders_from_a_partial_run_and_formats_its_numbers() -> None:
    row = {"median": 0.002, "q1": 0.001, "q3": 0.003, "runs": 3}
    results = {
        "generated_by": "invoke bench --quick",
        "mode": "quick",
        "started": "2026-01-01T00:00:00+00:00",
        "seconds": 60.0,
        "machine": {
            "cpu": "x",
            "cores": 2,
            "os": "y",
            "python": "3",
            "dotnet_sdk": "10",
            "load_average_start": None,
        },
        "settings": {**plan.settings(quick=True).__dict__, "ipc_sizes": [64]},
        "harnesses": {"python": "pyperf", "dotnet": "BenchmarkDotNet"},
        "rows": {"py:start.process-fork": row, "py:start.thread": {**row, "median": 0.0001}},
    }
    page = report.render(results)
    assert page.startswith(report.GENERATED)
    assert "| Python | Process, fork | 2 ms | 1 ms to 3 ms | 3 | 20x |" in page
    assert "not available on this OS" in page
    assert {"start-methods", "plinq-sum", "bridge-plinq"} <= report.anchors(page)
    assert (rows.duration(1.5e-7), rows.times(1234.0), rows.rate(2.5e9, "B")) == (
        "150 ns",
        "1,234x",
        "2.5 GB/s",
    )
