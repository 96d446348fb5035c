"""The Redis steps the task-queue lesson names but does not spell out, each a few commands.

The lesson (parity/scale/task_queue.py) shows the worker's loop and the submitter; here are the
connection, the roles' ACL rules, the lease, and the moves of a task that is not simply finished:
retried later, handed back, dead-lettered, or found trimmed from the stream. The .NET side is
Scale/Queue/QueueOps.cs; both write the same keys and fields.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TypeVar, cast

import redis
from redis.backoff import ExponentialBackoff
from redis.client import NEVER_DECODE
from redis.retry import Retry

from parity.common.timing import POLL_INTERVAL, SHORT_TIMEOUT
from parity.scale._queue.messages import NAME, Keys, Task

STREAM_CAP = 100_000  # MAXLEN on every XADD: a hard ceiling, far above any backlog
RUN_TTL_S = 86_400  # every per-run key expires a day after its last write
RETRY_BASE_MS = 100  # a task that raised waits this long before its second attempt, then doubles
RETRY_CAP_MS = 60_000
HAND_BACK_IDLE_MS = 10**10  # about 115 days: idle past any claim idle time, below the clock
RECONNECT_S = 60.0  # how long a worker or submitter keeps trying a server that went away
CONNECT_S = 5.0  # one connection attempt, not a limit: the loops above retry within RECONNECT_S
DOWN = (redis.ConnectionError, redis.TimeoutError)
T = TypeVar("T")

# On a shared server give each role an ACL user (redis-server 6+) with only its keys and commands.
# Never CONFIG: `CONFIG GET requirepass` would hand any role the admin password.
# StackExchange.Redis is told CONFIG is unavailable (RedisAddress.Options); it also tries
# CLUSTER, GET and SUBSCRIBE on connect and copes when they are refused.
CONNECT_ACL = "+@connection +info +role"
WORKER_ACL = (
    "+xreadgroup +xautoclaim +xclaim +xpending +xack +xdel +xadd +xgroup|create "
    "+hsetnx +hincrby +hset +expire +multi +exec +discard +xgroup|delconsumer "
    "+zadd +zrangebyscore +zscore +zrem +watch +unwatch"
)
SUBMITTER_ACL = (
    "+xadd +xlen +xgroup|create +hlen +hkeys +hmget +hgetall +hvals +hscan +del +unlink "
    "+xpending +xrange +zcard +zrange +xdel +hdel +multi +exec +discard"
)


KEYS = Keys()  # the default deployment's keys, namespace "parity"


def worker_name(language: str, name: str | None = None) -> str:
    """`name` if it is a valid name, else language-HOST-PID; ValueError for a bad name."""
    if name is not None:
        if not NAME.fullmatch(name):
            raise ValueError(f"worker name must match {NAME.pattern}, got {name!r}")
        return name
    host = "".join(c if c.isalnum() or c in ".-" else "-" for c in socket.gethostname())[:40]
    return f"{language}-{host or 'host'}-{os.getpid()}"


def simulated_work(task: Task, cancel: threading.Event) -> None:
    """The demo's task: take task.ms (or stop early when cancelled), fail if asked to."""
    if not cancel.wait(task.ms / 1000) and task.fail:
        raise RuntimeError("the task asked to fail")


def acl_setuser(user: str, password: str, rules: str, keys: Keys) -> list[str]:
    """The ACL SETUSER command for one role: its own keys only, no channels, no other command."""
    base = ["ACL", "SETUSER", user, "on", f">{password}", "resetkeys", f"~{keys.ns}:*"]
    return [*base, "resetchannels", "-@all", *CONNECT_ACL.split(), *rules.split()]


def connect(url: str) -> redis.Redis:
    """A client for `url` that retries a lost connection a few times with a growing pause."""
    return redis.Redis.from_url(
        url,
        decode_responses=True,
        socket_connect_timeout=CONNECT_S,
        health_check_interval=30,
        retry=Retry(ExponentialBackoff(cap=1.0, base=0.05), retries=8),  # about 5 s, as .NET
        retry_on_error=list(DOWN),
    )


