"""scale.task-queue's commands, both languages: worker, submit and dead behave as tools (one line
and exit 2 on bad input, 130 on Ctrl-C, the same options), roles locked down by ACL run the
queue, a stopped worker hands its task back, and a killed concept leaves nothing running."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import psutil
import pytest
import redis

from parity import dotnet_build
from parity.common.kill import gone
from parity.common.redis_server import PASSWORD_VARIABLE, URL_VARIABLE, redact
from parity.common.skip import SKIP_EXIT
from parity.common.timing import LONG_TIMEOUT, POLL_INTERVAL, SHORT_TIMEOUT
from parity.paths import ROOT
from parity.scale import task_queue as tq
from parity.scale._queue import redis_ops as ops
from parity.scale._queue.messages import Keys
from parity.scale._queue.processes import start_worker

from .queue_helpers import LANGUAGES, cli, dotnet_or_skip, program, submit_to_workers

OUTSIDE = "PARITY_REDIS_URL names an outside server: creating users there is not ours to do"


def _redis(client: redis.Redis, *args: object) -> Any:
    """One raw Redis command (ACL SETUSER, CONFIG GET): redis-py leaves execute_command untyped."""
    return client.execute_command(*args)  # type: ignore[no-untyped-call]


@pytest.mark.parametrize("submitter", LANGUAGES)
def test_submit_with_workers_of_both_languages_prints_one_line_and_exits_0(
    redis_url: str, keys: Keys, submitter: str
) -> None:
    dotnet_or_skip()
    done, workers, codes = submit_to_workers(
        submitter,
        redis_url,
        redis_url,
        keys,
        ("python", "dotnet"),
        "--count",
        "10",
        "--task-ms",
        "20",
    )
    assert done.returncode == 0, done.stderr
    [line] = done.stdout.splitlines()
    assert line.startswith("tasks=10 results=10 missing=0 lost=0 duplicates=0 dead=0 by-language: ")
    assert codes == [0, 0]  # SIGTERM is a clean stop for both
    for w in workers:
        assert w.lines[-1].startswith(f"worker {w.language}-")
        assert w.lines[-1].endswith(" stopped")


@pytest.mark.parametrize("submitter", LANGUAGES)
def test_submit_exits_1_when_a_task_ends_in_the_dead_letter_stream(
    redis_url: str, keys: Keys, submitter: str
) -> None:
    done, _workers, _codes = submit_to_workers(
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
    )
    assert done.returncode == 1
    expected = "tasks=3 results=2 missing=1 lost=0 duplicates=0 dead=1 by-language: python=2 "
    assert done.stdout.startswith(expected)


@pytest.mark.parametrize("language", LANGUAGES)
def test_submit_with_progress_says_how_far_it_is_on_stderr(
    redis_url: str, keys: Keys, language: str
) -> None:
    base = program(language, "submit")
    common = ("--redis", redis_url, "--namespace", keys.ns)
    done = cli(*base, *common, "--count", "2", "--timeout", "0.5", "--progress")
    assert done.returncode == 1  # no worker: nothing done
    assert done.stdout.startswith("tasks=2 results=0 missing=2 lost=0 ")  # slow, not lost
    first = done.stderr.splitlines()[0]
    assert first == "progress: done=0/2 dead=0 queue: in-flight=0 waiting=2 retrying=0"


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("command", ["worker", "submit", "dead"])
def test_bad_input_is_one_line_and_exit_2(language: str, command: str) -> None:
    base = program(language, command)
    env = {URL_VARIABLE: ""}
    words = ("list",) if command == "dead" else ()
    no_server = cli(*base, *words, env=env)
    bad_option = cli(*base, "--redis", "redis://127.0.0.1:1", "--bogus", "1", *words, env=env)
    bad_url = cli(*base, "--redis", "http://127.0.0.1:1", *words, env=env)
    for done in (no_server, bad_option, bad_url):
        assert done.returncode == 2, done.stderr
        assert len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert "no server: give --redis URL or set PARITY_REDIS_URL" in no_server.stderr
    assert "--bogus" in bad_option.stderr
    assert "redis:// or rediss://" in bad_url.stderr
    helped = cli(*base, "--help", env=env)
    assert helped.returncode == 0
    assert "--redis" in helped.stdout


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_backlog_over_the_streams_maxlen_is_refused_with_one_line(language: str) -> None:
    base = program(language, "submit")
    too_many = str(ops.STREAM_CAP + 1)
    done = cli(
        *base, "--redis", "redis://127.0.0.1:1", "--backlog", too_many, env={URL_VARIABLE: ""}
    )
    assert done.returncode == 2
    [line] = done.stderr.strip().splitlines()
    assert f"--backlog must be at most {ops.STREAM_CAP}, the stream's MAXLEN" in line


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("command", ["worker", "submit"])
def test_a_wrong_password_exits_2_from_either_command_in_either_language(
    redis_url: str, language: str, command: str
) -> None:
    base = program(language, command)
    bare = redis_url.replace(redis_url.split("@", maxsplit=1)[0] + "@", "redis://")
    done = cli(*base, "--redis", bare, env={PASSWORD_VARIABLE: "wrong"}, timeout=SHORT_TIMEOUT)
    assert done.returncode == 2, done.stderr
    assert len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert "wrong" not in done.stderr


@pytest.mark.parametrize("language", LANGUAGES)
def test_both_languages_take_opt_equals_value(language: str) -> None:
    base = program(language, "submit")
    done = cli(*base, "--redis=redis://127.0.0.1:1", "--count=abc", env={URL_VARIABLE: ""})
    assert done.returncode == 2, done.stderr
    assert "--count" in done.stderr
    assert "unknown option" not in done.stderr


@pytest.mark.skipif(
    sys.platform == "win32", reason="SIGINT and SIGTERM to a child: POSIX only here"
)
@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(
    ("sig", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 0)], ids=["ctrl-c", "sigterm"]
)
def test_a_stopped_worker_hands_its_task_back_and_exits_with_the_signals_code(
    redis_url: str, keys: Keys, language: str, sig: int, code: int
) -> None:
    dotnet_or_skip(language)
    r = ops.connect(redis_url)
    tq.put_tasks(r, "stop", 1, 600_000, keys=keys)  # a task far longer than the test
    worker = start_worker(language, redis_url, "--namespace", keys.ns)
    try:
        worker.wait_for("holding stop/0", SHORT_TIMEOUT)
        worker.process.send_signal(sig)
        assert worker.process.wait(SHORT_TIMEOUT) == code
    finally:
        worker.stop()
    assert worker.lines[-1].endswith("stopped (Ctrl-C)" if code == 130 else " stopped")
    pending_entries: Any = r.xpending_range(keys.tasks, keys.group, "-", "+", 1)
    [pending] = pending_entries
    assert pending["time_since_delivered"] > tq.CLAIM_IDLE_MS  # handed back: claimable at once
    assert pending["times_delivered"] == 0  # the next claim makes it 1 again: no delivery burned
    r.close()


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_dead_command_lists_and_redrives_a_letter(
    redis_url: str, keys: Keys, language: str
) -> None:
    base = program(language, "dead")
    r = ops.connect(redis_url)
    tq.put_tasks(r, "again", 1, 0, keys=keys)
    [[_s, [entry]]] = ops.raw(r, "XREADGROUP", "GROUP", keys.group, "w", "STREAMS", keys.tasks, ">")
    ops.dead_letter(r, keys, "python-w", ops.delivery(entry, 4), None, "too many deliveries")
    r.hset(keys.dead_in_run("again"), "0", "too many deliveries")
    common = ("--redis", redis_url, "--namespace", keys.ns)

    listed = cli(*base, *common, "list")
    [line] = listed.stdout.splitlines()
    letter = line.split()[0]
    unknown = cli(*base, *common, "redrive", "0-1")
    redriven = cli(*base, *common, "redrive", "--all")

    assert listed.returncode == 0, listed.stderr
    assert line.endswith(" deliveries=4 attempt=0 worker=python-w reason: too many deliveries")
    assert f'{letter} task={{"v":1,' in line
    assert unknown.returncode == 1
    assert unknown.stderr.strip().splitlines()[-1].endswith("dead: no dead letter 0-1")
    assert (redriven.returncode, redriven.stdout.strip()) == (0, "re-drove 1 dead letter(s)")
    assert (r.xlen(keys.dead), r.xlen(keys.tasks), r.hlen(keys.dead_in_run("again"))) == (0, 1, 0)
    r.close()


@pytest.mark.parametrize(
    ("worker_language", "submit_language"), [("python", "dotnet"), ("dotnet", "python")]
)
def test_acl_users_with_only_their_own_commands_run_the_queue(
    redis_url: str, keys: Keys, worker_language: str, submit_language: str
) -> None:
    if os.environ.get(URL_VARIABLE):
        pytest.skip(OUTSIDE)
    dotnet_or_skip()
    admin = ops.connect(redis_url)
    _redis(admin, *ops.acl_setuser("worker", "w-pass", ops.WORKER_ACL, keys))
    _redis(admin, *ops.acl_setuser("submitter", "s-pass", ops.SUBMITTER_ACL, keys))
    port = urlsplit(redis_url).port
    worker_url = f"redis://worker:w-pass@127.0.0.1:{port}/0"
    submit_url = f"redis://submitter:s-pass@127.0.0.1:{port}/0"
    try:
        done, _workers, _codes = submit_to_workers(
            submit_language, submit_url, worker_url, keys, (worker_language,),
            "--count", "4", "--task-ms", "0", "--fail", "1",
        )  # fmt: skip
        dead = cli(
            *program(submit_language, "dead"), "--redis", submit_url, "--namespace", keys.ns, "list"
        )
    finally:
        admin.close()
    expected = (
        f"tasks=4 results=3 missing=1 lost=0 duplicates=0 dead=1 by-language: {worker_language}=3"
    )
    assert done.stdout.startswith(expected)
    assert dead.returncode == 0, dead.stderr  # the submitter's role reads the dead letters too


_ROLES = {
    "worker": (
        ops.WORKER_ACL,
        ("HSETNX", "{ns}:run:r:results", "0", "x"),
        ("HSETNX", "other", "0", "x"),
    ),
    "submitter": (ops.SUBMITTER_ACL, ("DEL", "{ns}:run:r:results"), ("DEL", "other")),
}


@pytest.mark.parametrize("user", sorted(_ROLES))
def test_a_role_can_neither_read_the_configuration_nor_write_a_foreign_key(
    redis_url: str, keys: Keys, user: str
) -> None:
    if os.environ.get(URL_VARIABLE):
        pytest.skip(OUTSIDE)
    rules, own_write, foreign_write = _ROLES[user]
    admin = ops.connect(redis_url)
    try:
        _redis(admin, *ops.acl_setuser(user, "role-pass", rules, keys))
        role = ops.connect(f"redis://{user}:role-pass@127.0.0.1:{urlsplit(redis_url).port}/0")
        # CONFIG GET requirepass would hand the role the admin password (AUTH default <it>).
        with pytest.raises(redis.exceptions.NoPermissionError):
            _redis(role, "CONFIG", "GET", "requirepass")
        # A command the role has: allowed on its own namespace, refused on any other key.
        _redis(role, own_write[0], own_write[1].format(ns=keys.ns), *own_write[2:])
        with pytest.raises(redis.exceptions.NoPermissionError):
            _redis(role, *foreign_write)
        assert not admin.exists("other")
        role.close()
    finally:
        admin.close()


def test_both_languages_give_the_roles_the_same_rules() -> None:
    source = (ROOT / "dotnet/src/Parity.Examples/Scale/Queue/QueueOps.cs").read_text(
        encoding="utf-8"
    )

    def constant(name: str) -> str:
        start = source.index(f"public const string {name} = ")
        body = source[start : source.index(";", start)]
        return "".join(part for part in body.split('"')[1::2])

    assert constant("ConnectAcl") == ops.CONNECT_ACL
    assert constant("WorkerAcl") == ops.WORKER_ACL
    assert constant("SubmitterAcl") == ops.SUBMITTER_ACL
    assert "config" not in ops.CONNECT_ACL + ops.WORKER_ACL + ops.SUBMITTER_ACL


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


@pytest.mark.parametrize("via", ["python", "dotnet", "bridge"])
def test_without_redis_server_the_concept_is_skipped_with_the_install_hint(via: str) -> None:
    dotnet_or_skip("python" if via == "python" else "dotnet")
    commands = {
        "python": (sys.executable, "-m", "parity.scale.task_queue"),
        "dotnet": (dotnet_build.dotnet_exe(), str(dotnet_build.CLI_DLL), "run", "scale.task-queue"),
        "bridge": (sys.executable, "-m", "parity.bridge", "run", "scale.task-queue"),
    }
    # A PATH with no redis-server on it, and no server named; DOTNET_ROOT so the bridge finds .NET.
    dotnet_root = os.path.dirname(os.path.realpath(dotnet_build.dotnet_exe()))
    env = {"PATH": os.path.dirname(sys.executable), "DOTNET_ROOT": dotnet_root, URL_VARIABLE: ""}
    done = cli(*commands[via], env=env, timeout=LONG_TIMEOUT)
    assert done.returncode == SKIP_EXIT, done.stderr
    assert "redis-server is not installed" in done.stderr
    assert "apt-get install redis-server" in done.stderr


def _command(p: psutil.Process) -> str:
    try:
        return " ".join(p.cmdline())
    except psutil.Error:  # ended (a zombie included) while we looked
        return ""


def _tree_once_workers_run(concept: subprocess.Popen[str]) -> list[tuple[psutil.Process, str]]:
    """The concept's descendants, with their command lines, once its redis-server and a worker
    are both running."""
    deadline = time.monotonic() + LONG_TIMEOUT
    while time.monotonic() < deadline and concept.poll() is None:
        tree = [(p, _command(p)) for p in psutil.Process(concept.pid).children(recursive=True)]
        lines = [line for _p, line in tree]
        if any("redis-server" in x for x in lines) and any(
            " worker" in x or ".worker" in x for x in lines
        ):
            return [(p, line) for p, line in tree if line]
        time.sleep(POLL_INTERVAL)
    raise AssertionError("the concept never had its server and a worker running")


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL and process groups: POSIX")
@pytest.mark.parametrize("language", LANGUAGES)
def test_a_concept_killed_with_sigkill_leaves_no_server_worker_or_folder(language: str) -> None:
    dotnet_or_skip(language)
    run = {
        "python": [sys.executable, "-m", "parity.scale.task_queue"],
        "dotnet": [dotnet_build.dotnet_exe(), str(dotnet_build.CLI_DLL), "run", "scale.task-queue"],
    }[language]
    env = {**os.environ, URL_VARIABLE: "", "PARITY_TIME_SCALE": "1"}
    concept = subprocess.Popen(
        run, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, text=True
    )
    try:
        tree = _tree_once_workers_run(concept)
        server = next(p for p, line in tree if "redis-server" in line)
        folder = Path(server.cwd())  # redis-server works in its private folder
        started = [p for p, line in tree if "guardian" not in line]
        concept.kill()  # no cleanup runs: the guardian must do it
        concept.wait(SHORT_TIMEOUT)
        assert all(gone(p.pid, SHORT_TIMEOUT) for p in started), [
            p.pid for p in started if p.is_running()
        ]
        deadline = time.monotonic() + SHORT_TIMEOUT
        while folder.exists() and time.monotonic() < deadline:
            time.sleep(POLL_INTERVAL)
        assert folder.name.startswith("parity-redis-")
        assert not folder.exists()
    finally:
        concept.kill()
        concept.wait(SHORT_TIMEOUT)


def test_stall_on_n_holds_the_nth_task_until_the_worker_stops() -> None:
    from parity.scale._queue.messages import Task
    from parity.scale.worker.__main__ import stalling_on

    work, task, stop = stalling_on(2), Task("run", 1, 1, 0, False), threading.Event()
    work(task, stop)  # the first: its 0 ms of simulated work
    stalled = threading.Thread(target=work, args=(task, stop))
    stalled.start()
    stalled.join(POLL_INTERVAL)
    assert stalled.is_alive()  # the second is held, like a dead machine's
    stop.set()
    stalled.join(SHORT_TIMEOUT)
    assert not stalled.is_alive()
    work(task, threading.Event())  # the third runs again
