"""scale.task-queue: the article's master/worker job on a Redis stream, Python and .NET together.

The article's BaseManager shares two in-memory queues: a worker that dies takes its task with
it, and only Python can join. Here the master (`submit`) adds tasks to a Redis stream and the
workers (`worker`, in either language) read them through a consumer group:

- at least once: a task stays in the group's pending list until a worker acknowledges it
  (XREADGROUP, then XACK); a worker killed mid-task loses nothing, because another worker
  claims tasks idle for longer than --claim-idle-ms (XAUTOCLAIM) and runs them again;
- leases: a worker renews its claim while the task runs (XCLAIM JUSTID every third of the idle
  time), so a long healthy task is never claimed by another;
- idempotent results: HSETNX records the first result of a task, a second finish only counts
  as a duplicate, so a task finished twice counts once;
- a dead-letter stream: a task delivered more than --max-deliveries times is moved there
  instead of failing forever;
- bounded: submit waits while the stream holds --backlog tasks (back-pressure), and every XADD
  caps the stream (MAXLEN), so a fast master cannot fill the server's memory.

The message format (one compact JSON object per task or result) and the test vectors both
languages check are in comparisons/scale/messages.json.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import IO, Any
from urllib.parse import unquote

import redis
from redis.client import NEVER_DECODE

from parity import dotnet_build
from parity.common.redis_server import PASSWORD_VARIABLE, RedisMissing, redact, redis_url
from parity.common.skip import skip
from parity.common.timing import LONG_TIMEOUT, SHORT_TIMEOUT, scaled

LANGUAGE = "python"
NAMESPACE = "parity"
MAX_DELIVERIES = 3
CLAIM_IDLE_MS = 5000
BACKLOG = 1000  # tasks waiting in the stream before submit holds back
STREAM_CAP = 100_000  # MAXLEN on every XADD: a hard ceiling, far above the backlog
BLOCK_MS = 500  # how long one XREADGROUP waits; also how soon a worker notices a stop
MAX_SQUARED = 3_037_000_499  # the largest n whose square fits a signed 64-bit integer
MAX_MS = 600_000
RUN_TTL_S = 86_400  # every per-run key expires a day after its last write
_NAME = re.compile(r"[A-Za-z0-9._:-]{1,64}")


# <format>
@dataclass(frozen=True)
class Task:
    run: str
    seq: int
    n: int
    ms: int
    fail: bool = False


@dataclass(frozen=True)
class Result:
    run: str
    seq: int
    n: int
    square: int
    worker: str
    lang: str


def _check(obj: dict[str, Any], keys: tuple[str, ...]) -> None:
    if set(obj) != set(keys):
        raise ValueError(f"keys must be {', '.join(keys)}; got {', '.join(obj)}")
    if type(obj["v"]) is not int or obj["v"] != 1:
        raise ValueError(f"unsupported version {obj['v']!r}")


def _int(obj: dict[str, Any], key: str, top: int) -> int:
    value = obj[key]
    if type(value) is not int or not 0 <= value <= top:  # bool is an int subclass: exclude it
        raise ValueError(f"{key} must be an integer in 0..{top}, got {value!r}")
    return value


def _name(obj: dict[str, Any], key: str) -> str:
    value = obj[key]
    if not isinstance(value, str) or not _NAME.fullmatch(value):
        raise ValueError(f"{key} must match {_NAME.pattern}, got {value!r}")
    return value


def _object(raw: str | bytes) -> dict[str, Any]:
    try:
        obj = json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ValueError(f"not JSON: {exc}") from None
    if not isinstance(obj, dict):
        raise ValueError("not a JSON object")
    return obj


def _dump(obj: dict[str, object]) -> str:
    # Compact, keys in the documented order; names are plain ASCII, so nothing gets escaped.
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=True)


def encode_task(task: Task) -> str:
    return _dump({"v": 1, "run": task.run, "seq": task.seq, "n": task.n, "ms": task.ms, "fail": task.fail})


def decode_task(raw: str | bytes) -> Task:
    obj = _object(raw)
    _check(obj, ("v", "run", "seq", "n", "ms", "fail"))
    if type(obj["fail"]) is not bool:
        raise ValueError(f"fail must be true or false, got {obj['fail']!r}")
    return Task(
        _name(obj, "run"),
        _int(obj, "seq", 2**31 - 1),
        _int(obj, "n", MAX_SQUARED),
        _int(obj, "ms", MAX_MS),
        obj["fail"],
    )


def encode_result(result: Result) -> str:
    r = result
    return _dump(
        {"v": 1, "run": r.run, "seq": r.seq, "n": r.n, "square": r.square, "worker": r.worker, "lang": r.lang}
    )


def decode_result(raw: str | bytes) -> Result:
    obj = _object(raw)
    _check(obj, ("v", "run", "seq", "n", "square", "worker", "lang"))
    n = _int(obj, "n", MAX_SQUARED)
    square = _int(obj, "square", MAX_SQUARED**2)
    if square != n * n:
        raise ValueError(f"square {square} is not {n}*{n}")
    if obj["lang"] not in ("python", "dotnet"):
        raise ValueError(f"lang must be python or dotnet, got {obj['lang']!r}")
    return Result(
        _name(obj, "run"), _int(obj, "seq", 2**31 - 1), n, square, _name(obj, "worker"), obj["lang"]
    )


# </format>


@dataclass(frozen=True)
class Keys:
    """Every key one deployment uses, under one namespace (tests use a fresh one each)."""

    ns: str = NAMESPACE

    @property
    def tasks(self) -> str:
        return f"{self.ns}:tasks"

    @property
    def group(self) -> str:
        return f"{self.ns}:workers"

    @property
    def dead(self) -> str:
        return f"{self.ns}:dead"

    def results(self, run: str) -> str:
        return f"{self.ns}:run:{run}:results"

    def duplicates(self, run: str) -> str:
        return f"{self.ns}:run:{run}:duplicates"

    def dead_in_run(self, run: str) -> str:
        return f"{self.ns}:run:{run}:dead"


# <acl>
# On a shared server give each role an ACL user (redis-server 6+) with only its keys and commands.
# Never CONFIG: `CONFIG GET requirepass` would hand any role the admin password.
# StackExchange.Redis is told CONFIG is unavailable (RedisAddress.Options); it also tries
# CLUSTER, GET and SUBSCRIBE on connect and copes when they are refused.
CONNECT_ACL = "+@connection +info +role"
WORKER_ACL = (
    "+xreadgroup +xautoclaim +xclaim +xpending +xack +xdel +xadd +xgroup|create "
    "+hsetnx +hincrby +hset +expire +multi +exec +xgroup|delconsumer"
)
SUBMITTER_ACL = "+xadd +xlen +xgroup|create +hlen +hkeys +hmget +hgetall +hvals +del +unlink"


def acl_setuser(user: str, password: str, rules: str, keys: Keys) -> list[str]:
    """The ACL SETUSER command for one role: its own keys only, no channels, no other command."""
    key_pattern = f"~{keys.ns}:*"
    base = ["ACL", "SETUSER", user, "on", f">{password}", "resetkeys", key_pattern, "resetchannels", "-@all"]
    return [*base, *CONNECT_ACL.split(), *rules.split()]


# </acl>


def connect(url: str) -> redis.Redis:
    """A client for `url` (password in the URL; see redis_server.with_password)."""
    return redis.Redis.from_url(
        url, decode_responses=True, socket_connect_timeout=5, health_check_interval=30
    )


def version_problem(version: str) -> str | None:
    """Why this server cannot run the queue, or None: XAUTOCLAIM came in Redis 6.2 and its reply
    gained a third element (deleted ids) in 7.0, which both clients expect."""
    parts = tuple(int(p) if p.isdigit() else 0 for p in version.split(".")[:2])
    return f"Redis {version} is too old: the task queue needs Redis 7.0 or later" if parts < (7, 0) else None


def check_server(r: redis.Redis) -> None:
    """Connect now (a wrong password or no server shows here, not mid-task) and check the version."""
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


def worker_name(language: str = LANGUAGE) -> str:
    host = re.sub(r"[^A-Za-z0-9.-]", "-", socket.gethostname())[:40] or "host"
    return f"{language}-{host}-{os.getpid()}"


# <worker>
class Worker:
    """Takes one task at a time: reclaim an abandoned one first, else read a new one."""

    def __init__(
        self,
        r: redis.Redis,
        *,
        keys: Keys = Keys(),
        name: str | None = None,
        claim_idle_ms: int = CLAIM_IDLE_MS,
        max_deliveries: int = MAX_DELIVERIES,
        stall_on: int | None = None,
        say: Callable[[str], None] = print,
        stop: threading.Event | None = None,
        work: Callable[[Task], bool] | None = None,
    ) -> None:
        self.r, self.keys, self.name = r, keys, name or worker_name()
        if not _NAME.fullmatch(self.name):
            raise ValueError(f"worker name must match {_NAME.pattern}, got {self.name!r}")
        self.claim_idle_ms, self.max_deliveries = claim_idle_ms, max_deliveries
        self.stall_on, self.say = stall_on, say
        self.stop = stop or threading.Event()
        self.work = work or (lambda task: not self.stop.wait(task.ms / 1000))  # False: stopped
        self.taken = 0

    def run(self) -> None:
        ensure_group(self.r, self.keys)
        self.say(f"worker {self.name} ready")
        while not self.stop.is_set():
            self.step()
        self.leave()

    def leave(self) -> None:
        """On a clean stop, delete this worker's consumer from the group, unless it still holds
        a task: XGROUP DELCONSUMER would drop that task's pending entry, and the task with it."""
        held: Any = self.r.xpending_range(
            self.keys.tasks, self.keys.group, "-", "+", 1, consumername=self.name
        )
        if not held:
            self.r.xgroup_delconsumer(self.keys.tasks, self.keys.group, self.name)

    def step(self) -> bool:
        """Handle at most one task; False when there was none."""
        claimed = self.claim()
        if claimed is not None:
            self.take_claimed(*claimed)
            return True
        group, tasks = self.keys.group, self.keys.tasks
        read = self._bytes(
            "XREADGROUP", "GROUP", group, self.name, "COUNT", 1, "BLOCK", BLOCK_MS, "STREAMS", tasks, ">"
        )
        if not read or not read[0][1]:  # RESP2 reply: [[stream, [(id, fields)]]]
            return False
        entry_id, fields = read[0][1][0]
        self.handle(entry_id.decode("ascii"), fields.get(b"task", b""), 1)
        return True

    def _bytes(self, *command: object) -> Any:
        """A stream read whose reply stays bytes: the client's decoding would raise on a task
        that is not UTF-8 before the worker could dead-letter it; fields are decoded one by one."""
        client: Any = self.r  # typed differently per platform in redis-py
        return client.execute_command(*command, **{NEVER_DECODE: True})

    def claim(self) -> tuple[str, dict[bytes, bytes]] | None:
        """An entry another worker took and left idle past claim_idle_ms, now ours (XAUTOCLAIM)."""
        keys, idle = self.keys, self.claim_idle_ms
        reply = self._bytes("XAUTOCLAIM", keys.tasks, keys.group, self.name, idle, "0-0", "COUNT", 1)
        claimed = reply[1]
        return (claimed[0][0].decode("ascii"), claimed[0][1]) if claimed else None

    def take_claimed(self, entry_id: str, fields: dict[bytes, bytes]) -> None:
        """Run a claimed entry; its pending entry's delivery count tells how often it went out."""
        pending: Any = self.r.xpending_range(self.keys.tasks, self.keys.group, entry_id, entry_id, 1)
        if not pending:  # its holder acknowledged it after XAUTOCLAIM: finished, nothing to do
            self.say(f"{entry_id} was finished by its holder meanwhile")
            return
        self.handle(entry_id, fields.get(b"task", b""), pending[0]["times_delivered"])

    def handle(self, entry_id: str, raw: bytes, deliveries: int) -> None:
        try:
            task = decode_task(raw.decode("utf-8"))  # strictly UTF-8, as the .NET worker reads it
        except ValueError as exc:  # UnicodeDecodeError included: dead-lettered byte for byte
            self.dead_letter(entry_id, raw, None, deliveries, f"bad message: {exc}")
            return
        if deliveries > self.max_deliveries:
            self.dead_letter(entry_id, raw, task, deliveries, "too many deliveries")
            return
        self.taken += 1
        self.say(f"holding {task.run}/{task.seq} (delivery {deliveries})")
        if self.taken == self.stall_on:  # the demo's dying machine: never finishes, never acks
            self.stop.wait()
            return
        with self.lease(entry_id):
            if not self.work(task):
                return  # stopping mid-task: left pending, another worker will claim it
        if task.fail:
            self.say(f"failed {task.run}/{task.seq}: left pending for another attempt")
            return
        self.record(entry_id, task)

    @contextmanager
    def lease(self, entry_id: str) -> Iterator[None]:
        """While the block runs, renew the claim on `entry_id` every third of the claim idle time:
        a healthy long task then never looks idle to XAUTOCLAIM. XCLAIM with JUSTID resets the
        entry's idle time without raising its delivery count."""
        done = threading.Event()

        def renew() -> None:
            while not done.wait(self.claim_idle_ms / 3000):
                try:
                    mine: Any = self.r.xpending_range(
                        self.keys.tasks, self.keys.group, entry_id, entry_id, 1, consumername=self.name
                    )
                    if not mine:  # claimed by another after all (this worker stalled): let it go
                        return
                    self.r.xclaim(self.keys.tasks, self.keys.group, self.name, 0, [entry_id], justid=True)
                except redis.RedisError:
                    return  # the server went away: the worker's own next command reports it

        renewer = threading.Thread(target=renew, name=f"lease {entry_id}", daemon=True)
        renewer.start()
        try:
            yield
        finally:
            done.set()
            renewer.join(SHORT_TIMEOUT)

    def record(self, entry_id: str, task: Task) -> None:
        result = Result(task.run, task.seq, task.n, task.n * task.n, self.name, LANGUAGE)
        first = self.r.hsetnx(self.keys.results(task.run), str(task.seq), encode_result(result))
        with self.r.pipeline(transaction=True) as tx:
            if not first:  # finished before by a worker presumed dead: count it, change nothing
                tx.hincrby(self.keys.duplicates(task.run), str(task.seq), 1)
                tx.expire(self.keys.duplicates(task.run), RUN_TTL_S)
            tx.expire(self.keys.results(task.run), RUN_TTL_S)
            tx.xack(self.keys.tasks, self.keys.group, entry_id)
            tx.xdel(self.keys.tasks, entry_id)
            tx.execute()

    def dead_letter(self, entry_id: str, raw: bytes, task: Task | None, deliveries: int, reason: str) -> None:
        with self.r.pipeline(transaction=True) as tx:
            fields = {"task": raw, "deliveries": deliveries, "worker": self.name, "reason": reason}
            tx.xadd(self.keys.dead, fields, maxlen=STREAM_CAP)  # type: ignore[arg-type]
            if task is not None:
                tx.hset(self.keys.dead_in_run(task.run), str(task.seq), deliveries)
                tx.expire(self.keys.dead_in_run(task.run), RUN_TTL_S)
            tx.xack(self.keys.tasks, self.keys.group, entry_id)
            tx.xdel(self.keys.tasks, entry_id)
            tx.execute()
        label = f"{task.run}/{task.seq}" if task else entry_id
        self.say(f"dead-lettered {label} after {deliveries} deliveries: {reason}")


