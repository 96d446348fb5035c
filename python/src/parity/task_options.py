"""The options of the invoke tasks, checked before anything is built or run: bad input gets one
line on stderr and exit 2 (`fail`), never a traceback."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

from invoke.exceptions import Exit
from invoke.tasks import Task

from parity import catalog, dotnet_build, runner
from parity.common.entry import INTERRUPTED_EXIT, environment_problem

LANG_ALIASES = {
    "py": "python",
    "python": "python",
    "dotnet": "dotnet",
    "cs": "dotnet",
    "both": "both",
}


def fail(message: str, code: int = 2) -> Exit:
    """One clear line on stderr and a non-zero exit, never a traceback."""
    return Exit(f"parity: {message}", code=code)


def languages(lang: str) -> tuple[runner.Language, ...]:
    chosen = LANG_ALIASES.get(lang.lower())
    if chosen is None:
        raise fail(f"bad --lang {lang!r}; expected py, dotnet or both")
    return runner.LANGUAGES if chosen == "both" else (chosen,)  # type: ignore[return-value]


def via(via: str) -> runner.Via:
    if via not in runner.VIAS:
        raise fail(f"bad --via {via!r}; expected cli or bridge")
    return via


def time_scale(value: str | float | None, default: float) -> float:
    try:
        scale = float(value) if value is not None else default
    except ValueError:
        raise fail(f"bad --time-scale {value!r}; expected a positive number") from None
    if not scale > 0:
        raise fail(f"bad --time-scale {value!r}; expected a positive number")
    return scale


def jobs(value: str | None) -> int:
    if value is None:
        # Most runs spend their time waiting (sleeps at the time scale, child processes, a
        # server starting), so more runs than cores overlap the waits: on 2 cores, 4 at a time
        # took 17.4 s, 8 took 15.2 to 15.6 s. With the heavy runs paced (parity.pacing), 6 take
        # as long as 8 (13.6 to 15.5 s, as fast as the machine is that minute), and the slowest
        # run took 2.4 to 2.9 s in five run-alls against 2.9 to 4.6 s with 8: with two light
        # runs a core beside the heavy one, the heavy runs keep their share of the cores.
        return max(6, 3 * (os.cpu_count() or 1))
    if not value.isdigit() or int(value) < 1:
        raise fail(f"bad --jobs {value!r}; expected a whole number of runs at a time, 1 or more")
    return int(value)


def prefixes(only: str) -> list[str]:
    """The comma-separated prefixes of `--only`, blanks dropped."""
    return [x.strip() for x in only.split(",") if x.strip()]


def select(only: str) -> list[catalog.Concept]:
    """The catalog's concepts (in its order) whose id starts with one of the comma-separated
    prefixes."""
    concepts = catalog.load().concepts
    wanted = prefixes(only) or [""]
    unmatched = [x for x in wanted if not any(c.id.startswith(x) for c in concepts)]
    if unmatched:  # bad input is refused before anything is built
        names = ", ".join(repr(x) for x in unmatched)
        raise fail(f"no concept id starts with {names}; `invoke list` shows them")
    return [c for c in concepts if any(c.id.startswith(x) for x in wanted)]


def report_path(json: str | None) -> Path | None:
    """The --json file, checked before anything runs: its folder exists and can be written."""
    if json is None:
        return None
    path = Path(json)
    folder = path.parent.resolve()
    if not json.strip() or path.is_dir():
        raise fail(f"bad --json {json!r}: expected a file name, not a folder")
    if not folder.is_dir():
        raise fail(f"bad --json {json!r}: the folder {folder} does not exist")
    if not os.access(folder, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise fail(f"bad --json {json!r}: cannot write there")
    return path


def under_load(processes: int) -> int:
    if processes < 0:
        raise fail(f"bad --under-load {processes}; expected 0 or more processes")
    return processes


def trace_dir(folder: str) -> Path | None:
    """The --trace folder (made if missing), checked before anything runs; None without one."""
    if not folder:
        return None
    path = Path(folder).resolve()
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise fail(f"bad --trace {folder!r}: {exc.strerror or exc}") from None
    if not os.access(path, os.W_OK):
        raise fail(f"bad --trace {folder!r}: cannot write there")
    return path


def check_environment() -> None:
    """PARITY_START_METHOD checked once, before anything is built (PARITY_TIME_SCALE is not
    read here: the runs get --time-scale's value instead)."""
    problem = environment_problem(time_scale=False)
    if problem is not None:
        raise fail(problem)


def concept(concept_id: str) -> catalog.Concept:
    try:
        return catalog.load().get(concept_id)
    except catalog.UnknownConcept as exc:
        raise fail(str(exc)) from None


class ShortFlagsTask(Task):  # type: ignore[type-arg]
    """A task whose short flags are chosen (`short={"jobs": "j"}`), not the first free letter of
    each option's name (which gave `-j` to --json and `-o` to --jobs)."""

    def __init__(self, *args: Any, short: dict[str, str] | None = None, **kwargs: Any) -> None:
        kwargs["auto_shortflags"] = False
        super().__init__(*args, **kwargs)
        self.short = short or {}

    def arg_opts(self, name: str, default: str, taken_names: set[str]) -> dict[str, Any]:
        opts: dict[str, Any] = super().arg_opts(name, default, taken_names)
        if name in self.short:
            opts["names"].append(self.short[name])
        return opts


def ensure_built(needed: bool = True) -> float:
    """Build .NET if stale, showing each project as it is built; returns the seconds it took."""
    if not needed:
        return 0.0
    started = time.perf_counter()
    try:
        if not dotnet_build.is_stale():
            return 0.0
        dotnet_build.build_showing_progress()
    except (dotnet_build.DotnetMissing, RuntimeError) as exc:
        raise fail(str(exc), code=1) from None
    except KeyboardInterrupt:
        raise fail("interrupted (Ctrl-C) during the .NET build", code=INTERRUPTED_EXIT) from None
    return time.perf_counter() - started
