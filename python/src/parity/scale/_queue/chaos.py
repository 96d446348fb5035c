"""The chaos run (`invoke chaos`, `python -m parity.scale.chaos`): the task queue under fire.

A private redis-server on loopback (an append-only file with fsync always, unless told not to);
workers of both languages started as the commands a user runs; this program the submitter. While
tasks flow (short ones, long ones that outlive the claim idle time, ones that raise on every
attempt, and malformed entries), it kills workers at random with SIGKILL and starts others,
pauses one with SIGSTOP past the claim idle time, and restarts Redis with SIGKILL. Then it waits
for every task to end and prints one table: tasks, kills, pauses, restarts, results, missing,
duplicates, dead letters expected and unexpected, and the longest latency from submission to
result. It exits 1 on any loss: a task missing, an unexpected dead letter or a wrong result.
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from parity.common.redis_server import PrivateRedis, RedisMissing
from parity.common.timing import LONG_TIMEOUT, POLL_INTERVAL, SHORT_TIMEOUT
from parity.scale._queue import redis_ops as ops
from parity.scale._queue.messages import Keys, Task, decode_result, encode_task
from parity.scale._queue.processes import WorkerProcess, dotnet_available, start_worker
from parity.scale._queue.report import PAGE, new_run_id

CLAIM_IDLE_MS = 1000  # short, so a killed worker's task is taken soon; long tasks outlive it
LONG_TASK_MS = 2500
MAX_DELIVERIES = 10  # random kills may hit one task a few times; only a poison task reaches 10
BACKLOG = 40  # tasks waiting at most: the latency measured is the queue's, not a flood's
BATCH = 10
PAUSE_S = 3 * CLAIM_IDLE_MS / 1000  # a SIGSTOPped worker stays stopped past its lease
MALFORMED = (b'{"v":1,"run":"\xff\xfe"}', b"not json", b'{"v":2}')


def _send(worker: WorkerProcess, name: str) -> None:
    """SIGSTOP or SIGCONT (POSIX only: main() refuses Windows)."""
    os.kill(worker.process.pid, getattr(signal, name))


@dataclass(frozen=True)
class Options:
    seconds: float = 120.0
    workers: int = 2  # per language
    kills_per_minute: float = 12.0
    restarts: int = 3  # Redis restarts, spread over the run
    aof: bool = True
    seed: int | None = None


@dataclass
class Tally:
    tasks: int = 0
    malformed: int = 0
    kills: int = 0
    pauses: int = 0
    restarts: int = 0
    results: int = 0
    missing: int = 0
    duplicates: int = 0
    dead_expected: int = 0
    dead_unexpected: int = 0
    wrong: int = 0  # results that do not decode or do not match their task
    longest_s: float = 0.0
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.missing == 0 and self.dead_unexpected == 0 and self.wrong == 0

    def table(self) -> str:
        head = [
            "tasks", "malformed", "kills", "pauses", "restarts", "results", "missing",
            "duplicates", "dead expected", "dead unexpected", "longest latency",
        ]  # fmt: skip
        row = [
            self.tasks, self.malformed, self.kills, self.pauses, self.restarts, self.results,
            self.missing, self.duplicates, self.dead_expected, self.dead_unexpected,
            f"{self.longest_s:.1f} s",
        ]  # fmt: skip
        lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
        return "\n".join([*lines, "| " + " | ".join(str(x) for x in row) + " |"])


@dataclass
class Submitted:
    """What the submitter put: each task's kind and when, and when its result was first seen."""

    kinds: dict[int, str] = field(default_factory=dict)  # seq -> short, long or raises
    put_at: dict[int, float] = field(default_factory=dict)
    seen_at: dict[int, float] = field(default_factory=dict)
    malformed: int = 0


