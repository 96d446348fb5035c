"""scale.task-queue, the worker and the submitter in process: every task gets exactly one result
even when a worker is killed holding one; a live worker keeps its lease; a claim that races the
holder's acknowledgement does nothing; a task that raises is retried with backoff and then
dead-lettered, apart from redelivery; a stopped worker hands its task back at once; bad bytes are
dead-lettered as they are; the claim cursor carries over and trimmed entries are recorded."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
import redis

from parity.common.timing import SHORT_TIMEOUT
from parity.scale import task_queue as tq
from parity.scale._queue import redis_ops as ops
from parity.scale._queue import report as rp
from parity.scale._queue.demo import mixed_run
from parity.scale._queue.messages import Keys, Result, Task, encode_result, encode_task
from parity.scale.task_queue import Worker

from .queue_helpers import dotnet_or_skip

NOT_UTF8 = b'{"v":1,"run":"\xff\xfe"}'


@pytest.fixture
def r(redis_url: str) -> Any:
    client = ops.connect(redis_url)
    yield client
    client.close()


@pytest.fixture
def quick(monkeypatch: pytest.MonkeyPatch) -> None:
    """An empty read waits 10 ms, not 100; a retry is due at once (its pause is still computed)."""
    monkeypatch.setattr(tq, "BLOCK_MS", 10)
    monkeypatch.setattr(ops, "RETRY_BASE_MS", 0)


def quiet(**kwargs: Any) -> dict[str, Any]:
    return {"say": lambda _: None, **kwargs}


def test_a_worker_killed_mid_task_loses_nothing_and_every_result_is_recorded_once(
    redis_url: str, keys: Keys
) -> None:
    dotnet_or_skip()
    mixed = mixed_run(redis_url, 12, 50, 300, keys, tq.put_tasks)

    report = mixed.report
    assert report.ok, report.line()
    assert sorted(report.results) == list(range(12))
    seq = int(mixed.killed.split("/")[1])
    assert report.results[seq].worker != mixed.killed_worker  # claimed by a survivor
    assert mixed.killed_worker not in {r.worker for r in report.results.values()}
    assert mixed.languages == ("python", "dotnet")


def test_a_task_finished_twice_counts_once(r: Any, keys: Keys) -> None:
    tq.put_tasks(r, "twice", 1, 0, keys=keys)
    first, second = (Worker(r, keys=keys, name=n, **quiet()) for n in ("python-a", "python-b"))
    entry_id, _fields = r.xreadgroup(keys.group, "python-a", {keys.tasks: ">"}, count=1)[0][1][0]
    task = Task("twice", 0, 0, 0)

    first.record(entry_id, task)
    second.record(entry_id, task)  # the same task, finished again by a worker that claimed it

    report = rp.collect(r, "twice", 1, keys=keys, timeout=SHORT_TIMEOUT)
    assert report.results[0].worker == "python-a"  # the first result stands
    assert (len(report.results), report.duplicates, report.ok) == (1, 1, True)


def test_a_long_healthy_task_keeps_its_lease_and_is_never_claimed(r: Any, keys: Keys) -> None:
    idle_ms = 1000  # renewed every third of it: a renewal may come late on a loaded machine
    tq.put_tasks(r, "lease", 1, 0, keys=keys)
    holding, gate = threading.Event(), threading.Event()
    say = lambda line: holding.set() if line.startswith("holding") else None  # noqa: E731

    def work(_task: object, _cancel: threading.Event) -> None:
        gate.wait(SHORT_TIMEOUT)

    holder = Worker(r, keys=keys, name="python-a", claim_idle_ms=idle_ms, say=say, work=work)
    other = Worker(r, keys=keys, name="python-b", claim_idle_ms=idle_ms, **quiet())
    thread = threading.Thread(target=holder.step)
    thread.start()
    try:
        assert holding.wait(SHORT_TIMEOUT)
        started = time.monotonic()
        # The other worker polls for two claim-idle periods while the task is held: without a
        # renewal it would have claimed the task after the first.
        while time.monotonic() - started < 2 * idle_ms / 1000:
            assert not other.step(), "the held task was claimed by another worker"
        [pending] = r.xpending_range(keys.tasks, keys.group, "-", "+", 1)
        assert (pending["consumer"], pending["times_delivered"]) == ("python-a", 1)  # JUSTID
    finally:
        gate.set()
        thread.join(SHORT_TIMEOUT)
    assert not thread.is_alive()
    report = rp.collect(r, "lease", 1, keys=keys, timeout=SHORT_TIMEOUT)
    assert report.results[0].worker == "python-a"
    assert (len(report.results), report.duplicates, report.dead, report.ok) == (1, 0, 0, True)
    assert r.xlen(keys.dead) == 0


def test_a_task_its_holder_acknowledges_while_another_claims_it_is_not_dead_lettered(
    r: Any, keys: Keys, monkeypatch: pytest.MonkeyPatch
) -> None:
    tq.put_tasks(r, "race", 1, 0, keys=keys)
    lines: list[str] = []
    holder = Worker(r, keys=keys, name="python-a", **quiet())
    claimer = Worker(r, keys=keys, name="python-b", claim_idle_ms=0, say=lines.append)
    entry_id, _fields = r.xreadgroup(keys.group, "python-a", {keys.tasks: ">"}, count=1)[0][1][0]

    # XAUTOCLAIM hands the entry to python-b; between it and XPENDING, its holder finishes it.
    real = ops.pending_count

    def holder_finishes_first(*args: Any) -> int | None:
        holder.record(entry_id, Task("race", 0, 0, 0))  # XACK, XDEL
        return real(*args)

    monkeypatch.setattr(ops, "pending_count", holder_finishes_first)
    assert claimer.step()  # XPENDING finds nothing: nothing to do
    monkeypatch.undo()

    assert lines == [f"{entry_id} was finished by its holder meanwhile"]
    assert r.xlen(keys.dead) == 0
    report = rp.collect(r, "race", 1, keys=keys, timeout=SHORT_TIMEOUT)
    assert (len(report.results), report.dead, report.ok) == (1, 0, True)


def test_collect_counts_a_task_with_a_result_and_a_dead_letter_once(r: Any, keys: Keys) -> None:
    r.hset(keys.results("both"), "0", encode_result(Result("both", 0, 0, 0, "python-a", "python")))
    # task 0 finished and dead-lettered
    r.hset(keys.dead_in_run("both"), mapping={"0": "x", "1": "x"})

    report = rp.collect(r, "both", 2, keys=keys, timeout=SHORT_TIMEOUT)

    assert (len(report.results), report.dead, report.missing) == (1, 1, 1)


def test_a_task_that_raises_is_retried_with_backoff_then_dead_lettered(
    r: Any, keys: Keys, quick: None
) -> None:
    tq.put_tasks(r, "poison", 1, 0, keys=keys, fail={0})
    lines: list[str] = []
    worker = Worker(r, keys=keys, name="python-w", say=lines.append)

    pauses = []
    for _ in range(tq.MAX_ATTEMPTS):
        assert worker.step()  # read (or promoted and read): it raises
        if r.zcard(keys.retry):
            [(_member, due)] = r.zrange(keys.retry, 0, -1, withscores=True)
            pauses.append(due)
            assert worker.step()  # the pause is over: back on the stream

    fails = [line for line in lines if line.startswith("failed poison/0")]
    assert [line.split(": ")[-1] for line in fails] == ["attempt 2 in 0 ms", "attempt 3 in 0 ms"]
    assert (
        lines[-1] == "dead-lettered poison/0: failed 3 times: RuntimeError: the task asked to fail"
    )
    # not redelivered
    assert all("(delivery 1," in line for line in lines if line.startswith("holding"))
    [(_id, dead)] = r.xrange(keys.dead)
    assert dead["task"] == encode_task(Task("poison", 0, 0, 0, True))
    assert (dead["deliveries"], dead["attempt"], dead["worker"]) == ("1", "2", "python-w")
    assert (r.xlen(keys.tasks), r.zcard(keys.retry), len(pauses)) == (0, 0, 2)
    report = rp.collect(r, "poison", 1, keys=keys, timeout=SHORT_TIMEOUT)
    assert (report.dead, report.missing, report.ok) == (1, 1, False)


def test_the_pause_before_a_retry_doubles_up_to_a_cap(r: Any, keys: Keys) -> None:
    assert [ops.backoff_ms(k) for k in range(4)] == [100, 200, 400, 800]
    assert ops.backoff_ms(40) == ops.RETRY_CAP_MS
    tq.put_tasks(r, "pause", 1, 0, keys=keys)
    entry_id, fields = ops.raw(
        r, "XREADGROUP", "GROUP", keys.group, "w", "STREAMS", keys.tasks, ">"
    )[0][1][0]
    before = time.time() * 1000
    ops.retry_later(r, keys, ops.delivery((entry_id, fields), 1), ops.backoff_ms(2))
    after = time.time() * 1000
    [(member, due)] = r.zrange(keys.retry, 0, -1, withscores=True)
    assert before + 400 <= due <= after + 400
    assert member.startswith("1 {")  # one attempt failed so far
    assert ops.promote_due(r, keys) == 0  # not due yet: stays in the retry set


def test_a_task_whose_workers_keep_dying_is_dead_lettered_after_max_deliveries(
    r: Any, keys: Keys
) -> None:
    tq.put_tasks(r, "dying", 1, 0, keys=keys)
    [[_stream, [(entry_id, _f)]]] = r.xreadgroup(
        keys.group, "python-dead", {keys.tasks: ">"}, count=1
    )
    # Three workers took it and died: delivered 3 times, idle since.
    r.xclaim(keys.tasks, keys.group, "python-dead", 0, [entry_id], idle=60_000,
             retrycount=tq.MAX_DELIVERIES, justid=True)  # fmt: skip
    lines: list[str] = []
    worker = Worker(r, keys=keys, name="python-w", say=lines.append)

    assert worker.step()  # XAUTOCLAIM: the 4th delivery

    assert lines == ["dead-lettered dying/0: too many deliveries"]
    [(_id, dead)] = r.xrange(keys.dead)
    assert (dead["deliveries"], dead["attempt"]) == ("4", "0")


def test_a_task_over_its_time_limit_is_cancelled_and_retried(r: Any, keys: Keys) -> None:
    tq.put_tasks(r, "slow", 1, 600_000, keys=keys)  # ten minutes, far over the limit
    lines: list[str] = []
    worker = Worker(r, keys=keys, name="python-w", time_limit_ms=50, say=lines.append)

    assert worker.step()

    assert lines[-1] == "failed slow/0 (over the time limit of 50 ms): attempt 2 in 100 ms"
    assert (r.xlen(keys.tasks), r.zcard(keys.retry)) == (0, 1)


def test_a_worker_asked_to_stop_hands_its_task_back_at_once(r: Any, keys: Keys) -> None:
    tq.put_tasks(r, "stop", 1, 600_000, keys=keys)  # a task far longer than the test
    holding, stop = threading.Event(), threading.Event()
    worker = Worker(r, keys=keys, name="python-a", say=lambda line: holding.set(), stop=stop)
    thread = threading.Thread(target=worker.step)
    thread.start()
    assert holding.wait(SHORT_TIMEOUT)
    stop.set()  # SIGTERM's effect: the handler is cancelled, the task handed back
    thread.join(SHORT_TIMEOUT)
    assert not thread.is_alive()
    lines: list[str] = []
    # The default claim idle time is 5 s; the handed-back entry is taken at once.
    other = Worker(r, keys=keys, name="python-b", say=lines.append, work=lambda _t, _c: None)

    assert other.step()

    assert lines == ["holding stop/0 (delivery 1, try 1)"]  # the count it had before the stop
    assert rp.collect(r, "stop", 1, keys=keys, timeout=SHORT_TIMEOUT).ok


def test_the_claim_cursor_carries_over_past_the_first_ten_pending_entries(
    r: Any, keys: Keys
) -> None:
    tq.put_tasks(r, "cursor", 15, 0, keys=keys)
    read = r.xreadgroup(keys.group, "python-live", {keys.tasks: ">"}, count=15)[0][1]
    abandoned = read[14][0]  # the 15th: its holder died long ago; the first 14 are fresh
    r.xclaim(keys.tasks, keys.group, "python-dead", 0, [abandoned], idle=600_000, justid=True)
    worker = Worker(r, keys=keys, name="python-w", claim_idle_ms=60_000, **quiet())

    first = worker.claim()  # scans ten entries (COUNT 1 x 10): none idle enough
    second = worker.claim()  # from where the first stopped

    assert first is None
    assert second is not None
    assert second.entry_id == abandoned


def test_an_entry_trimmed_while_pending_is_recorded_not_dropped(r: Any, keys: Keys) -> None:
    tq.put_tasks(r, "trim", 2, 0, keys=keys)
    [[_s, entries]] = r.xreadgroup(keys.group, "python-dead", {keys.tasks: ">"}, count=2)
    ids = [entries[0][0], entries[1][0]]  # their holder died long ago:
    r.xclaim(keys.tasks, keys.group, "python-dead", 0, ids, idle=600_000, justid=True)
    r.xtrim(keys.tasks, maxlen=1, approximate=False)  # MAXLEN drops the oldest, pending or not
    worker = Worker(r, keys=keys, name="python-w", claim_idle_ms=60_000, work=lambda _t, _c: None,
                    **quiet())  # fmt: skip

    assert worker.claim() is None  # the trimmed one counts for COUNT 1: recorded, nothing claimed
    assert worker.step()  # the next claim, from the cursor: the live one

    [(_id, dead)] = r.xrange(keys.dead)
    assert dead["entry"] == entries[0][0]
    assert dead["reason"] == "trimmed from the stream (MAXLEN) while pending: its task is gone"
    assert r.xpending(keys.tasks, keys.group)["pending"] == 0  # the live one was finished


@pytest.mark.parametrize("raw", [NOT_UTF8, b'{"v":2}'], ids=["not UTF-8", "version 2"])
def test_a_malformed_task_is_dead_lettered_once_byte_for_byte(
    redis_url: str, keys: Keys, raw: bytes
) -> None:
    plain = redis.Redis.from_url(redis_url)  # replies stay bytes
    ops.ensure_group(plain, keys)
    plain.xadd(keys.tasks, {"task": raw})
    worker = Worker(ops.connect(redis_url), keys=keys, name="python-w", **quiet())

    assert worker.step()

    entries: Any = plain.xrange(keys.dead)  # redis-py types replies loosely
    [(_id, dead)] = entries
    assert (dead[b"task"], dead[b"deliveries"]) == (raw, b"1")
    assert dead[b"reason"].startswith(b"bad message: ")
    assert (plain.xlen(keys.tasks), plain.xpending(keys.tasks, keys.group)["pending"]) == (0, 0)
    worker.r.close()
    plain.close()


def test_per_run_keys_expire_and_a_clean_stop_removes_an_idle_consumer(
    r: Any, keys: Keys, quick: None
) -> None:
    tq.put_tasks(r, "ttl", 2, 0, keys=keys, fail={1})
    stop = threading.Event()
    worker = Worker(r, keys=keys, name="python-w", claim_idle_ms=0, stop=stop, **quiet())
    while not r.exists(keys.dead_in_run("ttl")):  # task 0 done; task 1 fails until dead-lettered
        worker.step()
    worker.record("0-1", Task("ttl", 0, 0, 0))  # a second finish: counted as a duplicate
    for key in (keys.results("ttl"), keys.duplicates("ttl"), keys.dead_in_run("ttl")):
        assert 0 < r.ttl(key) <= ops.RUN_TTL_S, key
    tq.put_tasks(r, "held", 1, 0, keys=keys)
    r.xreadgroup(keys.group, "python-h", {keys.tasks: ">"}, count=1)  # python-h holds a task

    stop.set()
    worker.run()  # a clean stop: python-w holds nothing and leaves the group
    Worker(r, keys=keys, name="python-h", stop=stop, **quiet()).run()

    assert [c["name"] for c in r.xinfo_consumers(keys.tasks, keys.group)] == ["python-h"]


def test_collect_reads_the_results_in_pages(
    r: Any, keys: Keys, monkeypatch: pytest.MonkeyPatch
) -> None:
    results = {
        str(s): encode_result(Result("big", s, s, s * s, "python-a", "python")) for s in range(2500)
    }
    r.hset(keys.results("big"), mapping=results)
    monkeypatch.setattr(
        type(r), "hgetall", lambda *_: pytest.fail("HGETALL reads a whole hash at once")
    )

    report = rp.collect(r, "big", 2500, keys=keys, timeout=SHORT_TIMEOUT)

    assert (len(report.results), report.ok) == (2500, True)


def test_a_report_is_ok_only_with_every_task_exactly_once() -> None:
    result = Result("r", 0, 0, 0, "python-a", "python")
    assert rp.Report(1, {0: result}).ok
    assert not rp.Report(2, {0: result}).ok
    assert not rp.Report(1, {0: result}, bad=1).ok
    assert rp.Report(1, {0: result}, duplicates=3).ok  # duplicates were absorbed: still one result


def test_submit_holds_back_while_the_stream_holds_the_backlog(r: Any, keys: Keys) -> None:
    with pytest.raises(TimeoutError, match=r"the stream stayed full \(3 tasks\)"):
        tq.put_tasks(r, "full", 10, 0, keys=keys, backlog=3, timeout=0.2)  # no worker takes any
    assert r.xlen(keys.tasks) == 3


def test_maxlen_alone_bounds_the_stream_by_dropping_the_oldest_unread_tasks(
    r: Any, keys: Keys
) -> None:
    ops.ensure_group(r, keys)
    for seq in range(5):
        r.xadd(
            keys.tasks, {"task": encode_task(Task("cap", seq, seq, 0))}, maxlen=3, approximate=False
        )
    kept = [f["task"] for _id, f in r.xrange(keys.tasks)]
    assert kept == [encode_task(Task("cap", s, s, 0)) for s in (2, 3, 4)]  # 0 and 1 gone, unread


def test_a_read_blocks_no_longer_than_the_next_retry_is_due(r: redis.Redis, keys: Keys) -> None:
    """A retry due in 40 ms shortens the read's BLOCK from its usual length; none leaves it."""
    assert ops.block_ms(r, keys, 500) == 500
    r.zadd(keys.retry, {"1 {}": time.time() * 1000 + 40})
    assert 1 <= ops.block_ms(r, keys, 500) <= 40
    r.zadd(keys.retry, {"1 {}": time.time() * 1000 - 1000})  # overdue: never 0, which is for ever
    assert ops.block_ms(r, keys, 500) == 1
