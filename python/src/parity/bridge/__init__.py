"""The bridge: Python calling the project's .NET assemblies in-process through pythonnet.

Nothing is loaded on import. `load()` starts CoreCLR explicitly (never Mono or .NET
Framework, pythonnet's defaults off Windows and on Windows) with the CLI's runtimeconfig,
references Parity.Examples from the build output and returns the loaded runtime. Once the
CLR is in a process, that process must not fork: a fork warns (ForkAfterLoadWarning) and
`child_context()` hands out 'spawn' and refuses 'fork'.

    from parity import bridge
    print(bridge.run_concept("plinq.sum"))           # a .NET concept, output captured
    bridge.concept_ids()                             # the ids run_concept() accepts
    Sum = bridge.examples().Plinq.Sum                # any .NET type, called directly
    dir(bridge.examples().Plinq)                     # what a namespace holds

The public modules of this package are the bridge chapter's concepts (bridge.plinq,
bridge.delegates, ...); `python -m parity.bridge run ID` runs a .NET concept in-process.
"""

from parity.bridge._runtime import (
    BridgeError,
    ForkAfterLoadWarning,
    Namespace,
    UnknownConceptError,
    build_dir,
    child_context,
    concept_ids,
    examples,
    is_loaded,
    load,
    run_concept,
)

__all__ = [
    "BridgeError",
    "ForkAfterLoadWarning",
    "Namespace",
    "UnknownConceptError",
    "build_dir",
    "child_context",
    "concept_ids",
    "examples",
    "is_loaded",
    "load",
    "run_concept",
]
