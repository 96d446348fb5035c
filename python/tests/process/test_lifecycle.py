import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from multiprocessing.connection import wait
from multiprocessing.process import BaseProcess
from multiprocessing.queues import Queue

import psutil
import pytest

from parity.common.mp import Context
from parity.common.timing import POLL_INTERVAL, SHORT_TIMEOUT
from parity.process import lifecycle

from ..conftest import START_METHODS, RunConcept

POSIX_ONLY = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals and zombies")


def test_states_initial_started_stopped(
    mp_context: Context, capsys: pytest.CaptureFixture[str]
) -> None:
    exitcode = lifecycle.walk_through(mp_context)
    # Each line: the step, then the child's repr, which ends with its state and exit code.
    steps = [
        re.fullmatch(r"(.+?) +<\w+ name='sleeper' .*?(\w+)(?: exitcode=(\S+))?>", line).groups()  # type: ignore[union-attr]
        for line in capsys.readouterr().out.splitlines()
    ]
    assert [(step, st) for step, st, _ in steps] == [
        ("created", "initial"),
        ("started", "started"),
        ("join(0.5) returned", "started"),  # join(timeout) came back while the child lives
        ("terminated and joined", "stopped"),
        ("closed", "closed"),
    ]
    assert [code for _, _, code in steps] == [None, None, None, "-SIGTERM", None]
    assert exitcode == -signal.SIGTERM


def test_name_defaults_to_class_and_counter_and_can_be_given(mp_context: Context) -> None:
    assert mp_context.Process(name="sleeper").name == "sleeper"
    # The default name comes from the class: ForkProcess-3, SpawnProcess-7, Process-2...
    assert re.fullmatch(r"\w*Process-\d+(:\d+)*", mp_context.Process().name)


def test_terminate_reports_minus_sigterm_on_every_platform(mp_context: Context) -> None:
    # POSIX: the child died of SIGTERM. Windows: TerminateProcess, and multiprocessing maps
    # that exit code to -SIGTERM too, so portable code sees the same value.
    child = mp_context.Process(target=time.sleep, args=(SHORT_TIMEOUT,))
    child.start()
    child.terminate()
    child.join(SHORT_TIMEOUT)
    assert child.exitcode == -signal.SIGTERM


def test_kill_is_sigkill_on_posix_and_terminate_on_windows(mp_context: Context) -> None:
    child = mp_context.Process(target=time.sleep, args=(SHORT_TIMEOUT,))
    child.start()
    child.kill()
    child.join(SHORT_TIMEOUT)
    if sys.platform == "win32":
        assert child.exitcode == -signal.SIGTERM
    else:
        assert child.exitcode == -signal.SIGKILL


def _catch_sigterm(ready: "Queue[str]") -> None:
    def on_term(signum: int, frame: object) -> None:
        ready.put("caught SIGTERM")
        ready.close()
        ready.join_thread()
        sys.exit(3)

    signal.signal(signal.SIGTERM, on_term)
    ready.put("ready")
    # In slices: the signal may land on the queue's feeder thread, and Python runs the handler
    # only when the main thread next runs (one long sleep made this test take 30 s at times).
    deadline = time.monotonic() + SHORT_TIMEOUT
    while time.monotonic() < deadline:
        time.sleep(POLL_INTERVAL)


@POSIX_ONLY
def test_terminate_sends_sigterm_which_the_child_can_catch(mp_context: Context) -> None:
    messages = mp_context.Queue()
    child = mp_context.Process(target=_catch_sigterm, args=(messages,))
    child.start()
    assert messages.get(timeout=SHORT_TIMEOUT) == "ready"
    child.terminate()
    assert messages.get(timeout=SHORT_TIMEOUT) == "caught SIGTERM"
    child.join(SHORT_TIMEOUT)
    assert child.exitcode == 3  # the handler chose how to exit: SIGTERM is a request


def _settled_status(pid: int | None) -> str:
    """The status once the exiting child has finished dying: the sentinel closes a bit earlier."""
    deadline = time.monotonic() + SHORT_TIMEOUT
    while True:
        try:
            status = str(psutil.Process(pid).status())
        except psutil.NoSuchProcess:
            return "gone"
        if status == psutil.STATUS_ZOMBIE or time.monotonic() > deadline:
            return status
        time.sleep(0.01)


@POSIX_ONLY
def test_an_exited_child_is_a_zombie_until_joined(mp_context: Context) -> None:
    child = mp_context.Process(target=time.sleep, args=(0,))
    child.start()
    assert wait([child.sentinel], timeout=SHORT_TIMEOUT)  # it is exiting; nobody reaps it yet
    status = _settled_status(child.pid)
    if mp_context.get_start_method() == "forkserver":
        # The fork server is the child's parent and reaps it: we never hold a zombie.
        assert status in ("gone", psutil.STATUS_ZOMBIE)
    else:
        assert status == psutil.STATUS_ZOMBIE
    child.join(SHORT_TIMEOUT)
    assert child.exitcode == 0
    assert (
        not psutil.pid_exists(child.pid)
        or psutil.Process(child.pid).status() != psutil.STATUS_ZOMBIE
    )


