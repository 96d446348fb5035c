"""The dead-letter stream, read and re-driven: what `python -m parity.scale.dead list|redrive`
does, the same as the .NET `Parity.Cli dead` (Scale/Queue/DeadLetters.cs), line for line."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import redis

from parity.scale._queue.messages import Keys, decode_task
from parity.scale._queue.redis_ops import STREAM_CAP, raw
from parity.scale._queue.report import PAGE


def _entries(r: redis.Redis, keys: Keys) -> Iterator[tuple[bytes, dict[bytes, bytes]]]:
    start: bytes | str = "-"
    while True:
        page: Any = raw(r, "XRANGE", keys.dead, start, "+", "COUNT", PAGE)
        yield from page
        if len(page) < PAGE:
            return
        start = b"(" + page[-1][0]


_FIELDS = ("deliveries", "attempt", "worker", "reason")


def line(entry_id: bytes, fields: dict[bytes, bytes]) -> str:
    """One letter: id, the task as text (0x and hex when it is not UTF-8), deliveries, attempt,
    worker, then the reason."""
    task = fields.get(b"task", b"")
    try:
        text = task.decode("utf-8")
    except UnicodeDecodeError:
        text = "0x" + task.hex()
    f = {k: fields.get(k.encode(), b"").decode("utf-8", "replace") for k in _FIELDS}
    return (
        f"{entry_id.decode('ascii')} task={text} deliveries={f['deliveries']}"
        f" attempt={f['attempt']} worker={f['worker']} reason: {f['reason']}"
    )


def list_lines(r: redis.Redis, keys: Keys) -> list[str]:
    return [line(entry_id, fields) for entry_id, fields in _entries(r, keys)]


def redrive(r: redis.Redis, keys: Keys, ids: list[str]) -> tuple[int, list[str]]:
    """Put the named letters (every letter when none is named) back on the task stream as fresh
    tasks, each in one MULTI with its XDEL from the dead-letter stream; a run's record of the
    letter goes too, so its submitter counts the task again. Returns how many moved and the ids
    not found (or whose task is gone: trimmed while pending)."""
    missing: list[str] = []
    entries: list[tuple[bytes, dict[bytes, bytes]]] = []
    if not ids:
        entries = list(_entries(r, keys))
    for wanted in ids:
        found: Any = raw(r, "XRANGE", keys.dead, wanted, wanted, "COUNT", 1)
        if not found:
            missing.append(wanted)
        entries += found
    moved = 0
    for entry_id, fields in entries:
        task = fields.get(b"task", b"")
        if not task:
            missing.append(entry_id.decode("ascii"))
            continue
        with r.pipeline(transaction=True) as tx:
            tx.xadd(keys.tasks, {"task": task}, maxlen=STREAM_CAP)
            tx.xdel(keys.dead, entry_id)
            try:
                parsed = decode_task(task.decode("utf-8"))
                tx.hdel(keys.dead_in_run(parsed.run), str(parsed.seq))
            except ValueError:
                pass  # not a task message: it goes back as it is, and will be dead-lettered again
            tx.execute()
        moved += 1
    return moved, missing
