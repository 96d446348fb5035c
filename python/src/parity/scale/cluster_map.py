"""scale.cluster-map: pool.map-imap's workload on dask.distributed, and a worker killed mid-map.

Client.map sends a function and its inputs to a cluster's workers and returns futures at once;
gather() gives the results in input order, as_completed() as they finish. The same code runs on a
LocalCluster of worker processes on this machine (the default here) or on a real cluster: set
PARITY_DASK_SCHEDULER=tcp://HOST:8786 and start `dask worker tcp://HOST:8786` on each machine.

When a worker process dies mid-task, the scheduler notices the lost connection and runs that
worker's tasks again elsewhere: the map still returns every result. multiprocessing.Pool, given
the same blow, replaces the dead process but never runs the task again: map_async never finishes
(its get() needs a timeout, or it waits forever).

Security: a dask scheduler runs pickled functions from anyone who connects. This LocalCluster
listens on 127.0.0.1 only; a real one needs a private network and TLS (distributed.Security).
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import secrets
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager

import dask
import psutil
from distributed import Client, Event, LocalCluster, Queue, as_completed, wait

from parity.common import entry
from parity.common.mp import Context, context
from parity.common.timing import LONG_TIMEOUT, SHORT_TIMEOUT, scaled
from parity.scale._cluster_map import Crash, PoolCrash, hold, pool_hold, pool_init, until

SCHEDULER_VARIABLE = "PARITY_DASK_SCHEDULER"


def square(x: int) -> int:
    return x * x


# <cluster>
@contextmanager
def cluster_client(workers: int = 2) -> Iterator[Client]:
    """A client for PARITY_DASK_SCHEDULER if set, else for a LocalCluster of worker processes."""
    address = os.environ.get(SCHEDULER_VARIABLE)
    if address:
        with Client(address, timeout=SHORT_TIMEOUT) as client:
            yield client
        return
    # Each worker (a restarted one too) forks from a server that imported distributed once.
    method = "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
    with (
        dask.config.set({"distributed.worker.multiprocessing-method": method}),
        LocalCluster(
            n_workers=workers,
            threads_per_worker=1,  # one task at a time per process, like a Pool worker
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
            silence_logs=logging.CRITICAL,  # a killed worker is the point here, not news
        ) as cluster,
        Client(cluster, timeout=SHORT_TIMEOUT) as client,
    ):
        yield client


# </cluster>


# <map>
def map_in_order_and_as_completed(client: Client, n: int = 10) -> tuple[list[int], list[int]]:
    """gather(): the results in input order; as_completed(): in the order they finish."""
    futures = client.map(square, range(n))
    in_order: list[int] = client.gather(futures)
    again = client.map(square, range(n), pure=False)  # pure=False: computed anew, not reused
    finished = [f.result(timeout=LONG_TIMEOUT) for f in as_completed(again)]
    return in_order, finished


# </map>


# <crash>
def kill_a_worker_mid_map(client: Client, n: int = 6) -> Crash:
    """Start a map whose tasks wait for a go; kill the process running one; then let all go."""
    token = secrets.token_hex(4)
    started, release = Queue(f"started-{token}"), Event(f"release-{token}")
    futures = client.map(hold, range(n), started=started.name, release=release.name, pure=False)
    killed_task, killed_pid = started.get(timeout=LONG_TIMEOUT)  # a task runs in that process now
    psutil.Process(killed_pid).kill()  # SIGKILL: no goodbye to the scheduler
    release.set()
    wait(futures, timeout=LONG_TIMEOUT)  # TimeoutError if any is still unfinished then
    results: list[int] = client.gather(futures)
    runs = Counter(x for x, _pid in [(killed_task, killed_pid), *started.get(batch=True)])
    return Crash(results, killed_task, killed_pid, dict(runs))


# </crash>


# <pool>
def kill_a_pool_worker_mid_map(ctx: Context, n: int = 4, wait_for: float = 1.0) -> PoolCrash:
    """The same blow to multiprocessing.Pool: kill the process running one task, let the rest go."""
    # Lock-free, polled: a process killed holding a multiprocessing lock leaves it held forever.
    pids, runs = ctx.Array("i", n, lock=False), ctx.Array("i", n, lock=False)
    release = ctx.Value("b", 0, lock=False)
    with ctx.Pool(2, initializer=pool_init, initargs=(pids, runs, release)) as pool:
        result = pool.map_async(pool_hold, range(n), chunksize=1)
        until(lambda: any(pids))
        killed_task = next(x for x in range(n) if pids[x])
        psutil.Process(pids[killed_task]).kill()
        release.value = 1
        until(lambda: all(runs))  # every other task ran, on the survivor or the replacement
        try:
            result.get(timeout=wait_for)  # a Pool never retries: this can only time out
            finished = True
        except multiprocessing.TimeoutError:
            finished = False
        counts = {x: runs[x] for x in range(n)}  # a retry of the killed task would count 2
    return PoolCrash(killed_task, pids[killed_task], finished, counts)


# </pool>


def main() -> None:
    local = "a LocalCluster of 2 worker processes on 127.0.0.1"
    where = os.environ.get(SCHEDULER_VARIABLE) or local
    with cluster_client() as client:
        print(f"cluster: {where}")
        in_order, finished = map_in_order_and_as_completed(client)
        print(f"map, gather (input order):  {in_order}")
        print(f"as_completed (finish order) holds the same results: {sorted(finished) == in_order}")
        crash = kill_a_worker_mid_map(client)
        print(f"dask: killed the worker process running task {crash.killed_task} mid-task")
        again = crash.recomputed
        print(f"dask: every result came back {crash.results}; run again elsewhere: {again}")
    pool = kill_a_pool_worker_mid_map(context(), wait_for=max(0.5, scaled(5.0)))
    killed = pool.killed_task
    print(f"multiprocessing.Pool: killed the worker process running task {killed} mid-task")
    print(
        f"multiprocessing.Pool: map_async finished: {pool.finished}; task {killed} ran "
        f"{pool.runs[killed]} time(s): the pool replaced the process, not the task"
    )


if __name__ == "__main__":
    entry.run(main)
