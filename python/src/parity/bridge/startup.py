"""bridge.startup: how the bridge starts CoreCLR, and what it says when it cannot.

pythonnet's default runtime is not .NET (Core): without a setting it picks Mono off Windows
and .NET Framework on Windows. The bridge therefore loads CoreCLR explicitly, with the
runtimeconfig the build wrote beside Parity.Cli.dll, before anything imports `clr`, and
references Parity.Examples by name from the build folder on sys.path. Every failure to start
becomes one BridgeError sentence saying what to run, instead of a pythonnet traceback.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from parity.bridge._runtime import BridgeError, _check_prerequisites, examples, exit_process
from parity.common import entry


# <startup>
def default_runtime() -> str:
    """What pythonnet would load with no PYTHONNET_RUNTIME and no explicit load()."""
    return "netfx" if sys.platform == "win32" else "mono"


def loaded_runtime() -> str:
    """Loads the bridge (CoreCLR + Parity.Examples) and describes the runtime it started."""
    import pythonnet

    examples()
    info = pythonnet.get_runtime_info()
    if info is None:
        raise BridgeError("pythonnet reports no runtime after load()")
    from System.Runtime.InteropServices import RuntimeInformation

    return f"{info.kind}, {RuntimeInformation.FrameworkDescription}"


# </startup>


def error_for_build(folder: Path) -> str:
    """The one sentence the bridge gives for a build folder, or 'ok'."""
    try:
        _check_prerequisites(folder)
    except BridgeError as exc:
        return str(exc)
    return "ok"


def main() -> None:
    print(f"pythonnet's default here would be: {default_runtime()}")
    with tempfile.TemporaryDirectory() as empty:
        message = error_for_build(Path(empty)).replace(empty, "<empty dir>")
        print(f"an empty build folder: BridgeError: {message}")
    print(f"loaded: {loaded_runtime()}")
    print(f"Parity.Examples answers: {examples().Plinq.Sum.ParallelRange(1000)}")


if __name__ == "__main__":
    entry.run(main)
    exit_process()  # no slow pythonnet shutdown: main() joined what it started
