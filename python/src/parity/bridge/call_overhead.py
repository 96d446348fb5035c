"""bridge.call-overhead: what one Python-to-.NET call costs, and what passing N elements costs.

Numbers, not adjectives: a plain Python call, a call of a .NET static method that does nothing
(`CallOverhead.Identity`), the same method given N elements as a Python list (converted element
by element on every call) or as a .NET `long[]` made once (passed by reference), and starting
the .NET CLI as a process. Each figure is the median of repeated runs.

    python -m parity.bridge.call_overhead --bench    # more calls and repeats
"""

from __future__ import annotations

import argparse
import subprocess
import time
from collections.abc import Callable

from parity.bridge._net import bridge_types
from parity.bridge._runtime import build_dir, exit_process
from parity.common import entry
from parity.common.measure import median_seconds
from parity.common.timing import LONG_TIMEOUT

SIZES = (10, 1_000, 100_000)


def identity(value: int) -> int:
    return value


# <calls>
def per_call(function: Callable[[int], object], calls: int, repeats: int) -> float:
    """Seconds per call of `function(1)`, median over `repeats` loops of `calls` calls."""

    def loop() -> None:
        for _ in range(calls):
            function(1)

    return median_seconds(loop, repeats) / calls


def passing(size: int, repeats: int) -> tuple[float, float]:
    """Seconds per .NET call given `size` elements: (as a Python list, as a .NET long[])."""
    length = bridge_types().CallOverhead.Length
    from System import Array, Int64  # after bridge_types() has loaded the runtime

    values = list(range(size))
    net_array = Array[Int64](values)  # converted once, element by element
    as_list = median_seconds(lambda: length(values), repeats)
    as_array = median_seconds(lambda: length(net_array), repeats)
    return as_list, as_array


def cli_start(repeats: int) -> float:
    """Seconds to start the .NET CLI (`dotnet Parity.Cli.dll list`) as a process and wait for it."""
    cli = build_dir() / "Parity.Cli.dll"
    command = ["dotnet", str(cli), "list"]
    return median_seconds(
        lambda: subprocess.run(command, capture_output=True, check=True, timeout=LONG_TIMEOUT),
        repeats,
    )


# </calls>


def measure(calls: int, repeats: int) -> dict[str, float]:
    """Every figure in seconds."""
    started = time.perf_counter()
    net_identity = bridge_types().CallOverhead.Identity
    figures = {"load the CLR and Parity.Examples (first use)": time.perf_counter() - started}
    figures["plain Python call"] = per_call(identity, calls, repeats)
    figures[".NET static method call"] = per_call(net_identity, calls, repeats)
    for size in SIZES:
        as_list, as_array = passing(size, repeats)
        figures[f".NET call with {size:,} elements as a list"] = as_list
        figures[f".NET call with {size:,} elements as a long[]"] = as_array
    figures["start the .NET CLI as a process"] = cli_start(max(3, repeats // 3))
    return figures


def _show(seconds: float) -> str:
    if seconds >= 1e-3:
        return f"{seconds * 1e3:10.2f} ms"
    return f"{seconds * 1e6:10.2f} us" if seconds >= 1e-6 else f"{seconds * 1e9:10.1f} ns"


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m parity.bridge.call_overhead")
    parser.add_argument("--bench", action="store_true", help="100,000 calls per loop, 9 repeats")
    bench = parser.parse_args().bench
    calls, repeats = (100_000, 9) if bench else (5_000, 3)
    print(f"median of {repeats} runs; {calls:,} calls per loop")
    for name, seconds in measure(calls, repeats).items():
        print(f"  {name:48} {_show(seconds)}")


if __name__ == "__main__":
    entry.run(main)
    exit_process()  # no slow pythonnet shutdown: main() joined what it started
