"""Recording a run as a timeline: which process, thread, pool task or asyncio task ran when.

Off unless PARITY_TRACE_FILE names the trace file to write (`python -m parity.<concept>
--trace FILE` sets it), and free when off: nothing is loaded or patched until `install()`. Once on,
every process of the run, spawned ones included, appends its events to a file of its own
beside the trace (FILE.parts/<pid>.jsonl, a JSON object a line, flushed after each), so a
worker killed mid-task still leaves what it began; the first process merges them into FILE when
it exits (parity.trace.schema.merge). Nothing travels through the queues being demonstrated:
a pool worker's queue is wrapped in the worker, not the parent.

Times are microseconds from the run's start on the monotonic clock every process of the
machine shares (time.perf_counter_ns: CLOCK_MONOTONIC on Linux, QueryPerformanceCounter on
Windows, the clocks .NET's Stopwatch reads too).
"""

from __future__ import annotations

import asyncio
import atexit
import concurrent.futures.process as cf_process
import concurrent.futures.thread as cf_thread
import functools
import hashlib
import itertools
import json
import multiprocessing
import multiprocessing.pool as mp_pool
import multiprocessing.process as mp_process
import os
import sys
import threading
import time
import weakref
from collections.abc import Callable, Coroutine, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

TRACE_VARIABLE = "PARITY_TRACE_FILE"  # the trace file; its parts go to FILE.parts/
ORIGIN_VARIABLE = "PARITY_TRACE_ORIGIN_NS"  # the run's start, shared by every process
_FIRST_PID_VARIABLE = "PARITY_TRACE_FIRST_PID"  # the process that started the recording
FIRST_TASK_TID = 1 << 40  # asyncio tasks get virtual tracks from here: no OS thread id is this big

_lock = threading.Lock()
# POSIX appends each write(2) to an O_APPEND file whole; Windows' C runtime seeks, then writes,
# so there two threads' lines could land on each other without the lock.
_APPEND_LANDS_WHOLE = os.name == "posix"
_encode = json.JSONEncoder(separators=(",", ":")).encode  # one encoder: json.dumps makes one a call
_out: int | None = None  # this process's part, opened for appending; a raw descriptor
_out_pid = 0
_named: set[int] = set()
_origin = 0
_open_task: list[int] = []  # this process's pool worker: whether a task span is open (0 or 1 item)
_next_virtual = [FIRST_TASK_TID]
_process_name: list[str] = []  # set by a child's bootstrap before multiprocessing itself knows
_process_span: list[int] = []  # the track of this process's own span, while it is open
_first: list[str] = []  # the trace file, in the run's first process (which merges at exit)
_task_tracks: weakref.WeakKeyDictionary[asyncio.Task[Any], int] = weakref.WeakKeyDictionary()
_flows = itertools.count(1)  # hand-overs inside this process (to a thread, to a task)


def enabled() -> bool:
    return TRACE_VARIABLE in os.environ


def now_us() -> float:
    return (time.perf_counter_ns() - _origin) / 1000


def parts_dir(trace: str | os.PathLike[str]) -> Path:
    return Path(f"{os.fspath(trace)}.parts")


def _write(event: dict[str, Any], thread_name: str | None = None) -> None:
    """Any event; the frequent two, a span's begin and end, take the shorter road of _emit."""
    tid = event["tid"]
    body = _encode({k: v for k, v in event.items() if k not in ("tid", "ts")})[1:-1]
    _emit(tid, body, event.get("ts", now_us()), thread_name)


