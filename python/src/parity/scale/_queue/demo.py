"""The lesson's demo: a worker killed mid-task in a mixed Python/.NET run, and a task that fails
on every attempt. It drives the lesson's Worker and put_tasks, which it is given."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Protocol

from parity.common.redis_server import RedisMissing, redact, redis_url
from parity.common.skip import skip
from parity.common.timing import LONG_TIMEOUT, SHORT_TIMEOUT, scaled
from parity.scale._queue import redis_ops as ops
from parity.scale._queue.messages import NAMESPACE, Keys
from parity.scale._queue.processes import WorkerProcess, dotnet_available, start_worker
from parity.scale._queue.report import Report, collect, new_run_id

PutTasks = Callable[..., None]


class StepWorker(Protocol):
    def run(self) -> None: ...


@dataclass(frozen=True)
class MixedRun:
    report: Report
    killed: str  # the task the killed worker held, run/seq
    killed_worker: str
    rescued_by: str  # the worker whose result counts for that task
    languages: tuple[str, ...]


def mixed_run(  # noqa: PLR0917
    url: str, count: int, task_ms: int, claim_idle_ms: int, keys: Keys, put_tasks: PutTasks
) -> MixedRun:
    """A Python master; a Python worker that takes one task and is killed holding it; then one
    worker per language finishes everything, the killed one's task included."""
    r = ops.connect(url)
    languages = ("python", "dotnet") if dotnet_available() else ("python",)
    idle = ["--claim-idle-ms", str(claim_idle_ms), "--namespace", keys.ns]
    workers: list[WorkerProcess] = []
    try:
        victim = start_worker("python", url, *idle, "--stall-on", "1")
        workers.append(victim)
        victim_name = victim.wait_for("worker ", SHORT_TIMEOUT).split()[1]
        run = new_run_id()
        put_tasks(r, run, count, task_ms, keys=keys)
        held = victim.wait_for("holding ", SHORT_TIMEOUT).split()[1]  # the task it holds, mid-task
        victim.kill()
        rescuers = [start_worker(language, url, *idle) for language in languages]
        workers += rescuers
        for w in rescuers:
            w.wait_for("worker ", SHORT_TIMEOUT)
        report = collect(r, run, count, keys=keys, timeout=LONG_TIMEOUT)
        seq = int(held.split("/")[1])
        rescuer = report.results[seq].worker if seq in report.results else "nobody"
        return MixedRun(report, held, victim_name, rescuer, languages)
    finally:
        for w in workers:
            w.stop()
        r.close()


def dead_letter_run(
    url: str, keys: Keys, make_worker: Callable[..., StepWorker], put_tasks: PutTasks
) -> tuple[Report, list[dict[str, str]]]:
    """One task that fails on every attempt: retried with backoff, then dead-lettered."""
    r = ops.connect(url)
    stop = threading.Event()
    worker = make_worker(r, keys=keys, name="python-dl", say=lambda _: None, stop=stop)
    thread = threading.Thread(target=worker.run, daemon=True)
    thread.start()
    try:
        run = new_run_id()
        put_tasks(r, run, 2, 0, keys=keys, fail=[1])
        report = collect(r, run, 2, keys=keys, timeout=SHORT_TIMEOUT)
        entries: Any = r.xrange(keys.dead)
        return report, [fields for _id, fields in entries]
    finally:
        stop.set()
        thread.join(SHORT_TIMEOUT)
        r.close()


def main(make_worker: Callable[..., StepWorker], put_tasks: PutTasks) -> None:
    try:
        with redis_url() as url, ThreadPoolExecutor(1) as side:
            print(f"redis: {redact(url)}")
            idle = max(50, int(scaled(5.0) * 1000))
            keys = Keys(f"{NAMESPACE}-{new_run_id()}")  # fresh keys: never a real deployment's
            # The two runs share no keys, so the dead-letter one goes on beside the mixed one.
            dl_keys = Keys(f"{NAMESPACE}-dl-{new_run_id()}")
            dead_letters = side.submit(dead_letter_run, url, dl_keys, make_worker, put_tasks)
            mixed = mixed_run(url, 12, max(1, int(scaled(1.0) * 1000)), idle, keys, put_tasks)
            print(
                f"workers: {', '.join(mixed.languages)} (plus one python worker killed on purpose)"
            )
            seq = mixed.killed.split("/")[1]
            print(f"killed {mixed.killed_worker} while it held task {seq}")
            rescued = mixed.rescued_by not in (mixed.killed_worker, "nobody")
            print(f"task {seq} was claimed after the idle time and finished by "
                  f"{'another worker' if rescued else 'nobody'}")  # fmt: skip
            print(f"submit: {mixed.report.line()}")
            print(f"every task exactly once: {mixed.report.ok}")
            report, dead = dead_letters.result(timeout=LONG_TIMEOUT)
            entry = dead[0] if dead else {}
            print(
                f"a task failing every time: {entry.get('reason')}, dead-lettered; its run:"
                f" {report.line()}"
            )
            if not mixed.report.ok:
                raise SystemExit(1)
    except RedisMissing as exc:
        skip(str(exc))
