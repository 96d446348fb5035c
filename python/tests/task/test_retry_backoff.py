import asyncio
import time

import pytest

from parity.common.http import HttpError, serve
from parity.common.timing import CLOCK_TICK, scaled
from parity.task import retry_backoff


class _Clock:
    """Records when each request reached the server (the handler runs on the server's thread)."""

    def __init__(self, k: int, delay: float = 0.0) -> None:
        self.times: list[float] = []
        self._inner = retry_backoff.failing_first(k, delay)

    def __call__(self, path: str, number: int):  # type: ignore[no-untyped-def]
        self.times.append(time.perf_counter())
        return self._inner(path, number)


def _run(k: int) -> tuple[str | HttpError, list[float], list[float]]:
    clock = _Clock(k)
    waits: list[float] = []
    with serve(clock) as server:
        coro = retry_backoff.download_with_retry(
            server.url("/p"), on_retry=lambda _a, delay, _e: waits.append(delay)
        )
        try:
            result: str | HttpError = asyncio.run(coro)
        except HttpError as error:
            result = error
    return result, waits, [b - a for a, b in zip(clock.times, clock.times[1:], strict=False)]


def test_two_failures_succeed_on_the_third_attempt_after_1_then_2_seconds() -> None:
    result, waits, gaps = _run(2)
    assert result == "page after 3 requests"
    assert waits == [scaled(1), scaled(2)]
    assert len(gaps) == 2
    for gap, wait in zip(gaps, waits, strict=True):
        assert gap >= wait - CLOCK_TICK  # the server saw the retry no earlier than the backoff


def test_four_failures_make_four_attempts_then_the_last_error_propagates() -> None:
    result, waits, gaps = _run(4)
    assert isinstance(result, HttpError)
    assert result.status == 500
    assert str(result).endswith("answered 500")
    assert waits == [scaled(1), scaled(2), scaled(4)]
    assert len(gaps) == 3  # four requests in all: three retries plus the last attempt
    for gap, wait in zip(gaps, waits, strict=True):
        assert gap >= wait - CLOCK_TICK


def test_a_connection_error_is_retried_too() -> None:
    with serve(retry_backoff.failing_first(0)) as server:
        dead = server.url("/p")  # the port is free once the server stops
    attempts: list[int] = []
    # One retry is enough to show it (a refused connect takes about 2 s on Windows).
    coro = retry_backoff.download_with_retry(
        dead, first_delay=0.001, retries=1, on_retry=lambda a, _d, _e: attempts.append(a)
    )
    with pytest.raises(ConnectionRefusedError):
        asyncio.run(coro)
    assert attempts == [1]


def test_cancelling_the_retry_stops_it_at_once() -> None:
    with serve(retry_backoff.failing_first(100, delay=0.5)) as server:
        coro = retry_backoff.download_with_retry(server.url("/p"), first_delay=0.25)
        _, outcome = asyncio.run(retry_backoff.cancel_during(coro, 0.05))
        requests = server.requests
    assert outcome == "cancelled"  # not "finished anyway", not an HttpError after the retries
    assert requests <= 1  # no retry (on a loaded machine the first may not have arrived yet)


def test_a_bare_except_swallows_the_cancel_and_runs_every_retry() -> None:
    def handler(path: str, number: int):  # type: ignore[no-untyped-def]
        # The first reply is slow, so the cancel surely lands while that request is in flight.
        return retry_backoff.failing_first(100, delay=0.5 if number == 1 else 0.02)(path, number)

    with serve(handler) as server:
        coro = retry_backoff.download_swallowing_everything(server.url("/p"), first_delay=0.05)
        after, outcome = asyncio.run(retry_backoff.cancel_during(coro, 0.01))
        requests = server.requests
    # The cancel was eaten: the task went on through 0.05 + 0.1 + 0.2 s of backoff and failed.
    assert outcome == "HttpError 500"
    assert after >= 0.05 + 0.1 + 0.2 - CLOCK_TICK
    assert requests == 4


def test_cancelled_error_is_not_an_exception() -> None:
    # Why `except Exception` (unlike a bare except) cannot swallow a cancellation.
    assert not issubclass(asyncio.CancelledError, Exception)
    assert issubclass(asyncio.CancelledError, BaseException)


def test_main_shows_success_give_up_and_both_cancellations(run_ok) -> None:  # type: ignore[no-untyped-def]
    result = run_ok("parity.task.retry_backoff")
    out = result.stdout
    assert "got 'page after 3 requests' after 3 attempts" in out
    assert "gave up after 4 attempts: HttpError 500" in out
    assert "ConnectionError): cancelled" in out
    assert "catch {}): HttpError 500" in out
    assert "Traceback" not in result.stderr


def test_await_is_a_keyword_so_only_async_def_may_use_it() -> None:
    # Python reserved `await` outright (3.7); C# keeps it an identifier outside async methods.
    with pytest.raises(SyntaxError):
        compile("await = 1", "<test>", "exec")
    with pytest.raises(SyntaxError, match="'await' outside async function"):
        compile("def f():\n    await g()\n", "<test>", "exec")
