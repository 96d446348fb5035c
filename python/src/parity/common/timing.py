"""The time scale: run alone, a concept keeps the article's durations; run-all and the tests
shrink them by setting PARITY_TIME_SCALE (e.g. 0.1), the same variable the .NET side reads."""

from __future__ import annotations

import math
import os

TIME_SCALE_VARIABLE = "PARITY_TIME_SCALE"


def time_scale() -> float:
    """The current scale; unset means 1.0 (the article's own durations)."""
    raw = os.environ.get(TIME_SCALE_VARIABLE, "").strip()
    if not raw:
        return 1.0
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not (value > 0 and math.isfinite(value)):
        raise ValueError(f"{TIME_SCALE_VARIABLE} must be a positive number, got {raw!r}")
    return value


def scaled(article_seconds: float) -> float:
    """An article duration in seconds, scaled for this run."""
    return article_seconds * time_scale()
