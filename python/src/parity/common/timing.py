"""The time scale: run alone, a concept keeps the article's durations; run-all and the tests
shrink them by setting PARITY_TIME_SCALE (e.g. 0.1), the same variable the .NET side reads."""

from __future__ import annotations

import math
import os

TIME_SCALE_VARIABLE = "PARITY_TIME_SCALE"


def positive_scale(variable: str) -> float:
    """A positive finite number from an environment variable; unset or blank means 1.0."""
    raw = os.environ.get(variable, "").strip()
    try:
        value = float(raw) if raw else 1.0
    except ValueError:
        value = math.nan
    if not (value > 0 and math.isfinite(value)):
        raise ValueError(f"{variable} must be a positive number, got {raw!r}")
    return value


def time_scale() -> float:
    """The current scale; unset means 1.0 (the article's own durations)."""
    return positive_scale(TIME_SCALE_VARIABLE)


def scaled(article_seconds: float) -> float:
    """An article duration in seconds, scaled for this run."""
    return article_seconds * time_scale()


# <timeouts>
# One pair of limits for every blocking call, like CPython's test.support SHORT_TIMEOUT and
# LONG_TIMEOUT. They are never how long something takes, only how long we wait before calling it
# a hang: so they are generous, and PARITY_TIMEOUT_SCALE stretches both on a slow machine
# (PARITY_TIME_SCALE, above, scales the article's durations instead).
TIMEOUT_SCALE_VARIABLE = "PARITY_TIMEOUT_SCALE"


def timeout_scale() -> float:
    """PARITY_TIMEOUT_SCALE as a number; unset means 1.0."""
    return positive_scale(TIMEOUT_SCALE_VARIABLE)


SHORT_TIMEOUT = 30.0 * timeout_scale()
"""A wait that should end almost at once: a join, a get, a recv, a child's start-up."""
LONG_TIMEOUT = 120.0 * timeout_scale()
"""A wait for a whole piece of work: a pool's batch, a run of one concept, a fresh CLR."""
POLL_INTERVAL = 0.1
"""Not a limit but a slice: how long a loop waits before it looks again at a flag (a stop
request, Ctrl-C, which a blocking wait would not see on Windows)."""
CLOCK_TICK = 0.016
"""The coarsest timer step we run on (Windows' default 15.6 ms): a wait of X seconds may be
measured as X minus one tick, so a lower bound on a measured wait allows that much."""
# </timeouts>