def version_problem(version: str) -> str | None:
    """Why this server cannot run the queue, or None: XAUTOCLAIM came in Redis 6.2 and its reply
    gained a third element (deleted ids) in 7.0, which both clients expect."""
    parts = tuple(int(p) if p.isdigit() else 0 for p in version.split(".")[:2])
    too_old = f"Redis {version} is too old: the task queue needs Redis 7.0 or later"
    return too_old if parts < (7, 0) else None


def check_server(r: redis.Redis) -> None:
    """Connect now (a wrong password or no server shows here, not mid-task), check the version."""
    info: Any = r.info("server")
    problem = version_problem(str(info["redis_version"]))
    if problem:
        raise ValueError(problem)


def ensure_group(r: redis.Redis, keys: Keys) -> None:
    """Create the stream and its consumer group once; reading starts at the stream's beginning."""
    try:
        r.xgroup_create(keys.tasks, keys.group, id="0", mkstream=True)
    except redis.ResponseError as exc:
        if "BUSYGROUP" not in str(exc):
            raise


def raw(r: redis.Redis, *command: object) -> Any:
    """A command whose reply stays bytes: decoding the whole reply would raise on a task that is
    not UTF-8 before the worker could dead-letter it; fields are decoded one by one."""
    client: Any = r  # typed differently per platform in redis-py
    return client.execute_command(*command, **{NEVER_DECODE: True})


def backoff_ms(attempt: int) -> int:
    """The pause before attempt `attempt + 1` of a task that raised: 100, 200, 400 ... 60000 ms."""
    return int(min(RETRY_CAP_MS, RETRY_BASE_MS * 2 ** min(attempt, 30)))


def reconnecting(call: Callable[[], T], say: Callable[[str], None], stop: threading.Event) -> T:
    """`call()`, again after a growing pause while the server is unreachable (a restart),
    for at most RECONNECT_S; then the last error propagates."""
    started, pause = time.monotonic(), 0.05
    while True:
        try:
            return call()
        except DOWN as exc:
            if time.monotonic() - started > RECONNECT_S or stop.is_set():
                raise
            say(f"server unreachable ({type(exc).__name__}); trying again in {pause:g} s")
            stop.wait(pause)
            pause = min(pause * 2, 2.0)


@dataclass(frozen=True)
class Delivery:
    """One stream entry in a worker's hands."""

    entry_id: str
    raw: bytes  # the task field, as stored
    deliveries: int  # how often the group handed it out (XPENDING)
    attempt: int  # how often it raised before (the entry's attempt field)


def delivery(entry: tuple[bytes, dict[bytes, bytes]], deliveries: int) -> Delivery:
    """A Delivery from one entry of a stream reply read as bytes."""
    entry_id, fields = entry
    attempt = fields.get(b"attempt", b"0")
    number = int(attempt) if attempt.isdigit() and len(attempt) < 10 else 0
    return Delivery(entry_id.decode("ascii"), fields.get(b"task", b""), deliveries, number)


