"""since.free-threading: CPU-bound Python on threads, with and without the GIL.

With the GIL one thread runs bytecode at a time: four threads doing arithmetic take as long as
one. The free-threaded build (3.13t, 3.14t: sys._is_gil_enabled() is False) runs them on four cores
at once, as .NET threads always did; processes do on either build, paying pickling and start-up.
Without the GIL a race it made rare shows at once: += is a read and a write; a lock makes it whole.
"""

import sys
import threading
import time
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor

from parity.common import entry
from parity.common.mp import context
from parity.common.timing import SHORT_TIMEOUT


# <cpu-work>
def spin(n: int) -> int:
    return sum(i * i % 7 for i in range(n))  # pure Python: holds the GIL on a default build


def timed(pool: Executor, workers: int, n: int) -> float:
    with pool:  # `workers` equal pieces of work handed to the pool at once
        start = time.perf_counter()
        list(pool.map(spin, [n] * workers, timeout=SHORT_TIMEOUT * workers))
        return time.perf_counter() - start


# </cpu-work>
# <race>
class Counter:
    def __init__(self) -> None:
        self.value, self.lock = 0, threading.Lock()

    def add_unlocked(self, times: int = 1) -> None:
        for _ in range(times):
            self.value += 1  # a read, then a write: another thread may read in between

    def add_locked(self, times: int = 1) -> None:
        for _ in range(times):
            with self.lock:  # nobody else reads until the write is done
                self.value += 1


# </race>
# <run>
def main() -> None:
    workers, n = 4, 500_000
    build = "GIL" if getattr(sys, "_is_gil_enabled", lambda: True)() else "free-threaded"
    print(f"Python {sys.version_info.major}.{sys.version_info.minor}, {build} build")
    alone = timed(ThreadPoolExecutor(1), workers, n)
    on_threads = timed(ThreadPoolExecutor(workers), workers, n)
    on_processes = timed(ProcessPoolExecutor(workers, mp_context=context()), workers, n)
    print(f"{workers} x spin({n:,}): one thread {alone:.2f} s")
    print(f"  {workers} threads   {on_threads:.2f} s (x{alone / on_threads:.1f})")
    print(f"  {workers} processes {on_processes:.2f} s (x{alone / on_processes:.1f})")
    for add in (Counter.add_unlocked, Counter.add_locked):
        counter = Counter()
        with ThreadPoolExecutor(workers) as pool:
            list(pool.map(add, [counter] * workers, [50_000] * workers, timeout=SHORT_TIMEOUT))
        print(f"{add.__name__}: {counter.value:,} of {workers * 50_000:,} increments kept")
    if sys.version_info < (3, 13):
        print("free-threaded builds need Python 3.13 or later (python3.13t)")


# </run>
if __name__ == "__main__":
    entry.run(main)
