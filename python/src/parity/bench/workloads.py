"""The Python side of `invoke bench`: one pyperf script, run once per group.

    python -m parity.bench.harness GROUP --settings FILE -o OUT.json [pyperf options]

pyperf starts fresh worker processes, runs warm-ups, then records values; each benchmark here is
a `bench_time_func`, so set-up (a pool, a child process, loading the CLR) happens in the worker
before the clock starts and is reused across that worker's values. Benchmark names are
`GROUP.NAME[.PARAM]`; report.py turns them into table rows.

The start workload's children run `sink.noop`, and the workers' main module is harness.py: a
spawn or forkserver child imports both again, and both are tiny, so the figure is the start
method's cost, not this module's imports.
"""

from __future__ import annotations

import asyncio
import atexit
import itertools
import math
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from functools import partial
from multiprocessing import get_all_start_methods, get_context
from multiprocessing.shared_memory import SharedMemory
from typing import Any

from parity.bench.plan import Settings
from parity.common import entry
from parity.common.mp import context

TIMEOUT = 120.0
TimeFunc = Callable[[int], float]
_cleanups: list[Callable[[], None]] = []
atexit.register(lambda: [f() for f in reversed(_cleanups)])


def _timed(loops: int, action: Callable[[], object]) -> float:
    start = time.perf_counter()
    for _ in range(loops):
        action()
    return time.perf_counter() - start


def _noop() -> None:
    pass


