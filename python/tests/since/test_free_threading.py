import json
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from parity.common.timing import SHORT_TIMEOUT
from parity.since import free_threading
from parity.since.free_threading import Counter

from ..conftest import START_METHODS, RunConcept


@pytest.mark.skipif(
    not hasattr(sys, "_is_gil_enabled") or sys._is_gil_enabled(),
    reason="needs a free-threaded build with the GIL off (python3.13t or later)",
)
def test_without_the_gil_two_threads_run_python_code_at_the_same_moment() -> None:
    # Each thread spins in pure Python until it sees the other's flag. With a GIL and a switch
    # interval longer than the wait, the first to spin would hold the GIL and the other could
    # never set its flag: each spin would end at its deadline, False. Without the GIL both
    # run at once and each sees the other.
    inside = [threading.Event(), threading.Event()]
    met = [False, False]

    def work(me: int) -> None:
        inside[me].set()
        deadline = time.monotonic() + SHORT_TIMEOUT
        while time.monotonic() < deadline:  # pure Python: never gives a GIL up by itself
            if inside[1 - me].is_set():
                met[me] = True
                return

    interval = sys.getswitchinterval()
    sys.setswitchinterval(SHORT_TIMEOUT * 10)
    try:
        threads = [threading.Thread(target=work, args=(me,)) for me in (0, 1)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(SHORT_TIMEOUT * 2)
    finally:
        sys.setswitchinterval(interval)
    assert met == [True, True]


def test_threads_compute_the_same_as_one_thread() -> None:
    with ThreadPoolExecutor(4) as pool:
        assert list(pool.map(free_threading.spin, [1000] * 4)) == [free_threading.spin(1000)] * 4


class PausingCounter(Counter):
    """A counter whose every read runs `pause` after reading, before the caller writes."""

    def __init__(self, pause: Callable[[], object]) -> None:
        self.pause = pause
        super().__init__()

    @property
    def value(self) -> int:
        seen = self.kept
        self.pause()
        return seen

    @value.setter
    def value(self, new: int) -> None:
        self.kept = new


def test_a_read_between_another_threads_read_and_write_loses_an_update() -> None:
    both_read = threading.Barrier(2, timeout=SHORT_TIMEOUT)
    counter = PausingCounter(both_read.wait)
    threads = [threading.Thread(target=counter.add_unlocked) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(SHORT_TIMEOUT)
    assert counter.kept == 1  # two increments, one kept: on every build, GIL or not


def test_the_lock_makes_the_second_thread_wait_for_the_first_write() -> None:
    first_inside, go = threading.Event(), threading.Event()

    def pause() -> None:
        first_inside.set()
        assert go.wait(SHORT_TIMEOUT)  # the second thread's read passes once go is set

    counter = PausingCounter(pause)
    first = threading.Thread(target=counter.add_locked)
    first.start()
    assert first_inside.wait(SHORT_TIMEOUT)
    # The second thread cannot read now: the first holds the lock between its read and write.
    assert not counter.lock.acquire(blocking=False)
    second = threading.Thread(target=counter.add_locked)
    second.start()
    go.set()
    first.join(SHORT_TIMEOUT)
    second.join(SHORT_TIMEOUT)
    assert counter.kept == 2


def test_main_runs(run_module: RunConcept) -> None:
    result = run_module("parity.since.free_threading")
    assert result.returncode == 0, result.stderr
    assert "add_locked: 200,000 of 200,000 increments kept" in result.stdout
    gil = sys.version_info < (3, 13) or sys._is_gil_enabled()  # no free-threaded build before 3.13
    assert f"{'GIL' if gil else 'free-threaded'} build" in result.stdout


RECORDED = Path(__file__).parents[3] / "comparisons" / "benchmarks" / "free-threading.json"


def _medians() -> dict[str, float]:
    rows = json.loads(RECORDED.read_text(encoding="utf-8"))["rows"]
    return {name: row["median"] for name, row in rows.items()}


def test_the_recorded_run_shows_threads_scaling_only_without_the_gil() -> None:
    m = _medians()
    speed_up = {
        build: m[f"{build}:free-threading.sequential"] / m[f"{build}:free-threading.threads"]
        for build in ("py313", "py313t")
    }
    assert speed_up["py313t"] >= 1.5  # two threads on two cores, no GIL
    assert speed_up["py313"] < 1.2  # one GIL: two threads take turns


def test_the_chapter_table_shows_the_recorded_medians() -> None:
    catalog = Path(__file__).parents[3] / "comparisons" / "catalog"
    intro = (catalog / "since.toml").read_text(encoding="utf-8")
    m = _medians()
    for build in ("py313", "py313t"):
        one = m[f"{build}:free-threading.sequential"]
        cells = [f"{one * 1000:.0f} ms"] + [
            f"{m[f'{build}:free-threading.{kind}'] * 1000:.0f} ms "
            f"(x{one / m[f'{build}:free-threading.{kind}']:.2f})"
            for kind in ("threads", "process-pool-executor")
        ]
        assert " | ".join(cells) in intro, (build, cells)


@pytest.mark.parametrize("method", START_METHODS)
def test_main_runs_under_every_start_method(run_module: RunConcept, method: str) -> None:
    result = run_module("parity.since.free_threading", start_method=method)
    assert result.returncode == 0, result.stderr
    assert "processes" in result.stdout
