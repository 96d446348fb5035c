"""What the submitter reads back: every result of its run, counted once, with its progress while
it waits and, for a task still missing at the end, whether it is slow or lost."""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import redis

from parity.common.timing import POLL_INTERVAL
from parity.scale._queue.messages import Keys, Result, decode_result, decode_task, report_line

PROGRESS_S = 1.0  # at most one progress line a second
PAGE = 1000  # HSCAN and XRANGE page size: a large run is never read in one reply


@dataclass
class Report:
    tasks: int
    results: dict[int, Result] = field(default_factory=dict)
    duplicates: int = 0
    dead: int = 0
    bad: int = 0  # results that do not decode or belong to another task
    lost: int = 0  # missing tasks found nowhere in Redis: not queued, not running, not retrying

    @property
    def missing(self) -> int:
        return self.tasks - len(self.results)

    @property
    def ok(self) -> bool:
        """Every task has exactly one (correct) result."""
        return self.missing == 0 and self.bad == 0 and self.dead == 0

    def line(self) -> str:
        finished = [(r.lang, r.worker) for r in self.results.values()]
        return report_line(self.tasks, finished, self.duplicates, self.dead, self.lost)


def new_run_id() -> str:
    return f"{datetime.now(UTC):%Y%m%d-%H%M%S}-{secrets.token_hex(3)}"


def dead_only(r: redis.Redis, keys: Keys, run: str) -> list[str]:
    """The tasks of `run` dead-lettered without a result: a task can have both when a worker
    dead-lettered it while another finished it, and then it counts as finished, once."""
    dead = [str(seq) for seq, _ in r.hscan_iter(keys.dead_in_run(run), count=PAGE)]
    found: list[Any] = []
    for start in range(0, len(dead), PAGE):
        found += r.hmget(keys.results(run), dead[start : start + PAGE])
    return [seq for seq, result in zip(dead, found, strict=True) if result is None]


def progress_line(r: redis.Redis, keys: Keys, run: str, count: int) -> str:
    """Done and dead for this run; in flight, waiting and retrying for the whole queue."""
    done, dead = int(r.hlen(keys.results(run))), len(dead_only(r, keys, run))
    in_flight = int(r.xpending(keys.tasks, keys.group)["pending"])
    waiting = int(r.xlen(keys.tasks)) - in_flight
    retrying = int(r.zcard(keys.retry))
    return (
        f"progress: done={done}/{count} dead={dead} queue: in-flight={in_flight} "
        f"waiting={waiting} retrying={retrying}"
    )


def where_tasks_are(r: redis.Redis, keys: Keys, run: str) -> set[int]:
    """The seqs of `run` still in the stream (waiting or in flight) or waiting for a retry."""
    found: set[int] = set()
    start = "-"
    while True:
        page: Any = r.xrange(keys.tasks, start, "+", count=PAGE)
        for _entry_id, fields in page:
            found |= _seq_of(fields.get("task", ""), run)
        if len(page) < PAGE:
            break
        start = "(" + page[-1][0]
    for member in r.zrange(keys.retry, 0, -1):
        found |= _seq_of(str(member).partition(" ")[2], run)
    return found


def _seq_of(raw: str, run: str) -> set[int]:
    try:
        task = decode_task(raw)
    except ValueError:
        return set()
    return {task.seq} if task.run == run else set()


def collect(
    r: redis.Redis,
    run: str,
    count: int,
    *,
    keys: Keys,
    timeout: float,
    progress: Callable[[str], None] | None = None,
) -> Report:
    """Wait until every task has a result or a dead letter (or the timeout), then read them."""
    deadline, last, shown = time.monotonic() + timeout, "", 0.0
    while True:
        finished = int(r.hlen(keys.results(run))) + len(dead_only(r, keys, run))
        if finished >= count or time.monotonic() >= deadline:
            break
        if progress is not None and time.monotonic() - shown >= PROGRESS_S:
            line = progress_line(r, keys, run, count)
            if line != last:
                progress(line)
                last, shown = line, time.monotonic()
        time.sleep(POLL_INTERVAL)
    report = Report(count)
    for seq, raw in r.hscan_iter(keys.results(run), count=PAGE):
        try:
            result = decode_result(raw)
        except ValueError:
            report.bad += 1
            continue
        if result.run != run or str(result.seq) != str(seq) or result.n != result.seq:
            report.bad += 1
            continue
        report.results[result.seq] = result
    for _seq, extra in r.hscan_iter(keys.duplicates(run), count=PAGE):
        report.duplicates += int(extra)
    report.dead = len(dead_only(r, keys, run))
    if report.missing:
        report.lost = _lost(r, keys, run, report)
    r.delete(keys.results(run), keys.duplicates(run), keys.dead_in_run(run))
    return report


def _lost(r: redis.Redis, keys: Keys, run: str, report: Report) -> int:
    """Missing tasks that are nowhere: looked for twice, since a task moving from the retry set
    to the stream between two reads would be missed by one look."""
    dead = {int(seq) for seq in dead_only(r, keys, run)}
    missing = set(range(report.tasks)) - set(report.results) - dead
    for _ in range(2):
        missing -= where_tasks_are(r, keys, run)
    return len(missing)