# </worker>


# <submit>
@dataclass
class Report:
    tasks: int
    results: dict[int, Result] = field(default_factory=dict)
    duplicates: int = 0
    dead: int = 0
    bad: int = 0  # results that do not decode or belong to another task

    @property
    def missing(self) -> int:
        return self.tasks - len(self.results)

    @property
    def ok(self) -> bool:
        """Every task has exactly one (correct) result."""
        return self.missing == 0 and self.bad == 0 and self.dead == 0

    def line(self) -> str:
        finished = [(r.lang, r.worker) for r in self.results.values()]
        return report_line(self.tasks, finished, self.duplicates, self.dead)


def report_line(tasks: int, finished: Iterable[tuple[str, str]], duplicates: int, dead: int) -> str:
    """The one line submit prints, identical in both languages (vectors in messages.json)."""
    pairs = list(finished)
    langs, workers = Counter(lang for lang, _ in pairs), Counter(w for _, w in pairs)
    by_lang = " ".join(f"{k}={langs[k]}" for k in sorted(langs))
    by_worker = " ".join(f"{k}={workers[k]}" for k in sorted(workers))
    return (
        f"tasks={tasks} results={len(pairs)} missing={tasks - len(pairs)} duplicates={duplicates} "
        f"dead={dead} by-language: {by_lang} by-worker: {by_worker}"
    ).replace("  ", " ")


