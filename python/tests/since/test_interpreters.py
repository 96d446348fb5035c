import sys
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

import pytest

from parity.since import interpreters

from ..conftest import START_METHODS, RunConcept


def test_threads_share_the_callers_objects() -> None:
    with ThreadPoolExecutor(1) as pool:
        assert interpreters.shared_or_copied(pool)[0] == "shared"


def test_processes_get_copies() -> None:
    with ProcessPoolExecutor(1) as pool:
        assert interpreters.shared_or_copied(pool)[0] == "copied"


@pytest.mark.skipif(sys.version_info < (3, 14), reason="InterpreterPoolExecutor needs 3.14")
def test_interpreters_get_copies_too() -> None:
    pools = interpreters.pools()
    try:
        assert interpreters.shared_or_copied(pools["interpreters"])[0] == "copied"
    finally:
        for pool in pools.values():
            pool.shutdown()


def test_the_pools_offered_depend_on_the_version() -> None:
    pools = interpreters.pools()
    for pool in pools.values():
        pool.shutdown()
    assert ("interpreters" in pools) == (sys.version_info >= (3, 14))


def test_main_runs(run_module: RunConcept) -> None:
    result = run_module("parity.since.interpreters")
    assert result.returncode == 0, result.stderr
    assert "threads     : the list is shared" in result.stdout
    assert "processes   : the list is copied" in result.stdout


@pytest.mark.parametrize("method", START_METHODS)
def test_main_runs_under_every_start_method(run_module: RunConcept, method: str) -> None:
    result = run_module("parity.since.interpreters", start_method=method)
    assert result.returncode == 0, result.stderr
    assert "processes   : the list is copied" in result.stdout