def test_closed_process_refuses_every_query(mp_context: Context) -> None:
    child = mp_context.Process(target=time.sleep, args=(0,))
    child.start()
    child.join(SHORT_TIMEOUT)
    child.close()
    with pytest.raises(ValueError, match="process object is closed"):
        child.is_alive()


def test_close_refuses_a_running_child(mp_context: Context) -> None:
    child = mp_context.Process(target=time.sleep, args=(SHORT_TIMEOUT,))
    child.start()
    try:
        with pytest.raises(ValueError, match="Cannot close a process while it is still running"):
            child.close()
    finally:
        child.kill()
        child.join(SHORT_TIMEOUT)


@pytest.mark.parametrize("method", START_METHODS)
def test_a_daemon_child_ends_with_the_parent(run_ok: RunConcept, method: str) -> None:
    result = run_ok("parity.process.lifecycle", start_method=method)
    assert f"exit code after terminate(): {-signal.SIGTERM} (" in result.stdout
    pid = int(re.search(r"daemon child (\d+) left running", result.stdout)[1])  # type: ignore[index]
    # The parent exited long before the daemon's 30 s sleep: multiprocessing terminated it.
    assert not psutil.pid_exists(pid) or psutil.Process(pid).status() == psutil.STATUS_ZOMBIE


_ORPHAN_SCRIPT = """
import os, sys, time
from parity.common.mp import context
child = context().Process(target=time.sleep, args=(30,), daemon=True)
child.start()
print(child.pid, flush=True)
os._exit(0)  # like a crash: no atexit handler runs, so nobody terminates the daemon
"""


@pytest.mark.skipif(
    sys.platform == "win32",
    reason="on Windows the spawned daemon dies with its parent: spawn_main copies its handles "
    "from the parent (DuplicateHandle), which fails once the parent has exited, so it would pass "
    "only by looking before the child gets that far",
)
def test_a_daemon_survives_a_parent_that_dies_abruptly() -> None:
    with subprocess.Popen(
        [sys.executable, "-c", _ORPHAN_SCRIPT], stdout=subprocess.PIPE, text=True
    ) as parent:
        assert parent.stdout is not None
        orphan = psutil.Process(int(parent.stdout.readline()))
        assert parent.wait(SHORT_TIMEOUT) == 0
        try:
            assert orphan.is_running()
            assert orphan.status() != psutil.STATUS_ZOMBIE
            assert orphan.ppid() != parent.pid  # re-parented: nobody will end it for us
        finally:
            orphan.kill()


def test_process_is_built_on_base_process_and_waits_in_popen() -> None:
    import importlib
    import multiprocessing
    import multiprocessing.process

    assert issubclass(multiprocessing.Process, multiprocessing.process.BaseProcess)
    if sys.platform != "win32":
        popen_fork = importlib.import_module("multiprocessing.popen_fork")
        assert callable(popen_fork.Popen.wait)
        assert callable(popen_fork.Popen.poll)
    with pytest.raises(ModuleNotFoundError):
        importlib.import_module("multiprocessing.forking")  # the pre-3.4 home of that code


@contextmanager
def _waiting_child(ctx: Context) -> Iterator[BaseProcess]:
    """A started child that waits on an event until the block ends; then it exits and is joined."""
    stop = ctx.Event()
    child = ctx.Process(target=stop.wait, args=(SHORT_TIMEOUT,))
    child.start()
    try:
        yield child
    finally:
        stop.set()
        child.join(SHORT_TIMEOUT)


@POSIX_ONLY
def test_wnohang_returns_at_once_while_the_child_runs(mp_context: Context) -> None:
    import os

    if sys.platform == "win32":  # skipped there already; mypy reads the rest as POSIX
        pytest.skip("POSIX only")
    with _waiting_child(mp_context) as child:
        assert child.pid is not None
        if (
            mp_context.get_start_method() != "forkserver"
        ):  # a forkserver child is not ours to wait for
            assert os.waitpid(child.pid, os.WNOHANG) == (0, 0)  # running: no status, no blocking
    assert child.exitcode == 0


@POSIX_ONLY
def test_a_child_blocked_in_a_wait_is_sleeping_not_running(mp_context: Context) -> None:
    with _waiting_child(mp_context) as child:
        assert child.pid is not None
        proc = psutil.Process(child.pid)
        deadline = time.monotonic() + SHORT_TIMEOUT
        # Starting up it runs; once in stop.wait() it is blocked, which Linux calls sleeping.
        while proc.status() != psutil.STATUS_SLEEPING and time.monotonic() < deadline:
            time.sleep(0.01)
        assert proc.status() == psutil.STATUS_SLEEPING


def test_join_drops_the_child_from_the_active_children(mp_context: Context) -> None:
    import multiprocessing

    with _waiting_child(mp_context) as child:
        assert child in multiprocessing.active_children()
    assert child.exitcode == 0
    assert child not in multiprocessing.active_children()


@POSIX_ONLY
def test_waitpid_on_a_child_already_reaped_fails_with_echild() -> None:
    import errno
    import os

    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait(timeout=SHORT_TIMEOUT)  # reaped: the pid is no longer our child
    with pytest.raises(ChildProcessError) as raised:
        os.waitpid(child.pid, 0)
    assert raised.value.errno == errno.ECHILD == 10