def _emit(tid: int, body: str, ts: float, thread_name: str | None = None) -> None:
    """One line: `body` is the event's own fields as JSON, without braces; track, time and
    process are added here. Formatted by hand: json's encoder would double a span's cost."""
    global _out, _out_pid
    out = _out
    if out is not None and _APPEND_LANDS_WHOLE and tid in _named:  # the usual case: no lock
        os.write(out, _event_line(body, tid, ts, _out_pid))
        return
    with _lock:
        # A forked child finds _out None (_after_fork), so its pid is asked for once here.
        pid = _out_pid if _out is not None else os.getpid()
        if _out is None:
            folder = parts_dir(os.environ[TRACE_VARIABLE])
            folder.mkdir(parents=True, exist_ok=True)
            flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT | getattr(os, "O_BINARY", 0)
            _out, _out_pid = os.open(folder / f"{pid}.jsonl", flags, 0o644), pid
            _named.clear()
            name = _process_name[-1] if _process_name else _program_name()
            _line({"ph": "M", "name": "process_name", "pid": pid, "tid": 0, "args": {"name": name}})
        if tid not in _named:
            _named.add(tid)
            name = thread_name or threading.current_thread().name
            _line(
                {"ph": "M", "name": "thread_name", "pid": pid, "tid": tid, "args": {"name": name}}
            )
        os.write(_out, _event_line(body, tid, ts, pid))


def _event_line(body: str, tid: int, ts: float, pid: int) -> bytes:
    # Written whole at once, no buffer: a process killed later keeps every line it wrote.
    return f'{{{body},"tid":{tid},"ts":{ts!r},"pid":{pid}}}\n'.encode()


def _program_name() -> str:
    """A process multiprocessing did not start: the run's first ("MainProcess"), or a program
    it started, named for its command line as the .NET side names its own ("python -m
    parity.scale.worker", where multiprocessing would say "MainProcess" again)."""
    name = multiprocessing.current_process().name
    command = getattr(sys, "orig_argv", [])[1:3]
    if (
        name != "MainProcess"
        or os.environ.get(_FIRST_PID_VARIABLE) == str(os.getpid())
        or not command
    ):
        return name
    return " ".join(["python", *command])


def _line(event: dict[str, Any]) -> None:
    assert _out is not None
    os.write(_out, (_encode(event) + "\n").encode())


@functools.lru_cache(maxsize=4096)
def _quoted(text: str) -> str:
    """A name as a JSON string; names repeat (a function, a worker), so each is encoded once."""
    return _encode(text)


def track() -> int:
    """Where the caller runs: its asyncio task's track inside a recorded task, else its thread."""
    try:
        task = asyncio.current_task()
    except RuntimeError:  # no event loop running in this thread
        task = None
    tid = _task_tracks.get(task) if task is not None else None
    return threading.get_native_id() if tid is None else tid


def flow_id(*parts: object) -> int:
    """A flow's id from what both of its ends know (a pool's job and chunk, a process's
    identity): 48 bits, so a trace viewer in JavaScript reads it exactly."""
    digest = hashlib.blake2b("/".join(map(str, parts)).encode(), digest_size=6).digest()
    return int.from_bytes(digest, "big")


def _local_flow() -> int:
    return flow_id("local", os.getpid(), next(_flows))


def submitted(flow: int, tid: int | None = None) -> None:
    """The tail of an arrow: work handed over here, to run in the span where `started` is."""
    tid = track() if tid is None else tid
    _write({"ph": "s", "id": flow, "name": "submit", "cat": "flow", "tid": tid, "ts": now_us()})


def started(flow: int, tid: int | None = None) -> None:
    """The head of the arrow, bound to the span just begun on this track."""
    tid = threading.get_native_id() if tid is None else tid
    event = {"ph": "f", "bp": "e", "id": flow, "name": "submit", "cat": "flow", "tid": tid}
    _write({**event, "ts": now_us()})


def begin(name: str, cat: str, tid: int | None = None, thread_name: str | None = None) -> None:
    tid = threading.get_native_id() if tid is None else tid
    _emit(tid, f'"ph":"B","name":{_quoted(name)},"cat":{_quoted(cat)}', now_us(), thread_name)


def end(tid: int | None = None) -> None:
    tid = threading.get_native_id() if tid is None else tid
    _emit(tid, '"ph":"E"', now_us())


def instant(name: str, tid: int | None = None) -> None:
    tid = threading.get_native_id() if tid is None else tid
    _write({"ph": "i", "s": "t", "name": name, "tid": tid, "ts": now_us()})


