"""further.rate-limiting: a semaphore for concurrency, a token bucket for rate.

asyncio.Semaphore(n) is the counterpart of a ConcurrencyLimiter: at most n requests in flight,
the rest wait their turn (there is no queue limit, so nothing is ever rejected). The standard
library has no rate limiter, so here is a token bucket: `burst` tokens to start with, refilled
at `rate` per second, read from a clock (and waiting with a sleep) that the tests replace with
fakes. Both sit in front of requests to the loopback server; the run reports the rate achieved
against the configured one.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from parity.common import entry
from parity.common.http import Reply, fetch, serve
from parity.common.peak import PeakMeter
from parity.common.timing import SHORT_TIMEOUT, scaled


# <token-bucket>
class TokenBucket:
    """Allows a burst of `burst`, then `rate` acquisitions per second."""

    def __init__(
        self,
        burst: int,
        rate: float,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        if burst < 1 or rate <= 0:
            raise ValueError("burst must be at least 1 and rate positive")
        self.burst, self.rate, self._clock, self._sleep = burst, rate, clock, sleep
        self._tokens = float(burst)
        self._last = clock()

    def _refill(self) -> None:
        now = self._clock()
        self._tokens = min(self.burst, self._tokens + (now - self._last) * self.rate)
        self._last = now

    def try_acquire(self) -> bool:
        """Take a token if there is one; never waits."""
        self._refill()
        if self._tokens >= 1:
            self._tokens -= 1
            return True
        return False

    def wait_time(self) -> float:
        """Seconds until a token will be there (0 if there is one now)."""
        self._refill()
        return max(0.0, (1 - self._tokens) / self.rate)

    async def acquire(self) -> None:
        """Wait for a token. One event loop only: no lock is needed between awaits."""
        while not self.try_acquire():
            await self._sleep(self.wait_time())


# </token-bucket>


# <http>
@dataclass
class Outcome:
    ok: int
    peak_in_flight: int
    seconds: float


async def get_all(
    url: str,
    count: int,
    *,
    semaphore: asyncio.Semaphore | None = None,
    bucket: TokenBucket | None = None,
) -> Outcome:
    """`count` GETs at once, each one waiting for the semaphore and/or a token first."""
    in_flight = PeakMeter(name="GET in flight")  # counts the GETs under way, and the most at once
    ok = 0

    async def one() -> None:
        nonlocal ok
        if bucket is not None:
            await bucket.acquire()
        if semaphore is not None:
            await semaphore.acquire()
        try:
            with in_flight.inside():
                await fetch(url, timeout=SHORT_TIMEOUT)
            ok += 1
        finally:
            if semaphore is not None:
                semaphore.release()

    started = time.perf_counter()
    await asyncio.gather(*(one() for _ in range(count)))
    return Outcome(ok, in_flight.max, time.perf_counter() - started)


# </http>


# <run>
async def run() -> None:
    bucket = TokenBucket(burst=3, rate=1.0, clock=lambda: 0.0)  # a stopped clock: no refill
    taken = ["+" if bucket.try_acquire() else "-" for _ in range(4)]
    print(f"token bucket, burst 3, stopped clock: {taken}")
    delay = scaled(0.1)
    with serve(
        lambda path, n: Reply(200, f"reply {n}", delay if path == "/item" else 0.0)
    ) as server:
        outcome = await get_all(server.url("/item"), 10, semaphore=asyncio.Semaphore(2))
        peak = outcome.peak_in_flight
        print(f"asyncio.Semaphore(2), 10 GETs: {outcome.ok} ok, at most {peak} in flight")
        period = scaled(0.5)
        outcome = await get_all(
            server.url("/fast"), 10, bucket=TokenBucket(burst=2, rate=1 / period)
        )
        achieved = (outcome.ok - 2) / outcome.seconds
        print(
            f"token bucket (burst 2, 1 per {period:.3g} s), 10 GETs: "
            f"{outcome.ok} ok in {outcome.seconds:.2f} s; "
            f"after the burst {achieved:.1f}/s against {1 / period:.1f}/s configured"
        )


def main() -> None:
    asyncio.run(run())


# </run>


if __name__ == "__main__":
    entry.run(main)
