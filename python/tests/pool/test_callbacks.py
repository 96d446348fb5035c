import os
import queue
import threading
from multiprocessing.pool import RemoteTraceback  # type: ignore[attr-defined]  # not in typeshed
from multiprocessing.synchronize import Event

import pytest

from parity.common.mp import Context
from parity.common.timing import SHORT_TIMEOUT
from parity.pool import callbacks

from ..conftest import RunConcept

_gates: list[Event]


def _install(gates: list[Event]) -> None:
    global _gates
    _gates = gates


def _gated(name: int) -> int:
    """Finish only when the test opens this task's gate; odd tasks fail."""
    if not _gates[name].wait(SHORT_TIMEOUT):
        raise TimeoutError(f"gate {name} never opened")
    if name % 2:
        raise ValueError(f"task {name} failed")
    return name


def test_success_and_error_callbacks_each_get_their_outcomes(mp_context: Context) -> None:
    results: list[int] = []
    errors: list[BaseException] = []
    callbacks.run_with_callbacks(mp_context, results.append, errors.append)
    assert sorted(results) == [0, 1, 2]
    assert sorted(map(str, errors)) == ["task 3 failed", "task 4 failed"]
    assert all(type(e) is RuntimeError for e in errors)


def test_callbacks_follow_completion_order_not_submission_order(mp_context: Context) -> None:
    finish_order = [4, 0, 3, 2, 1]
    seen: queue.Queue[tuple[str, object, int, bool]] = queue.Queue()

    def on_main() -> bool:
        return threading.current_thread() is threading.main_thread()

    def on_result(value: int) -> None:
        seen.put(("callback", value, os.getpid(), on_main()))

    def on_error(exc: BaseException) -> None:
        seen.put(("error_callback", str(exc), os.getpid(), on_main()))

    gates = [mp_context.Event() for _ in range(5)]
    with mp_context.Pool(5, initializer=_install, initargs=(gates,)) as pool:
        for name in range(5):
            pool.apply_async(_gated, (name,), callback=on_result, error_callback=on_error)
        order = []
        for name in finish_order:
            gates[name].set()  # let exactly this task finish, then wait for its callback
            order.append(seen.get(timeout=SHORT_TIMEOUT))
    assert [(kind, value) for kind, value, _, _ in order] == [
        ("callback", 4),
        ("callback", 0),
        ("error_callback", "task 3 failed"),
        ("callback", 2),
        ("error_callback", "task 1 failed"),
    ]
    # Callbacks run in the parent, on the pool's result-handler thread, not in the worker.
    assert {(pid, on_main) for _, _, pid, on_main in order} == {(os.getpid(), False)}


def test_without_error_callback_get_reraises_with_the_remote_traceback(mp_context: Context) -> None:
    with mp_context.Pool(1) as pool:
        pending = pool.apply_async(callbacks.fail, (7,))
        with pytest.raises(RuntimeError, match=r"^task 7 failed$") as caught:
            pending.get(timeout=SHORT_TIMEOUT)
        assert pending.ready()
        assert not pending.successful()
    cause = caught.value.__cause__
    assert isinstance(cause, RemoteTraceback)
    assert 'raise RuntimeError(f"task {name} failed")' in str(cause)  # the worker's own traceback


def test_run_module_reports_every_task(run_ok: RunConcept, mp_context: Context) -> None:
    result = run_ok("parity.pool.callbacks", start_method=mp_context.get_start_method())
    for name in (0, 1, 2):
        assert f"[callback] task {name} finished" in result.stdout
    for name in (3, 4):
        assert f"[error_callback] RuntimeError: task {name} failed" in result.stdout
    assert result.stdout.rstrip().endswith("over")


def test_with_one_worker_the_failures_report_last(mp_context: Context) -> None:
    # The article's output (failures first) needs 5 workers; one worker runs the tasks in order.
    seen: list[object] = []
    callbacks.run_with_callbacks(
        mp_context, seen.append, lambda exc: seen.append(str(exc)), processes=1
    )
    assert seen == [0, 1, 2, "task 3 failed", "task 4 failed"]


def test_tasks_that_outlast_the_timeout_raise_instead_of_hanging(
    mp_context: Context, monkeypatch: pytest.MonkeyPatch
) -> None:
    # At this time scale the succeeding tasks sleep 1000 s: the wait must give up and say so,
    # not ignore wait()'s result and then join the pool without a limit.
    monkeypatch.setenv("PARITY_TIME_SCALE", "1000")
    monkeypatch.setattr(callbacks, "SHORT_TIMEOUT", 0.5)
    with pytest.raises(TimeoutError, match=r"of 5 tasks did not finish within 0\.5 s") as caught:
        callbacks.run_with_callbacks(mp_context, lambda _: None, lambda _: None, processes=5)
    # The three sleepers surely did not; the two failing tasks may not have run yet either.
    assert int(str(caught.value).split()[0]) >= 3


def _returns_nothing() -> None:
    pass


def test_a_task_without_a_return_value_hands_none_to_the_callback(mp_context: Context) -> None:
    got: queue.Queue[object] = queue.Queue()
    with mp_context.Pool(1) as pool:
        pool.apply_async(_returns_nothing, callback=got.put).get(timeout=SHORT_TIMEOUT)
        assert got.get(timeout=SHORT_TIMEOUT) is None
