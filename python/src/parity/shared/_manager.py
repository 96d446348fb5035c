"""shared.manager's support: the Manager and Pool the demos share, a forced order, a timing."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from multiprocessing.managers import SyncManager
from multiprocessing.pool import Pool
from typing import Any

from parity.common.mp import Context
from parity.common.timing import SHORT_TIMEOUT

Proxy = Any  # DictProxy / ListProxy / a lock proxy: dynamic classes typeshed cannot describe
Snapshot = tuple[dict[Any, Any], list[Any]]
Writer = Callable[[Proxy, Proxy], None]
Reader = Callable[[Proxy, Proxy], Snapshot]


@dataclass(frozen=True)
class Setup:
    """One Manager and one two-worker Pool the demos share (each would cost a process start)."""

    ctx: Context
    manager: SyncManager
    pool: Pool


@contextlib.contextmanager
def setup(ctx: Context) -> Iterator[Setup]:
    with ctx.Manager() as manager, ctx.Pool(2) as pool:
        yield Setup(ctx, manager, pool)


def _write_after(write: Writer, d: Proxy, items: Proxy, reader_done: Proxy) -> None:
    if not reader_done.wait(SHORT_TIMEOUT):
        raise TimeoutError("the reader never finished")
    write(d, items)


def _read_then_signal(read: Reader, d: Proxy, items: Proxy, reader_done: Proxy) -> Snapshot:
    try:
        return read(d, items)
    finally:
        reader_done.set()


def reader_first(s: Setup, write: Writer, read: Reader) -> Snapshot:
    """Force the order the article's listing allows too: the reader runs before the writer."""
    d, items, reader_done = s.manager.dict(), s.manager.list(range(10)), s.manager.Event()
    # The pool has 2 workers: the writer waits in one while the reader runs in the other.
    writing = s.pool.apply_async(_write_after, (write, d, items, reader_done))
    seen = s.pool.apply_async(_read_then_signal, (read, d, items, reader_done)).get(SHORT_TIMEOUT)
    writing.get(SHORT_TIMEOUT)
    return seen


def seconds_per_read(s: Setup, reads: int = 2000) -> tuple[float, float]:
    """(shared-memory Value, Manager Value): the average time of one read of .value."""

    def timed(read_value: Callable[[], object]) -> float:
        start = time.perf_counter()
        for _ in range(reads):
            read_value()
        return (time.perf_counter() - start) / reads

    shared, proxied = s.ctx.Value("i", 0), s.manager.Value("i", 0)
    return timed(lambda: shared.value), timed(lambda: proxied.value)
