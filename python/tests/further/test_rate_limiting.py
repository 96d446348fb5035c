import asyncio
import threading

import pytest

from parity.common.http import Reply, serve
from parity.further import rate_limiting
from parity.further.rate_limiting import TokenBucket


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_token_bucket_allows_the_burst_then_refills_with_the_clock() -> None:
    clock = FakeClock()
    bucket = TokenBucket(burst=3, rate=2.0, clock=clock)
    assert [bucket.try_acquire() for _ in range(4)] == [True, True, True, False]
    clock.now = 0.25  # half a token
    assert not bucket.try_acquire()
    clock.now = 0.5  # one token
    assert [bucket.try_acquire(), bucket.try_acquire()] == [True, False]
    clock.now = 100.0  # never more than the burst
    assert [bucket.try_acquire() for _ in range(4)] == [True, True, True, False]


def test_token_bucket_wait_time_follows_the_rate() -> None:
    clock = FakeClock()
    bucket = TokenBucket(burst=1, rate=4.0, clock=clock)
    assert bucket.wait_time() == 0.0
    assert bucket.try_acquire()
    assert bucket.wait_time() == pytest.approx(0.25)
    clock.now = 0.1
    assert bucket.wait_time() == pytest.approx(0.15)


def test_token_bucket_acquire_waits_for_a_token() -> None:
    clock = FakeClock()
    waits: list[float] = []

    async def fake_sleep(seconds: float) -> None:
        waits.append(seconds)
        clock.now += seconds

    bucket = TokenBucket(burst=1, rate=10.0, clock=clock, sleep=fake_sleep)

    async def run() -> None:
        await bucket.acquire()  # the burst
        await bucket.acquire()  # waits one tenth of a (fake) second

    asyncio.run(run())
    assert waits == [pytest.approx(0.1)]


def test_token_bucket_rejects_bad_settings() -> None:
    with pytest.raises(ValueError, match="burst must be at least 1"):
        TokenBucket(burst=0, rate=1.0)


def test_a_semaphore_caps_the_requests_the_server_sees_at_once() -> None:
    lock = threading.Lock()
    at_once = peak = 0
    two_in = threading.Event()

    def handler(path: str, number: int) -> Reply:
        nonlocal at_once, peak
        with lock:
            at_once += 1
            peak = max(peak, at_once)
            if at_once == 2:
                two_in.set()
        two_in.wait(10)  # each request stays in until two are in: a third would be seen too
        with lock:
            at_once -= 1
        return Reply(200, "ok")

    with serve(handler) as server:
        outcome = asyncio.run(
            asyncio.wait_for(
                rate_limiting.get_all(server.url("/x"), 6, semaphore=asyncio.Semaphore(2)), 30
            )
        )
    assert (outcome.ok, outcome.peak_in_flight, peak) == (6, 2, 2)


def test_main_runs(run_ok) -> None:  # type: ignore[no-untyped-def]
    result = run_ok("parity.further.rate_limiting")
    assert "['+', '+', '+', '-']" in result.stdout
    assert "10 GETs: 10 ok, at most 2 in flight" in result.stdout
