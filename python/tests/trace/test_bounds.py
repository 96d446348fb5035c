"""Every "at most N at once" a concept prints, read again from the timeline recorded in the same
run: the committed samples and traces come from one `invoke docs --samples`.

A meter's stays inside (parity.common.peak, ConcurrencyMeter.cs) are spans of category "section",
begun and ended under the meter's lock, so their most at one instant equals what the meter
counted. Where a concept measures without a meter (a pool's tasks, timed inside each task), the
unit of work's spans hold the measured bodies: the trace sees at least the printed peak, and
never more than the limit the concept sets.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from parity import catalog, docs, runner
from parity.trace import schema

# The lines that claim a bound: any new one must get a row below.
CLAIM = re.compile(
    r"at most \d+ (at once|in flight|at a time|workers)|\d+ ran at once|most bodies seen at once"
)


@dataclass(frozen=True)
class Bound:
    spans: str  # "section:<meter name>", a span category, or "<category>@workers" / "@parallel"
    printed: str  # a pattern whose group is the peak the concept printed
    limit: int | None = None  # the most there may be, where the spans are not a meter's


def _both(*bounds: Bound) -> dict[str, list[Bound]]:
    return {"python": list(bounds), "dotnet": list(bounds)}


BOUNDS: dict[str, dict[str, list[Bound]]] = {
    "pool.apply-async": {
        "python": [Bound("pool-task", r"at most (\d+) at once", limit=5)],
        "dotnet": [Bound("section:task running", r"(\d+) ran at once")],
    },
    "pool.initializer": {
        "dotnet": [
            Bound("task@parallel", r"state created (\d+) times \(at most 2 workers\)", limit=2)
        ],
    },
    "further.rate-limiting": {
        "python": [
            Bound(
                "section:GET in flight", r"Semaphore\(2\), 10 GETs: \d+ ok, at most (\d+) in flight"
            )
        ],
        "dotnet": [
            Bound("section:GET in flight", r"queue 10\), 10 GETs: .*at most (\d+) in flight")
        ],
    },
    "further.scheduling": {
        "python": [Bound("section:job running", r"max_workers=2\): at most (\d+) at once")],
        "dotnet": [Bound("section:item running", r"\(max 2\): at most (\d+) at once")],
    },
    "since.parallel-for-async": _both(Bound("section:body running", r"at most (\d+) at once")),
    "parallel.foreach": {
        "python": [
            Bound("section:body, max_workers=default", r"ThreadPoolExecutor\(\), default: +(\d+)"),
            Bound("section:body, max_workers=2", r"ThreadPoolExecutor\(max_workers=2\): +(\d+)"),
            Bound(
                "executor-task@workers", r"ProcessPoolExecutor\(max_workers=2\): +(\d+)", limit=2
            ),
            Bound("section:body, Semaphore(2)", r"asyncio \+ Semaphore\(2\): +(\d+)"),
        ],
        "dotnet": [
            Bound("section:PLINQ body, degree default", r"PLINQ, default degree: +(\d+)\n"),
            Bound("section:PLINQ body, degree 2", r"WithDegreeOfParallelism\(2\): +(\d+)"),
            Bound(
                "section:Parallel.ForEach body, MaxDegree -1",
                r"ForEach, default \(no limit\): +(\d+)",
            ),
            Bound("section:Parallel.ForEach body, MaxDegree 2", r"ForEach, MaxDegree 2: +(\d+)"),
            Bound("section:ForEachAsync body, MaxDegree -1", r"ForEachAsync, default: +(\d+)"),
            Bound("section:ForEachAsync body, MaxDegree 2", r"ForEachAsync, MaxDegree 2: +(\d+)"),
        ],
    },
}


def _chosen(trace: dict[str, Any], spans: str) -> list[dict[str, Any]]:
    every = schema.spans(trace)
    if spans.startswith("section:"):
        return [s for s in every if s["cat"] == "section" and s["name"] == spans.split(":", 1)[1]]
    cat, _, where = spans.partition("@")
    chosen = [s for s in every if s["cat"] == cat]
    if where == "workers":  # run by a process other than the first: a pool's worker processes
        main = min(every, key=lambda s: s["ts"])["pid"]
        return [s for s in chosen if s["pid"] != main]
    if where == "parallel":  # run while a Parallel loop was running, in its process
        loops = schema.spans(trace, "parallel")
        return [s for s in chosen if any(_within(s, loop) for loop in loops)]
    return chosen


def _within(inner: dict[str, Any], outer: dict[str, Any]) -> bool:
    same: bool = inner["pid"] == outer["pid"]
    starts, ends = inner["ts"] + 0.0, inner["ts"] + inner["dur"] + 0.0
    return same and outer["ts"] <= starts and ends <= outer["ts"] + outer["dur"]


def check(output: str, trace: dict[str, Any], bounds: list[Bound]) -> None:
    for bound in bounds:
        found = re.search(bound.printed, output)
        assert found, f"no line matches {bound.printed!r}"
        printed, spans = int(found[1]), _chosen(trace, bound.spans)
        assert spans, f"no {bound.spans} spans"
        if bound.limit is None:
            assert schema.max_overlap(spans) == printed, bound
        else:
            assert printed <= schema.max_overlap(spans) <= bound.limit, bound


def _recorded() -> list[tuple[str, str]]:
    return [(x, y) for x, sides in BOUNDS.items() for y in sides]


@pytest.mark.parametrize(("concept_id", "language"), _recorded())
def test_the_committed_timeline_shows_the_bound_the_concept_printed(
    concept_id: str, language: str
) -> None:
    output = (docs.SAMPLES / f"{concept_id}.{language}.txt").read_text(encoding="utf-8")
    trace = schema.load(docs.TRACES / f"{concept_id}.{language}.json")
    check(output, trace, BOUNDS[concept_id][language])


def test_every_line_that_claims_a_bound_has_its_check() -> None:
    claims = {
        tuple(path.name.split(".txt")[0].rsplit(".", 1))
        for path in docs.SAMPLES.glob("*.txt")
        if CLAIM.search(path.read_text(encoding="utf-8"))
    }
    assert claims <= set(_recorded()), claims - set(_recorded())


@pytest.mark.parametrize("language", runner.LANGUAGES)
def test_a_fresh_run_shows_its_bound_on_its_timeline(
    language: runner.Language, tmp_path: Path
) -> None:
    concept = catalog.load().get("since.parallel-for-async")
    path = runner.trace_file(tmp_path, concept, language)
    result = runner.run(concept, language, time_scale=runner.RUN_ALL_TIME_SCALE, trace=path)
    assert result.ok, result.output
    trace = schema.load(path)
    assert schema.problems(trace) == []
    check(result.output, trace, BOUNDS[concept.id][language])


# The same idea in both languages: as many units of work, as many at once. (rate-limiting is not
# here: its .NET side runs a second limiter that rejects half its requests.)
PAIRS = {
    "pool.apply-async": ("pool-task", "section:task running"),
    "further.scheduling": ("section:job running", "section:item running"),
    "since.parallel-for-async": ("section:body running", "section:body running"),
}


@pytest.mark.parametrize("concept_id", sorted(PAIRS))
def test_both_languages_draw_the_same_shape(concept_id: str) -> None:
    python, dotnet = (
        _chosen(schema.load(docs.TRACES / f"{concept_id}.{language}.json"), spans)
        for language, spans in zip(("python", "dotnet"), PAIRS[concept_id], strict=True)
    )
    assert len(python) == len(dotnet) > 1
    assert schema.max_overlap(python) == schema.max_overlap(dotnet)
