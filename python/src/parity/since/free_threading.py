"""since.free-threading: CPU-bound Python on threads, with and without the GIL.

On the default build one thread runs Python bytecode at a time, so four threads doing arithmetic
take as long as one doing it all. The free-threaded build (3.13t, supported in 3.14t, where
sys._is_gil_enabled() answers False) runs them on four cores at once, as .NET threads always did.
Processes get the same speed-up on either build, at the cost of pickling and a start-up each.
Without the GIL a race it used to make rare shows at once: += on a shared counter is a read and
a write, and a thread that reads between them loses an update; a lock around both fixes it.
"""

import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor

from parity.common import entry
from parity.common.mp import context
from parity.common.timing import SHORT_TIMEOUT


def gil_enabled() -> bool:
    """True on the default build; 3.13t and later free-threaded builds may answer False."""
    return bool(getattr(sys, "_is_gil_enabled", lambda: True)())


# <cpu-work>
def spin(n: int) -> int:
    return sum(i * i % 7 for i in range(n))  # pure Python: holds the GIL on a default build


def timed(pool: Executor, workers: int, n: int) -> float:
    """Seconds for `workers` equal pieces of work handed to the pool at once."""
    start = time.perf_counter()
    list(pool.map(spin, [n] * workers, timeout=SHORT_TIMEOUT * workers))
    return time.perf_counter() - start


# </cpu-work>


# <race>
class Counter:
    def __init__(self) -> None:
        self.value = 0
        self.lock = threading.Lock()


def add_unlocked(counter: Counter, pause: Callable[[], None]) -> None:
    """+= spelled out: a read, then a write; `pause` lets another thread read in between."""
    seen = counter.value
    pause()
    counter.value = seen + 1


def add_locked(counter: Counter, pause: Callable[[], None]) -> None:
    with counter.lock:  # nobody else reads until the write is done
        add_unlocked(counter, pause)


def hammer(add: Callable[[Counter, Callable[[], None]], None], counter: Counter) -> None:
    for _ in range(50_000):
        add(counter, lambda: None)  # no pause: only the scheduler interleaves


# </race>


# <run>
def main() -> None:
    workers, n = 4, 500_000
    build = "GIL" if gil_enabled() else "free-threaded"
    print(f"Python {sys.version_info.major}.{sys.version_info.minor}, {build} build")
    with ThreadPoolExecutor(1) as one:
        alone = timed(one, workers, n)
    with ThreadPoolExecutor(workers) as threads:
        on_threads = timed(threads, workers, n)
    with ProcessPoolExecutor(workers, mp_context=context()) as processes:
        on_processes = timed(processes, workers, n)
    print(f"{workers} x spin({n:,}): one thread {alone:.2f} s")
    print(f"  {workers} threads   {on_threads:.2f} s (x{alone / on_threads:.1f})")
    print(f"  {workers} processes {on_processes:.2f} s (x{alone / on_processes:.1f})")
    for add in (add_unlocked, add_locked):
        counter = Counter()
        with ThreadPoolExecutor(workers) as pool:
            list(pool.map(hammer, [add] * workers, [counter] * workers, timeout=SHORT_TIMEOUT))
        print(f"{add.__name__}: {counter.value:,} of {workers * 50_000:,} increments kept")
    if sys.version_info < (3, 13):
        print("free-threaded builds need Python 3.13 or later (python3.13t)")


# </run>


if __name__ == "__main__":
    entry.run(main)