class Chaos:
    def __init__(self, options: Options, say: Callable[[str], None]) -> None:
        self.options, self.say = options, say
        self.random = random.Random(options.seed)
        self.keys = Keys(f"chaos-{new_run_id()}")
        self.run = new_run_id()
        self.languages = ("python", "dotnet") if dotnet_available() else ("python",)
        self.workers: list[WorkerProcess] = []
        self.sub = Submitted()
        self.tally = Tally()
        self.started = time.monotonic()

    def elapsed(self) -> str:
        return f"{time.monotonic() - self.started:6.1f} s"

    # The workers: the commands a user runs, the password in their environment.
    def start(self, url: str, language: str) -> WorkerProcess:
        args = ["--namespace", self.keys.ns, "--claim-idle-ms", str(CLAIM_IDLE_MS)]
        worker = start_worker(language, url, *args, "--max-deliveries", str(MAX_DELIVERIES))
        self.workers.append(worker)
        return worker

    def alive(self) -> list[WorkerProcess]:
        return [w for w in self.workers if w.process.poll() is None]

    def kill_one(self, url: str) -> None:
        victim = self.random.choice(self.alive())
        victim.kill()
        self.tally.kills += 1
        self.say(f"{self.elapsed()}  killed a {victim.language} worker (SIGKILL); starting another")
        self.start(url, victim.language)

    def pause_one(self) -> tuple[WorkerProcess, float]:
        worker = self.random.choice(self.alive())
        _send(worker, "SIGSTOP")
        self.tally.pauses += 1
        self.say(f"{self.elapsed()}  paused a {worker.language} worker (SIGSTOP) for {PAUSE_S:g} s")
        return worker, time.monotonic() + PAUSE_S

    # The submitter.
    def put_batch(self, r: Any) -> None:
        for _ in range(BATCH):
            draw = self.random.random()
            if draw < 0.05:  # a malformed entry: dead-lettered on its first delivery
                r.xadd(
                    self.keys.tasks, {"task": self.random.choice(MALFORMED)}, maxlen=ops.STREAM_CAP
                )
                self.sub.malformed += 1
                continue
            seq = len(self.sub.kinds)
            kind = "raises" if draw < 0.15 else "long" if draw < 0.20 else "short"
            ms = LONG_TASK_MS if kind == "long" else self.random.randint(10, 150)
            task = encode_task(Task(self.run, seq, seq, ms, kind == "raises"))
            self.sub.kinds[seq], self.sub.put_at[seq] = kind, time.monotonic()
            r.xadd(self.keys.tasks, {"task": task}, maxlen=ops.STREAM_CAP)

    def look(self, r: Any) -> int:
        """Note when results first appear; returns how many tasks are still open."""
        open_ = [s for s in self.sub.kinds if s not in self.sub.seen_at]
        dead: Any = r.hkeys(self.keys.dead_in_run(self.run))
        ended = {int(s) for s in dead}
        now = time.monotonic()
        for start in range(0, len(open_), PAGE):
            chunk = open_[start : start + PAGE]
            found: Any = r.hmget(self.keys.results(self.run), [str(s) for s in chunk])
            for seq, value in zip(chunk, found, strict=True):
                if value is not None:
                    self.sub.seen_at[seq] = now
        return sum(1 for s in self.sub.kinds if s not in self.sub.seen_at and s not in ended)

    def go(self) -> Tally:
        o = self.options
        with PrivateRedis(append_only=o.aof) as server:
            r = ops.connect(server.url)
            ops.ensure_group(r, self.keys)
            for language in self.languages:
                for _ in range(o.workers):
                    self.start(server.url, language)
            for w in list(self.workers):
                w.wait_for("worker ", SHORT_TIMEOUT)
            self.say(
                f"{self.elapsed()}  {len(self.workers)} workers ready: {', '.join(self.languages)}"
            )
            try:
                self.loop(r, server)
                self.drain(r)
                self.count(r)
            finally:
                for w in self.workers:
                    if w.process.poll() is None:
                        _send(w, "SIGCONT")  # a paused one must hear SIGTERM
                    w.stop()
                r.close()
        return self.tally

    def loop(self, r: Any, server: PrivateRedis) -> None:
        o = self.options
        end = self.started + o.seconds
        rate = o.kills_per_minute / 60
        next_kill = time.monotonic() + (
            self.random.expovariate(rate) if rate > 0 else o.seconds * 2
        )
        restarts = [
            self.started + o.seconds * (k + 1) / (o.restarts + 1) for k in range(o.restarts)
        ]
        next_pause, paused = self.started + o.seconds / 3, None
        while (now := time.monotonic()) < end:
            if r.xlen(self.keys.tasks) < BACKLOG:
                self.put_batch(r)
            self.look(r)
            if now >= next_kill and self.alive():
                self.kill_one(server.url)
                next_kill = now + self.random.expovariate(rate)
            if paused is None and now >= next_pause:
                paused = self.pause_one()
                next_pause = now + o.seconds / 3
            if paused is not None and now >= paused[1]:
                if paused[0].process.poll() is None:
                    _send(paused[0], "SIGCONT")
                paused = None
            if restarts and now >= restarts[0]:
                restarts.pop(0)
                server.restart(kill=True)
                self.tally.restarts += 1
                self.say(f"{self.elapsed()}  restarted redis-server (SIGKILL, then started again)")
            time.sleep(POLL_INTERVAL)
        if paused is not None and paused[0].process.poll() is None:
            _send(paused[0], "SIGCONT")

    def drain(self, r: Any) -> None:
        """No more tasks: wait until every one has a result or a dead letter, or until nothing is
        left anywhere (the stream and the retry set empty): what is still open then is lost."""
        self.say(
            f"{self.elapsed()}  submitted {len(self.sub.kinds)} tasks; waiting for the last ones"
        )
        deadline = time.monotonic() + LONG_TIMEOUT
        while time.monotonic() < deadline:
            still_open = self.look(r)
            empty = r.xlen(self.keys.tasks) + r.zcard(self.keys.retry) == 0
            if empty and (still_open == 0 or not self._moving(r)):
                return
            time.sleep(POLL_INTERVAL)

    def _moving(self, r: Any) -> bool:
        """Whether anything is in the stream or the retry set after one more pause (every move
        between them is one MULTI, so two empty looks a pause apart mean nothing is left)."""
        time.sleep(POLL_INTERVAL)
        return bool(r.xlen(self.keys.tasks) + r.zcard(self.keys.retry))

    def count(self, r: Any) -> None:
        t, k, sub = self.tally, self.keys, self.sub
        t.tasks, t.malformed = len(sub.kinds), sub.malformed
        results: dict[int, Any] = {}
        for seq, raw in r.hscan_iter(k.results(self.run), count=PAGE):
            try:
                result = decode_result(raw)
            except ValueError:
                t.wrong += 1
                continue
            if result.seq != int(seq) or result.n != result.seq or result.run != self.run:
                t.wrong += 1
            results[int(seq)] = result
        t.results = len(results)
        t.duplicates = sum(int(v) for _s, v in r.hscan_iter(k.duplicates(self.run), count=PAGE))
        dead = {int(s): reason for s, reason in r.hscan_iter(k.dead_in_run(self.run), count=PAGE)}
        for seq, kind in sub.kinds.items():
            if seq in results:
                t.wrong += kind == "raises"  # a task that raises every time cannot have a result
                continue
            if seq not in dead:
                t.missing += 1
            elif kind == "raises":
                t.dead_expected += 1
            else:
                t.dead_unexpected += 1
                t.notes.append(f"task {seq} ({kind}) dead-lettered: {dead[seq]}")
        # bytes: a malformed task is as stored
        letters: Any = ops.raw(r, "XRANGE", k.dead, "-", "+")
        reasons = [f.get(b"reason", b"").decode("utf-8", "replace") for _id, f in letters]
        bad = sum(1 for reason in reasons if reason.startswith("bad message"))
        t.dead_expected += bad
        t.missing += max(0, sub.malformed - bad)  # a malformed entry never dead-lettered
        t.dead_unexpected += max(0, bad - sub.malformed)
        for reason in reasons:
            if reason.startswith("trimmed"):
                t.dead_unexpected += 1
                t.notes.append(reason)
        waits = [sub.seen_at[s] - sub.put_at[s] for s in sub.seen_at if sub.kinds[s] != "raises"]
        t.longest_s = max(waits, default=0.0)


