"""Tasks for building, running and testing both halves of Concurrency Parity: `invoke --list`
shows them, `invoke --help TASK` a task's options. Commands run with pty=False (Windows too)."""

from __future__ import annotations

import shutil
import time

from invoke.context import Context
from invoke.exceptions import Exit
from invoke.tasks import task

from parity import (
    catalog,
    cpu_load,
    docs,
    dotnet_build,
    lesson_lines,
    runner,
    summary,
    test_reports,
)
from parity import task_options as options
from parity.common.entry import INTERRUPTED_EXIT
from parity.paths import PYTHON_DIR, REPORTS, ROOT, generated_outputs
from parity.scale.chaos import chaos  # noqa: F401 - `invoke chaos`, a thin task beside its logic


@task(help={"force": "build even when nothing changed"})
def build(c: Context, force: bool = False) -> None:
    """Build the .NET solution, skipped when no .NET source changed."""
    try:
        ran = dotnet_build.build(force=force, quiet=False)
    except (dotnet_build.DotnetMissing, RuntimeError) as exc:
        raise options.fail(str(exc), code=1) from None
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
    klass=options.ShortFlagsTask,
    short={"lang": "l"},
    help={
        "id": "the concept id, e.g. pool.callbacks (`invoke list` shows them)",
        "lang": "py, dotnet or both (default)",
        "via": ".NET side through the CLI (default) or in-process through the bridge",
        "time_scale": "multiply the article's durations (default 1: as written)",
        "trace": "record each side's timeline into DIR/<id>.<language>.json (opens in Perfetto)",
    },
)
def run(
    c: Context,
    id: str,
    lang: str = "both",
    via: str = "cli",
    time_scale: str = "1",
    trace: str = "",
) -> None:
    """Run one concept in both languages and show the outputs side by side."""
    concept = options.concept(id)
    languages = [x for x in options.languages(lang) if concept.has(x)]
    if not languages:
        raise options.fail(f"{id} has no {lang} implementation")
    chosen_via, scale = options.via(via), options.time_scale(time_scale, 1.0)
    folder = options.trace_dir(trace)
    options.check_environment()
    options.ensure_built("dotnet" in languages)
    try:
        pairs = [(concept, x) for x in languages]
        results = runner.run_many(
            pairs, via=chosen_via, time_scale=scale, workers=2, trace_dir=folder
        )
    except runner.Interrupted as stop:
        ran = sorted([*stop.finished, *stop.stopped], key=lambda r: languages.index(r.language))
        summary.show_side_by_side(concept, ran, chosen_via, stopped=stop.stopped)
        raise options.fail("interrupted (Ctrl-C)", code=INTERRUPTED_EXIT) from None
    summary.show_side_by_side(concept, results, chosen_via)
    if not all(r.ok for r in results):
        raise Exit(code=1)


