"""scale.task-queue: the message format agrees with .NET byte for byte (shared vectors), every task
gets exactly one result even when a worker is killed holding one, duplicates count once, a task
that always fails is dead-lettered, the stream is bounded, and the commands behave as tools."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from typing import Any
from urllib.parse import urlsplit

import pytest
import redis

from parity import dotnet_build
from parity.common.redis_server import (
    PASSWORD_VARIABLE,
    URL_VARIABLE,
    RedisUrl,
    redact,
    with_password,
)
from parity.common.skip import SKIP_EXIT
from parity.common.timing import SHORT_TIMEOUT
from parity.paths import ROOT
from parity.scale import task_queue as tq
from parity.scale.task_queue import Keys, Report, Task, Worker

from .conftest import skip_or_fail

VECTORS: dict[str, Any] = json.loads((ROOT / "comparisons" / "scale" / "messages.json").read_text("utf-8"))


def _named(kind: str) -> list[Any]:
    return [pytest.param(v, id=v["name"]) for v in VECTORS[kind]]


@pytest.mark.parametrize("vector", _named("tasks"))
def test_task_vectors_decode_and_encode_byte_for_byte(vector: dict[str, Any]) -> None:
    task = tq.decode_task(vector["json"])
    f = vector["fields"]
    assert task == Task(f["run"], f["seq"], f["n"], f["ms"], f["fail"])
    assert tq.encode_task(task).encode() == vector.get("canonical", vector["json"]).encode()


@pytest.mark.parametrize("vector", _named("results"))
def test_result_vectors_decode_and_encode_byte_for_byte(vector: dict[str, Any]) -> None:
    result = tq.decode_result(vector["json"])
    f = vector["fields"]
    assert result == tq.Result(f["run"], f["seq"], f["n"], f["square"], f["worker"], f["lang"])
    assert tq.encode_result(result).encode() == vector["json"].encode()


@pytest.mark.parametrize("vector", _named("invalid_tasks"))
def test_invalid_task_vectors_are_rejected(vector: dict[str, Any]) -> None:
    with pytest.raises(ValueError):  # noqa: PT011 - each vector fails for its own reason
        tq.decode_task(vector["json"])


@pytest.mark.parametrize("vector", _named("invalid_results"))
def test_invalid_result_vectors_are_rejected(vector: dict[str, Any]) -> None:
    with pytest.raises(ValueError):  # noqa: PT011
        tq.decode_result(vector["json"])


@pytest.mark.parametrize("vector", _named("reports"))
def test_report_line_matches_the_vectors(vector: dict[str, Any]) -> None:
    finished = [(lang, worker) for lang, worker in vector["finished"]]
    assert tq.report_line(vector["tasks"], finished, vector["duplicates"], vector["dead"]) == vector["line"]


def _dotnet_or_skip() -> None:
    if not tq.dotnet_available():
        skip_or_fail(f"the .NET CLI is not built ({dotnet_build.CLI_DLL}): run `invoke build`")


def test_a_worker_killed_mid_task_loses_nothing_and_every_result_is_recorded_once(
    redis_url: str, keys: Keys
) -> None:
    _dotnet_or_skip()
    mixed = tq.mixed_run(redis_url, count=12, task_ms=50, claim_idle_ms=300, keys=keys)

    report = mixed.report
    assert report.ok, report.line()
    assert sorted(report.results) == list(range(12))
    assert all(r.square == r.n * r.n for r in report.results.values())
    seq = int(mixed.killed.split("/")[1])
    assert seq in report.results
    assert report.results[seq].worker != mixed.killed_worker  # claimed by a survivor
    assert mixed.killed_worker not in {r.worker for r in report.results.values()}
    assert mixed.languages == ("python", "dotnet")


def test_a_task_finished_twice_counts_once(redis_url: str, keys: Keys) -> None:
    r = tq.connect(redis_url)
    tq.put_tasks(r, "twice", 1, 0, keys=keys)
    first, second = (Worker(r, keys=keys, name=n, say=lambda _: None) for n in ("python-a", "python-b"))
    entry_id, _fields = r.xreadgroup(keys.group, "python-a", {keys.tasks: ">"}, count=1)[0][1][0]
    task = Task("twice", 0, 0, 0)

    first.record(entry_id, task)
    second.record(entry_id, task)  # the same task, finished again by a worker that claimed it

    report = tq.collect(r, "twice", 1, keys=keys, timeout=5)
    assert report.results[0].worker == "python-a"  # the first result stands
    assert (len(report.results), report.duplicates, report.ok) == (1, 1, True)
    r.close()


def test_a_task_failing_every_time_is_dead_lettered_after_max_deliveries(redis_url: str, keys: Keys) -> None:
    r = tq.connect(redis_url)
    tq.put_tasks(r, "poison", 1, 0, keys=keys, fail=[0])
    lines: list[str] = []
    worker = Worker(r, keys=keys, name="python-w", claim_idle_ms=0, say=lines.append)

    for _ in range(tq.MAX_DELIVERIES + 1):
        assert worker.step()

    assert lines[-1] == "dead-lettered poison/0 after 4 deliveries: too many deliveries"
    assert sum(line.startswith("failed poison/0") for line in lines) == tq.MAX_DELIVERIES
    [(_id, dead)] = r.xrange(keys.dead)
    assert dead == {
        "task": tq.encode_task(Task("poison", 0, 0, 0, True)),
        "deliveries": "4",
        "worker": "python-w",
        "reason": "too many deliveries",
    }
    assert r.xlen(keys.tasks) == 0
    assert r.xpending(keys.tasks, keys.group)["pending"] == 0
    report = tq.collect(r, "poison", 1, keys=keys, timeout=5)
    assert (report.dead, report.missing, report.ok) == (1, 1, False)
    r.close()


def test_a_malformed_message_goes_straight_to_the_dead_letter_stream(redis_url: str, keys: Keys) -> None:
    r = tq.connect(redis_url)
    tq.ensure_group(r, keys)
    r.xadd(keys.tasks, {"task": '{"v":2}'})
    worker = Worker(r, keys=keys, name="python-w", say=lambda _: None)

    assert worker.step()

    [(_id, dead)] = r.xrange(keys.dead)
    assert dead["deliveries"] == "1"
    assert dead["reason"].startswith("bad message: keys must be v, run, seq, n, ms, fail")
    r.close()


def test_submit_holds_back_while_the_stream_holds_the_backlog(redis_url: str, keys: Keys) -> None:
    r = tq.connect(redis_url)
    with pytest.raises(TimeoutError, match=r"the stream stayed full \(3 tasks\)"):
        tq.put_tasks(r, "full", 10, 0, keys=keys, backlog=3, timeout=0.2)  # no worker takes any
    assert r.xlen(keys.tasks) == 3
    r.close()


def test_maxlen_alone_bounds_the_stream_by_dropping_the_oldest_unread_tasks(
    redis_url: str, keys: Keys
) -> None:
    r = tq.connect(redis_url)
    tq.ensure_group(r, keys)
    for seq in range(5):
        r.xadd(keys.tasks, {"task": tq.encode_task(Task("cap", seq, seq, 0))}, maxlen=3, approximate=False)
    kept = [tq.decode_task(f["task"]).seq for _id, f in r.xrange(keys.tasks)]
    assert kept == [2, 3, 4]  # tasks 0 and 1 are gone, unread: why submit also holds back
    r.close()


def test_the_private_server_wants_its_password(redis_url: str) -> None:
    if os.environ.get(URL_VARIABLE):
        pytest.skip("PARITY_REDIS_URL names an outside server: its setup is not ours to check")
    no_password = redis.Redis.from_url(
        redis_url.replace(redis_url.split("@", maxsplit=1)[0] + "@", "redis://")
    )
    with pytest.raises(redis.AuthenticationError):
        no_password.ping()
    assert redis_url.startswith("redis://:")
    assert "@127.0.0.1:" in redis_url
    assert redact(redis_url).startswith("redis://:***@127.0.0.1:")
    no_password.close()


def test_the_password_can_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(PASSWORD_VARIABLE, "s3cr:et")
    assert with_password("redis://127.0.0.1:7000/0") == "redis://:s3cr%3Aet@127.0.0.1:7000/0"
    assert with_password("redis://u:inurl@h:1") == "redis://u:inurl@h:1"  # the URL's own wins
    with pytest.raises(ValueError, match="not a redis:// or rediss:// URL"):
        with_password("http://127.0.0.1:7000")


def _cli(
    *args: str, env: dict[str, str] | None = None, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        list(args),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        env={**os.environ, **(env or {})},
    )


PY_SUBMIT = (sys.executable, "-m", "parity.scale.submit")
PY_WORKER = (sys.executable, "-m", "parity.scale.worker")


def _dotnet_cli(command: str) -> tuple[str, ...]:
    return (dotnet_build.dotnet_exe(), str(dotnet_build.CLI_DLL), command)


def _submit_to_workers(
    submitter: str,
    submit_url: str,
    worker_url: str,
    keys: Keys,
    languages: tuple[str, ...],
    *args: str,
    claim_idle_ms: int = tq.CLAIM_IDLE_MS,
) -> tuple[subprocess.CompletedProcess[str], list[tq.WorkerProcess], list[int]]:
    """Start one worker per language, run submit with `args`, stop the workers (SIGTERM).
    A short claim_idle_ms retries a failing task fast, but may also claim a slow live one."""
    idle = ("--claim-idle-ms", str(claim_idle_ms))
    workers = [tq.start_worker(lang, worker_url, "--namespace", keys.ns, *idle) for lang in languages]
    try:
        for w in workers:
            w.wait_for("worker ", SHORT_TIMEOUT)
        submit = PY_SUBMIT if submitter == "python" else _dotnet_cli("submit")
        done = _cli(*submit, "--redis", submit_url, "--namespace", keys.ns, "--timeout", "30", *args)
    finally:
        codes = [w.stop() for w in workers]
    return done, workers, codes


@pytest.mark.parametrize("submitter", ["python", "dotnet"])
def test_submit_with_workers_of_both_languages_prints_one_line_and_exits_0(
    redis_url: str, keys: Keys, submitter: str
) -> None:
    _dotnet_or_skip()
    both = ("python", "dotnet")
    done, workers, codes = _submit_to_workers(
        submitter, redis_url, redis_url, keys, both, "--count", "10", "--task-ms", "20"
    )
    assert done.returncode == 0, done.stderr
    [line] = done.stdout.splitlines()
    assert line.startswith("tasks=10 results=10 missing=0 duplicates=0 dead=0 by-language: ")
    assert codes == [0, 0]  # SIGTERM is a clean stop for both
    for w in workers:
        assert w.lines[-1].startswith(f"worker {w.language}-")
        assert w.lines[-1].endswith(" stopped")


@pytest.mark.parametrize("submitter", ["python", "dotnet"])
def test_submit_exits_1_when_a_task_ends_in_the_dead_letter_stream(
    redis_url: str, keys: Keys, submitter: str
) -> None:
    if submitter == "dotnet":
        _dotnet_or_skip()
    done, _workers, _codes = _submit_to_workers(
        submitter,
        redis_url,
        redis_url,
        keys,
        ("python",),
        "--count",
        "3",
        "--task-ms",
        "0",
        "--fail",
        "1",
        claim_idle_ms=50,
    )
    assert done.returncode == 1
    assert done.stdout.startswith("tasks=3 results=2 missing=1 duplicates=0 dead=1 by-language: python=2 ")


@pytest.mark.parametrize("language", ["python", "dotnet"])
@pytest.mark.parametrize("command", ["worker", "submit"])
def test_bad_input_is_one_line_and_exit_2(language: str, command: str) -> None:
    if language == "dotnet":
        _dotnet_or_skip()
    base = (PY_WORKER if command == "worker" else PY_SUBMIT) if language == "python" else _dotnet_cli(command)
    env = {URL_VARIABLE: ""}
    no_server = _cli(*base, env=env)
    bad_option = _cli(*base, "--redis", "redis://127.0.0.1:1", "--bogus", "1", env=env)
    bad_url = _cli(*base, "--redis", "http://127.0.0.1:1", env=env)
    for done in (no_server, bad_option, bad_url):
        assert done.returncode == 2, done.stderr
        assert len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert "no server: give --redis URL or set PARITY_REDIS_URL" in no_server.stderr
    assert "--bogus" in bad_option.stderr
    assert "redis:// or rediss://" in bad_url.stderr
    helped = _cli(*base, "--help", env=env)
    assert helped.returncode == 0
    assert "--redis" in helped.stdout


@pytest.mark.parametrize("language", ["python", "dotnet"])
def test_a_wrong_password_is_one_line_and_no_traceback(redis_url: str, language: str) -> None:
    if language == "dotnet":
        _dotnet_or_skip()
    base = PY_SUBMIT if language == "python" else _dotnet_cli("submit")
    bare = redis_url.replace(redis_url.split("@", maxsplit=1)[0] + "@", "redis://")
    done = _cli(*base, "--redis", bare, "--count", "1", env={PASSWORD_VARIABLE: "wrong"})
    assert done.returncode == 2
    assert len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert "wrong" not in done.stderr  # a password is never printed


@pytest.mark.skipif(sys.platform == "win32", reason="SIGINT to a child console process is POSIX-only here")
@pytest.mark.parametrize("language", ["python", "dotnet"])
def test_a_worker_stopped_with_ctrl_c_exits_cleanly(redis_url: str, keys: Keys, language: str) -> None:
    if language == "dotnet":
        _dotnet_or_skip()
    worker = tq.start_worker(language, redis_url, "--namespace", keys.ns)
    try:
        worker.wait_for("worker ", SHORT_TIMEOUT)
        worker.process.send_signal(signal.SIGINT)
        assert worker.process.wait(10) == 130
    finally:
        worker.stop()
    assert "worker stopped (Ctrl-C)" in worker.lines[-1]


@pytest.mark.parametrize("via", ["python", "dotnet", "bridge"])
def test_without_redis_server_the_concept_is_skipped_with_the_install_hint(via: str) -> None:
    if via != "python":
        _dotnet_or_skip()
    commands = {
        "python": (sys.executable, "-m", "parity.scale.task_queue"),
        "dotnet": (dotnet_build.dotnet_exe(), str(dotnet_build.CLI_DLL), "run", "scale.task-queue"),
        "bridge": (sys.executable, "-m", "parity.bridge", "run", "scale.task-queue"),
    }
    # A PATH with no redis-server on it, and no server named; DOTNET_ROOT so the bridge finds .NET.
    dotnet_root = os.path.dirname(os.path.realpath(dotnet_build.dotnet_exe()))
    env = {"PATH": os.path.dirname(sys.executable), "DOTNET_ROOT": dotnet_root, URL_VARIABLE: ""}
    done = _cli(*commands[via], env=env, timeout=120)
    assert done.returncode == SKIP_EXIT, done.stderr
    assert "redis-server is not installed" in done.stderr
    assert "apt-get install redis-server" in done.stderr


def test_a_stopped_worker_leaves_its_task_for_another(redis_url: str, keys: Keys) -> None:
    r = tq.connect(redis_url)
    tq.put_tasks(r, "stop", 1, 60_000, keys=keys)  # a task far longer than the test
    holding = threading.Event()
    stop = threading.Event()
    worker = Worker(r, keys=keys, name="python-a", say=lambda line: holding.set(), stop=stop)
    thread = threading.Thread(target=worker.step)
    thread.start()
    assert holding.wait(10)
    stop.set()  # SIGTERM's effect: stop now, without finishing or acknowledging
    thread.join(10)
    assert not thread.is_alive()
    assert r.xpending(keys.tasks, keys.group)["pending"] == 1
    assert tq.collect(r, "stop", 1, keys=keys, timeout=0).missing == 1
    r.close()


def test_a_report_is_ok_only_with_every_task_exactly_once() -> None:
    result = tq.Result("r", 0, 0, 0, "python-a", "python")
    assert Report(1, {0: result}).ok
    assert not Report(2, {0: result}).ok
    assert not Report(1, {0: result}, bad=1).ok
    assert Report(1, {0: result}, duplicates=3).ok  # duplicates were absorbed: still exactly one result


def test_json_encoders_differ_outside_the_formats_plain_ascii_names() -> None:
    # The .NET side writes "a\u002Bb\u003Cc\u00E9" for the same string (TaskQueueTests.cs):
    # escaping rules differ, which is why the format allows only [A-Za-z0-9._:-] in names.
    assert json.dumps("a+b<c\u00e9") == '"a+b<c\\u00e9"'
    with pytest.raises(ValueError, match="run must match"):
        tq.decode_task(tq.encode_task(Task("a+b", 0, 0, 0)))


@pytest.mark.parametrize(("worker_language", "submit_language"), [("python", "dotnet"), ("dotnet", "python")])
def test_acl_users_with_only_their_own_commands_run_the_queue(
    redis_url: str, keys: Keys, worker_language: str, submit_language: str
) -> None:
    if os.environ.get(URL_VARIABLE):
        pytest.skip("PARITY_REDIS_URL names an outside server: creating users there is not ours to do")
    _dotnet_or_skip()
    admin = tq.connect(redis_url)
    admin.execute_command(*tq.acl_setuser("worker", "w-pass", tq.WORKER_ACL, keys))
    admin.execute_command(*tq.acl_setuser("submitter", "s-pass", tq.SUBMITTER_ACL, keys))
    port = urlsplit(redis_url).port
    worker_url = f"redis://worker:w-pass@127.0.0.1:{port}/0"
    submit_url = f"redis://submitter:s-pass@127.0.0.1:{port}/0"
    try:
        done, _workers, _codes = _submit_to_workers(
            submit_language,
            submit_url,
            worker_url,
            keys,
            (worker_language,),
            "--count",
            "4",
            "--task-ms",
            "0",
            "--fail",
            "1",
            claim_idle_ms=50,
        )
    finally:
        admin.close()
    assert done.stdout.startswith(
        f"tasks=4 results=3 missing=1 duplicates=0 dead=1 by-language: {worker_language}=3"
    )


_ROLES = {
    "worker": (tq.WORKER_ACL, ("HSETNX", "{ns}:run:r:results", "0", "x"), ("HSETNX", "other", "0", "x")),
    "submitter": (tq.SUBMITTER_ACL, ("DEL", "{ns}:run:r:results"), ("DEL", "other")),
}


@pytest.mark.parametrize("user", sorted(_ROLES))
def test_a_role_can_neither_read_the_configuration_nor_write_a_foreign_key(
    redis_url: str, keys: Keys, user: str
) -> None:
    if os.environ.get(URL_VARIABLE):
        pytest.skip("PARITY_REDIS_URL names an outside server: creating users there is not ours to do")
    rules, own_write, foreign_write = _ROLES[user]
    admin = tq.connect(redis_url)
    try:
        admin.execute_command(*tq.acl_setuser(user, "role-pass", rules, keys))
        role = tq.connect(f"redis://{user}:role-pass@127.0.0.1:{urlsplit(redis_url).port}/0")
        # CONFIG GET requirepass would hand the role the admin password (AUTH default <it>).
        with pytest.raises(redis.exceptions.NoPermissionError):
            role.execute_command("CONFIG", "GET", "requirepass")
        # A command the role has: allowed on its own namespace, refused on any other key.
        role.execute_command(own_write[0], own_write[1].format(ns=keys.ns), *own_write[2:])
        with pytest.raises(redis.exceptions.NoPermissionError):
            role.execute_command(*foreign_write)
        assert not admin.exists("other")
        role.close()
    finally:
        admin.close()


def test_both_languages_give_the_roles_the_same_rules() -> None:
    source = (ROOT / "dotnet/src/Parity.Examples/Scale/TaskQueue.cs").read_text(encoding="utf-8")

    def constant(name: str) -> str:
        start = source.index(f"public const string {name} = ")
        body = source[start : source.index(";", start)]
        return "".join(part for part in body.split('"')[1::2])

    assert constant("ConnectAcl") == tq.CONNECT_ACL
    assert constant("WorkerAcl") == tq.WORKER_ACL
    assert constant("SubmitterAcl") == tq.SUBMITTER_ACL
    assert "config" not in tq.CONNECT_ACL + tq.WORKER_ACL + tq.SUBMITTER_ACL


def test_a_long_healthy_task_keeps_its_lease_and_is_never_claimed(redis_url: str, keys: Keys) -> None:
    r = tq.connect(redis_url)
    idle_ms = 150
    tq.put_tasks(r, "lease", 1, 0, keys=keys)
    holding, gate = threading.Event(), threading.Event()
    holder = Worker(
        r,
        keys=keys,
        name="python-a",
        claim_idle_ms=idle_ms,
        say=lambda line: holding.set() if line.startswith("holding") else None,
        work=lambda _task: gate.wait(SHORT_TIMEOUT),
    )
    other = Worker(r, keys=keys, name="python-b", claim_idle_ms=idle_ms, say=lambda _: None)
    thread = threading.Thread(target=holder.step)
    thread.start()
    try:
        assert holding.wait(SHORT_TIMEOUT)
        started = time.monotonic()
        # The other worker polls for several claim-idle periods while the task is held.
        while time.monotonic() - started < 6 * idle_ms / 1000:
            assert not other.step(), "the held task was claimed by another worker"
        [pending] = r.xpending_range(keys.tasks, keys.group, "-", "+", 1)
        assert (pending["consumer"], pending["times_delivered"]) == ("python-a", 1)  # JUSTID
    finally:
        gate.set()
        thread.join(SHORT_TIMEOUT)
    assert not thread.is_alive()
    report = tq.collect(r, "lease", 1, keys=keys, timeout=SHORT_TIMEOUT)
    assert report.results[0].worker == "python-a"
    assert (len(report.results), report.duplicates, report.dead, report.ok) == (1, 0, 0, True)
    assert r.xlen(keys.dead) == 0
    r.close()


def test_a_task_its_holder_acknowledges_while_another_claims_it_is_not_dead_lettered(
    redis_url: str, keys: Keys
) -> None:
    r = tq.connect(redis_url)
    tq.put_tasks(r, "race", 1, 0, keys=keys)
    lines: list[str] = []
    holder = Worker(r, keys=keys, name="python-a", say=lambda _: None)
    claimer = Worker(r, keys=keys, name="python-b", claim_idle_ms=0, say=lines.append)
    entry_id, _fields = r.xreadgroup(keys.group, "python-a", {keys.tasks: ">"}, count=1)[0][1][0]

    claimed = claimer.claim()  # XAUTOCLAIM: the entry is now pending for python-b
    holder.record(entry_id, Task("race", 0, 0, 0))  # meanwhile its holder finishes: XACK, XDEL
    assert claimed is not None
    claimer.take_claimed(*claimed)  # XPENDING finds nothing: nothing to do

    assert lines == [f"{entry_id} was finished by its holder meanwhile"]
    assert r.xlen(keys.dead) == 0
    report = tq.collect(r, "race", 1, keys=keys, timeout=SHORT_TIMEOUT)
    assert (len(report.results), report.dead, report.ok) == (1, 0, True)
    r.close()


def test_collect_counts_a_task_with_a_result_and_a_dead_letter_once(redis_url: str, keys: Keys) -> None:
    r = tq.connect(redis_url)
    result = tq.Result("both", 0, 0, 0, "python-a", "python")
    r.hset(keys.results("both"), "0", tq.encode_result(result))
    r.hset(keys.dead_in_run("both"), mapping={"0": 4, "1": 4})  # task 0 finished and dead-lettered

    report = tq.collect(r, "both", 2, keys=keys, timeout=SHORT_TIMEOUT)

    assert (len(report.results), report.dead, report.missing) == (1, 1, 1)
    r.close()


NOT_UTF8 = b'{"v":1,"run":"\xff\xfe"}'


@pytest.mark.parametrize("language", ["python", "dotnet"])
def test_a_task_that_is_not_utf8_is_dead_lettered_once_byte_for_byte(
    redis_url: str, keys: Keys, language: str
) -> None:
    if language == "dotnet":
        _dotnet_or_skip()
    raw = redis.Redis.from_url(redis_url)  # replies stay bytes
    tq.ensure_group(raw, keys)
    raw.xadd(keys.tasks, {"task": NOT_UTF8})
    worker = tq.start_worker(language, redis_url, "--namespace", keys.ns)
    try:
        assert "bad message" in worker.wait_for("dead-lettered ", SHORT_TIMEOUT)
    finally:
        assert worker.stop() == 0
    [(_id, dead)] = raw.xrange(keys.dead)
    assert (dead[b"task"], dead[b"deliveries"]) == (NOT_UTF8, b"1")
    assert raw.xlen(keys.tasks) == 0
    assert raw.xpending(keys.tasks, keys.group)["pending"] == 0
    raw.close()


def test_a_worker_step_dead_letters_a_task_that_is_not_utf8(redis_url: str, keys: Keys) -> None:
    raw = redis.Redis.from_url(redis_url)
    tq.ensure_group(raw, keys)
    raw.xadd(keys.tasks, {"task": NOT_UTF8})
    worker = Worker(tq.connect(redis_url), keys=keys, name="python-w", say=lambda _: None)

    assert worker.step()

    [(_id, dead)] = raw.xrange(keys.dead)
    assert dead[b"task"] == NOT_UTF8
    assert dead[b"reason"].startswith(b"bad message: 'utf-8' codec can't decode byte 0xff")
    worker.r.close()
    raw.close()


@pytest.mark.parametrize("vector", _named("urls"))
def test_url_vectors_are_read_once_and_printed_without_the_password(vector: dict[str, Any]) -> None:
    url = RedisUrl.parse(vector["url"])
    assert (url.user, url.password, url.host, url.port, url.db) == tuple(
        vector[k] for k in ("user", "password", "host", "port", "db")
    )
    assert RedisUrl.parse(str(url)) == url  # written back encoded, read back the same
    if url.password:
        assert url.password not in redact(vector["url"])
        assert "***@" in redact(vector["url"])


@pytest.mark.parametrize("language", ["python", "dotnet"])
def test_a_bad_url_is_one_line_exit_2_and_echoes_nothing(language: str) -> None:
    if language == "dotnet":
        _dotnet_or_skip()
    base = PY_SUBMIT if language == "python" else _dotnet_cli("submit")
    for vector in VECTORS["invalid_urls"]:
        done = _cli(*base, "--redis", vector["url"], env={URL_VARIABLE: ""})
        assert done.returncode == 2, (vector["name"], done.stderr)
        assert len(done.stderr.strip().splitlines()) == 1, done.stderr
        assert "Traceback" not in done.stderr
        assert "hunter" not in done.stderr, done.stderr
        with pytest.raises(ValueError, match=r"^(not a redis|the URL)"):
            RedisUrl.parse(vector["url"])
        assert "hunter" not in redact(vector["url"])


@pytest.mark.parametrize("language", ["python", "dotnet"])
@pytest.mark.parametrize("command", ["worker", "submit"])
def test_a_wrong_password_exits_2_from_either_command_in_either_language(
    redis_url: str, language: str, command: str
) -> None:
    if language == "dotnet":
        _dotnet_or_skip()
    base = (PY_WORKER if command == "worker" else PY_SUBMIT) if language == "python" else _dotnet_cli(command)
    bare = redis_url.replace(redis_url.split("@", maxsplit=1)[0] + "@", "redis://")
    done = _cli(*base, "--redis", bare, env={PASSWORD_VARIABLE: "wrong"}, timeout=SHORT_TIMEOUT)
    assert done.returncode == 2, done.stderr
    assert len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert "wrong" not in done.stderr


@pytest.mark.parametrize("language", ["python", "dotnet"])
def test_both_languages_take_opt_equals_value(language: str) -> None:
    if language == "dotnet":
        _dotnet_or_skip()
    base = PY_SUBMIT if language == "python" else _dotnet_cli("submit")
    done = _cli(*base, "--redis=redis://127.0.0.1:1", "--count=abc", env={URL_VARIABLE: ""})
    assert done.returncode == 2, done.stderr
    assert "--count" in done.stderr
    assert "unknown option" not in done.stderr


def test_a_redis_older_than_7_is_refused_with_one_line() -> None:
    assert tq.version_problem("6.2.14") == (
        "Redis 6.2.14 is too old: the task queue needs Redis 7.0 or later"
    )
    assert tq.version_problem("7.0.0") is None
    assert tq.version_problem("7.2.4") is None


def test_per_run_keys_expire_and_a_clean_stop_removes_an_idle_consumer(redis_url: str, keys: Keys) -> None:
    r = tq.connect(redis_url)
    tq.put_tasks(r, "ttl", 3, 0, keys=keys, fail=[1])
    stop = threading.Event()
    worker = Worker(r, keys=keys, name="python-w", claim_idle_ms=0, say=lambda _: None, stop=stop)
    for _ in range(tq.MAX_DELIVERIES + 2):  # task 0 done; task 1 fails until dead-lettered
        assert worker.step()
    worker.record("0-1", Task("ttl", 0, 0, 0))  # a second finish: counted as a duplicate
    for key in (keys.results("ttl"), keys.duplicates("ttl"), keys.dead_in_run("ttl")):
        assert 0 < r.ttl(key) <= tq.RUN_TTL_S, key
    r.xreadgroup(keys.group, "python-h", {keys.tasks: ">"}, count=1)  # python-h holds task 2

    stop.set()
    worker.run()  # a clean stop: python-w holds nothing and leaves the group
    Worker(r, keys=keys, name="python-h", stop=stop, say=lambda _: None).run()

    assert [c["name"] for c in r.xinfo_consumers(keys.tasks, keys.group)] == ["python-h"]
    r.close()