def new_run_id() -> str:
    return f"{datetime.now(UTC):%Y%m%d-%H%M%S}-{secrets.token_hex(3)}"


def put_tasks(
    r: redis.Redis,
    run: str,
    count: int,
    task_ms: int,
    *,
    keys: Keys = Keys(),
    fail: Iterable[int] = (),
    backlog: int = BACKLOG,
    timeout: float = 60.0,
) -> None:
    """Add `count` tasks; while the stream holds `backlog` unfinished tasks, wait (back-pressure)."""
    ensure_group(r, keys)
    failing, deadline = set(fail), time.monotonic() + timeout
    for seq in range(count):
        while r.xlen(keys.tasks) >= backlog:  # finished tasks are deleted, so this is the backlog
            if time.monotonic() > deadline:
                raise TimeoutError(f"the stream stayed full ({backlog} tasks) for {timeout:g} s")
            time.sleep(0.05)
        task = Task(run, seq, seq, task_ms, seq in failing)
        r.xadd(keys.tasks, {"task": encode_task(task)}, maxlen=STREAM_CAP, approximate=False)


def _dead_only(r: redis.Redis, keys: Keys, run: str) -> list[str]:
    """The tasks of `run` dead-lettered without a result: a task can have both when a worker
    dead-lettered it while another finished it, and then it counts as finished, once."""
    dead: Any = r.hkeys(keys.dead_in_run(run))
    found: Any = r.hmget(keys.results(run), dead) if dead else []
    return [seq for seq, result in zip(dead, found, strict=True) if result is None]


