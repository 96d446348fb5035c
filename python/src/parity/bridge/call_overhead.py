"""bridge.call-overhead: what one Python-to-.NET call costs, and what passing N elements costs.

Numbers, not adjectives: a plain Python call, a .NET static method that does nothing, one given
N elements as a Python list (converted element by element on every call) or as a .NET `long[]`
made once (passed by reference), and starting the .NET CLI: medians of runs (`--bench`: more).
"""

import argparse
import subprocess
from collections.abc import Callable

from parity.bridge._net import bridge_types
from parity.bridge._runtime import build_dir, exit_process
from parity.common import entry
from parity.common.measure import median_seconds
from parity.common.timing import LONG_TIMEOUT


# <calls>
def per_call(function: Callable[[int], object], calls: int, repeats: int) -> float:
    def loop() -> None:
        for _ in range(calls):
            function(1)

    return median_seconds(loop, repeats) / calls  # seconds per call: the median loop / calls


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
    command = ["dotnet", str(build_dir() / "Parity.Cli.dll"), "list"]
    return median_seconds(lambda: subprocess.check_output(command, timeout=LONG_TIMEOUT), repeats)


# </calls>
def _show(name: str, secs: float) -> None:
    ms, us, ns = f"{secs * 1e3:10.2f} ms", f"{secs * 1e6:10.2f} us", f"{secs * 1e9:10.1f} ns"
    print(f"  {name:48} {ms if secs >= 1e-3 else us if secs >= 1e-6 else ns}")


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m parity.bridge.call_overhead")
    parser.add_argument("--bench", action="store_true", help="100,000 calls per loop, 9 repeats")
    calls, repeats = (100_000, 9) if parser.parse_args().bench else (5_000, 3)
    print(f"median of {repeats} runs; {calls:,} calls per loop")
    first_use = median_seconds(lambda: bridge_types().CallOverhead, runs=1, warm_up=False)
    _show("load the CLR and Parity.Examples (first use)", first_use)
    _show("plain Python call", per_call(lambda value: value, calls, repeats))
    _show(".NET static method call", per_call(bridge_types().CallOverhead.Identity, calls, repeats))
    for size in (10, 1_000, 100_000):
        for kind, seconds in zip(("a list", "a long[]"), passing(size, repeats), strict=True):
            _show(f".NET call with {size:,} elements as {kind}", seconds)
    _show("start the .NET CLI as a process", cli_start(max(3, repeats // 3)))


if __name__ == "__main__":
    entry.run(main)
    exit_process()  # no slow pythonnet shutdown: main() joined what it started