def describe(options: Options, languages: tuple[str, ...]) -> str:
    persistence = "an append-only file, fsync always" if options.aof else "no persistence"
    return (
        f"chaos: {options.seconds:g} s; {options.workers} worker(s) per language"
        f" ({', '.join(languages)}), claim idle {CLAIM_IDLE_MS} ms, max deliveries"
        f" {MAX_DELIVERIES}; about {options.kills_per_minute:g} kills a minute; {options.restarts}"
        f" Redis restart(s) with {persistence}"
    )


def run(options: Options, say: Callable[[str], None] = print) -> int:
    """The whole run; 0 when nothing was lost, 1 otherwise, 77 without redis-server."""
    chaos = Chaos(options, say)
    say(describe(options, chaos.languages))
    try:
        tally = chaos.go()
    except RedisMissing as exc:
        say(f"skipped: {exc}")
        return 77
    load = os.getloadavg() if hasattr(os, "getloadavg") else None
    say(tally.table())
    for note in tally.notes:
        say(f"  {note}")
    say(f"load average at the end: {' '.join(f'{x:.2f}' for x in load)}" if load else "")
    say(
        "nothing lost"
        if tally.ok
        else "LOSS: a task missing, an unexpected dead letter or a wrong result"
    )
    return 0 if tally.ok else 1


def parse(argv: list[str]) -> Options:
    p = argparse.ArgumentParser(
        prog="python -m parity.scale.chaos", description=__doc__.split("\n")[0]
    )
    p.add_argument(
        "--seconds", type=float, default=120.0, help="how long tasks flow (default: 120)"
    )
    p.add_argument("--workers", type=int, default=2, help="workers per language (default: 2)")
    p.add_argument("--kills-per-minute", type=float, default=12.0, help="SIGKILLs (default: 12)")
    p.add_argument("--restarts", type=int, default=3, help="Redis restarts (default: 3)")
    p.add_argument("--no-aof", action="store_true", help="no append-only file: restarts lose tasks")
    p.add_argument("--seed", type=int, help="seed the random choices, to replay a run")
    a = p.parse_args(argv)
    if not (a.seconds > 0 and a.workers >= 1 and a.kills_per_minute >= 0 and a.restarts >= 0):
        p.error(
            "--seconds and --workers must be positive, --kills-per-minute and --restarts 0 or more"
        )
    return Options(a.seconds, a.workers, a.kills_per_minute, a.restarts, not a.no_aof, a.seed)


def main(argv: list[str] | None = None) -> int:
    if sys.platform == "win32":
        print("chaos: SIGKILL and SIGSTOP are POSIX; run it on Linux or macOS", file=sys.stderr)
        return 2
    return run(parse(sys.argv[1:] if argv is None else argv))
