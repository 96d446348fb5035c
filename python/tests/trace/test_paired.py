"""The same concept's two timelines have the same shape: as many tasks, as many at once."""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any

import pytest

from parity import catalog, runner
from parity.trace import schema


def _traced_run(
    concept_id: str, language: runner.Language, folder: Path
) -> tuple[str, dict[str, Any]]:
    concept = catalog.load().get(concept_id)
    path = runner.trace_file(folder, concept, language)
    result = runner.run(concept, language, time_scale=runner.RUN_ALL_TIME_SCALE, trace=path)
    assert result.ok, result.output
    trace = schema.load(path)
    assert schema.problems(trace) == []
    return result.output, trace


def test_pool_apply_async_runs_ten_tasks_at_most_five_at_once_in_both_languages(
    tmp_path: Path,
) -> None:
    py_out, py = _traced_run("pool.apply-async", "python", tmp_path)
    cs_out, cs = _traced_run("pool.apply-async", "dotnet", tmp_path)
    python_tasks = schema.spans(py, "pool-task")
    # .NET: each body Parallel.ForEachAsync runs is an async operation of its own
    dotnet_tasks = [
        s for s in schema.spans(cs, "async") if s["name"].endswith("<RunTasksAsync>b__0>d")
    ]
    assert len(python_tasks) == len(dotnet_tasks) == 10
    python_peak = int(re.search(r"at most (\d+) at once", py_out)[1])  # type: ignore[index]
    dotnet_peak = int(re.search(r"(\d+) ran at once", cs_out)[1])  # type: ignore[index]
    # A span holds its body: the trace sees at least what the concept's meter saw, never more
    # than the limit of five.
    assert python_peak <= schema.max_overlap(python_tasks) <= 5
    assert dotnet_peak <= schema.max_overlap(dotnet_tasks) <= 5


@pytest.mark.bridge
def test_python_and_dotnet_read_one_clock_so_their_spans_share_a_time_axis() -> None:
    from parity.bridge._runtime import load

    load()
    from System.Diagnostics import Stopwatch

    to_ns = 1e9 / Stopwatch.Frequency
    before = time.perf_counter_ns()
    dotnet = Stopwatch.GetTimestamp() * to_ns
    after = time.perf_counter_ns()
    # Microseconds apart at most, with the call's own cost: far inside any span worth drawing.
    assert before - 1_000 <= dotnet <= after + 1_000


def test_a_killed_dotnet_child_is_drawn_killed_and_the_trace_still_opens(tmp_path: Path) -> None:
    _out, trace = _traced_run("fault.worker-killed", "dotnet", tmp_path)
    killed = {s["pid"] for s in schema.spans(trace, "process") if s["args"].get("killed")}
    assert killed  # the worker the concept kills mid-task
    marks = {e["pid"] for e in trace["traceEvents"] if e["ph"] == "i" and e["name"] == "killed"}
    assert marks == killed


def test_a_dotnet_task_has_an_arrow_from_where_it_was_queued_and_an_await_shows_its_hop(
    tmp_path: Path,
) -> None:
    _out, trace = _traced_run("task.configure-await", "dotnet", tmp_path)
    heads = {(f["pid"], f["tid"], f["ts"]) for _s, f in schema.flows(trace)}
    for task in schema.spans(trace, "task"):  # TaskScheduled to TaskStarted, paired by task id
        assert any(
            k[:2] == (task["pid"], task["tid"]) and task["ts"] <= k[2] <= task["ts"] + task["dur"]
            for k in heads
        )
    # With no synchronization context, the code after an await resumes on a pool thread: the
    # async method ends on another thread than it began on.
    hops = [
        s
        for s in schema.spans(trace, "async")
        if s["args"]["thread_start"] != s["args"]["thread_end"]
    ]
    assert hops