def collect(r: redis.Redis, run: str, count: int, *, keys: Keys = Keys(), timeout: float = 60.0) -> Report:
    """Wait until every task has a result or a dead letter (or the timeout), then read them."""
    deadline = time.monotonic() + timeout
    while r.hlen(keys.results(run)) + len(_dead_only(r, keys, run)) < count and time.monotonic() < deadline:
        time.sleep(0.05)
    report = Report(count)
    for seq, raw in r.hgetall(keys.results(run)).items():
        try:
            result = decode_result(raw)
        except ValueError:
            report.bad += 1
            continue
        if result.run != run or str(result.seq) != seq or result.n != result.seq:
            report.bad += 1
            continue
        report.results[result.seq] = result
    report.duplicates = sum(int(v) for v in r.hgetall(keys.duplicates(run)).values())
    report.dead = len(_dead_only(r, keys, run))
    r.delete(keys.results(run), keys.duplicates(run), keys.dead_in_run(run))
    return report


def submit(r: redis.Redis, count: int, task_ms: int, *, timeout: float = 60.0, keys: Keys = Keys()) -> Report:
    """The article's master: put the tasks, wait for the results, check them."""
    run = new_run_id()
    started = time.monotonic()
    put_tasks(r, run, count, task_ms, keys=keys, timeout=timeout)
    return collect(r, run, count, keys=keys, timeout=max(0.0, timeout - (time.monotonic() - started)))


