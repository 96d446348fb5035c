"""Running concepts as separate processes, the way `invoke run` and `invoke run-all` do.

Each run is a fresh process: `python -m parity.<chapter>.<slug>` for Python (concepts fork and
spawn, so they get an interpreter of their own), `dotnet Parity.Cli.dll run ID` or
`python -m parity.bridge run ID` for .NET. Each run gets its own process group (POSIX) or
process tree (Windows); whatever is left of it when the run ends is killed and reported,
so nothing started by a run outlives it.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import wait as wait_futures
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Literal

import psutil

from parity import dotnet_build, pacing, timings
from parity.catalog import Concept
from parity.common import phase
from parity.common.skip import SKIP_EXIT
from parity.common.timing import LONG_TIMEOUT, POLL_INTERVAL, SHORT_TIMEOUT
from parity.paths import REPORTS, ROOT
from parity.trace.record import ORIGIN_VARIABLE as TRACE_ORIGIN_VARIABLE
from parity.trace.record import TRACE_VARIABLE as TRACE_FILE_VARIABLE

Language = Literal["python", "dotnet"]
Status = Literal["ok", "failed", "skipped"]
Via = Literal["cli", "bridge"]
LANGUAGES: tuple[Language, ...] = ("python", "dotnet")
VIAS: tuple[Via, ...] = ("cli", "bridge")
RUN_ALL_TIME_SCALE = 0.1
LEFTOVER_GRACE = 1.0  # seconds anything left of a run gets to exit before it is killed
# multiprocessing's own helpers end by themselves once the run's pipe to them closes, but on a
# loaded machine that can take longer than LEFTOVER_GRACE: they get SHORT_TIMEOUT instead.
_SELF_ENDING_HELPERS = (
    "multiprocessing.forkserver",
    "multiprocessing.resource_tracker",
    "parity.common.guardian",  # ends once the program it guards is gone
)
INTERRUPT_GRACE = 2.0  # seconds a run gets to stop by itself after Ctrl-C, before it is killed
# How long each run took last time, so the longest start first and the pool of jobs ends together
# (DURATIONS_VARIABLE names another file: a test's own, so the order it relies on is its own).
DURATIONS = REPORTS / "run-durations.json"
DURATIONS_VARIABLE = "PARITY_RUN_DURATIONS"
# A run never timed yet: a fresh CLR or interpreter plus a little work (typical here).
ESTIMATES: dict[Language, float] = {"python": 0.8, "dotnet": 1.0}


@dataclass(frozen=True)
class Result:
    id: str
    language: Language
    status: Status
    seconds: float
    output: str
    # With profiling: (phase, seconds since start) in order: the first and last line of output,
    # the marks the run printed (parity.common.phase), and its exit. Not in the JSON report.
    phases: tuple[tuple[str, float], ...] = ()
    # CPU seconds of the run's process and of the children it waited for; None where the system
    # does not say (Windows). Not in the JSON report.
    cpu: float | None = None

    @property
    def ok(self) -> bool:
        """Nothing went wrong: the run passed, or was skipped as this machine lacks a server."""
        return self.status != "failed"

    def to_json(self) -> dict[str, object]:
        fields = asdict(self)
        del fields["phases"], fields["cpu"]
        return {**fields, "ok": self.ok}


def command(concept: Concept, language: Language, via: Via) -> list[str]:
    if language == "python":
        assert concept.module is not None
        return [sys.executable, "-m", concept.module]
    if via == "bridge":
        return [sys.executable, "-m", "parity.bridge", "run", concept.id]
    return [dotnet_build.dotnet_exe(), str(dotnet_build.CLI_DLL), "run", concept.id]


def _alive(processes: Iterable[psutil.Process]) -> list[psutil.Process]:
    """The processes still running: a zombie has exited already and only awaits reaping."""
    alive = []
    for p in processes:
        try:
            if p.status() != psutil.STATUS_ZOMBIE:
                alive.append(p)
        except psutil.NoSuchProcess:
            pass
    return alive


def _leftovers(proc: subprocess.Popen[str], tree: list[psutil.Process]) -> list[psutil.Process]:
    if os.name == "posix":  # everything in the run's process group
        # The run's leader is reaped by now. A live process with its pid is a newcomer (pids wrap
        # at 32768 on many machines), and the kernel hands out a pid still in use as a group's
        # id only once that group is empty: then nothing of the run is left, and the group of
        # that number is somebody else's.
        if psutil.pid_exists(proc.pid):
            return []
        return _alive(p for p in psutil.process_iter() if _pgid(p.pid) == proc.pid)
    return _alive(tree)


def _is_self_ending_helper(p: psutil.Process) -> bool:
    try:
        command = " ".join(p.cmdline())
        # No command line yet (exec in progress) or any more (exiting): not known to be a
        # leftover, so it gets the helpers' time too; one still there after that is killed.
        return not command or any(name in command for name in _SELF_ENDING_HELPERS)
    except psutil.NoSuchProcess:  # ZombieProcess included: it ended between two looks
        return True
    except psutil.Error:
        return False


def _kill_leftovers(proc: subprocess.Popen[str], tree: list[psutil.Process]) -> int:
    """Kill what remains of a run after a grace; returns how many had to be killed.

    Anything gets LEFTOVER_GRACE; multiprocessing's fork server and resource tracker, which
    exit on their own once the run is gone, get up to SHORT_TIMEOUT (a slow exit under load is
    not a leak). Whatever else is still running then is a leftover, killed and reported."""
    started = time.monotonic()
    leftovers = _leftovers(proc, tree)
    while leftovers:
        waited = time.monotonic() - started
        if waited >= SHORT_TIMEOUT or (
            waited >= LEFTOVER_GRACE and not all(_is_self_ending_helper(p) for p in leftovers)
        ):
            break
        time.sleep(0.02)
        leftovers = _leftovers(proc, tree)
    leftovers = _alive(leftovers)  # one that ended while we looked is no leftover
    for p in leftovers:
        with contextlib.suppress(psutil.NoSuchProcess):
            p.kill()
    return len(leftovers)


def _pgid(pid: int) -> int | None:
    if sys.platform == "win32":
        return None  # no process groups: the tree sampled while waiting stands in for one
    try:
        return os.getpgid(pid)
    except (ProcessLookupError, PermissionError):
        return None


def _descendants(pid: int) -> list[psutil.Process]:
    try:
        return list(psutil.Process(pid).children(recursive=True))
    except psutil.NoSuchProcess:
        return []


def _reap(proc: subprocess.Popen[str], cpu: list[float]) -> None:
    """Wait for the process to exit; on POSIX, wait4 also says how much CPU it used (with the
    children it waited for), which Popen.wait throws away."""
    if sys.platform == "win32":
        proc.wait()
        return
    try:
        _, status, usage = os.wait4(proc.pid, 0)
    except ChildProcessError:  # reaped by Popen.poll first (send_signal polls): no figure
        proc.wait()
        return
    proc.returncode = os.waitstatus_to_exitcode(status)
    cpu.append(usage.ru_utime + usage.ru_stime)


def _wait(
    proc: subprocess.Popen[str], timeout: float
) -> tuple[bool, list[psutil.Process], float | None]:
    """Wait for the run's main process, killing it at the deadline: (timed out?, its
    descendants as last seen, its CPU seconds when known).

    A thread makes the blocking wait, so the exit is seen at once (Popen.wait with a timeout
    polls in steps of up to 50 ms). On Windows the descendants are sampled while waiting: once
    the parent is gone they can no longer be found from it, and there is no process group to
    sweep as on POSIX.
    """
    cpu: list[float] = []
    waiter = threading.Thread(target=_reap, args=(proc, cpu), name="run-wait", daemon=True)
    waiter.start()
    deadline = time.monotonic() + timeout
    tree: list[psutil.Process] = []
    while True:
        remaining = max(0.0, deadline - time.monotonic())
        waiter.join(min(0.1, remaining) if os.name == "nt" else remaining)
        if not waiter.is_alive():
            return False, tree, cpu[0] if cpu else None
        tree = _descendants(proc.pid)
        if time.monotonic() >= deadline:
            # The waiter reaps the killed process: one wait, so one return code (a second wait
            # racing it would find no child and record 0).
            proc.kill()
            waiter.join(SHORT_TIMEOUT)
            return True, tree, None


class Interrupted(Exception):
    """Ctrl-C during run_many: the runs that had finished, and the ones it stopped part-way
    (their output up to the stop)."""

    def __init__(self, finished: list[Result], stopped: list[Result]) -> None:
        super().__init__(f"interrupted: {len(finished)} run(s) finished, {len(stopped)} stopped")
        self.finished = finished
        self.stopped = stopped


class _Live:
    """The runs of one batch that are in progress, so that Ctrl-C can reach each of them."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._procs: set[subprocess.Popen[str]] = set()
        self.stopping = threading.Event()

    def add(self, proc: subprocess.Popen[str]) -> None:
        with self._lock:
            self._procs.add(proc)
        if self.stopping.is_set():  # started just as Ctrl-C came: stop it too
            self._signal(proc, kill=False)

    def discard(self, proc: subprocess.Popen[str]) -> None:
        with self._lock:
            self._procs.discard(proc)

    def signal_all(self, kill: bool) -> None:
        with self._lock:
            procs = list(self._procs)
        for proc in procs:
            self._signal(proc, kill)

    @staticmethod
    def _signal(proc: subprocess.Popen[str], kill: bool) -> None:
        """Ctrl-C for a run in a session of its own: SIGINT to its group (CTRL_BREAK on Windows)."""
        with contextlib.suppress(OSError):
            if kill:
                proc.kill()  # what is left of its group is swept by run() afterwards
            elif sys.platform == "win32":
                proc.send_signal(signal.CTRL_BREAK_EVENT)
            else:
                os.killpg(proc.pid, signal.SIGINT)


