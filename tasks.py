"""Tasks for building, running and testing both halves of Concurrency Parity.

`invoke --list` shows them; `invoke --help TASK` shows a task's options. Every command runs
with pty=False so the same tasks work on Windows.
"""

from __future__ import annotations

import json as jsonlib
import os
import shutil
import signal
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from invoke import Context, Exit, Task, task

from parity import catalog, docs, dotnet_build, lesson_lines, runner, summary
from parity.common.entry import INTERRUPTED_EXIT, environment_problem
from parity.paths import ROOT

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


class _Task(Task):  # type: ignore[type-arg]
    """A task whose short flags are chosen (`short={"jobs": "j"}`), not the first free letter of
    each option's name (which gave `-j` to --json and `-o` to --jobs)."""

    def __init__(self, *args: Any, short: dict[str, str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, auto_shortflags=False, **kwargs)
        self.short = short or {}

    def arg_opts(self, name: str, default: str, taken_names: set[str]) -> dict[str, Any]:
        opts: dict[str, Any] = super().arg_opts(name, default, taken_names)
        if name in self.short:
            opts["names"].append(self.short[name])
        return opts


def _jobs(value: str | None) -> int:
    if value is None:
        return 2 * (os.cpu_count() or 1)
    if not value.isdigit() or int(value) < 1:
        raise _fail(f"bad --jobs {value!r}; expected a whole number of runs at a time, 1 or more")
    return int(value)


def _select(only: str) -> list[catalog.Concept]:
    """The catalog's concepts (in its order) whose id starts with one of the comma-separated prefixes."""
    concepts = catalog.load().concepts
    prefixes = [x.strip() for x in only.split(",") if x.strip()] or [""]
    unmatched = [x for x in prefixes if not any(c.id.startswith(x) for c in concepts)]
    if unmatched:  # bad input is refused before anything is built
        names = ", ".join(repr(x) for x in unmatched)
        raise _fail(f"no concept id starts with {names}; `invoke list` shows them")
    return [c for c in concepts if any(c.id.startswith(x) for x in prefixes)]


def _report_path(json: str | None) -> Path | None:
    """The --json file, checked before anything runs: its folder exists and can be written."""
    if json is None:
        return None
    path = Path(json)
    folder = path.parent.resolve()
    if not json.strip() or path.is_dir():
        raise _fail(f"bad --json {json!r}: expected a file name, not a folder")
    if not folder.is_dir():
        raise _fail(f"bad --json {json!r}: the folder {folder} does not exist")
    if not os.access(folder, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise _fail(f"bad --json {json!r}: cannot write there")
    return path


def _check_environment() -> None:
    """PARITY_START_METHOD checked once, before anything is built (PARITY_TIME_SCALE is not
    read here: the runs get --time-scale's value instead)."""
    problem = environment_problem(time_scale=False)
    if problem is not None:
        raise _fail(problem)


def _concept(concept_id: str) -> catalog.Concept:
    try:
        return catalog.load().get(concept_id)
    except catalog.UnknownConcept as exc:
        raise _fail(str(exc)) from None


def _ensure_built(needed: bool = True) -> float:
    """Build .NET if stale, showing each project as it is built; returns the seconds it took."""
    if not needed:
        return 0.0
    from rich.console import Console
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    started = time.perf_counter()
    try:
        if not dotnet_build.is_stale():
            return 0.0
        pending = dotnet_build.projects()
        total = len(pending)
        console = Console(stderr=True)

        def describe() -> str:  # MSBuild says when a project is done: the rest are in progress
            return (
                f"building .NET, {total - len(pending)} of {total} built: {', '.join(pending) or 'finishing'}"
            )

        with Progress(
            SpinnerColumn(), TimeElapsedColumn(), TextColumn("{task.description}"), console=console
        ) as progress:
            step = progress.add_task(describe(), total=total)

            def built(name: str) -> None:
                if name in pending:
                    pending.remove(name)
                progress.update(step, advance=1, description=describe())
                if not console.is_terminal:  # no live bar in a log: one line per project
                    console.print(f"built {name} ({time.perf_counter() - started:.1f} s)", highlight=False)

            dotnet_build.build(on_project=built)
    except (dotnet_build.DotnetMissing, RuntimeError) as exc:
        raise _fail(str(exc), code=1) from None
    except KeyboardInterrupt:
        raise _fail("interrupted (Ctrl-C) during the .NET build", code=INTERRUPTED_EXIT) from None
    return time.perf_counter() - started


@task(help={"force": "build even when nothing changed"})
def build(c: Context, force: bool = False) -> None:
    """Build the .NET solution, skipped when no .NET source changed."""
    try:
        ran = dotnet_build.build(force=force, quiet=False)
    except (dotnet_build.DotnetMissing, RuntimeError) as exc:
        raise _fail(str(exc), code=1) from None
    print("built" if ran else "up to date: nothing to build")


@task(name="list", help={"chapters": "group the concepts under their chapters' titles"})
def list_(c: Context, chapters: bool = False) -> None:
    """List every concept in catalog order, one per line, the id first."""
    cat = catalog.load()
    width = max(len(x.id) for x in cat.concepts)

    def line(concept: catalog.Concept) -> str:
        sides = "+".join(lang for lang in ("python", "dotnet") if concept.has(lang))
        return f"{concept.id:<{width}}  {concept.chapter:<11} {sides:<13} {concept.title}"

    if not chapters:
        print("\n".join(line(x) for x in cat.concepts))
        return
    for chapter in cat.chapters:
        print(f"\n{chapter.title} ({chapter.id}, comparisons/{chapter.id}.md)")
        print("\n".join(f"  {line(x)}" for x in cat.in_chapter(chapter.id)))


@task(
    klass=_Task,
    short={"lang": "l"},
    help={
        "id": "the concept id, e.g. pool.callbacks (`invoke list` shows them)",
        "lang": "py, dotnet or both (default)",
        "via": ".NET side through the CLI (default) or in-process through the bridge",
        "time_scale": "multiply the article's durations (default 1: as written)",
    },
)
def run(c: Context, id: str, lang: str = "both", via: str = "cli", time_scale: str = "1") -> None:
    """Run one concept in both languages and show the outputs side by side."""
    concept = _concept(id)
    languages = [x for x in _languages(lang) if concept.has(x)]
    if not languages:
        raise _fail(f"{id} has no {lang} implementation")
    chosen_via, scale = _via(via), _scale(time_scale, 1.0)
    _check_environment()
    _ensure_built("dotnet" in languages)
    try:
        results = runner.run_many(
            [(concept, x) for x in languages], via=chosen_via, time_scale=scale, workers=len(languages)
        )
    except runner.Interrupted as stop:
        ran = sorted([*stop.finished, *stop.stopped], key=lambda r: languages.index(r.language))
        _show_side_by_side(concept, ran, chosen_via, stopped=stop.stopped)
        raise _fail("interrupted (Ctrl-C)", code=INTERRUPTED_EXIT) from None
    _show_side_by_side(concept, results, chosen_via)
    if not all(r.ok for r in results):
        raise Exit(code=1)


SIDE_BY_SIDE_MIN_WIDTH = 140  # below this, two columns would wrap most lines: stack them


def _show_side_by_side(
    concept: catalog.Concept, results: list[runner.Result], via: str, stopped: Sequence[runner.Result] = ()
) -> None:
    """Two columns on a wide terminal; stacked on a narrow one, and plain text into a file or pipe."""
    from rich.console import Console
    from rich.rule import Rule
    from rich.table import Table
    from rich.text import Text

    def heading(r: runner.Result) -> str:
        label = "Python" if r.language == "python" else f".NET ({via})"
        if r in stopped:
            return f"{label}: stopped by Ctrl-C after {r.seconds:.2f} s"
        return f"{label}: {r.status if r.ok else 'FAILED'} in {r.seconds:.2f} s"

    console = Console()
    if not console.is_terminal:
        print(f"{concept.id}: {concept.title}")
        for r in results:
            print(f"\n== {heading(r)}\n{r.output.rstrip()}")
        return
    if console.width < SIDE_BY_SIDE_MIN_WIDTH or len(results) < 2:
        console.print(Rule(f"{concept.id}: {concept.title}"))
        for r in results:
            console.print(Rule(heading(r), align="left", style="dim"))
            console.print(Text(r.output.rstrip()))
        return
    table = Table(title=f"{concept.id}: {concept.title}", show_lines=False, expand=True)
    for r in results:
        table.add_column(heading(r), overflow="fold")
    table.add_row(*(Text(r.output.rstrip()) for r in results))
    console.print(table)


@task(
    name="run-all",
    klass=_Task,
    short={"jobs": "j", "only": "o", "lang": "l"},
    help={
        "json": "also write the JSON report (format in README.md) to this file",
        "via": ".NET side through the CLI (default) or the bridge",
        "time_scale": f"multiply the article's durations (default {runner.RUN_ALL_TIME_SCALE})",
        "jobs": "runs at a time, 1 or more (default: 2 per core)",
        "lang": "py, dotnet or both (default)",
        "only": "only the concepts whose id starts with one of these, comma-separated (`pool,task.when-all`)",
    },
)
def run_all(
    c: Context,
    json: str | None = None,
    via: str = "cli",
    time_scale: str | None = None,
    jobs: str | None = None,
    lang: str = "both",
    only: str = "",
) -> None:
    """Run every concept in both languages, with progress and one summary table."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    # Every option is checked before anything is built or run.
    chosen_via, scale, languages = _via(via), _scale(time_scale, runner.RUN_ALL_TIME_SCALE), _languages(lang)
    workers, report_path, concepts = _jobs(jobs), _report_path(json), _select(only)
    _check_environment()
    pairs = [(x, y) for x in concepts for y in languages if x.has(y)]
    outcome = summary.Outcome(
        concepts=concepts,
        languages=languages,
        results=[],
        via=chosen_via,
        time_scale=scale,
        started=datetime.now(UTC),
        build_seconds=0.0,
        run_seconds=0.0,
        only=[x.strip() for x in only.split(",") if x.strip()],
    )
    outcome.build_seconds = _ensure_built(any(y == "dotnet" for _, y in pairs))
    console = Console(width=None if sys.stdout.isatty() else 110)

    def finished(r: runner.Result) -> None:
        progress.advance(bar)
        if not console.is_terminal:  # a log gets one line per run (the bar is drawn only at the end)
            console.print(f"{r.status:<8} {r.id} ({r.language}) {r.seconds:.2f} s", highlight=False)

    started = time.perf_counter()
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=False,
    ) as progress:
        bar = progress.add_task(
            f"run-all ({summary.describe(scale, chosen_via, languages)})", total=len(pairs)
        )
        try:
            outcome.results = runner.run_many(
                pairs, via=chosen_via, time_scale=scale, workers=workers, on_result=finished
            )
        except runner.Interrupted as stop:
            outcome.results, outcome.interrupted = stop.finished, True
            outcome.stopped = [(r.id, r.language) for r in stop.stopped]
    outcome.run_seconds = time.perf_counter() - started
    console.print(outcome.table())
    console.print(outcome.footer(), highlight=False)
    for r in outcome.failed:
        console.print(f"[red]{r.id} ({r.language}) failed:[/]")
        console.print(r.output.rstrip()[-2000:], markup=False, highlight=False)
    if report_path is not None:
        text = jsonlib.dumps(outcome.report(), indent=2, ensure_ascii=False) + "\n"
        try:
            report_path.write_text(text, encoding="utf-8")
        except OSError as exc:
            raise _fail(f"could not write {report_path}: {exc.strerror}", code=1) from None
    if outcome.interrupted:
        done = summary.plural(len(outcome.results), "run")
        raise _fail(f"interrupted (Ctrl-C): {done} of {len(pairs)} finished", code=INTERRUPTED_EXIT)
    if outcome.failed:
        raise Exit(f"parity: {len(outcome.failed)} of {len(outcome.results)} runs failed", code=1)


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
    # From a background job SIGINT arrives ignored, and every test program would inherit that:
    # restore Python's handler, so the suites' Ctrl-C tests see what a terminal gives them.
    if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)
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
                f'"{dotnet_build.dotnet_exe()}" test "{dotnet_build.SOLUTION}" --no-build -nologo '
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
    exe = dotnet_build.dotnet_exe()
    c.run(f'"{exe}" format "{dotnet_build.SOLUTION}" --verify-no-changes', pty=False)
    # Debug is what `invoke build` makes; Release (BenchmarkDotNet's) must not rot unseen.
    c.run(f'"{exe}" build "{dotnet_build.SOLUTION}" -c Release -nologo -v quiet', pty=False)
    print("lint: clean")


@task
def lines(c: Context) -> None:
    """Print how long the lessons are, both languages: files, shown lines, median, p90, max."""
    print(lesson_lines.report(lesson_lines.lessons()))


@task(
    name="docs",
    help={
        "samples": "rerun the concepts (time scale 0.1) and record their output first",
        "only": "with --samples: only the concepts whose id starts with one of these (comma-separated)",
    },
)
def docs_(c: Context, samples: bool = False, only: str = "") -> None:
    """Regenerate the comparison pages (and README's chapter index) from the catalog."""
    if samples:
        concepts = _select(only)
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


@task(
    help={
        "quick": "rough numbers in under two minutes, in a temporary folder (the committed results stay)",
        "out": "write the page, its plots and results.json under this folder instead",
    }
)
def bench(c: Context, quick: bool = False, out: str = "") -> None:
    """Benchmark every workload in Python (pyperf) and .NET (BenchmarkDotNet), interleaved; write the page."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from parity.bench import report
    from parity.bench import run as bench_run

    folder = bench_run.output_folder(quick, out)
    work = (folder if out or quick else REPORTS) / "bench-raw"
    steps = bench_run.steps()
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        transient=False,
    ) as progress:
        bar = progress.add_task("bench: building (Release)", total=len(steps))
        seen: list[str] = []

        def on_step(language: str, group: str) -> None:
            if seen:
                progress.advance(bar)
            seen.append(group)
            name = "Python (pyperf)" if language == "python" else ".NET (BenchmarkDotNet)"
            progress.update(bar, description=f"bench{' --quick' if quick else ''}: {group}, {name}")

        try:
            results = bench_run.run(quick, work, on_step)
        except (bench_run.BenchError, dotnet_build.DotnetMissing) as exc:
            raise _fail(str(exc), code=1) from None
        progress.advance(bar)
    written = report.write(results, folder / "benchmarks.md", folder / "benchmarks")
    for path in written:
        print(f"wrote {path}")
    load = results["machine"].get("load_average_start")
    print(f"bench: {results['seconds']:.0f} s, load average at the start {load}; harness logs in {work}")


@task
def clean(c: Context) -> None:
    """Remove build output, reports and caches."""
    for path in [
        dotnet_build.ARTIFACTS,
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
