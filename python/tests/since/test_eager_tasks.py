import asyncio
import sys

import pytest

from parity.since import eager_tasks

from ..conftest import RunConcept


@pytest.mark.parametrize("wait", [True, False])
def test_a_task_created_normally_has_not_started(wait: bool) -> None:
    assert asyncio.run(eager_tasks.created(eager=False, wait=wait)) == ([], False)


@pytest.mark.skipif(sys.version_info < (3, 12), reason="eager_task_factory needs 3.12")
def test_an_eager_task_runs_up_to_its_first_suspending_await() -> None:
    assert asyncio.run(eager_tasks.created(eager=True, wait=True)) == (["started"], False)


@pytest.mark.skipif(sys.version_info < (3, 12), reason="eager_task_factory needs 3.12")
def test_an_eager_task_that_never_suspends_is_done_at_creation() -> None:
    assert asyncio.run(eager_tasks.created(eager=True, wait=False)) == (["started"], True)


def test_main_runs(run_module: RunConcept) -> None:
    result = run_module("parity.since.eager_tasks")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.count("right after create_task")
    assert lines == (4 if sys.version_info >= (3, 12) else 2)
