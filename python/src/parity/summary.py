"""What `invoke run` and `invoke run-all` print and write: the table, the totals, the JSON report.

Kept apart from tasks.py so the shapes can be tested without running anything. The report's
fields are documented in README.md ("The run-all JSON report"); SCHEMA changes when they do.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import platform
import subprocess
import sys
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from parity import dotnet_build, pacing, runner
from parity.catalog import Concept
from parity.common.mp import START_METHOD_VARIABLE
from parity.common.timing import SHORT_TIMEOUT

SCHEMA = 2
LABELS: dict[runner.Language, str] = {"python": "Python", "dotnet": ".NET"}
# What a cell says when a run has no result, and the legend line that explains it.
NO_IMPLEMENTATION = "—"
NOT_RUN = "not run"
STOPPED = "stopped"
LEGEND = {
    NO_IMPLEMENTATION: "no implementation in that language (the concept's page says why)",
    NOT_RUN: "never started (Ctrl-C came first)",
    STOPPED: "stopped part-way by Ctrl-C",
}
_MARKUP = {
    "ok": "[green]ok[/]",
    "skipped": "[yellow]skipped[/]",
    "failed": "[red]FAILED[/]",
    STOPPED: f"[yellow]{STOPPED}[/]",
}


def plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def totals(results: Iterable[runner.Result], not_run: int = 0) -> str:
    """'80 ok, 2 failed, 0 skipped' (and how many never finished, after Ctrl-C)."""
    statuses = [r.status for r in results]
    line = ", ".join(f"{statuses.count(s)} {s}" for s in ("ok", "failed", "skipped"))
    return f"{line}, {not_run} not finished" if not_run else line


def start_method() -> tuple[str, bool]:
    """(the start method Python concepts use, whether PARITY_START_METHOD chose it)."""
    chosen = os.environ.get(START_METHOD_VARIABLE) or None
    return chosen or multiprocessing.get_start_method(allow_none=False), chosen is not None


def dotnet_version() -> str | None:
    """The .NET SDK's version (`dotnet --version`), None when there is no SDK."""
    try:
        done = subprocess.run(
            [dotnet_build.dotnet_exe(), "--version"],
            capture_output=True,
            text=True,
            timeout=SHORT_TIMEOUT,
            check=False,
        )
    except (dotnet_build.DotnetMissing, OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout.strip() or None if done.returncode == 0 else None


def describe(time_scale: float, via: runner.Via, languages: Sequence[runner.Language]) -> str:
    """The settings a reader needs to compare two runs, for the progress bar and the title."""
    parts = [f"time scale {time_scale:g}"]
    if "dotnet" in languages:
        parts.append(f".NET via {via}")
    method, chosen = start_method()
    if chosen and "python" in languages:
        parts.append(f"start method {method}")
    return ", ".join(parts)


@dataclass
class Outcome:
    """Everything one run-all produced, finished or interrupted."""

    concepts: list[Concept]
    languages: tuple[runner.Language, ...]
    results: list[runner.Result]
    via: runner.Via
    time_scale: float
    started: datetime
    build_seconds: float
    run_seconds: float
    interrupted: bool = False
    stopped: list[tuple[str, runner.Language]] = field(default_factory=list)
    only: list[str] = field(default_factory=list)

    @classmethod
    def starting(
        cls,
        concepts: list[Concept],
        languages: tuple[runner.Language, ...],
        via: runner.Via,
        time_scale: float,
        only: list[str],
    ) -> Outcome:
        """A run-all about to start: nothing built, run or recorded yet."""
        return cls(concepts, languages, [], via, time_scale, datetime.now(UTC), 0.0, 0.0, only=only)

    @property
    def failed(self) -> list[runner.Result]:
        return [r for r in self.results if r.status == "failed"]

    def planned(self) -> list[tuple[str, runner.Language]]:
        return [(c.id, x) for c in self.concepts for x in self.languages if c.has(x)]

    def cell(self, concept: Concept, language: runner.Language) -> tuple[str, str]:
        """(a status or a LEGEND mark, seconds) for one table cell."""
        if not concept.has(language):
            return NO_IMPLEMENTATION, ""
        for r in self.results:
            if (r.id, r.language) == (concept.id, language):
                return r.status, f"{r.seconds:.2f}"
        return (STOPPED if (concept.id, language) in self.stopped else NOT_RUN), ""

    def table(self) -> object:
        """The summary table (a rich Table); `footer()` explains the marks it uses."""
        from rich.table import Table

        what = describe(self.time_scale, self.via, self.languages)
        title = f"{plural(len(self.concepts), 'concept')}: {what}"
        table = Table(title=title)
        table.add_column("concept")
        for language in self.languages:
            table.add_column(LABELS[language])
            table.add_column("s", justify="right")
        for concept in self.concepts:
            cells = [concept.id]
            for language in self.languages:
                mark, seconds = self.cell(concept, language)
                cells += [_MARKUP.get(mark, mark), seconds]
            table.add_row(*cells)
        return table

    def footer(self) -> str:
        """A legend line for each mark the table uses that is not a status; the totals line,
        then where the time went."""
        used = {self.cell(c, x)[0] for c in self.concepts for x in self.languages}
        legend = [f"{mark:>8}  {meaning}" for mark, meaning in LEGEND.items() if mark in used]
        not_finished = len(self.planned()) - len(self.results)
        timing = f"build {self.build_seconds:.1f} s, runs {self.run_seconds:.1f} s"
        return "\n".join([*legend, f"{totals(self.results, not_finished)} ({timing})"])

    def report(self) -> dict[str, object]:
        """The JSON report (README.md, "The run-all JSON report")."""
        method, chosen = start_method()
        return {
            "schema": SCHEMA,
            "started": self.started.isoformat(timespec="seconds"),
            "ok": not self.failed and not self.interrupted,
            "interrupted": self.interrupted,
            "time_scale": self.time_scale,
            "via": self.via,
            "languages": list(self.languages),
            "only": self.only,
            "environment": {
                "start_method": method,
                "start_method_from_environment": chosen,
                "python": platform.python_version(),
                "dotnet": dotnet_version() if "dotnet" in self.languages else None,
                "os": platform.platform(),
                "cores": os.cpu_count(),
            },
            "build_seconds": round(self.build_seconds, 3),
            "run_seconds": round(self.run_seconds, 3),
            "seconds": round(self.build_seconds + self.run_seconds, 3),
            "counts": {
                **{
                    s: sum(r.status == s for r in self.results) for s in ("ok", "failed", "skipped")
                },
                "not_finished": len(self.planned()) - len(self.results),
            },
            "results": [r.to_json() for r in self.results],
            "stopped": [{"id": i, "language": x} for i, x in self.stopped],
        }


SIDE_BY_SIDE_MIN_WIDTH = 140  # below this, two columns would wrap most lines: stack them


def show_side_by_side(
    concept: Concept, results: list[runner.Result], via: str, stopped: Sequence[runner.Result] = ()
) -> None:
    """Two columns on a wide terminal; stacked on a narrow one; plain text into a file or pipe."""
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


SLOWEST = 10  # runs `--profile` shows


def load_average() -> str:
    """'load average 1.02, 0.87, 0.55' (1, 5, 15 minutes), or a note where there is none."""
    if sys.platform == "win32":
        return "no load average on Windows"
    try:
        one, five, fifteen = os.getloadavg()
    except OSError:  # the system could not tell
        return "no load average"
    return f"load average {one:.2f}, {five:.2f}, {fifteen:.2f}"


def profile_lines(
    results: Iterable[runner.Result], cores: int | None, count: int = SLOWEST
) -> list[str]:
    """The `count` slowest runs, each with its phases (seconds since the run started) and its
    CPU, and the machine's load: a profile means little without it. Last, the CPU of all the
    runs, where known: no schedule finishes them in less than that over the cores."""
    results = list(results)
    slowest = sorted(results, key=lambda r: r.seconds, reverse=True)[:count]
    width = max((len(f"{r.id} ({r.language})") for r in slowest), default=0)
    lines = [f"{plural(len(slowest), 'slowest run')} ({load_average()}, {cores} cores):"]
    for r in slowest:
        phases = ", ".join(f"{name} {t:.2f}" for name, t in r.phases) or f"exit {r.seconds:.2f}"
        phases += "" if r.cpu is None else f"; CPU {r.cpu:.2f} s"
        lines.append(f"{r.seconds:6.2f} s  {f'{r.id} ({r.language})':<{width}}  {phases}")
    measured = [r.cpu for r in results if r.cpu is not None]
    if measured and cores:
        lines.append(
            f"CPU of {plural(len(measured), 'run')}: {sum(measured):.1f} s, so at least "
            f"{sum(measured) / cores:.1f} s on {cores} cores"
        )
    return lines


def run_and_show(
    outcome: Outcome,
    pairs: list[tuple[Concept, runner.Language]],
    workers: int,
    profile: bool = False,
    trace_dir: Path | None = None,
) -> None:
    """Run the pairs with a progress bar (a line per run in a log), longest first, record the
    results in the outcome and their durations for next time, then print its table, its footer,
    the slowest runs' phases when profiling, and the output of every failed run."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    console = Console(width=None if sys.stdout.isatty() else 110)

    def finished(r: runner.Result) -> None:
        progress.advance(bar)
        if (
            not console.is_terminal
        ):  # a log gets one line per run (the bar is drawn only at the end)
            console.print(f"{r.status:<8} {r.id} ({r.language}) {r.seconds:.2f} s", highlight=False)

    position = {(c.id, x): i for i, (c, x) in enumerate(pairs)}  # results keep the catalog's order
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
            f"run-all ({describe(outcome.time_scale, outcome.via, outcome.languages)})",
            total=len(pairs),
        )
        try:
            durations = runner.expected_durations()  # last time's, read once for both uses
            ordered = runner.longest_first(pairs, durations)
            done = runner.run_many(
                ordered,
                via=outcome.via,
                time_scale=outcome.time_scale,
                workers=workers,
                on_result=finished,
                profile=profile,
                trace_dir=trace_dir,
                pace=pacing.plan(runner.expected_cpu(), durations),
            )
            outcome.results = sorted(done, key=lambda r: position[(r.id, r.language)])
        except runner.Interrupted as stop:
            outcome.results, outcome.interrupted = stop.finished, True
            outcome.stopped = [(r.id, r.language) for r in stop.stopped]
    outcome.run_seconds = time.perf_counter() - started
    if outcome.time_scale == runner.RUN_ALL_TIME_SCALE:  # other scales' durations compare with none
        runner.save_durations(outcome.results)
    console.print(outcome.table())
    console.print(outcome.footer(), highlight=False)
    if profile:
        console.print(
            "\n".join(profile_lines(outcome.results, os.cpu_count())),
            highlight=False,
            soft_wrap=True,
        )
    for r in outcome.failed:
        console.print(f"[red]{r.id} ({r.language}) failed:[/]")
        console.print(r.output.rstrip()[-2000:], markup=False, highlight=False)


def write_report(outcome: Outcome, path: Path) -> str | None:
    """Write the JSON report (format in README.md); the one-line error when it cannot be written."""
    text = json.dumps(outcome.report(), indent=2, ensure_ascii=False) + "\n"
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        return f"could not write {path}: {exc.strerror}"
    return None