@contextmanager
def span(name: str, cat: str) -> Iterator[None]:
    """A span on this thread's track while the block runs; nothing at all when tracing is off."""
    if not enabled():
        yield
        return
    begin(name, cat)
    try:
        yield
    finally:
        end()


def describe(func: Callable[..., Any], args: tuple[Any, ...]) -> str:
    """A span's name: the function, and its arguments while they are short."""
    name = getattr(func, "__name__", "task")
    if func in (getattr(mp_pool, "mapstar", None), getattr(mp_pool, "starmapstar", None)):
        inner, chunk = args[0]  # map's chunk of work: ((function, items),)
        return f"{getattr(inner, '__name__', 'task')} x{len(chunk)}"
    text = f"{name}{args!r}" if args else name
    return text if len(text) <= 40 else text[:39] + "…"


# --- the hooks: each wraps the standard library's own entry point for one unit of work ---

_originals: dict[str, Any] = {}


def _process_flow(process: mp_process.BaseProcess, parent_pid: int | None) -> int:
    return flow_id("process", parent_pid, getattr(process, "_identity", ()))


def _traced_start(self: mp_process.BaseProcess) -> None:
    submitted(_process_flow(self, os.getpid()))
    _originals["start"](self)


def _traced_bootstrap(self: mp_process.BaseProcess, *args: Any, **kwargs: Any) -> int:
    _process_name.append(self.name)
    _process_span[:] = [threading.get_native_id()]
    with span(self.name, "process"):
        started(_process_flow(self, getattr(self, "_parent_pid", None)))
        result: int = _originals["process"](self, *args, **kwargs)
        return result


def lesson_code(module: str | None) -> bool:
    """Whether code from `module` is a lesson's own work, not a library's (a pool's handler
    thread, a queue's feeder, a cluster's event loop) nor this project's infrastructure."""
    module = module or ""
    return module.startswith(("parity.", "__main__")) and not module.startswith("parity.common")


def _lesson_thread(thread: threading.Thread) -> bool:
    target = getattr(thread, "_target", None)
    module = getattr(target, "__module__", None) if target else type(thread).__module__
    executor = (module or "").startswith("concurrent.futures.thread")  # runs a lesson's work items
    return lesson_code(module) or executor


def _traced_thread_start(self: threading.Thread) -> None:
    if _lesson_thread(self):
        self._parity_flow = _local_flow()  # type: ignore[attr-defined]
        submitted(self._parity_flow)  # type: ignore[attr-defined]
    _originals["thread-start"](self)


def _traced_thread(self: threading.Thread) -> None:
    if not _lesson_thread(self):
        _originals["thread"](self)
        return
    begin(self.name, "thread", thread_name=self.name)  # not registered yet: name it ourselves
    if hasattr(self, "_parity_flow"):
        started(self._parity_flow)
    try:
        _originals["thread"](self)
    finally:
        end()


class _Wrapped:
    """A queue seen through the worker that owns it: get() opens a task's span, put() closes it."""

    def __init__(self, queue: Any, cat: str) -> None:
        self._queue, self._cat = queue, cat

    def __getattr__(self, name: str) -> Any:
        return getattr(self._queue, name)

    def get(self, *args: Any, **kwargs: Any) -> Any:
        item = self._queue.get(*args, **kwargs)
        if self._cat == "pool-task" and item is not None:
            _open_task.append(1)
            begin(describe(item[2], item[3]), self._cat)
            started(flow_id("pool", _owner_pid(), item[0], item[1]))
        elif self._cat == "executor-task" and item is not None:
            _open_task.append(1)
            begin(describe(item.fn, item.args), self._cat)
            started(flow_id("executor", _owner_pid(), item.work_id))
        return item

    def put(self, obj: Any, *args: Any, **kwargs: Any) -> None:
        if _open_task:  # the result of the task in hand (put once more only if pickling failed)
            _open_task.clear()
            end()
        self._queue.put(obj, *args, **kwargs)