class Guard:
    """While a task runs: renew its lease every third of the claim idle time (XCLAIM of our own
    entry with JUSTID, which resets the idle time without raising the delivery count), and set
    `cancel` when the worker is asked to stop or the task passes its time limit. Python cannot
    stop a thread from outside: the handler watches `cancel`, as .NET code watches its token."""

    def __init__(  # noqa: PLR0917 - the lesson passes what the lease needs, in order
        self, r: redis.Redis, keys: Keys, name: str, entry_id: str, claim_idle_ms: int,
        stop: threading.Event, time_limit_ms: int, say: Callable[[str], None],
    ) -> None:  # fmt: skip
        self.r, self.keys, self.name, self.entry_id = r, keys, name, entry_id
        self.claim_idle_ms, self.stop, self.say = claim_idle_ms, stop, say
        self.cancel, self.timed_out, self._done = threading.Event(), False, threading.Event()
        now = time.monotonic()
        self._deadline = now + time_limit_ms / 1000 if time_limit_ms > 0 else None
        self._thread = threading.Thread(target=self._watch, name=f"lease {entry_id}", daemon=True)

    def _watch(self) -> None:
        renew_every, leased = self.claim_idle_ms / 3000, True
        next_renewal = time.monotonic() + renew_every
        while not self._done.wait(min(POLL_INTERVAL, renew_every)):
            now = time.monotonic()
            if self.stop.is_set():
                self.cancel.set()
            if self._deadline is not None and now >= self._deadline:
                self.timed_out = True
                self.cancel.set()
            if leased and now >= next_renewal:
                leased, next_renewal = self._renew(), now + renew_every

    def _renew(self) -> bool:
        try:
            mine: Any = self.r.xpending_range(
                self.keys.tasks, self.keys.group, self.entry_id, self.entry_id, 1
            )
            if not mine or mine[0]["consumer"] != self.name:
                self.say(f"lease on {self.entry_id} lost: another worker claimed it")
                return False  # this worker stalled past the idle time: let it go
            k = self.keys
            self.r.xclaim(k.tasks, k.group, self.name, 0, [self.entry_id], justid=True)
            return True
        except redis.RedisError as exc:  # the server is away (a restart): try again next time
            self.say(f"lease on {self.entry_id} not renewed this time: {type(exc).__name__}")
            return True

    def __enter__(self) -> Guard:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._done.set()
        self._thread.join(SHORT_TIMEOUT)


def claim_one(
    r: redis.Redis, keys: Keys, name: str, idle_ms: int, cursor: bytes
) -> tuple[bytes, Delivery | None]:
    """XAUTOCLAIM from `cursor`, COUNT 1: the next cursor and the entry claimed, if any, with
    its delivery count from XPENDING (0 when its holder acknowledged it meanwhile). Ids the
    reply lists as deleted (pending, but trimmed from the stream by MAXLEN) are recorded."""
    reply = raw(r, "XAUTOCLAIM", keys.tasks, keys.group, name, idle_ms, cursor, "COUNT", 1)
    for entry_id in reply[2]:
        trimmed(r, keys, name, entry_id)
    if not reply[1]:
        return reply[0], None
    count = pending_count(r, keys, reply[1][0][0].decode("ascii"))
    return reply[0], delivery(reply[1][0], count or 0)


def pending_count(r: redis.Redis, keys: Keys, entry_id: str) -> int | None:
    """The entry's delivery count, or None when nothing is pending under that id (finished)."""
    pending: Any = r.xpending_range(keys.tasks, keys.group, entry_id, entry_id, 1)
    return int(pending[0]["times_delivered"]) if pending else None


def dead_letter(  # noqa: PLR0917
    r: redis.Redis, keys: Keys, worker: str, d: Delivery, task: Task | None, reason: str
) -> str:
    """Move the entry to the dead-letter stream, byte for byte, in one MULTI with its XACK;
    returns the line a worker prints."""
    with r.pipeline(transaction=True) as tx:
        fields = {"task": d.raw, "deliveries": d.deliveries, "attempt": d.attempt}
        fields |= {"worker": worker, "reason": reason, "entry": d.entry_id}
        tx.xadd(keys.dead, fields, maxlen=STREAM_CAP)  # type: ignore[arg-type]
        if task is not None:
            tx.hset(keys.dead_in_run(task.run), str(task.seq), reason)
            tx.expire(keys.dead_in_run(task.run), RUN_TTL_S)
        tx.xack(keys.tasks, keys.group, d.entry_id)
        tx.xdel(keys.tasks, d.entry_id)
        tx.execute()
    return f"dead-lettered {f'{task.run}/{task.seq}' if task else d.entry_id}: {reason}"


