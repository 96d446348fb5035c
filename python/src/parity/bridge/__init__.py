"""The bridge: Python calling the project's .NET assemblies in-process through pythonnet.

Nothing is loaded on import. `load()` starts CoreCLR explicitly (never Mono or .NET
Framework, pythonnet's defaults off Windows and on Windows) with the CLI's runtimeconfig,
references Parity.Examples from the build output and returns the loaded runtime. Once the
CLR is in a process, that process must not fork: a fork warns (ForkAfterLoadWarning) and
`child_context()` hands out 'spawn' and refuses 'fork'.

    from parity import bridge
    print(bridge.run_concept("plinq.sum"))           # a .NET concept, output captured
    Sum = bridge.examples().Plinq.Sum                # any .NET type, called directly

The public modules of this package are the bridge chapter's concepts (bridge.plinq,
bridge.delegates, ...); `python -m parity.bridge run ID` runs a .NET concept in-process.
"""

from parity.bridge._runtime import (
    BridgeError,
    ForkAfterLoadWarning,
    build_dir,
    child_context,
    examples,
    is_loaded,
    load,
    run_concept,
)

__all__ = [
    "BridgeError",
    "ForkAfterLoadWarning",
    "build_dir",
    "child_context",
    "examples",
    "is_loaded",
    "load",
    "run_concept",
]
