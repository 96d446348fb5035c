"""The test suites `invoke test` runs, side by side, and how many tests passed, failed and were
skipped, from the reports they write (JUnit XML from pytest, TRX from dotnet test).

Most of a test's time is spent waiting for the programs it starts (a pytest process keeps about
40% of one core busy), so the suites run at once: the linters, dotnet test, the bridge tests, and
pytest split into shards of about equal length by how long each test file took last time.
"""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from parity import dotnet_build, runner, timings
from parity.paths import PYTHON_DIR

# pytest processes at once: with the other suites, about two cores of work (4 measured slower).
SHARDS = 3


def junit_counts(path: Path) -> tuple[int, int, int]:
    """(passed, failed, skipped) from a JUnit XML report."""
    root = ET.parse(path).getroot()
    suites = [root] if root.tag == "testsuite" else list(root)
    tests = sum(int(s.get("tests", 0)) for s in suites)
    failed = sum(int(s.get("failures", 0)) + int(s.get("errors", 0)) for s in suites)
    skipped = sum(int(s.get("skipped", 0)) for s in suites)
    return tests - failed - skipped, failed, skipped


def trx_counts(path: Path) -> tuple[int, int, int]:
    ns = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}
    counters = ET.parse(path).getroot().find("t:ResultSummary/t:Counters", ns)
    if counters is None:
        return 0, 0, 0
    total, passed = int(counters.get("total", 0)), int(counters.get("passed", 0))
    failed = int(counters.get("failed", 0)) + int(counters.get("error", 0))
    return passed, failed, total - passed - failed


def totals(folder: Path) -> tuple[int, int, int]:
    """(passed, failed, skipped) over every report in the folder (other files, such as
    run-all's durations, are not reports)."""
    passed = failed = skipped = 0
    for report in (x for x in folder.iterdir() if x.suffix in (".trx", ".xml")):
        counts = trx_counts(report) if report.suffix == ".trx" else junit_counts(report)
        passed, failed, skipped = passed + counts[0], failed + counts[1], skipped + counts[2]
    return passed, failed, skipped


@dataclass(frozen=True)
class Suite:
    name: str
    commands: list[str]  # run one after another, from PYTHON_DIR; the first failure ends it
    alone: bool = False  # after the suites that run side by side, not beside them


def lint_commands() -> list[str]:
    """ruff, mypy for every platform from any one, dotnet format, and a Release build (Debug is
    what `invoke build` makes; Release, BenchmarkDotNet's, must not rot unseen)."""
    py, exe = sys.executable, dotnet_build.dotnet_exe()
    return [
        f'"{py}" -m ruff check src tests ../tasks.py ../dev.py',
        f'"{py}" -m ruff format --check src tests ../tasks.py ../dev.py',
        *(f'"{py}" -m mypy --platform {platform}' for platform in ("linux", "win32", "darwin")),
        f'"{exe}" format "{dotnet_build.SOLUTION}" --verify-no-changes',
        f'"{exe}" build "{dotnet_build.SOLUTION}" -c Release -nologo -v quiet',
    ]


def file_seconds(folder: Path) -> dict[str, float]:
    """How long each test file took in the pytest reports left in `folder` (none: empty)."""
    seconds: dict[str, float] = {}
    for report in folder.glob("pytest*.xml") if folder.is_dir() else []:
        for case in ET.parse(report).getroot().iter("testcase"):
            path = (case.get("classname") or "").replace(".", "/") + ".py"
            seconds[path] = seconds.get(path, 0.0) + float(case.get("time") or 0)
    return seconds


def closing_line(folder: Path, seconds: float) -> str:
    """The line that ends `invoke test`: every suite's counts together, and the time it took."""
    passed, failed, skipped = totals(folder)
    minutes, rest = divmod(round(seconds), 60)
    return f"all: {passed} passed, {failed} failed, {skipped} skipped in {minutes} min {rest} s"


def clear(folder: Path) -> None:
    """Make `folder` ready for a new run's reports: the last run's go (their times were read
    first); what else lives there, run-all's durations and CPU seconds, stays."""
    folder.mkdir(exist_ok=True)
    for item in folder.iterdir():
        if item in (runner.DURATIONS, runner.cpu_path(runner.DURATIONS)):
            continue
        if item.is_dir():
            shutil.rmtree(item, ignore_errors=True)
        else:
            item.unlink(missing_ok=True)