def _owner_pid() -> int:
    """The process whose pool handed this worker its task: the parent of a worker process,
    this very process for a thread pool's worker thread."""
    parent = multiprocessing.parent_process()
    in_thread = threading.current_thread() is not threading.main_thread()
    return os.getpid() if in_thread or parent is None else int(parent.pid or 0)


class _SubmittingQueue:
    """A pool's task queue seen from the process that owns the pool: each task put on it is the
    tail of an arrow to the worker that runs it. A list of tasks (apply_async) is the caller's
    own hand-over; a generator (map, imap) hands each task over as the pool's task thread takes
    it."""

    def __init__(self, queue: Any) -> None:
        self._queue = queue

    def __getattr__(self, name: str) -> Any:
        return getattr(self._queue, name)

    def put(self, obj: Any) -> None:
        if obj is not None:
            tasks, set_length = obj
            if isinstance(tasks, list):
                for task in tasks:
                    submitted(flow_id("pool", os.getpid(), task[0], task[1]))
            else:
                tasks = _submitting(tasks)
            obj = (tasks, set_length)
        self._queue.put(obj)


def _submitting(tasks: Iterator[Any]) -> Iterator[Any]:
    for task in tasks:
        submitted(flow_id("pool", os.getpid(), task[0], task[1]))
        yield task


def _traced_pool_init(self: mp_pool.Pool, *args: Any, **kwargs: Any) -> None:
    _originals["pool-init"](self, *args, **kwargs)
    self._taskqueue = _SubmittingQueue(self._taskqueue)  # type: ignore[attr-defined]


class _PendingWork(dict[int, Any]):
    """A process pool executor's table of submitted work: each entry is a hand-over."""

    def __setitem__(self, work_id: int, item: Any) -> None:
        submitted(flow_id("executor", os.getpid(), work_id))
        super().__setitem__(work_id, item)


def _traced_executor_init(self: cf_process.ProcessPoolExecutor, *args: Any, **kwargs: Any) -> None:
    _originals["executor-init"](self, *args, **kwargs)
    self._pending_work_items = _PendingWork(self._pending_work_items)


def traced_pool_worker(inqueue: Any, outqueue: Any, *args: Any, **kwargs: Any) -> None:
    """multiprocessing.pool.worker with its two queues wrapped; a module function, so spawn can
    find it by name."""
    _originals["pool"](
        _Wrapped(inqueue, "pool-task"), _Wrapped(outqueue, "pool-task"), *args, **kwargs
    )


def traced_executor_worker(call_queue: Any, result_queue: Any, *args: Any, **kwargs: Any) -> None:
    """concurrent.futures' process worker, its queues wrapped the same way."""
    _originals["executor"](
        _Wrapped(call_queue, "executor-task"),
        _Wrapped(result_queue, "executor-task"),
        *args,
        **kwargs,
    )


def _work(item: Any) -> tuple[Any, tuple[Any, ...]]:
    """A thread pool's work item's function and arguments: attributes up to 3.13, one
    (fn, args, kwargs) task from 3.14, whose items an interpreter pool fills with its own
    kind of task (then neither is known: None, described as "task")."""
    task = getattr(item, "task", None)
    if isinstance(task, tuple) and len(task) == 3 and callable(task[0]):
        return task[0], tuple(task[1])
    return getattr(item, "fn", None), tuple(getattr(item, "args", ()))


def _library_work(item: Any) -> bool:
    module = getattr(_work(item)[0], "__module__", None) or ""
    return module.startswith(("distributed", "tornado", "dask", "redis"))  # its own offloading


def _traced_work_item_init(self: Any, *args: Any, **kwargs: Any) -> None:
    _originals["work-item-init"](self, *args, **kwargs)
    if not _library_work(self):
        self._parity_flow = _local_flow()
        submitted(self._parity_flow)


def _traced_work_item(self: Any, *args: Any) -> None:
    if _library_work(self):
        _originals["work-item"](self, *args)
        return
    with span(describe(*_work(self)), "executor-task"):
        if hasattr(self, "_parity_flow"):
            started(self._parity_flow)
        _originals["work-item"](self, *args)


