import multiprocessing.pool

from parity.common.mp import Context
from parity.fault import child_exception

from ..conftest import RunConcept


def test_a_process_childs_exception_is_an_exit_code_and_a_traceback_on_its_stderr(
    mp_context: Context, run_module: RunConcept
) -> None:
    assert child_exception.process_child_raises(mp_context) == 1
    # The traceback goes to the child's own stderr: under forkserver that is the fork server's,
    # wherever it pointed when the server started. A fresh interpreter makes it ours to read.
    result = run_module("parity.fault.child_exception", start_method=mp_context.get_start_method())
    assert "the parent sees exitcode=1" in result.stdout
    assert "Traceback (most recent call last):" in result.stderr
    assert result.stderr.rstrip().endswith("ValueError: bad row 3")


def test_a_pool_tasks_exception_is_raised_again_by_get_with_the_remote_traceback(
    mp_context: Context,
) -> None:
    exc = child_exception.pool_task_raises(mp_context)
    assert type(exc) is ValueError
    assert str(exc) == "bad row 3"
    remote = multiprocessing.pool.RemoteTraceback  # type: ignore[attr-defined]  # not in typeshed
    assert isinstance(exc.__cause__, remote)
    assert 'raise ValueError("bad row 3")' in str(exc.__cause__)


def test_a_threads_exception_goes_to_excepthook_and_join_does_not_raise() -> None:
    out = child_exception.thread_raises()
    assert out.reported == ("loader", "ValueError('bad row 3')")
    assert out.finished


def test_a_forgotten_asyncio_tasks_exception_is_reported_when_the_task_is_collected() -> None:
    report = child_exception.asyncio_task_never_awaited()
    assert report["message"] == "Task exception was never retrieved"
    assert isinstance(report["exception"], ValueError)


def test_main_survives_every_exception(run_ok: RunConcept) -> None:
    result = run_ok("parity.fault.child_exception")
    assert "exitcode=1" in result.stdout
    assert "the parent process is still running" in result.stdout
    assert "ValueError: bad row 3" in result.stderr  # the Process child's traceback