def last_seconds(folder: Path) -> dict[str, float]:
    """file_seconds() of the last run, else (a fresh clone) those kept in python/timings.json."""
    return file_seconds(folder) or timings.test_files()


def shards(files: list[str], seconds: dict[str, float], count: int) -> list[list[str]]:
    """`files` in `count` groups of about equal length: the longest first, each to the group
    with the least so far. A file never timed counts as long as the median one."""
    known = sorted(seconds.values())
    typical = known[len(known) // 2] if known else 1.0
    groups: list[tuple[float, list[str]]] = [(0.0, []) for _ in range(count)]
    for name in sorted(files, key=lambda f: (-seconds.get(f, typical), f)):
        least = min(range(count), key=lambda i: groups[i][0])
        total, members = groups[least]
        groups[least] = (total + seconds.get(name, typical), [*members, name])
    return [sorted(members) for _total, members in groups if members]


def suites(
    folder: Path, seconds: dict[str, float], dotnet_tests: bool = True, lint: bool = True
) -> list[Suite]:
    """Every suite `invoke test` runs; each writes its report in `folder`."""
    found = [Suite("lint", lint_commands())] if lint else []
    if dotnet_tests:
        command = (
            f'"{dotnet_build.dotnet_exe()}" test "{dotnet_build.SOLUTION}" --no-build -nologo '
            f'--logger "trx;LogFileName={folder / "dotnet.trx"}" '
            '--logger "console;verbosity=minimal"'
        )
        found.append(Suite("dotnet test", [command]))
    pytest = f'"{sys.executable}" -m pytest -p no:cacheprovider'
    found.append(
        Suite("pytest (bridge)", [f'{pytest} -m bridge --junitxml="{folder / "bridge.xml"}"'])
    )
    files = sorted(
        str(p.relative_to(PYTHON_DIR)).replace("\\", "/")
        for p in (PYTHON_DIR / "tests").rglob("test_*.py")
    )
    marks = '-m "not bridge and not serial"'
    for i, group in enumerate(shards(files, seconds, SHARDS), start=1):
        report = folder / f"pytest-{i}.xml"
        command = f'{pytest} {marks} --junitxml="{report}" ' + " ".join(group)
        found.append(Suite(f"pytest {i}/{SHARDS}", [command]))
    serial = f'{pytest} -m "serial and not bridge" --junitxml="{folder / "pytest-serial.xml"}"'
    found.append(Suite("pytest (serial)", [serial], alone=True))
    return found


def run(suites: list[Suite], folder: Path, say: Callable[[str], None] = print) -> list[str]:
    """Runs the suites at once, each one's output into folder/<name>.log; says each one's end
    (with the tail of its log when it failed) and returns the names of those that failed."""

    def one(suite: Suite) -> bool:
        log = folder / (suite.name.replace(" ", "-").replace("/", "-").strip("()") + ".log")
        started = time.monotonic()
        with log.open("w", encoding="utf-8") as out:
            ok = all(
                subprocess.run(
                    command,
                    check=False,
                    shell=True,
                    cwd=PYTHON_DIR,
                    stdout=out,
                    stderr=subprocess.STDOUT,
                ).returncode
                == 0
                for command in suite.commands
            )
        text = log.read_text(encoding="utf-8", errors="replace").splitlines()
        last = next((line for line in reversed(text) if line.strip()), "").strip("= ")
        seconds = time.monotonic() - started
        say(f"== {suite.name}: {'ok' if ok else 'FAILED'} in {seconds:.0f} s  {last}")
        if not ok:
            say("\n".join(text[-80:]))
        return ok

    together = [s for s in suites if not s.alone]
    with ThreadPoolExecutor(max_workers=max(1, len(together))) as pool:
        results = dict(zip((s.name for s in together), pool.map(one, together), strict=True))
    results |= {s.name: one(s) for s in suites if s.alone}
    return [s.name for s in suites if not results[s.name]]


def restore_sigint() -> None:
    """From a background job SIGINT arrives ignored, and every test program would inherit that:
    restore Python's handler, so the suites' Ctrl-C tests see what a terminal gives them."""
    if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)
