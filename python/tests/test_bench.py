"""The benchmark harness's own parts: the plan, the merge of both harnesses' JSON, the children.

No timing is asserted here (speed is what `invoke bench` measures); these check that the pieces
compute, parse and talk correctly.
"""

from __future__ import annotations

import asyncio
import json
import multiprocessing
import multiprocessing.connection
import os
import socket
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from parity.bench import plan, report, rows, run, workloads
from parity.bench.thresholds import MIN_MAP_SECONDS
from parity.common.timing import LONG_TIMEOUT

TIMEOUT = 60


def test_chunks_cover_the_range_once_in_order() -> None:
    for count, parts in [(10, 3), (1, 4), (0, 2), (1_000_003, 8)]:
        covered = [x for lo, hi in workloads.chunks(count, parts) for x in range(lo, hi)]
        assert covered == list(range(count))


def test_the_python_map_computes_what_the_csharp_map_computes() -> None:
    # Plinq.Cancellation.Work(3) in C#: the sum of sqrt(3 + k) for k in 1..200.
    assert workloads.work(3) == pytest.approx(sum((3 + k) ** 0.5 for k in range(1, 201)), rel=1e-12)
    assert workloads.map_range((0, 4)) == pytest.approx(
        sum(workloads.work(x) for x in range(4)), rel=1e-12
    )


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
    assert env["PARITY_BENCH_MAP_COUNT"] == str(settings.dotnet_map_count)
    assert env["PARITY_BENCH_IPC_SIZES"] == ",".join(map(str, settings.ipc_sizes))
    assert plan.settings(quick=False).map_count > settings.map_count


def test_every_group_runs_python_then_dotnet() -> None:
    steps = run.steps()
    assert [g for _, g in steps if _ == "python"] == list(plan.GROUPS)
    for i, (language, group) in enumerate(steps):
        if language == "dotnet":
            assert steps[i - 1] == ("python", group)


def test_chosen_groups_run_in_plan_order_and_an_unknown_one_is_named() -> None:
    assert plan.chosen_groups("") == plan.GROUPS
    assert plan.chosen_groups("ipc, map") == ("map", "ipc")
    assert run.steps(plan.chosen_groups("ipc,sum-range")) == [
        ("python", "sum-range"),
        ("python", "ipc"),
        ("dotnet", "ipc"),
    ]
    with pytest.raises(ValueError, match="unknown bench group 'pipes'"):
        plan.chosen_groups("ipc,pipes")


def test_benchmarkdotnet_rows_are_read_in_seconds_with_their_parameters(tmp_path: Path) -> None:
    stats = {"Median": 2_000.0, "Q1": 1_000.0, "Q3": 3_000.0, "N": 10}
    report_json = {
        "HostEnvironmentInfo": {
            "RuntimeVersion": ".NET 10.0.0",
            "BenchmarkDotNetVersion": "0.15.8",
        },
        "Benchmarks": [
            {"Method": "AnonymousPipe", "Parameters": "Size=64", "Statistics": stats},
            {"Method": "Sequential", "Parameters": "", "Statistics": stats},
        ],
    }
    (tmp_path / "results").mkdir()
    (tmp_path / "results" / "X-report-full.json").write_text(
        json.dumps(report_json), encoding="utf-8"
    )
    rows, host = run.bdn_rows("ipc", tmp_path)
    assert set(rows) == {"net:ipc.AnonymousPipe.64", "net:ipc.Sequential"}
    assert rows["net:ipc.Sequential"]["median"] == pytest.approx(2e-6)
    assert rows["net:ipc.Sequential"]["runs"] == 10
    assert host["RuntimeVersion"] == ".NET 10.0.0"