# </submit>


# <demo>
@dataclass
class WorkerProcess:
    """A worker started as a program of its own (python -m ... or dotnet Parity.Cli.dll worker)."""

    language: str
    process: subprocess.Popen[str]
    lines: list[str] = field(default_factory=list)
    _seen: threading.Condition = field(default_factory=threading.Condition)

    def _pump(self, stream: IO[str]) -> None:
        for line in stream:
            with self._seen:
                self.lines.append(line.rstrip("\n"))
                self._seen.notify_all()

    def wait_for(self, prefix: str, timeout: float) -> str:
        """The first output line starting with `prefix`; TimeoutError if none comes in time."""
        with self._seen:
            found = self._seen.wait_for(
                lambda: (
                    next((x for x in self.lines if x.startswith(prefix)), None)
                    or self.process.poll() is not None
                ),
                timeout,
            )
            match = next((x for x in self.lines if x.startswith(prefix)), None)
        if match is None:
            state = "exited" if found else "timed out"
            raise TimeoutError(
                f"{self.language} worker {state} before printing {prefix!r}: {self.lines[-3:]}"
            )
        return match

    def stop(self, timeout: float = SHORT_TIMEOUT) -> int:
        """SIGTERM (a clean stop), then kill if it does not exit in time; returns the exit code."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(SHORT_TIMEOUT)
        return self.process.returncode


def _without_password(url: str) -> tuple[str, str]:
    """(URL without its password, the password): the password travels in the environment,
    where `ps` cannot read it, not on a command line."""
    match = re.match(r"^(rediss?://)([^@/]*)@(.*)$", url)
    if not match:
        return url, ""
    user, _, password = match[2].partition(":")
    return f"{match[1]}{user + '@' if user else ''}{match[3]}", unquote(password)


def start_worker(language: str, url: str, *args: str) -> WorkerProcess:
    bare, password = _without_password(url)
    if language == "python":
        command = [sys.executable, "-m", "parity.scale.worker"]
    else:
        command = [dotnet_build.dotnet_exe(), str(dotnet_build.CLI_DLL), "worker"]
    env = {**os.environ, PASSWORD_VARIABLE: password, "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(
        [*command, "--redis", bare, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
    )
    worker = WorkerProcess(language, process)
    assert process.stdout is not None
    threading.Thread(target=worker._pump, args=(process.stdout,), daemon=True).start()
    return worker


def dotnet_available() -> bool:
    return dotnet_build.CLI_DLL.is_file()


@dataclass(frozen=True)
class MixedRun:
    report: Report
    killed: str  # the task the killed worker held, run/seq
    killed_worker: str
    rescued_by: str  # the worker whose result counts for that task
    languages: tuple[str, ...]


def mixed_run(url: str, count: int, task_ms: int, claim_idle_ms: int, keys: Keys = Keys()) -> MixedRun:
    """A Python master; a Python worker that takes one task and is killed holding it; then one
    worker per language finishes everything, the killed one's task included."""
    r = connect(url)
    languages = ("python", "dotnet") if dotnet_available() else ("python",)
    idle = ["--claim-idle-ms", str(claim_idle_ms), "--namespace", keys.ns]
    workers: list[WorkerProcess] = []
    try:
        victim = start_worker("python", url, *idle, "--stall-on", "1")
        workers.append(victim)
        victim_name = victim.wait_for("worker ", SHORT_TIMEOUT).split()[1]
        run = new_run_id()
        put_tasks(r, run, count, task_ms, keys=keys)
        held = victim.wait_for("holding ", SHORT_TIMEOUT).split()[1]  # the task it holds, mid-task
        victim.process.kill()  # no goodbye, no XACK: as if the machine lost power
        victim.process.wait(SHORT_TIMEOUT)
        rescuers = [start_worker(language, url, *idle) for language in languages]
        workers += rescuers
        for w in rescuers:
            w.wait_for("worker ", SHORT_TIMEOUT)
        report = collect(r, run, count, keys=keys, timeout=LONG_TIMEOUT)
        seq = int(held.split("/")[1])
        rescuer = report.results[seq].worker if seq in report.results else "nobody"
        return MixedRun(report, held, victim_name, rescuer, languages)
    finally:
        for w in workers:
            w.stop()
        r.close()


