"""fault.graceful-shutdown: SIGTERM or Ctrl-C reaches a program whose pool is at work.

What a good citizen does: stop taking new jobs, let the jobs in flight finish, give up on them
at a deadline (terminate the pool), and say with its exit code what happened.

Three details that bite. Ctrl-C in a terminal sends SIGINT to the whole process group, so Pool
workers get KeyboardInterrupt mid-task unless they ignore SIGINT (the pool's initializer does).
Under fork the workers inherit the parent's SIGTERM handler, so Pool.terminate() (SIGTERM) no
longer kills them unless the initializer restores the default. A Pool cannot drop jobs already
queued (close() still runs them), so the program queues no more jobs than it has workers.
asyncio.run (3.11+) turns the first SIGINT into a cancellation of the main task, so `finally`
blocks run, then raises KeyboardInterrupt.

The demo runs this module as a program (--serve MODE), signals it, and reads its exit code.
"""

from __future__ import annotations

import asyncio
import signal
import sys
import threading
import time
from multiprocessing.pool import AsyncResult
from types import FrameType

from parity.common import entry
from parity.common.mp import context
from parity.common.skip import skip
from parity.common.timing import POLL_INTERVAL, SHORT_TIMEOUT, scaled
from parity.fault._shutdown import stop_a_server

WORKERS = 2
DRAINED = 0  # stopped on request, every job it had started finished
CUT_SHORT = 124  # stopped on request, but the deadline passed: the jobs in flight were cut short
INTERRUPTED = 130  # the asyncio variant, stopped by Ctrl-C (128 + SIGINT, the shell's convention)
USAGE = "usage: python -m parity.fault.graceful_shutdown [--serve drain|stuck|asyncio]"


def worker_signals() -> None:
    """Pool initializer: Ctrl-C is the parent's business, and SIGTERM must kill the worker."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # Under fork the worker inherits the parent's Python handler; Pool.terminate() sends
    # SIGTERM, which would then only set the worker's copy of the flag and leave it running.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def job(number: int, seconds: float) -> int:
    print(f"job {number} started", flush=True)
    time.sleep(seconds)
    return number


# <serve>
def serve(job_seconds: float, deadline: float) -> int:
    """Run jobs until SIGTERM or SIGINT, then drain within `deadline`; returns the exit code."""
    stopping = threading.Event()
    received: list[int] = []

    def on_signal(signum: int, _frame: FrameType | None) -> None:
        # Only note it: a handler that prints can land inside the main thread's own print.
        received.append(signum)
        stopping.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    slots = threading.BoundedSemaphore(WORKERS)  # queue no more jobs than there are workers
    in_flight: list[AsyncResult[int]] = []
    pool = context().Pool(WORKERS, initializer=worker_signals)
    while not stopping.is_set():
        if not slots.acquire(timeout=POLL_INTERVAL) or stopping.is_set():
            continue
        number = len(in_flight) + 1
        result = pool.apply_async(job, (number, job_seconds), callback=lambda _: slots.release())
        in_flight.append(result)
        print(f"submitted {number}", flush=True)
    print(f"got {signal.Signals(received[0]).name}: taking no new jobs", flush=True)
    pool.close()  # no more jobs; the workers exit when the queue is empty
    give_up = time.monotonic() + deadline
    for result in in_flight:
        result.wait(max(0.0, give_up - time.monotonic()))
    unfinished = sum(not r.ready() for r in in_flight)
    if unfinished:
        pool.terminate()  # kills the workers: the jobs in flight are lost
    pool.join()
    finished = len(in_flight) - unfinished
    print(f"stopped: {finished} jobs finished, {unfinished} cut short", flush=True)
    return CUT_SHORT if unfinished else DRAINED


# </serve>


# <asyncio>
async def serve_async(job_seconds: float) -> None:
    """asyncio.run cancels this task on the first Ctrl-C: every `finally` below runs."""

    async def worker(name: str) -> None:
        number = 0
        try:
            while True:
                number += 1
                print(f"{name} started job {number}", flush=True)
                await asyncio.sleep(job_seconds)
        finally:
            print(f"{name}: job {number} cancelled", flush=True)

    await asyncio.gather(worker("a"), worker("b"))


# </asyncio>


def main() -> None:
    match sys.argv[1:]:
        case []:
            demo()
        case ["--serve", "drain"]:
            raise SystemExit(serve(scaled(1), SHORT_TIMEOUT))  # well inside the deadline
        case ["--serve", "stuck"]:
            raise SystemExit(serve(SHORT_TIMEOUT, scaled(2)))  # they never would finish in time
        case ["--serve", "asyncio"]:
            try:
                asyncio.run(serve_async(SHORT_TIMEOUT))
            except KeyboardInterrupt:
                print("KeyboardInterrupt after the tasks were cancelled", flush=True)
                raise SystemExit(INTERRUPTED) from None
        case _:
            raise SystemExit(USAGE)


def demo() -> None:
    if sys.platform == "win32":
        skip("sending SIGTERM or a group Ctrl-C is POSIX; Windows stops services otherwise")
    for mode, signum, group in (
        ("drain", signal.SIGTERM, False),
        ("stuck", signal.SIGINT, True),
        ("asyncio", signal.SIGINT, True),
    ):
        out = stop_a_server(mode, signum, group=group)
        how = f"{signal.Signals(signum).name} to the {'group' if group else 'program'}"
        print(f"{mode}, {how}: exit code {out.exit_code}")
        for line in out.output.strip().splitlines()[-3:]:
            print(f"  {line}")


if __name__ == "__main__":
    entry.run(main)
