"""further.reactive's support: the demo's sources and how it prints a timestamped stream."""

from __future__ import annotations

from collections.abc import AsyncIterator

END = None  # the completion marker of a timestamped stream: (at_ms, END)

Timed = tuple[int, int | None]


async def timed(events: list[Timed]) -> AsyncIterator[Timed]:
    for event in events:
        yield event


async def stream(values: list[int], fail_after: bool = False) -> AsyncIterator[int]:
    for value in values:
        yield value
    if fail_after:
        raise RuntimeError("b failed")


def show(events: list[Timed]) -> str:
    return " ".join(f"completed@{at}" if value is END else f"{value}@{at}" for at, value in events)
