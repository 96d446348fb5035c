"""Wall time for the figures concepts print (never for a test's verdict: speed is decided in the
benchmarks, as ratios measured in one run)."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable


def median_seconds(action: Callable[[], object], runs: int = 5, warm_up: bool = True) -> float:
    """The median wall time of `runs` calls of `action`, after one warm-up call unless told not to.

    The median: one call slowed by other work on the machine does not move it."""
    if runs < 1:
        raise ValueError(f"runs must be at least 1, got {runs}")
    if warm_up:
        action()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)
