"""Tasks for building, running and testing both halves of Concurrency Parity.

`invoke --list` shows them; `invoke --help TASK` shows a task's options. Every command runs
with pty=False so the same tasks work on Windows.
"""

from __future__ import annotations

import json as jsonlib
import os
import shutil
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from invoke import Context, Exit, task

from parity import catalog, docs, dotnet, runner

ROOT = Path(__file__).resolve().parent
PYTHON_DIR = ROOT / "python"
REPORTS = ROOT / ".reports"
LANG_ALIASES = {"py": "python", "python": "python", "dotnet": "dotnet", "cs": "dotnet", "both": "both"}


def _fail(message: str, code: int = 2) -> Exit:
    """One clear line on stderr and a non-zero exit, never a traceback."""
    return Exit(f"parity: {message}", code=code)


def _languages(lang: str) -> tuple[runner.Language, ...]:
    chosen = LANG_ALIASES.get(lang.lower())
    if chosen is None:
        raise _fail(f"bad --lang {lang!r}; expected py, dotnet or both")
    return runner.LANGUAGES if chosen == "both" else (chosen,)  # type: ignore[return-value]


def _via(via: str) -> runner.Via:
    if via not in runner.VIAS:
        raise _fail(f"bad --via {via!r}; expected cli or bridge")
    return via  # type: ignore[return-value]


def _scale(value: str | float | None, default: float) -> float:
    try:
        scale = float(value) if value is not None else default
    except ValueError:
        raise _fail(f"bad --time-scale {value!r}; expected a positive number") from None
    if not scale > 0:
        raise _fail(f"bad --time-scale {value!r}; expected a positive number")
    return scale


def _concept(concept_id: str) -> catalog.Concept:
    try:
        return catalog.load().get(concept_id)
    except catalog.UnknownConcept as exc:
        raise _fail(str(exc)) from None


def _ensure_built(needed: bool = True) -> None:
    if not needed:
        return
    try:
        if dotnet.is_stale():
            print("building .NET (stale)...", file=sys.stderr, flush=True)
            dotnet.build()
    except (dotnet.DotnetMissing, RuntimeError) as exc:
        raise _fail(str(exc), code=1) from None


@task(help={"force": "build even when nothing changed"})
def build(c: Context, force: bool = False) -> None:
    """Build the .NET solution, skipped when no .NET source changed."""
    try:
        ran = dotnet.build(force=force, quiet=False)
    except (dotnet.DotnetMissing, RuntimeError) as exc:
        raise _fail(str(exc), code=1) from None
    print("built" if ran else "up to date: nothing to build")


@task(name="list")
def list_(c: Context) -> None:
    """List every concept, one per line, the id first."""
    cat = catalog.load()
    width = max(len(x.id) for x in cat.concepts)
    for concept in cat.concepts:
        sides = "+".join(lang for lang in ("python", "dotnet") if concept.has(lang))
        print(f"{concept.id:<{width}}  {concept.chapter:<11} {sides:<13} {concept.title}")


@task(
    help={
        "id": "the concept id, e.g. pool.callbacks (`invoke list` shows them)",
        "lang": "py, dotnet or both (default)",
        "via": ".NET side through the CLI (default) or in-process through the bridge",
        "time_scale": "multiply the article's durations (default 1: as written)",
    }
)
def run(c: Context, id: str, lang: str = "both", via: str = "cli", time_scale: str = "1") -> None:
    """Run one concept in both languages and show the outputs side by side."""
    concept = _concept(id)
    languages = [x for x in _languages(lang) if concept.has(x)]
    if not languages:
        raise _fail(f"{id} has no {lang} implementation")
    chosen_via, scale = _via(via), _scale(time_scale, 1.0)
    _ensure_built("dotnet" in languages)
    results = runner.run_many(
        [(concept, x) for x in languages], via=chosen_via, time_scale=scale, workers=len(languages)
    )
    _show_side_by_side(concept, results, chosen_via)
    if not all(r.ok for r in results):
        raise Exit(code=1)


def _show_side_by_side(concept: catalog.Concept, results: list[runner.Result], via: str) -> None:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    console = Console(width=None if sys.stdout.isatty() else 160)
    table = Table(title=f"{concept.id}: {concept.title}", show_lines=False, expand=True)
    for r in results:
        label = "Python" if r.language == "python" else f".NET ({via})"
        mark = r.status if r.ok else "FAILED"
        table.add_column(f"{label}: {mark} in {r.seconds:.2f} s", overflow="fold")
    table.add_row(*(Text(r.output.rstrip()) for r in results))
    console.print(table)


