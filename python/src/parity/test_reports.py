"""The test suites `invoke test` runs, and how many tests passed, failed and were skipped, from
the reports they write (JUnit XML from pytest, TRX from dotnet test)."""

from __future__ import annotations

import signal
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

from parity import dotnet_build


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


def suites(folder: Path, dotnet_tests: bool = True) -> list[tuple[str, str]]:
    """(name, command) of each suite, in the order they run; each writes its report in `folder`."""
    py = sys.executable
    found = []
    if dotnet_tests:
        found.append(
            (
                "dotnet test",
                f'"{dotnet_build.dotnet_exe()}" test "{dotnet_build.SOLUTION}" --no-build -nologo '
                f'--logger "trx;LogFileName={folder / "dotnet.trx"}" '
                '--logger "console;verbosity=minimal"',
            )
        )
    pytest = f'"{py}" -m pytest -p no:cacheprovider'
    found.append(("pytest (bridge)", f'{pytest} -m bridge --junitxml="{folder / "bridge.xml"}"'))
    found.append(("pytest", f'{pytest} -m "not bridge" --junitxml="{folder / "pytest.xml"}"'))
    return found


def restore_sigint() -> None:
    """From a background job SIGINT arrives ignored, and every test program would inherit that:
    restore Python's handler, so the suites' Ctrl-C tests see what a terminal gives them."""
    if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)
