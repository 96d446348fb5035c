"""How long each run and each test file took, kept in the repository for a fresh clone.

`invoke run-all` starts the longest runs first and paces the ones that used the most CPU
(parity.pacing), and `invoke test` splits pytest into shards of about equal length, all by what
things took last time (in .reports/). A fresh clone has no
last time: it reads python/timings.json instead, written on a quiet machine by
`python -m parity.timings` after an `invoke run-all` and an `invoke test`. Without it, CI's first
`invoke test` ran one shard 100 s longer than another.
"""

from __future__ import annotations

import json
import sys

from parity.common import entry
from parity.paths import REPORTS, TIMINGS


def _load(key: str) -> dict[str, float]:
    try:
        found = json.loads(TIMINGS.read_text(encoding="utf-8")).get(key, {})
    except (OSError, ValueError, AttributeError):
        return {}  # a guess for the order only: never worth failing for
    return {str(k): float(v) for k, v in found.items() if isinstance(v, int | float)}


def runs() -> dict[str, float]:
    """Seconds per run ("id language"), as runner.load_durations() gives them."""
    return _load("runs")


def run_cpu() -> dict[str, float]:
    """CPU seconds per run, as runner.load_cpu() gives them (none from Windows)."""
    return _load("run_cpu")


def test_files() -> dict[str, float]:
    """Seconds per pytest file (tests/...py), as test_reports.file_seconds() gives them."""
    return _load("test_files")


def main() -> None:
    from parity import runner, test_reports  # they read this module

    found = {
        "runs": runner.load_durations(),
        "run_cpu": runner.load_cpu(),
        "test_files": test_reports.file_seconds(REPORTS),
    }
    missing = [key for key, values in found.items() if not values]
    if missing:
        sys.exit(
            f"parity: nothing measured yet for {', '.join(missing)}: run `invoke run-all` "
            "and `invoke test` first"
        )
    rounded = {
        key: {k: round(v, 2) for k, v in sorted(values.items())} for key, values in found.items()
    }
    TIMINGS.write_text(json.dumps(rounded, indent=1) + "\n", encoding="utf-8")
    print(
        f"wrote {TIMINGS.relative_to(TIMINGS.parents[1])}: {len(found['runs'])} runs, "
        f"{len(found['test_files'])} test files"
    )


if __name__ == "__main__":
    entry.run(main)
