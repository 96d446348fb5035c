"""bridge.delegates in-process (bridge session)."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from parity.bridge import delegates
from parity.common.timing import SHORT_TIMEOUT

pytestmark = pytest.mark.bridge


def test_a_wrapped_function_is_called_by_dotnet_as_a_func() -> None:
    assert delegates.apply(delegates.square, 7) == 49
    assert delegates.apply(lambda x: x + 1, 41) == 42


def test_a_bare_python_function_is_not_converted_to_a_delegate() -> None:
    message = delegates.bare_function_error()
    assert message.startswith("No method matches given arguments for Delegates.Apply")
    assert "function" in message


def test_an_action_is_called_once_per_iteration_in_order() -> None:
    seen: list[int] = []
    delegates.repeat(4, seen.append)
    assert seen == [0, 1, 2, 3]


def test_a_python_exception_in_a_delegate_reaches_the_python_caller() -> None:
    def boom(_: int) -> int:
        raise ValueError("from Python")

    with pytest.raises(Exception, match="from Python"):
        delegates.apply(boom, 1)


def test_iprogress_implemented_in_python_hears_every_step_from_a_dotnet_thread() -> None:
    reports: list[int] = []
    threads: set[int] = set()

    def on_report(step: int) -> None:
        reports.append(step)
        threads.add(threading.get_ident())

    total = delegates.crunch(on_report, count=10_000, steps=5)
    assert total == 10_000 * 9_999 // 2
    assert reports == [1, 2, 3, 4, 5]
    assert threading.get_ident() not in threads  # reported from the .NET thread pool


def test_main_shows_the_progress_and_the_sum(capsys: pytest.CaptureFixture[str]) -> None:
    delegates.main()
    out = capsys.readouterr().out
    assert "called by .NET with 7: 49" in out
    assert "IProgress<int> reports seen by Python: [1, 2, 3, 4, 5, 6, 7, 8]" in out
    assert "sum of 0..999,999: 499999500000" in out


def test_a_wait_that_gives_up_cancels_the_dotnet_work(monkeypatch: pytest.MonkeyPatch) -> None:
    # Our wait gives up at once (as a timeout or Ctrl-C would); the .NET work must stop too,
    # not run on with nobody waiting (it did with CancellationToken(False)).
    from parity.bridge import _runtime

    seen = []

    def give_up(task: object, *args: object, **kwargs: object) -> None:
        seen.append(task)
        raise TimeoutError("gave up")

    monkeypatch.setattr(delegates, "wait_task", give_up)
    with pytest.raises(TimeoutError, match="gave up"):
        delegates.crunch(lambda _step: None)
    _runtime.wait_task(seen[0], timeout=SHORT_TIMEOUT)
    task: Any = seen[0]  # a .NET Task: pythonnet's types are not known to mypy
    assert str(task.Status) == "Canceled"
