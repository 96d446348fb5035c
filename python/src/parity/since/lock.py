"""since.lock: threading.Lock and .NET 9's System.Threading.Lock.

.NET 9 gives a lock its own type: `lock (gate)` on a System.Threading.Lock enters it through
EnterScope(), and TryEnter(timeout) gives up after a while, as threading.Lock's
acquire(timeout=...) does. The difference a porter trips on is re-entry: the .NET Lock is
recursive (the thread that holds it may enter again), threading.Lock is not, so taking it twice
on one thread waits for ever; threading.RLock is the recursive one.
"""

from __future__ import annotations

import threading

from parity.common import entry
from parity.common.timing import CLOCK_TICK, SHORT_TIMEOUT


# <reentry>
def enter_twice(gate: threading.Lock | threading.RLock) -> bool:
    """Take the lock, then try again on the same thread: True if the second try got it."""
    with gate:
        again = gate.acquire(timeout=CLOCK_TICK)  # a Lock would wait for ever without a timeout
        if again:
            gate.release()
        return again


# </reentry>


# <guard>
def add_all(workers: int, each: int) -> int:
    """Threads adding to one total, each += under the lock."""
    total = 0
    gate = threading.Lock()

    def add() -> None:
        nonlocal total
        for _ in range(each):
            with gate:  # lock (gate) { total++; }
                total += 1

    threads = [threading.Thread(target=add) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(SHORT_TIMEOUT)
    return total


# </guard>


# <run>
def main() -> None:
    print(f"threading.Lock entered twice on one thread: {enter_twice(threading.Lock())}")
    print(f"threading.RLock entered twice on one thread: {enter_twice(threading.RLock())}")
    print(f"4 threads x 10,000 locked increments: {add_all(4, 10_000):,}")


# </run>


if __name__ == "__main__":
    entry.run(main)