def trimmed(r: redis.Redis, keys: Keys, worker: str, entry_id: bytes) -> None:
    """XAUTOCLAIM found a pending entry whose data MAXLEN trimmed away: record the loss."""
    reason = "trimmed from the stream (MAXLEN) while pending: its task is gone"
    fields = {"task": b"", "deliveries": 0, "attempt": 0, "worker": worker, "reason": reason}
    r.xadd(keys.dead, fields | {"entry": entry_id}, maxlen=STREAM_CAP)  # type: ignore[arg-type]


def retry_later(r: redis.Redis, keys: Keys, d: Delivery, delay_ms: int) -> None:
    """The task raised: park it in the retry set until its pause is over (one MULTI with the
    XACK), so a failure is retried with backoff and never mistaken for a dead worker."""
    member = f"{d.attempt + 1} {d.raw.decode('utf-8')}"
    with r.pipeline(transaction=True) as tx:
        tx.zadd(keys.retry, {member: time.time() * 1000 + delay_ms})
        tx.xack(keys.tasks, keys.group, d.entry_id)
        tx.xdel(keys.tasks, d.entry_id)
        tx.execute()


def block_ms(r: redis.Redis, keys: Keys, longest: int) -> int:
    """How long a read may block: `longest`, or less when a retry falls due sooner, so that a
    retry runs on time rather than when the read gives up. Never 0, which blocks for ever."""
    # ZRANGEBYSCORE, a command the worker's role has already (promote_due), not ZRANGE.
    first: Any = r.zrangebyscore(keys.retry, "-inf", "+inf", start=0, num=1, withscores=True)
    if not first:
        return longest
    return max(1, min(longest, int(first[0][1] - time.time() * 1000)))


def promote_due(r: redis.Redis, keys: Keys, limit: int = 10) -> int:
    """Put retries whose pause is over back on the stream; WATCH makes the ZREM and the XADD
    happen together and only once, whichever worker gets there first."""
    due: Any = r.zrangebyscore(keys.retry, "-inf", time.time() * 1000, start=0, num=limit)
    moved = 0
    for member in due:
        attempt, _, task = str(member).partition(" ")
        with r.pipeline(transaction=True) as tx:
            try:
                cast(Any, tx).watch(keys.retry)  # typed in some redis-py builds only
                if tx.zscore(keys.retry, member) is None:
                    continue  # another worker moved it
                tx.multi()
                tx.zrem(keys.retry, member)
                tx.xadd(keys.tasks, {"task": task, "attempt": attempt}, maxlen=STREAM_CAP)
                tx.execute()
                moved += 1
            except redis.WatchError:
                continue
    return moved


def hand_back(r: redis.Redis, keys: Keys, name: str, d: Delivery) -> None:
    """Stopping mid-task: make the entry look long idle (XCLAIM IDLE) so the next worker claims
    it at once, with the delivery count it had before we took it (RETRYCOUNT)."""
    retries = max(0, d.deliveries - 1)
    k = keys
    r.xclaim(
        k.tasks,
        k.group,
        name,
        0,
        [d.entry_id],
        idle=HAND_BACK_IDLE_MS,
        retrycount=retries,
        justid=True,
    )


def leave(r: redis.Redis, keys: Keys, name: str) -> None:
    """On a clean stop, delete this worker's consumer from the group, unless it still holds a
    task: XGROUP DELCONSUMER would drop that task's pending entry, and the task with it."""
    held: Any = r.xpending_range(keys.tasks, keys.group, "-", "+", 1, consumername=name)
    if not held:
        r.xgroup_delconsumer(keys.tasks, keys.group, name)


@contextmanager
def nogroup_recreated(r: redis.Redis, keys: Keys) -> Iterator[None]:
    """A server restarted without persistence comes back empty: recreate the group and go on."""
    try:
        yield
    except redis.ResponseError as exc:
        if "NOGROUP" not in str(exc):
            raise
        ensure_group(r, keys)
