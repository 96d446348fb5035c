import multiprocessing
import os
import sys

import pytest

from parity.common.mp import Context
from parity.common.timing import SHORT_TIMEOUT
from parity.context import start_methods
from parity.context._start_methods import expected_default, time_programs
from parity.context.start_methods import start_once

from ..conftest import START_METHODS, RunConcept


def test_every_method_runs_the_target_and_returns_the_same_answer(mp_context: Context) -> None:
    (greeting, imported_afresh), seconds = start_once(mp_context)
    assert greeting == "hello"
    assert 0 < seconds < SHORT_TIMEOUT
    method = mp_context.get_start_method()
    if method == "fork":
        assert not imported_afresh  # a copy of our memory: the module came along
    elif method == "spawn":
        assert imported_afresh  # a new interpreter imported the module itself


def test_the_default_start_method_matches_the_platform_and_version() -> None:
    expected = expected_default(sys.platform, sys.version_info[:2])
    assert start_methods.default_in_fresh_interpreter() == expected
    if sys.platform.startswith("linux") and sys.version_info < (3, 14):
        assert expected == "fork"


def test_the_default_table_knows_the_314_change() -> None:
    assert expected_default("linux", (3, 11)) == "fork"
    assert expected_default("linux", (3, 13)) == "fork"
    assert expected_default("linux", (3, 14)) == "forkserver"
    assert expected_default("darwin", (3, 11)) == "spawn"
    assert expected_default("win32", (3, 11)) == "spawn"


def test_set_start_method_a_second_time_raises_unless_forced() -> None:
    assert start_methods.set_start_method_twice() == [
        "first call: ok, now spawn",
        "second call, same method: RuntimeError: context has already been set",
        "third call, force=True: ok, now spawn",
        "after mp.Queue(): RuntimeError: context has already been set",
    ]


def test_get_context_and_set_start_method_start_the_same_spawned_child() -> None:
    programs = time_programs(start_methods.PROGRAM, start_methods.ARTICLE_SETUPS, runs=1)
    timings = {t.setup: t for t in programs}
    by_set = timings["set_start_method('spawn')"]
    by_get = timings["get_context('spawn')"]
    # Both programs spawn a fresh interpreter that imports the target itself: the same work,
    # so the article's 0.407 s vs 0.169 s (x2.4) was not a difference between the two calls.
    assert by_set.answer == by_get.answer == "('hello', True)"


def _descriptor_is_open(fd: int, queue: "multiprocessing.Queue[bool]") -> None:
    try:
        os.fstat(fd)
        queue.put(True)
    except OSError:
        queue.put(False)


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX descriptors; Windows has only spawn")
def test_fork_inherits_every_open_descriptor_spawn_and_forkserver_do_not(
    mp_context: Context,
) -> None:
    fd = os.open(os.devnull, os.O_RDONLY)
    high = os.dup2(fd, 250, inheritable=False)  # non-inheritable, as Python opens files
    try:
        queue = mp_context.Queue()
        child = mp_context.Process(target=_descriptor_is_open, args=(high, queue))
        child.start()
        inherited = queue.get(timeout=SHORT_TIMEOUT)
        child.join(SHORT_TIMEOUT)
    finally:
        os.close(high)
        os.close(fd)
    assert inherited == (mp_context.get_start_method() == "fork")


def test_main_measures_every_method(run_ok: RunConcept) -> None:
    result = run_ok("parity.context.start_methods")
    for method in START_METHODS:
        assert f"  {method} " in result.stdout
    assert "second call, same method: RuntimeError: context has already been set" in result.stdout


def test_fork_and_forkserver_exist_only_on_posix_spawn_everywhere() -> None:
    methods = multiprocessing.get_all_start_methods()
    assert "spawn" in methods
    assert ("fork" in methods) == (sys.platform != "win32")
    # forkserver needs file descriptors passed over Unix sockets: POSIX only.
    assert ("forkserver" in methods) == (sys.platform != "win32")
