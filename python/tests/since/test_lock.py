import threading

from parity.common.timing import CLOCK_TICK, SHORT_TIMEOUT
from parity.since import lock

from ..conftest import RunConcept


def test_threading_lock_is_not_reentrant() -> None:
    assert lock.enter_twice(threading.Lock()) is False


def test_rlock_is_reentrant_like_the_dotnet_lock() -> None:
    assert lock.enter_twice(threading.RLock()) is True


def test_locked_increments_are_all_kept() -> None:
    assert lock.add_all(4, 20_000) == 80_000


def test_acquire_with_a_timeout_gives_up_while_another_thread_holds_it() -> None:
    gate = threading.Lock()
    gate.acquire()
    got: list[bool] = []
    other = threading.Thread(target=lambda: got.append(gate.acquire(timeout=CLOCK_TICK)))
    other.start()
    other.join(SHORT_TIMEOUT)
    gate.release()
    assert got == [False]


def test_main_runs(run_module: RunConcept) -> None:
    result = run_module("parity.since.lock")
    assert result.returncode == 0, result.stderr
    assert "threading.Lock entered twice on one thread: False" in result.stdout
    assert "40,000" in result.stdout
