import multiprocessing
import multiprocessing.pool
import multiprocessing.util
import os
import pickle
import re
import sys
import threading
import time
from multiprocessing.synchronize import Barrier

import psutil
import pytest

from parity.common.mp import Context
from parity.common.process_group import close_pool
from parity.common.timing import SHORT_TIMEOUT
from parity.pool import apply_async

from ..conftest import RunConcept, python_c

_barrier: Barrier


def _install(barrier: Barrier) -> None:
    global _barrier
    _barrier = barrier


def _meet(_: int) -> int:
    """Wait until as many tasks as the barrier has parties run at the same time."""
    return _barrier.wait()


def test_ten_tasks_run_on_at_most_five_workers(mp_context: Context) -> None:
    results, peak = apply_async.run_tasks(mp_context, processes=5, tasks=10)
    assert [name for name, _ in results] == list(range(10))
    assert 1 <= len({pid for _, pid in results}) <= 5
    assert 1 <= peak <= 5
    assert os.getpid() not in {pid for _, pid in results}


_task = apply_async.task  # the real one, before the test below patches it


def _task_then_hang_at_exit(name: int, seconds: float) -> tuple[int, int, float, float]:
    # A worker that never finishes exiting: a bare Pool.join() would wait for it forever.
    multiprocessing.util.Finalize(None, time.sleep, args=(1000,), exitpriority=10)
    return _task(name, seconds)


