"""bridge.plinq: Python data into a PLINQ query, copied or shared.

PLINQ wants a `long[]`. Python has lists, `array.array('q')`, bytes and numpy arrays; how one
becomes a .NET array decides the cost:

- copying element by element: `Array[Int64](values)` (or passing a list where `long[]` is
  expected) walks the Python sequence and converts each int: slow, ~ a few M elements/s;
- bulk copy: `Marshal.Copy` from the address of a numpy array's data, or writing raw bytes into
  the .NET array's buffer: one memcpy;
- zero copy: a .NET `long[]` exposes a writable buffer, so `numpy.asarray(memoryview(arr))` is a
  view of the same memory; writes through it are seen by .NET;
- zero copy the other way: .NET reads a numpy array's buffer in place through a pointer
  (`InPlace.ParallelSum(arr.ctypes.data, n)`), so a parallel sum runs at memory bandwidth.

Run `python -m parity.bridge.plinq --bench` for the throughput table with more repeats; the
figures measured in one run beside their .NET counterparts are in comparisons/benchmarks.md.
"""

from __future__ import annotations

import argparse
import array
from typing import Any

import numpy as np
import numpy.typing as npt

from parity.bridge._net import bridge_types
from parity.bridge._runtime import exit_process, load
from parity.common import entry
from parity.common.measure import median_seconds

SIZE = 100_000
BENCH_SIZE = 1_000_000


def expected_sum(size: int) -> int:
    return size * (size - 1) // 2


# <plinq>
def from_list(values: list[int] | array.array[int]) -> Any:
    """Element by element: pythonnet iterates the sequence and converts every int."""
    load()
    from System import Array, Int64

    return Array[Int64](values)


def from_numpy(values: npt.NDArray[np.int64]) -> Any:
    """Bulk copy: Marshal.Copy reads the numpy array's memory through its address."""
    load()
    from System import Array, Int64, IntPtr
    from System.Runtime.InteropServices import Marshal

    data = np.ascontiguousarray(values, dtype=np.int64)
    target = Array.CreateInstance(Int64, len(data))
    Marshal.Copy(IntPtr(data.ctypes.data), target, 0, len(data))
    return target


def from_bytes(raw: bytes) -> Any:
    """Bulk copy of raw little-endian int64s into the .NET array's own buffer."""
    load()
    from System import Array, Int64

    target = Array.CreateInstance(Int64, len(raw) // 8)
    memoryview(target).cast("B")[:] = raw
    return target


def view(net_array: Any) -> npt.NDArray[np.int64]:
    """Zero copy: a numpy view of the .NET array's memory (writable)."""
    return np.asarray(memoryview(net_array))


def plinq_sum(net_array: Any) -> int:
    return int(bridge_types().PlinqData.Sum(net_array))


def in_place_sum(values: npt.NDArray[np.int64], workers: int = 0) -> int:
    """Zero copy: .NET sums the numpy array's own memory, in parallel (0 workers: one per core)."""
    if values.dtype != np.int64 or not values.flags.c_contiguous:
        raise ValueError(
            "in_place_sum needs a C-contiguous int64 array,"
            f" got {values.dtype} (contiguous: {values.flags.c_contiguous})"
        )
    load()
    from System import IntPtr

    # `values` stays referenced until the call returns, so its buffer cannot be freed under .NET.
    return int(bridge_types().InPlace.ParallelSum(IntPtr(values.ctypes.data), values.size, workers))


# </plinq>


def write_through_view_is_seen(size: int = 10) -> tuple[int, int]:
    """Doubles every element through the numpy view; returns (.NET sum before, after)."""
    net_array = from_numpy(np.arange(size, dtype=np.int64))
    before = plinq_sum(net_array)
    shared = view(net_array)
    shared *= 2  # in place: the .NET array changes, nothing is copied back
    return before, plinq_sum(net_array)


def throughput(size: int = SIZE, repeats: int = 5) -> dict[str, float]:
    """Millions of elements per second moved into a long[] by each path (median of runs)."""
    values = list(range(size))
    packed = array.array("q", values)
    numbers = np.arange(size, dtype=np.int64)
    raw = packed.tobytes()
    net_array = from_numpy(numbers)
    paths = {
        "list -> Array[Int64] (copy per element)": lambda: from_list(values),
        "array('q') -> Array[Int64] (copy per element)": lambda: from_list(packed),
        "numpy -> Marshal.Copy (bulk copy)": lambda: from_numpy(numbers),
        "bytes -> buffer of long[] (bulk copy)": lambda: from_bytes(raw),
        "long[] -> numpy view (zero copy, O(1))": lambda: view(net_array),
        "numpy read in place by .NET (zero copy, parallel sum)": lambda: in_place_sum(numbers),
        "PLINQ Sum over long[] (for scale)": lambda: plinq_sum(net_array),
    }
    return {name: size / median_seconds(action, repeats) / 1e6 for name, action in paths.items()}


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m parity.bridge.plinq")
    parser.add_argument("--bench", action="store_true", help=f"{BENCH_SIZE:,} elements, 9 repeats")
    bench = parser.parse_args().bench
    size, repeats = (BENCH_SIZE, 9) if bench else (SIZE, 3)

    values = list(range(size))
    print(f"size {size:,}; closed form {expected_sum(size)}")
    print(f"list        -> PLINQ: {plinq_sum(from_list(values))}")
    print(f"array('q')  -> PLINQ: {plinq_sum(from_list(array.array('q', values)))}")
    print(f"numpy       -> PLINQ: {plinq_sum(from_numpy(np.arange(size, dtype=np.int64)))}")
    print(f"bytes       -> PLINQ: {plinq_sum(from_bytes(array.array('q', values).tobytes()))}")
    print(f"numpy read in place by .NET: {in_place_sum(np.arange(size, dtype=np.int64))}")
    before, after = write_through_view_is_seen()
    print(f"numpy view doubled in place: .NET sum {before} -> {after}")
    print(f"throughput, M elements/s (median of {repeats}):")
    for name, rate in throughput(size, repeats).items():
        print(f"  {name:54} {rate:12,.1f}")


if __name__ == "__main__":
    entry.run(main)
    exit_process()  # no slow pythonnet shutdown: main() joined what it started