@task(
    name="run-all",
    help={
        "json": "also write the JSON report (format in README.md) to this file",
        "via": ".NET side through the CLI (default) or the bridge",
        "time_scale": f"multiply the article's durations (default {runner.RUN_ALL_TIME_SCALE})",
        "jobs": "runs at a time (default: 2 per core)",
        "lang": "py, dotnet or both (default)",
        "only": "run only the concepts whose id starts with this (a chapter, e.g. `pool`, or an id)",
    },
)
def run_all(
    c: Context,
    json: str | None = None,
    via: str = "cli",
    time_scale: str | None = None,
    jobs: int = 0,
    lang: str = "both",
    only: str = "",
) -> None:
    """Run every concept in both languages, with progress and one summary table."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
    from rich.table import Table

    chosen_via, scale, languages = _via(via), _scale(time_scale, runner.RUN_ALL_TIME_SCALE), _languages(lang)
    concepts = [x for x in catalog.load().concepts if x.id.startswith(only)]
    if not concepts:  # bad input is refused before anything is built
        raise _fail(f"no concept id starts with {only!r}; `invoke list` shows them")
    pairs = [(x, y) for x in concepts for y in languages if x.has(y)]
    started_at, started = datetime.now(UTC), time.perf_counter()
    _ensure_built(any(y == "dotnet" for _, y in pairs))
    console = Console(stderr=False, width=None if sys.stdout.isatty() else 110)
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=False,
    ) as progress:
        bar = progress.add_task(f"run-all (time scale {scale:g}, .NET via {chosen_via})", total=len(pairs))
        results = runner.run_many(
            pairs,
            via=chosen_via,
            time_scale=scale,
            workers=jobs or 2 * (os.cpu_count() or 1),
            on_result=lambda r: progress.advance(bar),
        )
    total = time.perf_counter() - started
    by_key = {(r.id, r.language): r for r in results}
    table = Table(title=f"{len(concepts)} concepts in {total:.1f} s")
    for header in ("concept", "Python", "s", ".NET", "s"):
        table.add_column(header, justify="right" if header == "s" else "left")
    for concept in concepts:
        cells = [concept.id]
        for language in runner.LANGUAGES:
            r = by_key.get((concept.id, language))
            if r is None:
                cells += ["—", ""]
            else:
                mark = {"ok": "[green]ok[/]", "skipped": "[yellow]skipped[/]"}.get(r.status, "[red]FAILED[/]")
                cells += [mark, f"{r.seconds:.2f}"]
        table.add_row(*cells)
    console.print(table)
    failed = [r for r in results if not r.ok]
    for r in failed:
        console.print(f"[red]{r.id} ({r.language}) failed:[/]")
        console.print(r.output.rstrip()[-2000:], markup=False, highlight=False)
    if json:
        report = {
            "time_scale": scale,
            "via": chosen_via,
            "started": started_at.isoformat(timespec="seconds"),
            "seconds": round(total, 3),
            "ok": not failed,
            "results": [r.to_json() for r in results],
        }
        Path(json).write_text(jsonlib.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    if failed:
        raise Exit(f"parity: {len(failed)} of {len(results)} runs failed", code=1)


def _junit_counts(path: Path) -> tuple[int, int, int]:
    """(passed, failed, skipped) from a JUnit XML report."""
    root = ET.parse(path).getroot()
    suites = [root] if root.tag == "testsuite" else list(root)
    tests = sum(int(s.get("tests", 0)) for s in suites)
    failed = sum(int(s.get("failures", 0)) + int(s.get("errors", 0)) for s in suites)
    skipped = sum(int(s.get("skipped", 0)) for s in suites)
    return tests - failed - skipped, failed, skipped


def _trx_counts(path: Path) -> tuple[int, int, int]:
    ns = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}
    counters = ET.parse(path).getroot().find("t:ResultSummary/t:Counters", ns)
    if counters is None:
        return 0, 0, 0
    total, passed = int(counters.get("total", 0)), int(counters.get("passed", 0))
    failed = int(counters.get("failed", 0)) + int(counters.get("error", 0))
    return passed, failed, total - passed - failed


# A CPU burner for --under-load: spins, and exits by itself once its parent (this task) is gone,
# so even a task killed outright leaves no burner behind.
_BURNER = (
    "import os\nparent = os.getppid()\nwhile os.getppid() == parent:\n    for _ in range(1_000_000): pass\n"
)


@contextmanager
def _under_load(count: int) -> Iterator[None]:
    """`count` processes burning a core each for the duration of the block; stopped on any exit."""
    if count < 0:
        raise _fail(f"bad --under-load {count}; expected 0 or more processes")
    burners = [subprocess.Popen([sys.executable, "-c", _BURNER]) for _ in range(count)]
    if burners:
        print(f"== under load: {count} CPU-burning process(es) running", flush=True)
    try:
        yield
    finally:
        for burner in burners:
            burner.kill()
        for burner in burners:
            burner.wait(timeout=30)


@task(
    help={
        "lint": "run the linters first (default: yes; --no-lint skips)",
        "dotnet_tests": "run dotnet test (default: yes; --no-dotnet-tests skips)",
        "under_load": "run the tests while this many CPU-burning processes compete (default 0)",
    }
)
def test(c: Context, lint: bool = True, dotnet_tests: bool = True, under_load: int = 0) -> None:
    """Run pytest (every start method), the bridge tests, dotnet test and the linters."""
    if lint:
        lint_(c)
    with _under_load(under_load):
        _test(c, dotnet_tests)


def _test(c: Context, dotnet_tests: bool) -> None:
    _ensure_built()
    if REPORTS.exists():
        shutil.rmtree(REPORTS)
    REPORTS.mkdir()
    py = sys.executable
    steps = []
    if dotnet_tests:
        steps.append(
            (
                "dotnet test",
                f'"{dotnet.dotnet_exe()}" test "{dotnet.SOLUTION}" --no-build -nologo '
                f'--logger "trx;LogFileName={REPORTS / "dotnet.trx"}" --logger "console;verbosity=minimal"',
            )
        )
    steps.append(
        (
            "pytest (bridge)",
            f'"{py}" -m pytest -m bridge -p no:cacheprovider --junitxml="{REPORTS / "bridge.xml"}"',
        )
    )
    steps.append(
        (
            "pytest",
            f'"{py}" -m pytest -m "not bridge" -p no:cacheprovider --junitxml="{REPORTS / "pytest.xml"}"',
        )
    )
    failures = []
    with c.cd(str(PYTHON_DIR)):
        for name, cmd in steps:
            print(f"== {name}", flush=True)
            if not c.run(cmd, pty=False, warn=True).ok:
                failures.append(name)
    passed = failed = skipped = 0
    for report in REPORTS.iterdir():
        counts = _trx_counts(report) if report.suffix == ".trx" else _junit_counts(report)
        passed, failed, skipped = passed + counts[0], failed + counts[1], skipped + counts[2]
    print(f"all: {passed} passed, {failed} failed, {skipped} skipped")
    if failures:
        raise Exit(f"parity: failed: {', '.join(failures)}", code=1)


@task(name="lint")
def lint_(c: Context) -> None:
    """ruff, mypy for Linux and Windows, dotnet format, and a Release build (warnings are errors)."""
    py = sys.executable
    with c.cd(str(PYTHON_DIR)):
        c.run(f'"{py}" -m ruff check src tests ../tasks.py', pty=False)
        c.run(f'"{py}" -m ruff format --check src tests ../tasks.py', pty=False)
        # Both platforms from any one: what only Windows has (or lacks) fails here too.
        c.run(f'"{py}" -m mypy --platform linux', pty=False)
        c.run(f'"{py}" -m mypy --platform win32', pty=False)
    exe = dotnet.dotnet_exe()
    c.run(f'"{exe}" format "{dotnet.SOLUTION}" --verify-no-changes', pty=False)
    # Debug is what `invoke build` makes; Release (BenchmarkDotNet's) must not rot unseen.
    c.run(f'"{exe}" build "{dotnet.SOLUTION}" -c Release -nologo -v quiet', pty=False)
    print("lint: clean")


@task(
    name="docs",
    help={
        "samples": "rerun the concepts (time scale 0.1) and record their output first",
        "only": "with --samples: only the concepts whose id starts with this (a chapter or an id)",
    },
)
def docs_(c: Context, samples: bool = False, only: str = "") -> None:
    """Regenerate the comparison pages (and README's chapter index) from the catalog."""
    if samples:
        concepts = [x for x in catalog.load().concepts if x.id.startswith(only)]
        if not concepts:
            raise _fail(f"no concept id starts with {only!r}; `invoke list` shows them")
        _ensure_built()
        pairs = [(x, y) for x in concepts for y in runner.LANGUAGES if x.has(y)]
        docs.SAMPLES.mkdir(parents=True, exist_ok=True)
        for r in runner.run_many(
            pairs, time_scale=runner.RUN_ALL_TIME_SCALE, workers=2 * (os.cpu_count() or 1)
        ):
            if r.status != "ok":
                raise _fail(f"{r.id} ({r.language}) {r.status}, output not recorded:\n{r.output}", code=1)
            (docs.SAMPLES / f"{r.id}.{r.language}.txt").write_text(
                r.output.rstrip() + "\n", encoding="utf-8", newline="\n"
            )
    changed = docs.write()
    print("\n".join(f"wrote {p.relative_to(ROOT)}" for p in changed) or "pages up to date")


@task
def clean(c: Context) -> None:
    """Remove build output, reports and caches."""
    for path in [
        dotnet.ARTIFACTS,
        REPORTS,
        *ROOT.rglob("__pycache__"),
        *ROOT.rglob(".pytest_cache"),
        *ROOT.rglob(".mypy_cache"),
        *ROOT.rglob(".ruff_cache"),
        *ROOT.rglob(".hypothesis"),
    ]:
        if path.exists() and ".venv" not in path.parts:
            shutil.rmtree(path, ignore_errors=True)
    print("clean")
