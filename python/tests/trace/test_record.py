"""Timelines recorded from real runs: every process, pool task, thread and asyncio task a span,
the file one Perfetto opens, and what the trace says agreeing with what the concept measured."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

import pytest

from parity.paths import COMPARISONS
from parity.trace import record, schema

from ..conftest import START_METHODS, RunConcept, python_c


def _traced(
    run_ok: RunConcept, module: str, tmp_path: Path, **options: Any
) -> tuple[str, dict[str, Any]]:
    path = tmp_path / "trace.json"
    result = run_ok(module, "--trace", str(path), env={"PARITY_TIME_SCALE": "0.1"}, **options)
    trace = schema.load(path)
    assert schema.problems(trace) == []
    assert not record.parts_dir(path).exists()  # merged, and the parts removed
    return result.stdout, trace


@pytest.mark.parametrize("start_method", START_METHODS)
def test_a_pool_of_five_runs_ten_tasks_at_most_five_at_once_one_per_worker(
    run_ok: RunConcept, tmp_path: Path, start_method: str
) -> None:
    stdout, trace = _traced(run_ok, "parity.pool.apply_async", tmp_path, start_method=start_method)
    measured = int(re.search(r"at most (\d+) at once", stdout)[1])  # type: ignore[index]
    tasks = schema.spans(trace, "pool-task")
    assert len(tasks) == 10
    # A task's span holds its body (and the pickling around it), so the trace sees at least as
    # much overlap as the concept's own meter, and never more than the pool has workers.
    assert measured <= schema.max_overlap(tasks) <= 5
    workers = {s["pid"] for s in tasks}
    assert len(workers) <= 5
    for pid in workers:  # one task at a time on each worker
        assert schema.max_overlap([s for s in tasks if s["pid"] == pid]) == 1
    names = {e["args"]["name"] for e in trace["traceEvents"] if e["name"] == "process_name"}
    assert "MainProcess" in names
    assert len(names) == 6
    # An arrow into every task, from the main process that called apply_async, and one into
    # every worker process, from the process that started it.
    main = next(
        e["pid"] for e in trace["traceEvents"] if e.get("args", {}).get("name") == "MainProcess"
    )
    assert {_tail_of(trace, s)["pid"] for s in tasks} == {main}
    assert {
        _tail_of(trace, s)["pid"] for s in schema.spans(trace, "process") if s["pid"] != main
    } == {main}


def _tail_of(trace: dict[str, Any], span: dict[str, Any]) -> dict[str, Any]:
    """The tail of the one arrow whose head lies in this span on its track, at its start."""
    found = [
        tail
        for tail, head in schema.flows(trace)
        if (head["pid"], head["tid"]) == (span["pid"], span["tid"])
        and span["ts"] <= head["ts"] <= span["ts"] + span["dur"]
        and not any(  # not an inner span's arrow: nothing on the track begins between them
            o is not span
            and (o["pid"], o["tid"]) == (span["pid"], span["tid"])
            and span["ts"] < o["ts"] <= head["ts"]
            for o in schema.spans(trace)
        )
    ]
    assert len(found) == 1, (span, found)
    return found[0]


def test_a_thread_pool_job_has_an_arrow_from_the_thread_that_submitted_it(
    run_ok: RunConcept, tmp_path: Path
) -> None:
    _stdout, trace = _traced(run_ok, "parity.further.scheduling", tmp_path)
    jobs = [s for s in schema.spans(trace, "executor-task") if s["name"].startswith("job")]
    assert len(jobs) == 8
    tails = {(_tail_of(trace, s)["pid"], _tail_of(trace, s)["tid"]) for s in jobs}
    assert len(tails) == 1  # all eight submitted by one thread...
    assert tails.isdisjoint({(s["pid"], s["tid"]) for s in jobs})  # ...which runs none of them


def test_a_killed_worker_leaves_an_unfinished_task_and_the_trace_still_opens(
    run_ok: RunConcept, tmp_path: Path
) -> None:
    _stdout, trace = _traced(run_ok, "parity.fault.worker_killed", tmp_path)
    lost = [s for s in schema.spans(trace, "pool-task") if s["args"].get("unfinished")]
    assert len(lost) == 1  # the task the killed worker held
    killed = [e for e in trace["traceEvents"] if e["ph"] == "i" and e["name"] == "killed"]
    assert lost[0]["pid"] in {e["pid"] for e in killed}


def test_asyncio_tasks_each_get_a_track_of_their_own(run_ok: RunConcept, tmp_path: Path) -> None:
    _stdout, trace = _traced(run_ok, "parity.task.when_all", tmp_path)
    tasks = schema.spans(trace, "asyncio-task")
    assert tasks
    assert all(s["tid"] >= record.FIRST_TASK_TID for s in tasks)
    assert len({s["tid"] for s in tasks}) == len(tasks)
    for task in tasks:  # created by the main thread or by another task, never by itself
        tail = _tail_of(trace, task)
        assert tail["tid"] != task["tid"]
        assert tail["tid"] < record.FIRST_TASK_TID or tail["tid"] in {s["tid"] for s in tasks}


def test_tracing_is_off_and_not_even_imported_unless_asked_for() -> None:
    code = "import sys, parity.pool.apply_async; print('parity.trace.record' in sys.modules)"
    out = python_c(code, check=True)
    assert out.stdout.strip() == "False"


def test_trace_without_a_file_name_is_one_line_and_exit_2(run_module: RunConcept) -> None:
    result = run_module("parity.process.basic", "--trace")
    assert result.returncode == 2
    assert result.stderr == "parity: --trace needs a file name\n"


def _x(name: str, ts: float, dur: float, tid: int = 1) -> dict[str, Any]:
    return {"ph": "X", "name": name, "cat": "thread", "pid": 1, "tid": tid, "ts": ts, "dur": dur}


def _named(*events: dict[str, Any]) -> dict[str, Any]:
    meta = [
        {"ph": "M", "name": "process_name", "pid": 1, "tid": 0, "args": {"name": "p"}},
        {"ph": "M", "name": "thread_name", "pid": 1, "tid": 1, "args": {"name": "t"}},
    ]
    return {"traceEvents": [*meta, *events], "displayTimeUnit": "ms"}


def test_the_schema_check_finds_crossing_spans_and_unnamed_tracks() -> None:
    assert schema.problems(_named(_x("outer", 0, 10), _x("inner", 2, 3))) == []
    assert schema.problems(_named(_x("a", 0, 10), _x("b", 5, 10)))  # crosses on one track
    assert schema.problems(_named(_x("a", 0, 10), _x("b", 5, 10, tid=2)))  # track 2 unnamed
    assert schema.problems({"traceEvents": []})  # no displayTimeUnit
    # A killed worker's process and its task both run to the trace's end: the same instant,
    # though ts + dur differs in its last bit between the two.
    assert (
        schema.problems(
            _named(_x("worker", 21179.17, 141013.647), _x("task", 25016.776, 137176.041))
        )
        == []
    )


def _flow(ph: str, flow: int, ts: float) -> dict[str, Any]:
    return {"ph": ph, "id": flow, "name": "submit", "cat": "flow", "pid": 1, "tid": 1, "ts": ts}


def test_an_arrow_needs_both_ends_in_order_and_the_merge_keeps_only_whole_ones(
    tmp_path: Path,
) -> None:
    assert schema.problems(_named(_x("a", 0, 10), _flow("s", 1, 0), _flow("f", 1, 5))) == []
    assert schema.problems(_named(_x("a", 0, 10), _flow("s", 1, 6), _flow("f", 1, 5)))  # backwards
    assert schema.problems(_named(_x("a", 0, 10), _flow("f", 1, 5)))  # no tail
    parts = tmp_path / "t.json.parts"
    parts.mkdir()
    events = [*_named()["traceEvents"], _flow("s", 1, 0), _flow("f", 1, 2), _flow("s", 2, 3)]
    (parts / "1.jsonl").write_text("".join(json.dumps(e) + "\n" for e in events), encoding="utf-8")
    merged = schema.merge(parts)
    assert [e["id"] for e in merged["traceEvents"] if e["ph"] in "sf"] == [1, 1]  # 2 never ran


def test_a_part_a_killed_dotnet_process_left_is_read_past_its_zeros_and_torn_line(
    tmp_path: Path,
) -> None:
    parts = tmp_path / "t.json.parts"
    parts.mkdir()
    named = "".join(json.dumps(e) + "\n" for e in _named()["traceEvents"])
    span = '{"ph":"B","name":"a","cat":"task","tid":1,"ts":1.0,"pid":1}\n'
    # A thread's block ends in zeros; another thread was killed mid-copy of its line.
    part = (
        named
        + span
        + "\0" * 40
        + '{"ph":"E","tid":1,"ts":2.0,"pid":1}\n'
        + '{"ph":"B","na'
        + "\0" * 9
    )
    (parts / "1.dotnet.jsonl").write_text(part, encoding="utf-8")
    trace = schema.merge(parts)
    assert [(s["ts"], s["dur"]) for s in schema.spans(trace)] == [(1.0, 1.0)]
    (parts / "1.dotnet.jsonl").write_text(named + '{"ph":"B","na\n', encoding="utf-8")
    with pytest.raises(json.JSONDecodeError):  # torn without a kill: a writer's bug, not hidden
        schema.merge(parts)


def test_a_thread_pool_work_item_is_read_in_both_of_its_shapes() -> None:
    class Before314:
        fn, args = abs, (-1,)

    class From314:  # concurrent.futures.thread._WorkItem(future, task) since 3.14
        task: tuple[Any, ...] = (abs, (-1,), {})

    assert record._work(Before314()) == record._work(From314()) == (abs, (-1,))


def test_max_overlap_counts_spans_running_at_one_instant() -> None:
    assert schema.max_overlap([_x("a", 0, 10), _x("b", 10, 5)]) == 1  # one ends as the other begins
    assert schema.max_overlap([_x("a", 0, 10), _x("b", 9, 5), _x("c", 9.5, 1)]) == 3
    assert schema.max_overlap([]) == 0


def test_a_span_begun_and_never_ended_is_closed_at_the_end_as_unfinished(tmp_path: Path) -> None:
    parts = tmp_path / "t.json.parts"
    parts.mkdir()
    lines = [
        '{"ph":"M","name":"process_name","pid":7,"tid":0,"args":{"name":"Worker"}}',
        '{"ph":"M","name":"thread_name","pid":7,"tid":7,"args":{"name":"MainThread"}}',
        '{"ph":"B","name":"Worker","cat":"process","pid":7,"tid":7,"ts":1.0}',
        '{"ph":"B","name":"task","cat":"pool-task","pid":7,"tid":7,"ts":2.0}',
        '{"ph":"E","pid":7,"tid":7,"ts":3.0}',
        '{"ph":"B","name":"task","cat":"pool-task","pid":7,"tid":7,"ts":4.0}',
    ]
    (parts / "7.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    trace = schema.merge(parts)
    assert schema.problems(trace) == []
    by_start = {s["ts"]: s for s in schema.spans(trace)}
    assert by_start[2.0]["dur"] == 1.0
    assert not by_start[2.0]["args"]
    assert by_start[4.0]["args"] == {"unfinished": True}
    assert by_start[1.0]["args"] == {"unfinished": True, "killed": True}


def test_a_map_chunk_is_named_for_its_function_and_size() -> None:
    import multiprocessing.pool as mp_pool

    mapstar = mp_pool.mapstar  # type: ignore[attr-defined]
    assert record.describe(mapstar, ((abs, [1, 2, 3]),)) == "abs x3"
    assert record.describe(abs, (-2,)) == "abs(-2,)"
    assert record.describe(len, ("x" * 60,)).endswith("…")


def test_every_drawn_timeline_is_what_its_committed_traces_draw_and_the_page_shows_it() -> None:
    from parity import catalog, docs
    from parity.trace import render

    drawn = 0
    for concept in catalog.load().concepts:
        svg = docs.TIMELINES / f"{concept.id}.svg"
        files = {x: p for x, p in docs.trace_files(concept).items() if p.is_file()}
        if not svg.is_file():
            assert not files, f"{concept.id}: traces without a timeline"
            continue
        drawn += 1
        traces = {x: schema.load(p) for x, p in files.items()}
        for trace in traces.values():
            assert schema.problems(trace) == []
        # Stale like a page: `invoke docs --samples` redraws it from the traces beside it. Drawn
        # on Linux; elsewhere the fonts' metrics may move a label by a fraction of a point.
        if sys.platform == "linux":
            assert svg.read_text(encoding="utf-8") == render.svg(concept.id, traces), concept.id
        page = (COMPARISONS / f"{concept.chapter}.md").read_text(encoding="utf-8")
        assert f"(timelines/{concept.id}.svg)" in page
        assert all(f"(traces/{p.name})" in page for p in files.values())
    assert drawn > 0


def test_the_queue_s_workers_each_get_a_process_and_only_the_killed_one_is_drawn_killed(
    run_ok: RunConcept, tmp_path: Path
) -> None:
    _stdout, trace = _traced(run_ok, "parity.scale.task_queue", tmp_path)
    processes = [(s["name"], bool(s["args"].get("killed"))) for s in schema.spans(trace, "process")]
    python = sorted(p for p in processes if p[0] == "python -m parity.scale.worker")
    # The victim, killed holding a task, and the Python rescuer; the .NET one, a program too.
    assert python == [
        ("python -m parity.scale.worker", False),
        ("python -m parity.scale.worker", True),
    ]
    assert [p for p in processes if p[0].startswith("dotnet worker")] == [
        ("dotnet worker --redis", False)
    ]
    assert not any("guardian" in name for name, _killed in processes)  # a helper, not the lesson


def test_a_program_that_ends_by_os_exit_still_ends_its_span(
    run_ok: RunConcept, tmp_path: Path
) -> None:
    _stdout, trace = _traced(run_ok, "parity.bridge.gil", tmp_path)  # exit_process: os._exit
    [main] = schema.spans(trace, "process")
    assert main["args"] == {}  # finished, not cut short
