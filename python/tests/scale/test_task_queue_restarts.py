"""scale.task-queue across a Redis restart: with an append-only file (fsync always) every task
put before a SIGKILL comes back and a running worker rides the restart out; without persistence
the tasks are gone, and submit says they are lost, not slow."""

from __future__ import annotations

import threading

from parity.common.redis_server import PrivateRedis
from parity.common.timing import SHORT_TIMEOUT
from parity.scale import task_queue as tq
from parity.scale._queue import redis_ops as ops
from parity.scale._queue import report as rp
from parity.scale._queue.messages import Keys


def test_a_restart_with_an_append_only_file_loses_nothing_and_the_worker_rides_it_out(
    private_redis: PrivateRedis, keys: Keys
) -> None:
    r = ops.connect(private_redis.url)
    tq.put_tasks(r, "before", 3, 0, keys=keys)
    private_redis.restart(kill=True)  # SIGKILL: no shutdown save
    stop = threading.Event()
    client = ops.connect(private_redis.url)
    worker = tq.Worker(client, keys=keys, name="python-w", say=lambda _: None, stop=stop)
    thread = threading.Thread(target=worker.run)
    thread.start()
    try:
        before = rp.collect(r, "before", 3, keys=keys, timeout=SHORT_TIMEOUT)
        private_redis.restart(kill=True)  # while the worker runs
        tq.put_tasks(r, "after", 3, 0, keys=keys)
        after = rp.collect(r, "after", 3, keys=keys, timeout=SHORT_TIMEOUT)
        assert before.ok, before.line()  # the tasks came back from the append-only file
        assert after.ok, after.line()  # and the worker went on after the restart
        assert thread.is_alive()
    finally:
        stop.set()
        thread.join(SHORT_TIMEOUT)
        worker.r.close()
        r.close()
    assert not thread.is_alive()


def test_a_restart_without_persistence_loses_the_tasks_and_submit_says_lost(
    private_redis: PrivateRedis, keys: Keys
) -> None:
    with PrivateRedis(append_only=False) as server:
        r = ops.connect(server.url)
        tq.put_tasks(r, "gone", 3, 0, keys=keys)
        server.restart(kill=True)  # an empty server comes back
        report = rp.collect(r, "gone", 3, keys=keys, timeout=0)
        r.close()
    assert (report.missing, report.lost) == (3, 3)
    assert report.line().startswith("tasks=3 results=0 missing=3 lost=3 ")


def test_tasks_still_queued_are_slow_not_lost(private_redis: PrivateRedis, keys: Keys) -> None:
    r = ops.connect(private_redis.url)
    tq.put_tasks(r, "slow", 3, 0, keys=keys)
    r.xreadgroup(keys.group, "python-h", {keys.tasks: ">"}, count=1)  # one in flight
    lines: list[str] = []

    report = rp.collect(r, "slow", 3, keys=keys, timeout=0.3, progress=lines.append)

    assert lines[0] == "progress: done=0/3 dead=0 queue: in-flight=1 waiting=2 retrying=0"
    assert (report.missing, report.lost) == (3, 0)
    r.close()
