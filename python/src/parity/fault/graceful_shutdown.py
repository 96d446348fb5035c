"""fault.graceful-shutdown: SIGTERM or Ctrl-C reaches a program whose pool is at work.

What a good citizen does: stop taking new jobs, let the jobs in flight finish, give up on them
at a deadline (terminate the pool), and say with its exit code what happened. Here:

- exit 0: stopped on request, every job it had started finished;
- exit 124: stopped on request, but the deadline passed and the jobs in flight were cut short;
- exit 130: the asyncio variant, interrupted by Ctrl-C (128 + SIGINT, the shell's convention).

Two details that bite: Ctrl-C in a terminal sends SIGINT to the whole process group, so Pool
workers get KeyboardInterrupt in the middle of a task unless they ignore SIGINT (the pool's
initializer does that here); under fork the workers also inherit the parent's SIGTERM handler,
so Pool.terminate() (which sends SIGTERM) no longer kills them unless the initializer restores
the default; and a Pool cannot drop jobs already queued (close() still runs
them), so the program keeps only as many jobs queued as it has workers. asyncio.run (3.11+)
turns the first SIGINT into a cancellation of the main task, so `finally` blocks run, then
raises KeyboardInterrupt.

The demo runs this module as a program (--serve MODE) in its own session, sends the signal
once two jobs are in flight, and reads the exit code.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from multiprocessing.pool import AsyncResult
from types import FrameType
from typing import Literal

from parity.common.kill import killed_after, signal_group
from parity.common.mp import START_METHOD_VARIABLE, context
from parity.common.skip import skip
from parity.common.timing import POLL_INTERVAL, SHORT_TIMEOUT, scaled

WORKERS = 2
DRAINED, CUT_SHORT, INTERRUPTED = 0, 124, 130
ServeMode = Literal["drain", "stuck", "asyncio"]
SERVE_MODES: tuple[ServeMode, ...] = ("drain", "stuck", "asyncio")


def worker_signals() -> None:
    """Pool initializer: Ctrl-C is the parent's business, and SIGTERM must kill the worker."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # Under fork the worker inherits the parent's Python handler; Pool.terminate() sends
    # SIGTERM, which would then only set the worker's copy of the flag and leave it running.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def sigterm_is_default() -> bool:
    """What a worker's SIGTERM disposition is before any initializer touches it."""
    return signal.getsignal(signal.SIGTERM) == signal.SIG_DFL


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
    number = 0
    while not stopping.is_set():
        if not slots.acquire(timeout=POLL_INTERVAL):
            continue
        if stopping.is_set():
            break
        number += 1
        in_flight.append(pool.apply_async(job, (number, job_seconds), callback=lambda _: slots.release()))
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
    print(f"stopped: {len(in_flight) - unfinished} jobs finished, {unfinished} cut short", flush=True)
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


@dataclass(frozen=True)
class Outcome:
    exit_code: int
    output: str
    errors: str


# <stop>
def stop_a_server(mode: ServeMode, signum: int, *, group: bool, start_method: str | None = None) -> Outcome:
    """Start `--serve MODE` in a new session, signal it once two jobs are in flight, wait for it."""
    env = {**os.environ, **({START_METHOD_VARIABLE: start_method} if start_method else {})}
    server = subprocess.Popen(
        [sys.executable, "-m", "parity.fault.graceful_shutdown", "--serve", mode],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        start_new_session=True,  # its own group: a Ctrl-C here reaches it and its workers, nothing else
    )
    assert server.stdout is not None
    seen: list[str] = []
    try:
        with killed_after(SHORT_TIMEOUT, lambda: signal_group(server.pid)):
            while sum("started" in line for line in seen) < 2:  # two jobs running in initialized workers
                line = server.stdout.readline()
                if not line:
                    break
                seen.append(line)
        if group:
            signal_group(server.pid, signum)  # what the terminal does on Ctrl-C
        else:
            os.kill(server.pid, signum)  # what systemd, docker stop or kill(1) do
        rest, errors = server.communicate(timeout=SHORT_TIMEOUT)
    finally:
        if server.poll() is None:
            signal_group(server.pid)
            server.communicate(timeout=SHORT_TIMEOUT)
    return Outcome(server.returncode, "".join(seen) + rest, errors)


# </stop>


def main() -> None:
    args = sys.argv[1:]
    if args:
        chosen = [m for m in SERVE_MODES if args == ["--serve", m]]
        if not chosen:
            raise SystemExit(
                f"usage: python -m parity.fault.graceful_shutdown [--serve {'|'.join(SERVE_MODES)}]"
            )
        mode = chosen[0]
        if mode == "asyncio":
            try:
                asyncio.run(serve_async(SHORT_TIMEOUT))
            except KeyboardInterrupt:
                print("KeyboardInterrupt after the tasks were cancelled", flush=True)
                raise SystemExit(INTERRUPTED) from None
        # drain: the jobs finish well inside the deadline; stuck: they never would
        seconds, deadline = (scaled(1), SHORT_TIMEOUT) if mode == "drain" else (SHORT_TIMEOUT, scaled(2))
        raise SystemExit(serve(seconds, deadline))
    if sys.platform == "win32":
        skip(
            "sending SIGTERM or a group Ctrl-C to another program is POSIX; Windows stops services otherwise"
        )
    for mode, signum, group in (
        ("drain", signal.SIGTERM, False),
        ("stuck", signal.SIGINT, True),
        ("asyncio", signal.SIGINT, True),
    ):
        how = f"{signal.Signals(signum).name} to the {'group' if group else 'program'}"
        out = stop_a_server(mode, signum, group=group)
        lines = out.output.strip().splitlines()
        print(f"{mode}, {how}: exit code {out.exit_code}")
        for line in lines[-3:]:
            print(f"  {line}")


if __name__ == "__main__":
    main()