def test_a_worker_stuck_at_exit_does_not_hang_the_run(
    mp_context: Context, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(apply_async, "task", _task_then_hang_at_exit)
    monkeypatch.setattr(apply_async, "close_pool", lambda pool, _: close_pool(pool, 0.5))
    results, _ = apply_async.run_tasks(mp_context, processes=2, tasks=4)
    assert [name for name, _ in results] == [0, 1, 2, 3]  # every result, then terminate()


def test_five_workers_do_run_five_tasks_at_once(mp_context: Context) -> None:
    with mp_context.Pool(
        5, initializer=_install, initargs=(mp_context.Barrier(5, timeout=SHORT_TIMEOUT),)
    ) as pool:
        arrivals = pool.map_async(_meet, range(5)).get(timeout=SHORT_TIMEOUT)
    assert sorted(arrivals) == [0, 1, 2, 3, 4]  # all five were inside wait() together


def test_a_sixth_task_never_runs_beside_five(mp_context: Context) -> None:
    # Six parties can only meet if six tasks run at once: with five workers the barrier breaks.
    barrier = mp_context.Barrier(6, timeout=1.0)
    with mp_context.Pool(5, initializer=_install, initargs=(barrier,)) as pool:
        pending = pool.map_async(_meet, range(6))
        with pytest.raises(threading.BrokenBarrierError):
            pending.get(timeout=SHORT_TIMEOUT)


def test_join_before_close_raises_value_error(mp_context: Context) -> None:
    pool = mp_context.Pool(1)
    try:
        with pytest.raises(ValueError, match=r"^Pool is still running$"):
            pool.join()
    finally:
        pool.terminate()
        pool.join()


def test_no_task_can_be_added_after_close(mp_context: Context) -> None:
    pool = mp_context.Pool(1)
    pool.close()
    try:
        with pytest.raises(ValueError, match=r"^Pool not running$"):
            pool.apply_async(abs, (-1,))
    finally:
        pool.join()


def test_pool_join_takes_no_timeout(mp_context: Context) -> None:
    pool = mp_context.Pool(1)
    pool.close()
    try:
        with pytest.raises(
            TypeError, match=r"join\(\) takes 1 positional argument but 2 were given"
        ):
            pool.join(1)  # type: ignore[call-arg]
    finally:
        pool.join()


def test_apply_async_returns_at_once_and_apply_waits(mp_context: Context) -> None:
    with mp_context.Pool(1) as pool:
        assert pool.apply(pow, (2, 10)) == 1024  # synchronous: the value itself
        pending = pool.apply_async(time.sleep, (SHORT_TIMEOUT,))
        assert not pending.ready()  # the 30 s task is still running; leaving `with` terminates it


def test_default_size_is_the_logical_cpu_count(mp_context: Context) -> None:
    pool = mp_context.Pool()
    try:
        # What Pool() uses when processes is None: os.process_cpu_count() from 3.13
        expected = getattr(os, "process_cpu_count", os.cpu_count)()
        assert pool._processes == expected  # type: ignore[attr-defined]
        if sys.version_info < (3, 13):
            assert pool._processes == os.cpu_count() == psutil.cpu_count(logical=True)  # type: ignore[attr-defined]
    finally:
        pool.terminate()
        pool.join()


_AFFINITY_SCRIPT = """
import os, multiprocessing
os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
pool = multiprocessing.get_context("spawn").Pool()
print(pool._processes, flush=True)
pool.terminate(); pool.join()
"""


@pytest.mark.skipif(
    not hasattr(os, "sched_setaffinity") or (os.cpu_count() or 1) < 2,
    reason="needs Linux and 2+ CPUs",
)
def test_default_size_ignores_cpu_affinity_before_3_13() -> None:
    result = python_c(_AFFINITY_SCRIPT, check=True)
    expected = 1 if sys.version_info >= (3, 13) else os.cpu_count()  # 3.13: os.process_cpu_count()
    assert int(result.stdout) == expected


def test_a_pool_cannot_be_handed_to_another_process(mp_context: Context) -> None:
    with (
        mp_context.Pool(1) as pool,
        pytest.raises(NotImplementedError, match="pool objects cannot be passed between processes"),
    ):
        pickle.dumps(pool)


def _try_to_start_a_child(_: int) -> tuple[bool, str]:
    me = multiprocessing.current_process()
    try:
        multiprocessing.Process(target=print).start()
    except AssertionError as exc:
        return me.daemon, str(exc)
    return me.daemon, "started"


def test_workers_are_daemons_and_cannot_have_children(mp_context: Context) -> None:
    with mp_context.Pool(1) as pool:
        daemon, outcome = pool.apply_async(_try_to_start_a_child, (0,)).get(timeout=SHORT_TIMEOUT)
    assert daemon is True
    assert outcome == "daemonic processes are not allowed to have children"


_ABANDON_SCRIPT = """
import os
from parity.common.mp import context
pool = context().Pool(2)
print(*{pool.apply_async(os.getpid).get(30) for _ in range(8)}, flush=True)
# No close(), no join(): the interpreter's exit handlers terminate the daemonic workers.
"""


def test_workers_end_with_the_parent(mp_context: Context) -> None:
    env = {**os.environ, "PARITY_START_METHOD": mp_context.get_start_method()}
    result = python_c(_ABANDON_SCRIPT, env=env)
    assert result.returncode == 0, result.stderr
    pids = [int(p) for p in result.stdout.split()]
    assert pids
    for pid in pids:
        assert not psutil.pid_exists(pid) or psutil.Process(pid).status() == psutil.STATUS_ZOMBIE


def test_run_module_prints_ten_tasks(run_ok: RunConcept, mp_context: Context) -> None:
    result = run_ok("parity.pool.apply_async", start_method=mp_context.get_start_method())
    assert sorted(int(n) for n in re.findall(r"\[task (\d+)\]", result.stdout)) == list(range(10))
    assert result.stdout.rstrip().endswith("over")


def test_apply_async_on_a_closed_pool_raises_pool_not_running(mp_context: Context) -> None:
    pool = mp_context.Pool(1)
    pool.close()
    try:
        with pytest.raises(ValueError, match="Pool not running"):
            pool.apply_async(pow, (2, 3))
    finally:
        pool.join()


def _pid_and_name(_: int) -> tuple[int, str]:
    return os.getpid(), multiprocessing.current_process().name


def test_maxtasksperchild_replaces_each_worker_after_its_tasks(mp_context: Context) -> None:
    # One worker, one task each: the pool tops itself up after every exit, so three tasks meet
    # three different workers, and the pool is back at its size after each.
    with mp_context.Pool(1, maxtasksperchild=1) as pool:
        seen = [pool.apply_async(_pid_and_name, (n,)).get(SHORT_TIMEOUT) for n in range(3)]
    assert len({pid for pid, _ in seen}) == 3


def test_workers_are_named_pool_worker_after_the_context_they_come_from() -> None:
    prefix = {
        "fork": "ForkPoolWorker",
        "spawn": "SpawnPoolWorker",
        "forkserver": "ForkServerPoolWorker",
    }
    for name in multiprocessing.get_all_start_methods():
        # context= picks the start method of the workers; their name is the Process name with
        # "Process" replaced by "PoolWorker".
        with multiprocessing.pool.Pool(1, context=multiprocessing.get_context(name)) as pool:
            _, worker = pool.apply_async(_pid_and_name, (0,)).get(SHORT_TIMEOUT)
        assert re.fullmatch(rf"{prefix[name]}-\d+", worker), (name, worker)