def run(
    concept: Concept,
    language: Language,
    *,
    via: Via = "cli",
    time_scale: float = 1.0,
    timeout: float = LONG_TIMEOUT,
    profile: bool = False,
    trace: Path | None = None,
    yielding: bool = False,
    _live: _Live | None = None,
) -> Result:
    """Run one side of one concept and collect its output; never raises for a failing concept.

    A `yielding` run gives way to heavy ones (parity.pacing). With `profile`, the run is
    asked for its phase marks and Result.phases says where the time went; the marks never
    reach the output."""
    env = {
        **os.environ,
        phase.PROFILE_VARIABLE: "1" if profile else "",
        "PARITY_TIME_SCALE": repr(time_scale),
        "PYTHONUNBUFFERED": "1",
        "PYTHONIOENCODING": "utf-8",
        "DOTNET_CLI_TELEMETRY_OPTOUT": "1",
        "DOTNET_NOLOGO": "1",
    }
    env.pop(TRACE_ORIGIN_VARIABLE, None)  # a traced run starts its own clock and merges its parts
    if trace is not None:
        env[TRACE_FILE_VARIABLE] = str(trace)
    extra: dict[str, object] = (
        {"start_new_session": True}
        if os.name == "posix"
        else {"creationflags": subprocess.CREATE_NEW_PROCESS_GROUP | pacing.creationflags(yielding)}  # type: ignore[attr-defined,unused-ignore]
    )
    started, started_wall = time.perf_counter(), time.time()
    try:
        proc = subprocess.Popen(
            command(concept, language, via),
            cwd=ROOT,
            env=env,
            text=True,
            encoding="utf-8",
            errors="replace",
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            **extra,
        )  # type: ignore[call-overload]
    except (OSError, dotnet_build.DotnetMissing) as exc:
        return Result(concept.id, language, "failed", 0.0, f"could not start: {exc}")
    if yielding:
        pacing.yield_to_heavy(proc.pid)
    if _live is not None:
        _live.add(proc)
    # Read the pipes in threads and wait for the process itself, not for EOF: a leftover
    # grandchild holding the pipes open must not keep the run waiting.
    out, err = _Stream(started), _Stream(started)
    readers = [
        threading.Thread(target=stream.read, args=(f,), daemon=True)
        for f, stream in ((proc.stdout, out), (proc.stderr, err))
    ]
    for reader in readers:
        reader.start()
    timed_out, tree, cpu = _wait(proc, timeout)
    seconds = time.perf_counter() - started
    killed = _kill_leftovers(proc, tree)
    if _live is not None:
        _live.discard(proc)
    if trace is not None:
        _merge_left_parts(trace)
    for reader in readers:
        reader.join(timeout=SHORT_TIMEOUT)
    stdout, stderr = "".join(out.lines), "".join(err.lines)
    statuses: dict[int, Status] = {0: "ok", SKIP_EXIT: "skipped"}
    status = statuses.get(proc.returncode, "failed")
    if timed_out:
        status = "failed"
        stderr += f"\ntimed out after {timeout:g} s"
    if killed:
        status = "failed"
        stderr += f"\n{killed} process(es) outlived the run and were killed"
    output = stdout + (
        ("\n" if stdout and not stdout.endswith("\n") else "") + stderr if stderr else ""
    )
    phases = _phases(out, err.marks, started_wall, seconds) if profile else ()
    cpu = None if cpu is None else round(cpu, 3)
    return Result(concept.id, language, status, round(seconds, 3), output, phases, cpu)