def test_pyperf_rows_give_median_quartiles_and_count(tmp_path: Path) -> None:
    import pyperf  # type: ignore[import-untyped]

    runs = [
        pyperf.Run(
            [v],
            warmups=None,
            metadata={"name": "map.sequential", "loops": 1},
            collect_metadata=False,
        )
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


def test_the_sink_acknowledges_on_an_inherited_socketpair_end_and_stops_at_its_close() -> None:
    here, there = socket.socketpair()
    child = subprocess.Popen(
        [sys.executable, "-m", "parity.bench.sink", str(there.fileno())], pass_fds=[there.fileno()]
    )
    there.close()
    here.settimeout(LONG_TIMEOUT)
    try:
        for size in (1, 300_000):  # the second is larger than a socket's buffer
            here.sendall(size.to_bytes(4, "little") + bytes(size))
            assert here.recv(1) == b"\x01"
    finally:
        here.close()
    assert child.wait(LONG_TIMEOUT) == 0


def _transport(fd: int) -> str:
    """The raw limit measured for what a descriptor is: a socket or an OS pipe (a FIFO)."""
    mode = os.fstat(fd).st_mode
    return "raw-socketpair" if stat.S_ISSOCK(mode) else "raw-pipe" if stat.S_ISFIFO(mode) else "?"


@pytest.mark.skipif(sys.platform == "win32", reason="Windows' Pipe() is a named pipe, not a socket")
@pytest.mark.parametrize("method", multiprocessing.get_all_start_methods())
def test_each_ipc_path_is_held_against_the_transport_multiprocessing_gives_it(method: str) -> None:
    ctx = multiprocessing.get_context(method)
    duplex = ctx.Pipe()
    one_way = ctx.Pipe(duplex=False)
    queue = ctx.Queue()
    try:
        assert _transport(duplex[0].fileno()) == rows.IPC_LIMITS["pipe"] == "raw-socketpair"
        assert _transport(one_way[0].fileno()) == "raw-pipe"
        reader = queue._reader  # type: ignore[attr-defined]
        assert _transport(reader.fileno()) == rows.IPC_LIMITS["queue"] == "raw-pipe"
    finally:
        for conn in (*duplex, *one_way):
            conn.close()
        queue.close()
    with ctx.Manager() as manager:  # proxies connect to the manager's address: a Unix socket
        family = multiprocessing.connection.address_type(manager.address)  # type: ignore[attr-defined]
    assert family == "AF_UNIX"
    assert rows.IPC_LIMITS["manager-queue"] == "raw-socketpair"


def test_the_articles_programs_print_hello_and_a_bad_mode_is_one_line() -> None:
    command = [sys.executable, "-m", "parity.bench.article"]
    for mode in ("default", "context-spawn", "set-spawn"):
        done = subprocess.run(
            [*command, mode], capture_output=True, text=True, timeout=TIMEOUT, check=False
        )
        assert (done.returncode, done.stdout) == (0, "hello\n"), done.stderr
    bad = subprocess.run(
        [*command, "nope"], capture_output=True, text=True, timeout=TIMEOUT, check=False
    )
    assert bad.returncode == 1
    assert bad.stderr.strip().splitlines() == [
        "article: unknown mode 'nope'; expected default, set-spawn, context-spawn or noop"
    ]


def _results(found: dict[str, dict[str, float]], **settings: object) -> rows.Results:
    """A run's results.json with these rows, on a made-up 2-core machine."""
    return {
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
        "settings": {**plan.settings(quick=True).__dict__, "cores": 2, **settings},
        "harnesses": {"python": "pyperf", "dotnet": "BenchmarkDotNet"},
        "rows": found,
    }


def _row(median: float) -> dict[str, float]:
    return {"median": median, "q1": median, "q3": median, "runs": 3}


def test_a_page_renders_from_a_partial_run_and_formats_its_numbers() -> None:
    row = {"median": 0.002, "q1": 0.001, "q3": 0.003, "runs": 3}
    results = _results(
        {"py:start.process-fork": row, "py:start.thread": {**row, "median": 0.0001}}, ipc_sizes=[64]
    )
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


def test_each_ipc_row_names_the_limit_of_its_own_transport_and_the_channel_no_rate() -> None:
    size = rows.MIB
    found = {
        f"py:ipc.pipe.{size}": _row(0.002),
        f"py:ipc.raw-socketpair.{size}": _row(0.001),
        f"py:ipc.raw-pipe.{size}": _row(0.004),
        f"py:ipc.queue.{size}": _row(0.008),
        f"py:ipc.shared-memory.{size}": _row(0.0005),
        f"py:ipc.memcpy.{size}": _row(0.0001),
        "py:ipc.raw-socketpair.64": _row(0.0001),
        f"net:ipc.InProcessChannel.{size}": _row(2e-6),
    }
    lines = report.render(_results(found, ipc_sizes=[size])).splitlines()

    def row_of(label: str) -> str:
        (line,) = [x for x in lines if f"| 1 MiB: {label}" in x]
        return line

    assert row_of("multiprocessing Pipe").endswith("0.50 of the raw socketpair |")
    assert row_of("multiprocessing Queue").endswith("0.50 of the raw OS pipe |")
    # two copies of 0.1 ms and a 0.1 ms signal: 0.3 ms, against 0.5 ms measured
    assert row_of("shared_memory").endswith("0.60 of 2 memcpy + a 64 B socketpair round trip |")
    channel = row_of("Channel<byte[]>")
    assert channel.endswith("| 2 us per message, no byte moves |")
    assert "B/s" not in channel


def test_the_keep_alive_pool_reuses_every_connection_of_the_round_before() -> None:
    from parity.bench.keepalive import KeepAlivePool, PoolError

    accepted: list[int] = []
    requests_seen: list[int] = []

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        accepted.append(1)
        try:
            while await reader.readuntil(b"\r\n\r\n"):
                requests_seen.append(1)
                says_close = len(requests_seen) == 11  # the eleventh answer says it closes
                writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n")
                writer.write(b"Connection: close\r\n\r\nok" if says_close else b"\r\nok")
                await writer.drain()
                if says_close or len(requests_seen) == 16:  # the sixteenth closes without a word
                    break
        except asyncio.IncompleteReadError:
            pass  # the client closed an idle connection
        writer.close()

    async def main() -> None:
        server = await asyncio.start_server(serve, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        pool = KeepAlivePool(f"http://127.0.0.1:{port}/")
        try:
            async with asyncio.timeout(LONG_TIMEOUT):
                for _ in range(2):  # 5 at once, twice: the second round opens nothing
                    assert await asyncio.gather(*(pool.get() for _ in range(5))) == [b"ok"] * 5
                assert (pool.opened, len(accepted)) == (5, 5)
                assert await pool.get() == b"ok"  # answered with Connection: close
                await asyncio.gather(*(pool.get() for _ in range(5)))
                assert (pool.opened, len(accepted)) == (6, 6)  # only the closed one was replaced
                # the connection that served the sixteenth request was closed by the server while
                # idle: the next request on it fails to read, and the pool retries on a new one
                assert await asyncio.gather(*(pool.get() for _ in range(5))) == [b"ok"] * 5
                assert (pool.opened, len(accepted), len(requests_seen)) == (7, 7, 21)
        finally:
            await pool.close()
            server.close()
            await server.wait_closed()

    asyncio.run(main())
    with pytest.raises(PoolError, match="answered 404"):
        asyncio.run(
            _get_from_a_server_answering(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n")
        )


async def _get_from_a_server_answering(answer: bytes) -> bytes:
    from parity.bench.keepalive import KeepAlivePool

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")
        writer.write(answer)
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(serve, "127.0.0.1", 0)
    try:
        async with asyncio.timeout(LONG_TIMEOUT):
            return await KeepAlivePool(
                f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}/"
            ).get()
    finally:
        server.close()
        await server.wait_closed()


def test_the_full_runs_map_sizes_last_over_100_ms_on_every_core_at_the_committed_speed() -> None:
    committed = rows.Rows(rows.load())
    full = plan.settings(quick=False)
    py_count, net_count = rows.map_counts(committed.settings)
    python_each = committed.median("py:map.sequential") / py_count
    dotnet_each = committed.median("net:map.Sequential") / net_count
    assert python_each * full.map_count / committed.cores >= MIN_MAP_SECONDS
    assert dotnet_each * full.dotnet_map_count / committed.cores >= MIN_MAP_SECONDS


def test_a_ratio_that_moved_over_30_percent_is_one_warning_line_and_under_it_none() -> None:
    from parity.bench import regressions

    def run_with(pool: float, spawn: float, pipe: float) -> rows.Results:
        return _results(
            {
                "py:map.sequential": _row(0.3),
                "py:map.pool.2": _row(pool),
                "py:start.thread": _row(1e-4),
                "py:start.process-spawn": _row(spawn),
                "py:ipc.pipe.64": _row(pipe),
                "py:ipc.raw-socketpair.64": _row(2e-5),
                "net:map.Sequential": _row(0.2),  # no parallel row: no ratio, no line
            },
            ipc_sizes=[64],
        )

    committed = run_with(pool=0.15, spawn=0.02, pipe=4e-5)
    # speed-up 2.0 -> 1.2 (-40%), spawn/thread 200 -> 250 (+25%), pipe's share 0.5 -> 0.25 (-50%)
    now = run_with(pool=0.25, spawn=0.025, pipe=8e-5)
    assert regressions.moved(now, committed) == [
        "bench: warning: py:map.sequential / py:map.pool.2 moved -40% (2 committed, 1.2 now)",
        "bench: warning: py:ipc.pipe.64 share of the raw socketpair moved -50% (0.5 committed,"
        " 0.25 now)",
    ]
    now["machine"]["load_average_start"] = [2.5, 1.0, 0.5]
    assert regressions.summary(now, committed)[-1] == (
        "bench: 3 ratios compared with the committed run, 2 moved more than 30% (a warning, not a"
        " failure); load average at the start 2.5, the committed run's unknown"
    )
    # every ratio within 30% (+25%, -20%, +29%): no warning line at all
    close = run_with(pool=0.12, spawn=0.025, pipe=4e-5 / 1.29)
    assert regressions.moved(close, committed) == []
    assert regressions.moved(committed, committed) == []
