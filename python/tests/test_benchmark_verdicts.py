"""The speed claims' verdicts against the committed benchmark run (benchmarks/results.json).

Each check reads ratios of medians taken in the same `invoke bench` run and derives the verdict the
numbers imply; the test fails when the catalog says otherwise, or when the claim does not cite the
benchmark row that decides it. Rerunning the benchmarks can therefore overturn a verdict.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest

from parity import catalog
from parity.bench import rows as bench_rows
from parity.bench.rows import Rows
from parity.bench.thresholds import (
    BRIDGE_PLINQ_SPEEDUP,
    DOTNET_VS_PYTHON_CALL,
    LIST_VS_NUMPY_COPY,
    MANAGER_VS_SHARED_MEMORY,
    PARALLEL_SUM_SPEEDUP,
    SET_VS_CONTEXT_SPAWN,
    SPAWN_VS_FORK,
    SPAWN_VS_FORKSERVER,
)

PAGE = catalog.BENCHMARKS_PAGE


@pytest.fixture(scope="module")
def rows() -> Rows:
    return Rows(bench_rows.load())


def _claim(concept_id: str, text_start: str) -> catalog.Claim:
    matches = [c for c in catalog.load().get(concept_id).claims if c.text.startswith(text_start)]
    assert len(matches) == 1, f"{concept_id}: no single claim starts with {text_start!r}"
    return matches[0]


def _holds(true: bool) -> str:
    return "holds" if true else "wrong"


def _map_speedup(r: Rows, parallel: str, sequential: str) -> float:
    return r.speedup(sequential, f"{parallel}.{r.cores}")


@dataclass(frozen=True)
class Check:
    concept: str
    text_start: str
    anchor: str
    verdict: Callable[[Rows], str]
    """the verdict the measured ratios imply"""


CHECKS = [
    Check(
        "plinq.sum",
        "Aggregates such as Sum suit PLINQ",
        "plinq-sum",
        # The claim holds only if AsParallel().Sum() is clearly faster than Sum(), in-process.
        lambda r: _holds(
            r.speedup("net:sum.Sequential", "net:sum.Parallel") >= PARALLEL_SUM_SPEEDUP
        ),
    ),
    Check(
        "plinq.sum",
        "The more CPU-intensive the work",
        "cpu-bound-map",
        lambda r: _holds(
            _map_speedup(r, "net:map.Plinq", "net:map.Sequential")
            > r.speedup("net:sum.Sequential", "net:sum.Parallel")
        ),
    ),
    Check(
        "context.start-methods",
        "Starting a process with spawn is considerably slower",
        "start-methods",
        lambda r: _holds(
            r.ratio("py:start.process-spawn", "py:start.process-fork") >= SPAWN_VS_FORK
            and r.ratio("py:start.process-spawn", "py:start.process-forkserver")
            >= SPAWN_VS_FORKSERVER
        ),
    ),
    Check(
        "context.start-methods",
        "The program that calls set_start_method('spawn')",
        "the-articles-timings",
        # set_start_method itself would be the cost only if its program were slower than the
        # get_context('spawn') program, which starts the same spawn child.
        lambda r: _holds(
            r.ratio("py:article.set-spawn", "py:article.context-spawn") >= SET_VS_CONTEXT_SPAWN
        ),
    ),
    Check(
        "context.start-methods",
        "get_context('spawn') is much faster",
        "the-articles-timings",
        lambda r: _holds(
            r.ratio("py:article.set-spawn", "py:article.context-spawn") >= SET_VS_CONTEXT_SPAWN
        ),
    ),
    Check(
        "shared.manager",
        "Managers are more flexible than shared memory",
        "manager-queue-against-shared-memory",
        lambda r: _holds(
            all(
                r.ratio(f"py:ipc.manager-queue.{size}", f"py:ipc.shared-memory.{size}")
                >= MANAGER_VS_SHARED_MEMORY
                for size in r.settings["ipc_sizes"]
            )
        ),
    ),
    Check(
        "bridge.plinq",
        "Python lists are copied element by element",
        "bridge-data",
        lambda r: _holds(
            r.ratio("py:bridge.data-list", "py:bridge.data-numpy-copy") >= LIST_VS_NUMPY_COPY
        ),
    ),
    Check(
        "bridge.call-overhead",
        "A call from Python into .NET costs more than a Python call",
        "bridge-call-overhead",
        lambda r: _holds(
            r.ratio("py:bridge.dotnet-call", "py:bridge.python-call") >= DOTNET_VS_PYTHON_CALL
            and r.ratio("py:bridge.data-list", "py:bridge.data-numpy-copy") >= LIST_VS_NUMPY_COPY
        ),
    ),
    Check(
        "bridge.gil",
        "So a long PLINQ call uses more than one core",
        "bridge-plinq",
        # More than one core at work shows as a speed-up over the same .NET map on one thread.
        lambda r: _holds(
            _map_speedup(r, "py:map.bridge-plinq", "py:map.bridge-sequential")
            >= BRIDGE_PLINQ_SPEEDUP
        ),
    ),
]


@pytest.mark.parametrize("check", CHECKS, ids=lambda c: f"{c.concept}:{c.anchor}")
def test_the_catalog_verdict_is_the_one_the_measured_ratios_imply(check: Check, rows: Rows) -> None:
    claim = _claim(check.concept, check.text_start)
    assert f"{PAGE}#{check.anchor}" in claim.evidence, f"the claim must cite {PAGE}#{check.anchor}"
    assert claim.verdict == check.verdict(rows), f"{check.concept}: {claim.text}"


def test_the_notes_about_short_items_and_process_costs_match_the_run(rows: Rows) -> None:
    """Sub-claims the notes rely on: cheap items gain nothing from PLINQ; fork is cheap by spawn."""
    assert (
        f"{PAGE}#plinq-sum"
        in _claim("plinq.sum", "Parallelism fits work items of medium length").evidence
    )
    assert rows.speedup("net:sum.Sequential", "net:sum.Parallel") < PARALLEL_SUM_SPEEDUP
    assert (
        f"{PAGE}#start-methods"
        in _claim("shared.manager", "Creating processes is expensive").evidence
    )
    assert rows.ratio("py:start.process-spawn", "py:start.process-fork") >= SPAWN_VS_FORK


def test_a_contradicting_run_would_fail_the_check() -> None:
    """The checks read the numbers: a run where PLINQ's sum is twice as fast implies 'holds'."""
    results = bench_rows.load()
    rows = dict(results["rows"])
    rows["net:sum.Parallel"] = {
        **rows["net:sum.Sequential"],
        "median": rows["net:sum.Sequential"]["median"] / 2,
    }
    flipped = Rows({**results, "rows": rows})
    assert CHECKS[0].verdict(flipped) == "holds"
    assert _claim("plinq.sum", "Aggregates such as Sum suit PLINQ").verdict != CHECKS[0].verdict(
        flipped
    )