def _merge_left_parts(trace: Path) -> None:
    """A program that ends with os._exit (the bridge's, to skip a slow runtime shutdown) or is
    killed merges no trace of its own: its processes' parts are merged here instead."""
    from parity.trace import record, schema

    parts = record.parts_dir(trace)
    if parts.is_dir():
        schema.write(schema.merge(parts), trace)


class _Stream:
    """One pipe of a run, read a line at a time: its lines without the phase marks, the marks
    (name, wall-clock time), and when its first and last lines came."""

    def __init__(self, started: float) -> None:
        self.started = started
        self.lines: list[str] = []
        self.marks: list[tuple[str, float]] = []
        self.first: float | None = None
        self.last: float | None = None

    def read(self, pipe: Iterable[str]) -> None:
        for line in pipe:
            if line.startswith(phase.MARKER):
                when, _, name = line.removeprefix(phase.MARKER).strip().partition(" ")
                with contextlib.suppress(ValueError):
                    self.marks.append((name, float(when)))
                continue
            self.last = time.perf_counter() - self.started
            if self.first is None:
                self.first = self.last
            self.lines.append(line)


def _phases(
    out: _Stream, marks: list[tuple[str, float]], started_wall: float, seconds: float
) -> tuple[tuple[str, float], ...]:
    """A run's phases in time order, in seconds since it started.

    The output's times are when a reader thread took each line from the pipe, which on a busy
    machine can be after the exit: such a line was written before it (a leftover writing later
    fails the run anyway), so it counts at the exit at the latest."""
    found = [(name, when - started_wall) for name, when in marks]
    if out.first is not None and out.last is not None:
        found += [
            ("first output", min(out.first, seconds)),
            ("last output", min(out.last, seconds)),
        ]
    found.sort(key=lambda p: p[1])
    return (*((name, round(t, 3)) for name, t in found), ("exit", round(seconds, 3)))


