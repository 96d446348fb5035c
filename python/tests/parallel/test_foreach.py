import asyncio
import os

from parity.common.mp import Context
from parity.common.timing import scaled
from parity.parallel import foreach

from ..conftest import RunConcept

BODY = scaled(0.5)


def test_threads_with_max_workers_two_never_exceed_two() -> None:
    assert 1 <= foreach.threads_max(8, BODY, max_workers=2) <= 2
    assert 1 <= foreach.threads_max(500, 0.0, max_workers=2) <= 2


def test_threads_default_never_exceed_the_default_max_workers() -> None:
    default = min(32, (os.cpu_count() or 1) + 4)  # ThreadPoolExecutor's rule since Python 3.8
    assert 1 <= foreach.threads_max(8, BODY) <= default


def test_processes_with_max_workers_two_never_overlap_more_than_two(mp_context: Context) -> None:
    assert 1 <= foreach.processes_max(mp_context, 6, BODY, max_workers=2) <= 2


def test_semaphore_caps_coroutines() -> None:
    # Without the gate all 8 would sleep at once; with it, exactly 2 do.
    assert asyncio.run(foreach.async_max(8, BODY, limit=2)) == 2
    assert asyncio.run(foreach.async_max(8, BODY, limit=8)) == 8


def test_main_reports_the_capped_counts(run_ok: RunConcept) -> None:
    done = run_ok("parity.parallel.foreach")
    assert "ThreadPoolExecutor(max_workers=2):      2" in done.stdout
    assert "asyncio + Semaphore(2):                 2" in done.stdout
