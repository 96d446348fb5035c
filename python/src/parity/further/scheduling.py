"""further.scheduling: where work runs, and how a pool or a loop starves.

ThreadPoolExecutor(max_workers=n) is a limited-concurrency scheduler: at most n callables run at
once, the rest wait in its queue. A long job that should not hold a pool worker gets its own
threading.Thread (what LongRunning asks of .NET). Starvation in miniature: a one-worker pool
whose only job waits for another job queued behind it never finishes (here: until a timeout).
The event loop is a one-thread scheduler too: sync code on it blocks every coroutine, so a
blocking call goes to run_in_executor, which keeps the loop free. The standard library has no
exclusive/concurrent pair (a readers-writer lock): that half has no counterpart here.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import threading
from concurrent.futures import ThreadPoolExecutor

from parity.common import entry
from parity.common.peak import PeakMeter
from parity.common.timing import SHORT_TIMEOUT, scaled


# <limited>
def peak_in_pool(max_workers: int, count: int, patience: float) -> int:
    """`count` blocking jobs, `max_workers` threads, held `patience` once all are busy: the peak."""
    running = PeakMeter(name="job running")
    full, over_limit, gate = threading.Event(), threading.Event(), threading.Event()

    def job() -> None:
        with running.inside() as now:
            if now == max_workers:
                full.set()
            elif now > max_workers:
                over_limit.set()
            gate.wait(SHORT_TIMEOUT)  # held until the pool is full

    with ThreadPoolExecutor(max_workers=max_workers) as pool:
        futures = [pool.submit(job) for _ in range(count)]
        full.wait(SHORT_TIMEOUT)
        over_limit.wait(patience)  # an uncapped pool would start a third job in this time
        gate.set()
        for future in futures:
            future.result(SHORT_TIMEOUT)
    return running.max


def own_thread_or_pool() -> tuple[str, str]:
    """The thread a pool job runs on, and a dedicated thread's name."""
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="pool") as pool:
        pooled = pool.submit(lambda: threading.current_thread().name).result(SHORT_TIMEOUT)
    names: list[str] = []
    dedicated = threading.Thread(
        target=lambda: names.append(threading.current_thread().name), name="long-running"
    )
    dedicated.start()
    dedicated.join(SHORT_TIMEOUT)
    return pooled, names[0]


# </limited>


# <starvation>
def one_worker_waits_for_itself(patience: float) -> str:
    """A job on a one-worker pool waits for a job queued behind it."""
    with ThreadPoolExecutor(max_workers=1) as pool:

        def outer() -> str:
            inner = pool.submit(lambda: 42)
            try:
                return str(inner.result(timeout=patience))  # the only worker is this one
            except concurrent.futures.TimeoutError:
                return "TimeoutError (starved)"

        return pool.submit(outer).result(SHORT_TIMEOUT)


async def blocked_loop(patience: float, offload: bool) -> list[str]:
    """Which ends first: a blocking call that waits for a coroutine, or that coroutine."""
    order: list[str] = []
    loop_ran = threading.Event()

    async def on_the_loop() -> None:
        order.append("the coroutine ran")
        loop_ran.set()

    def blocking_call() -> None:
        loop_ran.wait(patience)  # offloaded, it returns as soon as the coroutine has run
        order.append("the blocking call returned")

    helper = asyncio.create_task(on_the_loop())
    if offload:
        await asyncio.get_running_loop().run_in_executor(None, blocking_call)
    else:
        blocking_call()  # sync code on the loop thread: no coroutine runs until it returns
    await helper
    return order


# </starvation>


# <run>
def main() -> None:
    peak = peak_in_pool(2, 8, scaled(0.5))
    print(f"8 blocking jobs on ThreadPoolExecutor(max_workers=2): at most {peak} at once")
    pooled, dedicated = own_thread_or_pool()
    print(f"a pool job runs on {pooled!r}; a dedicated thread is {dedicated!r}")
    waits = one_worker_waits_for_itself(scaled(1.0))
    print(f"one-worker pool, job waits for a job queued behind it: {waits}")
    blocked = asyncio.run(blocked_loop(scaled(1.0), offload=False))
    print(f"blocking call on the event loop: {', then '.join(blocked)}")
    offloaded = asyncio.run(blocked_loop(SHORT_TIMEOUT, offload=True))
    print(f"the same through run_in_executor: {', then '.join(offloaded)}")


# </run>


if __name__ == "__main__":
    entry.run(main)