def _traced_create_task(
    self: asyncio.AbstractEventLoop, coro: Coroutine[Any, Any, Any], *args: Any, **kwargs: Any
) -> asyncio.Task[Any]:
    task: asyncio.Task[Any] = _originals["create-task"](self, coro, *args, **kwargs)
    frame = getattr(coro, "cr_frame", None)
    if frame is None or not lesson_code(frame.f_globals.get("__name__")):
        return task  # a library's task (a cluster client's, a server's), or a plain awaitable
    with _lock:
        tid = _next_virtual[0]
        _next_virtual[0] += 1
    name = getattr(coro, "__qualname__", task.get_name())
    flow = _local_flow()
    submitted(flow)
    begin(name, "asyncio-task", tid=tid, thread_name=f"asyncio {task.get_name()}")
    started(flow, tid=tid)
    _task_tracks[task] = tid
    task.add_done_callback(lambda _t: end(tid=tid))
    return task


def _after_fork() -> None:
    global _lock, _out
    _lock, _out = threading.Lock(), None  # the parent's lock may have been held by another thread
    _open_task.clear()
    _first.clear()  # a forked child neither merges the run nor ends its parent's span
    _process_span.clear()


def _begin_program_span() -> None:
    _process_span[:] = [threading.get_native_id()]
    begin(_program_name(), "process")


def install(program: bool = False) -> None:
    """Starts recording in this process (once); the first process of the run merges at exit.
    `program`: this process is a program (`python -m ...`), not one multiprocessing started,
    so its own span begins here (also when recording began as it imported `parity`)."""
    global _origin
    if _originals and program and not _process_span:
        _begin_program_span()
    if _originals or not enabled():
        return
    first = ORIGIN_VARIABLE not in os.environ
    if first:
        os.environ[ORIGIN_VARIABLE] = str(time.perf_counter_ns())
        os.environ[_FIRST_PID_VARIABLE] = str(os.getpid())
    _origin = int(os.environ[ORIGIN_VARIABLE])
    # Private entry points of the standard library (3.11 to 3.14): the one place each unit of
    # work starts, whoever started it.
    hooks: dict[str, tuple[object, str, Callable[..., Any]]] = {
        "process": (mp_process.BaseProcess, "_bootstrap", _traced_bootstrap),
        "start": (mp_process.BaseProcess, "start", _traced_start),
        "thread": (threading.Thread, "_bootstrap_inner", _traced_thread),
        "thread-start": (threading.Thread, "start", _traced_thread_start),
        "pool": (mp_pool, "worker", traced_pool_worker),
        "pool-init": (mp_pool.Pool, "__init__", _traced_pool_init),
        "executor": (cf_process, "_process_worker", traced_executor_worker),
        "executor-init": (cf_process.ProcessPoolExecutor, "__init__", _traced_executor_init),
        "work-item": (cf_thread._WorkItem, "run", _traced_work_item),
        "work-item-init": (cf_thread._WorkItem, "__init__", _traced_work_item_init),
        "create-task": (asyncio.BaseEventLoop, "create_task", _traced_create_task),
    }
    for key, (owner, attribute, replacement) in hooks.items():
        _originals[key] = getattr(owner, attribute)
        setattr(owner, attribute, replacement)
    if hasattr(os, "register_at_fork"):
        os.register_at_fork(after_in_child=_after_fork)
    if first or program:
        _begin_program_span()
    if first:
        _first.append(os.environ[TRACE_VARIABLE])
    atexit.register(before_exit)


def before_exit() -> None:
    """Closes this process's span (and merges the run, in its first process): at exit, or just
    before a program ends by os._exit, which runs no atexit hook."""
    if _process_span:
        end(tid=_process_span.pop())
    if _first:
        _finish(_first.pop())


def _finish(trace: str) -> None:
    from parity.trace import schema

    schema.write(schema.merge(parts_dir(trace)), Path(trace))