@task(
    name="run-all",
    klass=options.ShortFlagsTask,
    short={"jobs": "j", "only": "o", "lang": "l"},
    help={
        "json": "also write the JSON report (format in README.md) to this file",
        "via": ".NET side through the CLI (default) or the bridge",
        "time_scale": f"multiply the article's durations (default {runner.RUN_ALL_TIME_SCALE})",
        "jobs": "runs at a time, 1 or more (default: 3 per core, at least 6)",
        "lang": "py, dotnet or both (default)",
        "only": "only the concepts whose id starts with one of these (`pool,task.when-all`)",
        "profile": "then show the ten slowest runs and where their time went (phases, load)",
        "trace": "record every run's timeline into DIR/<id>.<language>.json (opens in Perfetto)",
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
    profile: bool = False,
    trace: str = "",
) -> None:
    """Run every concept in both languages, with progress and one summary table."""
    # Every option is checked before anything is built or run.
    chosen_via, languages = options.via(via), options.languages(lang)
    scale = options.time_scale(time_scale, runner.RUN_ALL_TIME_SCALE)
    workers, report_path = options.jobs(jobs), options.report_path(json)
    concepts = options.select(only)
    folder = options.trace_dir(trace)
    options.check_environment()
    pairs = [(x, y) for x in concepts for y in languages if x.has(y)]
    outcome = summary.Outcome.starting(
        concepts, languages, chosen_via, scale, options.prefixes(only)
    )
    outcome.build_seconds = options.ensure_built(any(y == "dotnet" for _, y in pairs))
    summary.run_and_show(outcome, pairs, workers, profile, folder)
    if report_path is not None and (error := summary.write_report(outcome, report_path)):
        raise options.fail(error, code=1)
    if outcome.interrupted:
        done = summary.plural(len(outcome.results), "run")
        message = f"interrupted (Ctrl-C): {done} of {len(pairs)} finished"
        raise options.fail(message, code=INTERRUPTED_EXIT)
    if outcome.failed:
        raise Exit(f"parity: {len(outcome.failed)} of {len(outcome.results)} runs failed", code=1)


@task(
    help={
        "lint": "run the linters first (default: yes; --no-lint skips)",
        "dotnet_tests": "run dotnet test (default: yes; --no-dotnet-tests skips)",
        "under_load": "run the tests while this many CPU-burning processes compete (default 0)",
    }
)
def test(c: Context, lint: bool = True, dotnet_tests: bool = True, under_load: int = 0) -> None:
    """Run the linters, dotnet test, the bridge tests and pytest (all start methods) at once."""
    test_reports.restore_sigint()
    started = time.monotonic()
    with cpu_load.under_load(options.under_load(under_load)):
        options.ensure_built()
        seconds = test_reports.last_seconds(REPORTS)  # to split pytest evenly
        test_reports.clear(REPORTS)
        failures = test_reports.run(
            test_reports.suites(REPORTS, seconds, dotnet_tests, lint), REPORTS
        )
    print(test_reports.closing_line(REPORTS, time.monotonic() - started))
    if failures:
        raise Exit(f"parity: failed: {', '.join(failures)}", code=1)


@task(name="lint")
def lint_(c: Context) -> None:
    """ruff, mypy for Linux, Windows and macOS, dotnet format, a Release build (no warnings)."""
    with c.cd(str(PYTHON_DIR)):
        for command in test_reports.lint_commands():
            c.run(command, pty=False)
    print("lint: clean")


@task
def lines(c: Context) -> None:
    """Print how long the lessons are, both languages: files, shown lines, median, p90, max."""
    print(lesson_lines.report(lesson_lines.lessons()))


@task(
    name="docs",
    help={
        "samples": "rerun the concepts (time scale 0.1) and record their output first",
        "only": "with --samples: only the concepts whose id starts with one of these (a,b,...)",
    },
)
def docs_(c: Context, samples: bool = False, only: str = "") -> None:
    """Regenerate the comparison pages (and README's chapter index) from the catalog."""
    if samples:
        concepts = options.select(only)
        options.ensure_built()
        try:
            docs.record_samples(concepts)
        except docs.SampleFailed as exc:
            raise options.fail(str(exc), code=1) from None
    print("\n".join(f"wrote {p.relative_to(ROOT)}" for p in docs.write()) or "pages up to date")


@task(
    help={
        "out": "write the site under this folder (default: site/)",
        "source_url": "link sources here, e.g. a GitHub blob URL at a commit (default: "
        "$PARITY_SOURCE_URL, else the files of this checkout)",
    }
)
def site(c: Context, out: str = "", source_url: str | None = None) -> None:
    """Build the study site (static HTML, no CDN) under site/ from the catalog and the sources."""
    from parity import site as site_builder

    try:
        print(site_builder.build_and_describe(out, source_url))
    except site_builder.SiteError as exc:
        raise options.fail(str(exc), code=1) from None


@task(
    help={
        "quick": "rough numbers in under two minutes, in a temporary folder (committed ones stay)",
        "out": "write the page, its plots and results.json under this folder instead",
        "render": "measure nothing: rewrite the page and its plots from the committed results.json",
        "groups": "only these groups, comma-separated (e.g. ipc,map); with --quick or --out",
    }
)
def bench(
    c: Context, quick: bool = False, out: str = "", render: bool = False, groups: str = ""
) -> None:
    """Benchmark every workload in Python (pyperf) and .NET (BenchmarkDotNet); write the page."""
    from parity.bench import run as bench_run

    try:
        bench_run.command(quick, out, render, groups)
    except bench_run.UsageError as exc:
        raise options.fail(str(exc)) from None
    except (bench_run.BenchError, dotnet_build.DotnetMissing) as exc:
        raise options.fail(str(exc), code=1) from None


@task
def clean(c: Context) -> None:
    """Remove build output, reports and caches."""
    for path in generated_outputs():
        shutil.rmtree(path, ignore_errors=True)
    print("clean")