def durations_path() -> Path:
    return Path(os.environ.get(DURATIONS_VARIABLE) or DURATIONS)


def run_key(concept_id: str, language: str) -> str:
    """How the kept figures (durations, CPU seconds, the pacing plan) name a run."""
    return f"{concept_id} {language}"


def cpu_path(durations: Path) -> Path:
    """Where the CPU seconds of the runs are kept, beside their durations."""
    return durations.with_suffix(".cpu.json")


def _read_seconds(path: Path) -> dict[str, float]:
    try:
        found = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(found, dict):
        return {}
    return {str(k): float(v) for k, v in found.items() if isinstance(v, int | float)}


def _merge_seconds(path: Path, seconds: dict[str, float]) -> None:
    known = _read_seconds(path) | seconds
    with contextlib.suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(known, indent=1, sort_keys=True) + "\n", encoding="utf-8")


def load_durations(path: Path | None = None) -> dict[str, float]:
    """The seconds each run took last time ("id language" -> seconds); empty when unknown."""
    return _read_seconds(durations_path() if path is None else path)


def load_cpu(path: Path | None = None) -> dict[str, float]:
    """The CPU seconds each run used last time, where the system said (not on Windows)."""
    return _read_seconds(cpu_path(durations_path() if path is None else path))


def _last_or_kept(last: dict[str, float], kept: Callable[[], dict[str, float]]) -> dict[str, float]:
    """The last run's figures; a fresh clone's (no last run, no file of its own named) are
    those kept in python/timings.json."""
    return last if last or DURATIONS_VARIABLE in os.environ else kept()


def expected_durations() -> dict[str, float]:
    return _last_or_kept(load_durations(), timings.runs)


def expected_cpu() -> dict[str, float]:
    return _last_or_kept(load_cpu(), timings.run_cpu)