def dead_letter_run(url: str, keys: Keys, claim_idle_ms: int) -> tuple[Report, list[dict[str, str]]]:
    """One task that fails on every delivery: after MAX_DELIVERIES it lands in the dead-letter stream."""
    r = connect(url)
    stop = threading.Event()
    worker = Worker(
        r, keys=keys, name="python-dl", claim_idle_ms=claim_idle_ms, say=lambda _: None, stop=stop
    )
    thread = threading.Thread(target=worker.run, daemon=True)
    thread.start()
    try:
        run = new_run_id()
        put_tasks(r, run, 2, 0, keys=keys, fail=[1])
        report = collect(r, run, 2, keys=keys, timeout=SHORT_TIMEOUT)
        entries: Any = r.xrange(keys.dead)
        dead = [fields for _id, fields in entries]
        return report, dead
    finally:
        stop.set()
        thread.join(SHORT_TIMEOUT)
        r.close()


# </demo>


def main() -> None:
    try:
        with redis_url() as url:
            print(f"redis: {redact(url)}")
            idle = max(50, int(scaled(5.0) * 1000))
            keys = Keys(f"{NAMESPACE}-{new_run_id()}")  # fresh keys: never touch a real deployment's
            mixed = mixed_run(url, 12, max(1, int(scaled(1.0) * 1000)), idle, keys)
            print(f"workers: {', '.join(mixed.languages)} (plus one python worker killed on purpose)")
            seq = mixed.killed.split("/")[1]
            print(f"killed {mixed.killed_worker} while it held task {seq}")
            rescued = (
                "another worker" if mixed.rescued_by not in (mixed.killed_worker, "nobody") else "nobody"
            )
            print(f"task {seq} was claimed after the idle time and finished by {rescued}")
            print(f"submit: {mixed.report.line()}")
            print(f"every task exactly once: {mixed.report.ok}")
            report, dead = dead_letter_run(url, Keys(f"{NAMESPACE}-dl-{new_run_id()}"), idle)
            entry = dead[0] if dead else {}
            print(
                f"a task failing every time: dead-lettered after {entry.get('deliveries')} deliveries "
                f"({entry.get('reason')}); its run: {report.line()}"
            )
            if not mixed.report.ok:
                raise SystemExit(1)
    except RedisMissing as exc:
        skip(str(exc))


if __name__ == "__main__":
    main()
