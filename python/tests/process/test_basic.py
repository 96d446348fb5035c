import os
import re

import psutil
import pytest

from parity.common.mp import Context, context
from parity.common.timing import SHORT_TIMEOUT
from parity.process import basic

from ..conftest import START_METHODS, RunConcept

PID_LINE = re.compile(r"\[(?P<who>parent|child \w+)\] pid=(?P<pid>\d+) ppid=(?P<ppid>\d+)")


@pytest.mark.parametrize("method", START_METHODS)
def test_child_reports_the_parent_as_its_parent(run_ok: RunConcept, method: str) -> None:
    result = run_ok("parity.process.basic", start_method=method)
    lines = {m["who"]: (int(m["pid"]), int(m["ppid"])) for m in PID_LINE.finditer(result.stdout)}
    parent_pid, _ = lines["parent"]
    child_pid, child_ppid = lines["child cheerful"]
    assert child_pid != parent_pid
    assert f"child {child_pid} exited with code 0" in result.stdout
    if method == "forkserver":
        # The fork server forks the child: the article's "PPID = parent" does not hold here.
        assert child_ppid != parent_pid
    else:
        assert child_ppid == parent_pid


def _wait(event: object) -> None:
    event.wait(SHORT_TIMEOUT)  # type: ignore[attr-defined]


@pytest.mark.skipif("forkserver" not in START_METHODS, reason="no forkserver on this platform")
def test_under_forkserver_the_childs_parent_is_the_fork_server() -> None:
    ctx = context("forkserver")
    release = ctx.Event()
    child = ctx.Process(target=_wait, args=(release,))
    child.start()
    try:
        server = psutil.Process(psutil.Process(child.pid).ppid())
        assert server.pid != os.getpid()
        assert server.ppid() == os.getpid()  # the fork server is our own child
    finally:
        release.set()
        child.join(SHORT_TIMEOUT)
    assert child.exitcode == 0


def test_join_reaps_the_child(mp_context: Context) -> None:
    pid, exitcode = basic.run_child(mp_context, "reaped")
    assert exitcode == 0
    # Reaped means gone from the process table, not a zombie waiting for wait().
    assert not psutil.pid_exists(pid) or psutil.Process(pid).status() != psutil.STATUS_ZOMBIE


def test_process_is_a_class_and_process_a_module() -> None:
    import inspect
    import multiprocessing
    import multiprocessing.process

    assert inspect.isclass(multiprocessing.Process)
    assert inspect.ismodule(multiprocessing.process)  # lower case: the module, not the class


def test_a_one_element_tuple_needs_its_comma() -> None:
    one = "x"
    assert not isinstance((one), tuple)  # parentheses alone make no tuple
    assert isinstance((one,), tuple)  # the comma does
    assert len((one,)) == 1


def test_the_constructor_takes_the_parameters_the_article_lists() -> None:
    import inspect
    import multiprocessing

    parameters = inspect.signature(multiprocessing.Process.__init__).parameters
    assert list(parameters) == ["self", "group", "target", "name", "args", "kwargs", "daemon"]
    assert parameters["daemon"].kind is inspect.Parameter.KEYWORD_ONLY
    assert parameters["args"].default == ()
    assert parameters["kwargs"].default == {}
