"""The bridge: Python calling the project's .NET assemblies in-process through pythonnet.

Nothing is loaded on import. `load()` starts CoreCLR explicitly (never Mono or .NET
Framework, pythonnet's defaults off Windows and on Windows) with the CLI's runtimeconfig,
references Parity.Examples from the build output and returns the loaded runtime. Once the
CLR is in a process, that process must not fork: see `parity.bridge._runtime`.

    from parity import bridge
    print(bridge.run_concept("plinq.sum"))           # a .NET concept, output captured
    Sum = bridge.examples().Plinq.Sum                # any .NET type, called directly
"""

from parity.bridge._runtime import (
    BridgeError,
    build_dir,
    examples,
    is_loaded,
    load,
    run_concept,
)

__all__ = ["BridgeError", "build_dir", "examples", "is_loaded", "load", "run_concept"]
