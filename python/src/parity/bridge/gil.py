"""bridge.gil: a long PLINQ call keeps every core busy while a Python thread keeps running.

pythonnet releases the GIL for the duration of every .NET *method* call, so while the main
thread waits inside `Gil.BusyAllCores` (PLINQ, one partition per core) a Python thread still
runs, and the process uses more than one core. A *property getter* is different: pythonnet
keeps the GIL while it runs, so a slow getter freezes every Python thread. Keep long .NET work
behind methods.
"""

from __future__ import annotations

import itertools
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from parity.bridge._net import bridge_types, timespan
from parity.bridge._runtime import exit_process, load
from parity.common import entry
from parity.common.timing import SHORT_TIMEOUT, scaled

BUSY = 1.0  # article-scale seconds of .NET work


@dataclass(frozen=True)
class Observation:
    wall: float  # seconds the .NET call took
    cpu: float  # process CPU seconds (all threads) during it
    python_iterations: int  # iterations the Python thread made strictly inside the call
    longest_pause: float  # the longest gap between two iterations of the Python thread

    @property
    def cores(self) -> float:
        return self.cpu / self.wall if self.wall > 0 else 0.0


# <gil>
def observe(call: Callable[[], object]) -> Observation:
    """Runs `call` on this thread while a Python thread counts; measures CPU and wall time."""
    stop = threading.Event()
    stamps: list[float] = []

    def python_work() -> None:
        while not stop.is_set():
            stamps.append(time.perf_counter())

    worker = threading.Thread(target=python_work, name="python-counter")
    worker.start()
    try:
        while not stamps:  # the counter is running before the .NET call starts
            time.sleep(0.001)
        cpu0, start = time.process_time(), time.perf_counter()
        call()
        end, cpu1 = time.perf_counter(), time.process_time()
    finally:
        stop.set()
        worker.join(timeout=SHORT_TIMEOUT)
    inside = [s for s in stamps if start < s < end]
    around = [s for s in stamps if s <= end] + [end]
    pauses = [b - a for a, b in itertools.pairwise(around) if b > start]
    return Observation(end - start, cpu1 - cpu0, len(inside), max(pauses, default=0.0))


def busy_all_cores(seconds: float) -> int:
    """PLINQ spinning on every core for `seconds`: a method call, so the GIL is released."""
    return int(bridge_types().Gil.BusyAllCores(timespan(seconds)))


def busy_property(seconds: float) -> Callable[[], int]:
    """The same spin behind a property getter, ready to read: pythonnet holds the GIL throughout."""
    gil = bridge_types().Gil
    gil.PropertySpin = timespan(seconds)
    return lambda: int(gil.SpinningProperty)


def cores_used(call: Callable[[], object]) -> float:
    """Process CPU seconds per wall second while `call` runs (no Python thread competing)."""
    cpu0, start = time.process_time(), time.perf_counter()
    call()
    return (time.process_time() - cpu0) / (time.perf_counter() - start)


def parallel_speedup(seconds: float) -> float:
    """Cores used by PLINQ on every core over cores used by the same spin on one thread.

    A ratio, so that other work on the machine (which slows both alike) cancels out."""
    one = cores_used(lambda: bridge_types().Gil.Spin(timespan(seconds)))
    every = cores_used(lambda: busy_all_cores(seconds))
    return every / one if one > 0 else 0.0


def partitions_meeting(parties: int) -> int:
    """A PLINQ query of `parties` items, one partition each, whose body (a Python callable)
    waits at a Barrier that opens only when every partition is inside it at once: it completes
    only if PLINQ runs them at the same time. Returns how many threads ran them.

    Each call takes the GIL back, but Barrier.wait releases it while it waits."""
    load()
    from System import Func, Int32
    from System.Linq import ParallelEnumerable, ParallelExecutionMode

    together = threading.Barrier(parties, timeout=SHORT_TIMEOUT)
    threads: set[int] = set()

    def body(item: int) -> int:
        threads.add(threading.get_ident())
        together.wait()
        return item

    query = ParallelEnumerable.Range(0, parties)
    query = ParallelEnumerable.WithDegreeOfParallelism[Int32](query, parties)
    query = ParallelEnumerable.WithExecutionMode[Int32](
        query, ParallelExecutionMode.ForceParallelism
    )
    query = ParallelEnumerable.Select[Int32, Int32](query, Func[Int32, Int32](body))
    if sorted(ParallelEnumerable.ToArray[Int32](query)) != list(range(parties)):
        raise AssertionError("PLINQ lost or repeated an item")
    return len(threads)


# </gil>


def main() -> None:
    busy = scaled(BUSY)
    bridge_types()  # the CLR loads now, outside every measurement below
    print(f"cores: {os.cpu_count()}")
    method = observe(lambda: busy_all_cores(busy))
    print(
        f"PLINQ method for {busy:.2f} s: Python thread ran {method.python_iterations:,} iterations,"
        f" longest pause {method.longest_pause * 1000:.0f} ms, {method.cores:.1f} cores busy"
    )
    speedup = parallel_speedup(busy / 2)
    print(f"CPU per wall second, PLINQ on every core vs one thread: {speedup:.1f}x")
    getter = observe(busy_property(busy / 2))
    print(
        f"property getter for {busy / 2:.2f} s: Python thread ran {getter.python_iterations:,}"
        f" iterations, longest pause {getter.longest_pause * 1000:.0f} ms"
    )


if __name__ == "__main__":
    entry.run(main)
    exit_process()  # no slow pythonnet shutdown: main() joined what it started