def chunks(count: int, parts: int) -> list[tuple[int, int]]:
    """0..count-1 as `parts` contiguous ranges covering it once."""
    return [(count * i // parts, count * (i + 1) // parts) for i in range(parts)]


# -- 1. start a unit of concurrency and wait for it ---------------------------------------------


def _process(method: str) -> TimeFunc:
    from parity.bench.sink import noop

    ctx: Any = get_context(method)

    def start_and_join() -> None:
        child = ctx.Process(target=noop)
        child.start()
        child.join(TIMEOUT)
        if child.exitcode != 0:
            raise RuntimeError(f"{method} child ended with {child.exitcode}")

    return lambda loops: _timed(loops, start_and_join)


def _thread(loops: int) -> float:
    def start_and_join() -> None:
        thread = threading.Thread(target=_noop)
        thread.start()
        thread.join(TIMEOUT)

    return _timed(loops, start_and_join)


def _thread_pool() -> TimeFunc:
    executor = ThreadPoolExecutor(1)
    _cleanups.append(executor.shutdown)
    return lambda loops: _timed(loops, lambda: executor.submit(_noop).result(TIMEOUT))


async def _yielding() -> None:
    await asyncio.sleep(0)


def _asyncio_task(loops: int) -> float:
    async def many() -> float:
        start = time.perf_counter()
        for _ in range(loops):
            await asyncio.wait_for(asyncio.create_task(_yielding()), TIMEOUT)
        return time.perf_counter() - start

    return asyncio.run(many())


# -- 2. the CPU-bound map: 200 square roots per element, as Plinq.Cancellation.Work in C# --------


def work(x: int) -> float:
    total = 0.0
    for k in range(1, 201):
        total += math.sqrt(x + k)
    return total


def map_range(bounds: tuple[int, int]) -> float:
    return sum(work(x) for x in range(*bounds))


def _map_pool(count: int, workers: int, executor: bool) -> TimeFunc:
    parts = chunks(count, 4 * workers)  # a few chunks per worker evens out a busy core
    if executor:
        pool_executor = ProcessPoolExecutor(workers, mp_context=context())
        _cleanups.append(pool_executor.shutdown)
        pool_executor.submit(_noop).result(TIMEOUT)
        return lambda loops: _timed(
            loops, lambda: sum(pool_executor.map(map_range, parts, timeout=TIMEOUT))
        )
    pool = context().Pool(workers)
    _cleanups.append(pool.terminate)
    return lambda loops: _timed(loops, lambda: sum(pool.map_async(map_range, parts).get(TIMEOUT)))


def _map_threads(count: int, workers: int) -> TimeFunc:
    executor = ThreadPoolExecutor(workers)
    _cleanups.append(executor.shutdown)
    parts = chunks(count, 4 * workers)
    return lambda loops: _timed(loops, lambda: sum(executor.map(map_range, parts, timeout=TIMEOUT)))


# -- the timeline recorder: a span's cost, and the map with tracing on ----------------------------


def _recording() -> Any:
    """Starts parity.trace.record in this worker, its parts in a folder removed at exit. The run's
    origin is set first, so this worker is not the run's first process and never merges."""
    import shutil
    import tempfile

    folder = tempfile.mkdtemp(prefix="parity-trace-bench-")
    _cleanups.append(lambda: shutil.rmtree(folder, ignore_errors=True))
    os.environ["PARITY_TRACE_FILE"] = os.path.join(folder, "trace.json")
    os.environ["PARITY_TRACE_ORIGIN_NS"] = str(time.perf_counter_ns())
    from parity.trace import record

    record.install()
    return record


def _trace_span() -> TimeFunc:
    """One span recorded: its begin and its end, each a line written to this process's part."""
    record = _recording()

    def spans(loops: int) -> float:
        start = time.perf_counter()
        for _ in range(loops):
            record.begin("span", "bench")
            record.end()
        return time.perf_counter() - start

    return spans


def _traced_map_pool(count: int, workers: int) -> TimeFunc:
    _recording()  # before the pool starts: its workers record their tasks too
    return _map_pool(count, workers, executor=False)


# -- PLINQ sum (the article's million numbers) and the big range sum -----------------------------


def range_sum(bounds: tuple[int, int]) -> int:
    return sum(range(*bounds))


def _sum_pool(count: int, workers: int) -> TimeFunc:
    pool = context().Pool(workers)
    _cleanups.append(pool.terminate)
    parts = chunks(count, workers)
    return lambda loops: _timed(loops, lambda: sum(pool.map_async(range_sum, parts).get(TIMEOUT)))


# -- 3. IPC: one message delivered and acknowledged ----------------------------------------------


def _pipe_child(conn: Any) -> None:
    while conn.recv_bytes():  # an empty message asks the child to stop
        conn.send_bytes(b"\x01")


def _queue_child(inbox: Any, outbox: Any) -> None:
    while (message := inbox.get(timeout=TIMEOUT)) is not None:
        outbox.put(len(message))


def _shm_child(conn: Any, name: str) -> None:
    shm = SharedMemory(name)
    buffer = shm.buf
    assert buffer is not None
    try:
        while header := conn.recv_bytes():
            bytes(buffer[: int.from_bytes(header, "little")])  # the receiver's copy out
            conn.send_bytes(b"\x01")
    finally:
        shm.close()


def _stop(child: Any, send_stop: Callable[[], None]) -> Callable[[], None]:
    def stop() -> None:
        send_stop()
        child.join(TIMEOUT)
        if child.is_alive():
            child.terminate()

    return stop


def _ipc_pipe(size: int) -> TimeFunc:
    payload = os.urandom(size)
    here, there = context().Pipe()
    child = context().Process(target=_pipe_child, args=(there,))
    child.start()
    _cleanups.append(_stop(child, lambda: here.send_bytes(b"")))

    def one() -> None:
        here.send_bytes(payload)
        here.recv_bytes()

    return lambda loops: _timed(loops, one)


def _ipc_queue(size: int, managed: bool) -> TimeFunc:
    payload = os.urandom(size)
    inbox: Any
    outbox: Any
    if managed:
        manager = context().Manager()
        _cleanups.append(manager.shutdown)
        inbox, outbox = manager.Queue(), manager.Queue()
    else:
        inbox, outbox = context().Queue(), context().Queue()
    child = context().Process(target=_queue_child, args=(inbox, outbox))
    child.start()
    _cleanups.append(_stop(child, lambda: inbox.put(None)))

    def one() -> None:
        inbox.put(payload)
        outbox.get(timeout=TIMEOUT)

    return lambda loops: _timed(loops, one)


def _ipc_shared_memory(size: int) -> TimeFunc:
    payload = os.urandom(size)
    shm = SharedMemory(create=True, size=size)
    buffer = shm.buf
    assert buffer is not None
    here, there = context().Pipe()
    child = context().Process(target=_shm_child, args=(there, shm.name))
    child.start()
    _cleanups.append(shm.unlink)
    _cleanups.append(shm.close)
    _cleanups.append(_stop(child, lambda: here.send_bytes(b"")))
    header = size.to_bytes(4, "little")

    def one() -> None:
        buffer[:size] = payload  # the sender's copy in
        here.send_bytes(header)
        here.recv_bytes()

    return lambda loops: _timed(loops, one)


def _ipc_raw(size: int, transport: str) -> TimeFunc:
    """The limit of a transport: the same message through an os.pipe pair (the child's stdin and
    stdout) or one end of a socket.socketpair(), written and read with plain system calls."""
    message = size.to_bytes(4, "little") + os.urandom(size)
    sink = [sys.executable, "-m", "parity.bench.sink"]
    if transport == "socketpair":
        here, there = socket.socketpair()
        child = subprocess.Popen([*sink, str(there.fileno())], pass_fds=[there.fileno()])
        there.close()
        send = receive = here.fileno()
        hang_up: Callable[[], None] = here.close
    else:
        child = subprocess.Popen(sink, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        assert child.stdin is not None
        assert child.stdout is not None
        send, receive = child.stdin.fileno(), child.stdout.fileno()
        hang_up = child.stdin.close

    def stop() -> None:
        hang_up()  # the child reads end of file and exits
        child.wait(TIMEOUT)

    _cleanups.append(stop)

    def one() -> None:
        view = memoryview(message)
        while view:
            view = view[os.write(send, view) :]
        os.read(receive, 1)

    return lambda loops: _timed(loops, one)


def _memcpy(count_bytes: int) -> TimeFunc:
    import numpy as np

    source = np.frombuffer(os.urandom(count_bytes), dtype=np.uint8)
    target = np.empty_like(source)
    return lambda loops: _timed(loops, lambda: np.copyto(target, source))


# -- 4. async fan-out ---------------------------------------------------------------------------


def _raise_file_limit() -> None:
    if sys.platform != "win32":
        import resource

        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        wanted = 8192 if hard == resource.RLIM_INFINITY else min(8192, hard)
        if soft < wanted:
            resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))


def _fan_out(url: str, requests: int, keep_alive: bool) -> TimeFunc:
    """All requests at once on one event loop that lives as long as the worker, as the .NET side's
    HttpClient does: kept-alive connections (the pool's, reused by every value after the first)
    or a new connection per request (`Connection: close`)."""
    from parity.bench.keepalive import KeepAlivePool
    from parity.common.http import fetch

    _raise_file_limit()
    loop = asyncio.new_event_loop()
    pool = KeepAlivePool(url)
    _cleanups.append(loop.close)
    _cleanups.append(lambda: loop.run_until_complete(pool.close()))

    async def one() -> object:
        if not keep_alive:
            return await fetch(url, TIMEOUT)
        async with asyncio.timeout(TIMEOUT):
            return await pool.get()

    async def once() -> None:
        bodies = await asyncio.gather(*(one() for _ in range(requests)))
        if len(bodies) != requests:
            raise RuntimeError("lost requests")

    return lambda loops: _timed(loops, lambda: loop.run_until_complete(once()))


def _sleepers(count: int, seconds: float) -> TimeFunc:
    async def once() -> None:
        await asyncio.gather(*(asyncio.sleep(seconds) for _ in range(count)))

    return lambda loops: _timed(loops, lambda: asyncio.run(once()))


# -- 5. the bridge (this worker loads the CLR; pyperf workers are fresh processes, never forks) --


def _bridge(settings: Settings) -> Any:
    # the Release build, as BenchmarkDotNet runs
    os.environ["PARITY_DOTNET_BUILD"] = settings.dotnet_build
    from parity.bridge._net import bridge_types

    return bridge_types()


def _warmed(s: Settings, action: Callable[[], object]) -> TimeFunc:
    """Repeat `action` for a while before pyperf's own warm-ups: the CLR's tiered JIT promotes
    pythonnet's binder and the called code only after many calls and a delay (here a .NET call
    from Python took 1.5-2 us for its first 0.8 s of calls and 0.53 us after), and
    BenchmarkDotNet's .NET side is likewise measured warm."""
    deadline = time.perf_counter() + (0.2 if s.quick else 1.2)
    for count in itertools.count():
        action()
        if count >= 2 and time.perf_counter() > deadline:
            break
    return lambda loops: _timed(loops, action)


def _identity(value: int) -> int:
    return value


def _bridge_benchmarks(s: Settings) -> dict[str, Callable[[], TimeFunc]]:
    import array

    import numpy as np

    from parity.bridge import plinq

    def call(python: bool) -> TimeFunc:
        function = _identity if python else _bridge(s).CallOverhead.Identity
        return _warmed(s, lambda: function(1))

    def data(kind: str) -> TimeFunc:
        _bridge(s)
        values = list(range(s.bridge_count))
        numbers = np.arange(s.bridge_count, dtype=np.int64)
        net_array = plinq.from_numpy(numbers)
        actions: dict[str, Callable[[], object]] = {
            "list": lambda: plinq.from_list(values),
            "array": lambda: plinq.from_list(array.array("q", values)),
            "bytes": lambda: plinq.from_bytes(numbers.tobytes()),
            "numpy-copy": lambda: plinq.from_numpy(numbers),
            "numpy-in-place": lambda: plinq.in_place_sum(numbers),
            "view": lambda: plinq.view(net_array),
            "view-copy": lambda: np.array(plinq.view(net_array)),
        }
        return _warmed(s, actions[kind])

    def big(kind: str) -> TimeFunc:
        _bridge(s)
        numbers = np.arange(s.big_count, dtype=np.int64)
        target = np.empty_like(numbers)
        actions: dict[str, Callable[[], object]] = {
            "in-place-sum": lambda: plinq.in_place_sum(numbers),
            "in-place-sum-1": lambda: plinq.in_place_sum(numbers, 1),
            "numpy-copy": lambda: plinq.from_numpy(numbers),
            "numpy-sum": lambda: int(numbers.sum()),
            "memcpy": lambda: np.copyto(target, numbers),
        }
        return _warmed(s, actions[kind])

    def parallel_range() -> TimeFunc:
        _bridge(s)
        from parity.bridge import examples

        parallel_range = examples().Plinq.Sum.ParallelRange
        return _warmed(s, lambda: parallel_range(s.range_count))

    benchmarks: dict[str, Callable[[], TimeFunc]] = {
        "bridge.python-call": lambda: call(True),
        "bridge.dotnet-call": lambda: call(False),
    }
    for kind in ("list", "array", "bytes", "numpy-copy", "numpy-in-place", "view", "view-copy"):
        benchmarks[f"bridge.data-{kind}"] = partial(data, kind)
    for kind in ("in-place-sum", "in-place-sum-1", "numpy-copy", "numpy-sum", "memcpy"):
        benchmarks[f"bridge.big-{kind}"] = partial(big, kind)
    benchmarks["bridge.parallel-range"] = parallel_range
    return benchmarks


# -- 6. the article's programs, whole -----------------------------------------------------------


def _whole(arguments: list[str]) -> TimeFunc:
    def once() -> None:
        subprocess.run(arguments, check=True, capture_output=True, timeout=TIMEOUT)

    return lambda loops: _timed(loops, once)


# -- the groups ---------------------------------------------------------------------------------

Factories = dict[str, Callable[[], TimeFunc]]


def _looped(action: Callable[[], object]) -> TimeFunc:
    return lambda loops: _timed(loops, action)


def _bridge_map(s: Settings, workers: int) -> TimeFunc:
    """The .NET map through the bridge: 0 workers calls the sequential loop."""
    types = _bridge(s).Workloads
    if workers == 0:
        return _warmed(s, lambda: types.MapSequential(s.dotnet_map_count))
    return _warmed(s, lambda: types.MapPlinq(s.dotnet_map_count, workers))


def _start_group(s: Settings) -> Factories:
    methods = [
        m for m in ("fork", "forkserver", "spawn") if m in get_all_start_methods()
    ]  # Windows: spawn
    found: Factories = {f"start.process-{m}": partial(_process, m) for m in methods}
    found["start.thread"] = lambda: _thread
    found["start.thread-pool"] = _thread_pool
    found["start.asyncio-task"] = lambda: _asyncio_task
    return found


def _map_group(s: Settings) -> Factories:
    n, cores = s.map_count, range(1, s.cores + 1)
    found: Factories = {
        "map.sequential": partial(_looped, partial(map_range, (0, n))),
        "map.threads": partial(_map_threads, n, s.cores),
    }
    for k in cores:
        found[f"map.pool.{k}"] = partial(_map_pool, n, k, executor=False)
        found[f"map.process-pool-executor.{k}"] = partial(_map_pool, n, k, executor=True)
    found["map.bridge-sequential"] = partial(_bridge_map, s, 0)
    for k in cores:
        found[f"map.bridge-plinq.{k}"] = partial(_bridge_map, s, k)
    return found


def _trace_group(s: Settings) -> Factories:
    """What a timeline costs: a span, and the map on a pool of 2 untraced (the code path of every
    other row: nothing is patched until a run asks for a trace) and traced."""
    return {
        "trace.span": _trace_span,
        "trace.map-off": partial(_map_pool, s.map_count, 2, executor=False),
        "trace.map-on": partial(_traced_map_pool, s.map_count, 2),
    }


def _free_threading_group(s: Settings) -> Factories:
    """The map on one thread, on threads and on processes: run by python3.13t and by a GIL build
    (not part of `invoke bench`, which runs one interpreter; see the since.free-threading page)."""
    n = s.map_count
    return {
        "free-threading.sequential": partial(_looped, partial(map_range, (0, n))),
        "free-threading.threads": partial(_map_threads, n, s.cores),
        "free-threading.process-pool-executor": partial(_map_pool, n, s.cores, executor=True),
    }


def _sum_group(s: Settings) -> Factories:
    return {
        "sum.sequential": partial(_looped, partial(range_sum, (0, s.sum_count))),
        "sum.pool.2": partial(_sum_pool, s.sum_count, 2),
    }


def _sum_range_group(s: Settings) -> Factories:
    return {
        "sum-range.sequential": partial(_looped, partial(range_sum, (0, s.range_count))),
        "sum-range.pool.2": partial(_sum_pool, s.range_count, 2),
    }


def _ipc_group(s: Settings) -> Factories:
    found: Factories = {}
    for size in s.ipc_sizes:
        found[f"ipc.pipe.{size}"] = partial(_ipc_pipe, size)
        found[f"ipc.queue.{size}"] = partial(_ipc_queue, size, managed=False)
        found[f"ipc.manager-queue.{size}"] = partial(_ipc_queue, size, managed=True)
        found[f"ipc.shared-memory.{size}"] = partial(_ipc_shared_memory, size)
        found[f"ipc.raw-pipe.{size}"] = partial(_ipc_raw, size, "pipe")
        if sys.platform != "win32":  # a Windows socket is no file descriptor (and Pipe() no socket)
            found[f"ipc.raw-socketpair.{size}"] = partial(_ipc_raw, size, "socketpair")
        found[f"ipc.memcpy.{size}"] = partial(_memcpy, size)
    return found


def _async_group(s: Settings) -> Factories:
    return {
        "async.fan-out-keep-alive": partial(_fan_out, s.url, s.requests, keep_alive=True),
        "async.fan-out-new-connection": partial(_fan_out, s.url, s.requests, keep_alive=False),
        "async.sleepers": partial(_sleepers, s.sleepers, s.sleep_ms / 1000),
    }


def _article_group(s: Settings) -> Factories:
    py = [sys.executable, "-m", "parity.bench.article"]
    return {
        f"article.{mode}": partial(_whole, [*py, mode])
        for mode in ("noop", "default", "set-spawn", "context-spawn")
    }


GROUPS: dict[str, Callable[[Settings], Factories]] = {
    "start": _start_group,
    "map": _map_group,
    "sum": _sum_group,
    "sum-range": _sum_range_group,
    "ipc": _ipc_group,
    "async": _async_group,
    "bridge": _bridge_benchmarks,
    "article": _article_group,
    "trace": _trace_group,
    "free-threading": _free_threading_group,
}


def benchmarks(group: str, s: Settings) -> Factories:
    """Name -> a factory that sets up in the worker and returns pyperf's time function."""
    if group not in GROUPS:
        raise SystemExit(
            f"parity.bench.workloads: unknown group {group!r}; expected one of {', '.join(GROUPS)}"
        )
    return GROUPS[group](s)


class _Lazy:
    """pyperf calls the time function in the worker only; set up there, on the first call.

    In quick mode pyperf runs with `--loops 1` (no calibration worker: half the processes); the
    first call then picks how many operations make one value last `QUICK_VALUE` seconds, and each
    value is the time of that many operations divided by their number, as pyperf's loops would be.
    """

    QUICK_VALUE = 0.01

    def __init__(self, factory: Callable[[], TimeFunc], self_calibrate: bool) -> None:
        self._factory = factory
        self._func: TimeFunc | None = None
        self._self_calibrate = self_calibrate
        self._operations = 1

    def __call__(self, loops: int) -> float:
        if self._func is None:
            self._func = self._factory()
            if self._self_calibrate:
                once = max(self._func(1), 1e-9)
                self._operations = max(1, min(1_000_000, int(self.QUICK_VALUE / once)))
        return self._func(loops * self._operations) / self._operations


def _forward(cmd: list[str], args: Any) -> None:
    cmd.extend([args.group, "--settings", args.settings])


def main() -> None:
    import pyperf  # type: ignore[import-untyped]

    runner = pyperf.Runner(add_cmdline_args=_forward)
    runner.argparser.add_argument("group")
    runner.argparser.add_argument("--settings", required=True)
    args = runner.parse_args()
    settings = Settings.read(args.settings)
    for name, factory in benchmarks(args.group, settings).items():
        runner.bench_time_func(name, _Lazy(factory, self_calibrate=settings.quick))


if __name__ == "__main__":
    entry.run(main)
