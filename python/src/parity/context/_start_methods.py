"""context.start-methods' support: run code in a fresh interpreter, time whole programs, and the
table of default start methods the tests check the interpreter against."""

from __future__ import annotations

import statistics
import subprocess
import sys
import textwrap
import time
from dataclasses import dataclass

from parity.common.timing import SHORT_TIMEOUT


def fresh(code: str) -> str:
    """Run `code` in a fresh interpreter (never in ours: the default can be set only once)."""
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=SHORT_TIMEOUT,
        check=True,
    )
    return done.stdout


@dataclass(frozen=True)
class ProgramTiming:
    setup: str
    median_seconds: float
    answer: str


def time_programs(program: str, setups: dict[str, str], runs: int = 3) -> list[ProgramTiming]:
    """Run `program` with each setup `runs` times in fresh interpreters, interleaved so that load
    hits all alike; the median wall time of each and what it printed."""
    times: dict[str, list[float]] = {name: [] for name in setups}
    answers: dict[str, str] = {}
    for _ in range(runs):
        for name, setup in setups.items():
            began = time.perf_counter()
            answers[name] = fresh(program.replace("{setup}", setup)).strip()
            times[name].append(time.perf_counter() - began)
    return [ProgramTiming(name, statistics.median(times[name]), answers[name]) for name in setups]


def expected_default(platform: str, version: tuple[int, int]) -> str:
    """The default start method of CPython `version` on `platform` (sys.platform)."""
    if platform == "win32":
        return "spawn"
    if platform == "darwin":
        return "spawn" if version >= (3, 8) else "fork"
    return "forkserver" if version >= (3, 14) else "fork"
