"""scale.cluster-map: Client.map on a real (local) dask cluster gives every result in input order;
a worker process killed mid-task has its task run again elsewhere, where multiprocessing.Pool
replaces the process but loses the task."""

from __future__ import annotations

import logging
import os
import secrets
from collections.abc import Iterator

import psutil
import pytest

from ..conftest import NO_WHEEL

pytest.importorskip("distributed", reason=NO_WHEEL.format("PyYAML and msgpack for distributed"))

import dask
from distributed import Client, Event, KilledWorker, LocalCluster, Queue

from parity.common.mp import Context
from parity.common.timing import LONG_TIMEOUT, SHORT_TIMEOUT
from parity.scale import cluster_map as cm


@pytest.fixture
def client() -> Iterator[Client]:
    with cm.cluster_client() as c:
        yield c


def test_map_gathers_in_input_order_and_as_completed_yields_the_same_results(
    client: Client,
) -> None:
    in_order, finished = cm.map_in_order_and_as_completed(client, 10)
    assert in_order == [x * x for x in range(10)]
    assert sorted(finished) == in_order


def test_the_embedded_cluster_has_worker_processes_on_loopback_only(client: Client) -> None:
    if os.environ.get(cm.SCHEDULER_VARIABLE):
        pytest.skip("PARITY_DASK_SCHEDULER names an outside cluster")
    info = client.scheduler_info()
    assert client.scheduler is not None
    assert str(client.scheduler.address).startswith("tcp://127.0.0.1:")
    assert len(info["workers"]) == 2
    assert all(address.startswith("tcp://127.0.0.1:") for address in info["workers"])
    pids = client.run(os.getpid)
    assert os.getpid() not in pids.values()  # processes, not threads of this one


def test_dask_runs_a_killed_workers_task_again_and_returns_every_result(client: Client) -> None:
    crash = cm.kill_a_worker_mid_map(client, 6)
    assert crash.results == [x * x for x in range(6)]
    assert crash.recomputed == [
        crash.killed_task
    ]  # started twice: on the killed worker, then elsewhere
    assert sum(crash.runs.values()) == 7


def test_a_pool_replaces_a_killed_worker_but_never_runs_its_task_again(mp_context: Context) -> None:
    crash = cm.kill_a_pool_worker_mid_map(mp_context, 4, wait_for=1.0)
    assert crash.finished is False  # map_async never delivers: get() can only time out
    # every other task ran; the killed one never again
    assert crash.runs == dict.fromkeys(range(4), 1)


def _hold_forever(started: str, release: str) -> int:
    """Report this worker's pid, then wait for a go that, here, never comes before the kill."""
    Queue(started).put(os.getpid())
    Event(release).wait(LONG_TIMEOUT)
    return 0


def test_killed_worker_comes_on_the_fourth_death_with_the_default_allowed_failures() -> None:
    # scheduler.py remove_worker: each unexpected death of the worker holding a task adds one to
    # its suspicious count, and the task errs with KilledWorker when the count exceeds
    # allowed-failures (3 by default): the fourth death, not the third.
    assert dask.config.get("distributed.scheduler.allowed-failures") == 3
    token = secrets.token_hex(4)
    with (
        LocalCluster(
            n_workers=1,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
            silence_logs=logging.CRITICAL,
        ) as cluster,
        Client(cluster, timeout=SHORT_TIMEOUT) as client,
    ):
        started, release = Queue(f"started-{token}"), Event(f"release-{token}")
        future = client.submit(_hold_forever, started.name, release.name, pure=False)
        for death in range(1, 5):
            pid = started.get(timeout=LONG_TIMEOUT)  # the task runs in this process now
            psutil.Process(pid).kill()
            if death < 4:
                continue  # the next get() proves the task started again after this death
            with pytest.raises(KilledWorker) as raised:
                future.result(timeout=LONG_TIMEOUT)
            assert raised.value.allowed_failures == 3
        assert started.qsize() == 0  # erred: no fifth start
