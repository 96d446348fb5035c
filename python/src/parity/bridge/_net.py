"""Small helpers the bridge concepts share: load on first use, TimeSpan from seconds, timing."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from typing import Any

from parity.bridge._runtime import examples, load


def bridge_types() -> Any:
    """Parity.Examples.Bridge (the C# half of this chapter); loads the CLR on first use."""
    return examples().Bridge


def timespan(seconds: float) -> Any:
    load()
    from System import TimeSpan

    return TimeSpan.FromSeconds(seconds)


def median_seconds(action: Callable[[], object], repeats: int) -> float:
    """The median wall time of `repeats` runs of `action` (one warm-up run first)."""
    action()
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        action()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)
