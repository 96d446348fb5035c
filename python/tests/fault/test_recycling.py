import subprocess
import sys

import pytest

from parity.common.kill import signal_group
from parity.common.mp import Context
from parity.fault import recycling

from ..conftest import RunConcept


def test_without_a_limit_one_worker_keeps_everything_it_leaked(mp_context: Context) -> None:
    runs = recycling.run_tasks(mp_context, None)
    assert len({pid for pid, _ in runs}) == 1
    assert [held for _, held in runs] == [1, 2, 3, 4, 5, 6]


def test_maxtasksperchild_replaces_the_worker_and_the_leak_starts_over(mp_context: Context) -> None:
    runs = recycling.run_tasks(mp_context, 2)
    pids = [pid for pid, _ in runs]
    assert [held for _, held in runs] == [1, 2, 1, 2, 1, 2]
    assert pids[0] == pids[1] != pids[2] == pids[3] != pids[4] == pids[5]
    assert len(set(pids)) == 3


def test_executor_max_tasks_per_child_refuses_fork_and_recycles_otherwise(
    mp_context: Context,
) -> None:
    if mp_context.get_start_method() == "fork":
        with pytest.raises(
            ValueError, match="incompatible with the 'fork' multiprocessing start method"
        ):
            recycling.run_tasks_executor(mp_context)
        return
    runs = recycling.run_tasks_executor(mp_context)
    assert len({pid for pid, _ in runs}) == recycling.TASKS
    assert [held for _, held in runs] == [1] * recycling.TASKS


# Four tasks, one worker retiring after two: on 3.11 the replacement never starts (cpython#115634).
STALLS = """
import os
from concurrent.futures import ProcessPoolExecutor, wait
from multiprocessing import get_context
from parity.fault.recycling import leaky_task
if __name__ == "__main__":
    executor = ProcessPoolExecutor(1, mp_context=get_context("spawn"), max_tasks_per_child=2)
    done, pending = wait([executor.submit(leaky_task, n) for n in range(4)], timeout=10)
    print(len(done), len(pending), flush=True)
    os._exit(0)  # a stalled executor would block a normal exit for ever
"""


@pytest.mark.skipif(
    sys.version_info[:2] != (3, 11), reason="decided on 3.11; later branches got the fix in 2025-26"
)
@pytest.mark.skipif(sys.platform == "win32", reason="the cleanup kills a process group (POSIX)")
def test_executor_max_tasks_per_child_above_one_stalls_on_3_11() -> None:
    child = subprocess.Popen(
        [sys.executable, "-c", STALLS], stdout=subprocess.PIPE, text=True, start_new_session=True
    )
    try:
        out, _ = child.communicate(timeout=60)
    finally:
        signal_group(child.pid)
        child.wait(10)
    assert out.split() == [
        "2",
        "2",
    ]  # two tasks ran in the first worker; no worker ever came for the rest


def test_main_shows_the_leak_resetting(run_ok: RunConcept) -> None:
    result = run_ok("parity.fault.recycling")
    assert "held after each task: [1, 2, 1, 2, 1, 2]" in result.stdout