def save_durations(results: Iterable[Result], path: Path | None = None) -> None:
    """Keep how long each finished run took and the CPU it used, merged with what was known
    (best effort: the order is an optimisation, never worth failing a run-all for)."""
    path = durations_path() if path is None else path
    results = list(results)
    _merge_seconds(path, {run_key(r.id, r.language): r.seconds for r in results})
    cpu = {run_key(r.id, r.language): r.cpu for r in results if r.cpu is not None}
    _merge_seconds(cpu_path(path), cpu)


def longest_first(
    pairs: Iterable[tuple[Concept, Language]], durations: dict[str, float]
) -> list[tuple[Concept, Language]]:
    """The pairs in the order to start them: the longest last time first (an estimate for a
    run never timed), so that no long run starts last and the pool ends together."""

    def expected(pair: tuple[Concept, Language]) -> float:
        return durations.get(run_key(pair[0].id, pair[1]), ESTIMATES[pair[1]])

    return sorted(pairs, key=expected, reverse=True)  # stable: ties keep the catalog's order


def trace_file(folder: Path, concept: Concept, language: Language) -> Path:
    """Where a run's timeline goes: FOLDER/<concept id>.<language>.json."""
    return folder / f"{concept.id}.{language}.json"


def run_many(
    jobs: Iterable[tuple[Concept, Language]],
    *,
    via: Via = "cli",
    time_scale: float,
    workers: int,
    on_result: Callable[[Result], None] | None = None,
    profile: bool = False,
    trace_dir: Path | None = None,
    pace: pacing.Plan = pacing.AS_BEFORE,
) -> list[Result]:
    """Run many (concept, language) pairs, `workers` at a time, in their order; results keep
    the input order. The plan's heavy runs go at most one per core at a time, and its yielding
    ones yield the CPU to them (parity.pacing). With `trace_dir`, each run records its
    timeline there (trace_file names it).

    Ctrl-C (KeyboardInterrupt in the calling thread) starts nothing more, passes the Ctrl-C on to
    each run in progress, kills what has not stopped after INTERRUPT_GRACE, and raises
    Interrupted with what had finished: no process of the batch outlives the call."""
    pairs = list(jobs)
    live = _Live()
    stopped: list[Result] = []
    results: dict[int, Result] = {}  # by position; written by the workers, under `kept`
    kept = threading.Lock()
    queue = pacing.Queue(
        [(pair, run_key(pair[0].id, pair[1]) in pace.heavy) for pair in pairs],
        pacing.heavy_at_once(),
    )

    def one(pair: tuple[Concept, Language], yielding: bool) -> Result:
        result = run(
            pair[0],
            pair[1],
            via=via,
            time_scale=time_scale,
            profile=profile,
            yielding=yielding,
            _live=live,
            trace=None if trace_dir is None else trace_file(trace_dir, pair[0], pair[1]),
        )
        if live.stopping.is_set():
            stopped.append(result)
        elif on_result is not None:
            on_result(result)
        return result

    def worker() -> None:
        while (taken := queue.take(live.stopping)) is not None:
            position, pair, is_heavy = taken
            try:
                result = one(pair, run_key(pair[0].id, pair[1]) in pace.yielding)
                with kept:
                    results[position] = result
            finally:
                queue.done(is_heavy)

    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        workers_running = [pool.submit(worker) for _ in range(max(1, min(workers, len(pairs))))]
        try:
            # Wait in slices: a blocking wait on a lock would not see Ctrl-C on Windows.
            while wait_futures(workers_running, timeout=POLL_INTERVAL).not_done:
                pass
        except KeyboardInterrupt:
            _stop(live, workers_running)
            with kept:  # a worker past the grace may still be writing
                ran = list(results.values())
            raise Interrupted([r for r in ran if r not in stopped], stopped) from None
        for done in workers_running:
            done.result()  # a worker's own failure, if any, is raised here
        return [results[i] for i in range(len(pairs))]


def _stop(live: _Live, running: list[Future[None]]) -> None:
    live.stopping.set()  # the workers take no more runs
    live.signal_all(kill=False)
    if wait_futures(running, timeout=INTERRUPT_GRACE).not_done:
        live.signal_all(kill=True)
        wait_futures(running, timeout=LEFTOVER_GRACE + 5)
