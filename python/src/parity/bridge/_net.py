"""Small helpers the bridge concepts share: load on first use, TimeSpan from seconds, timing."""

from __future__ import annotations

from typing import Any

from parity.bridge._runtime import examples, load


def bridge_types() -> Any:
    """Parity.Examples.Bridge (the C# half of this chapter); loads the CLR on first use."""
    return examples().Bridge


def timespan(seconds: float) -> Any:
    load()
    from System import TimeSpan

    return TimeSpan.FromSeconds(seconds)
