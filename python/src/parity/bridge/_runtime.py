"""Loading CoreCLR into this process and calling Parity.Examples (see the package docstring)."""

from __future__ import annotations

import os
import shutil
import sys
import threading
import types
import warnings
from pathlib import Path
from typing import Any

from parity.catalog import ROOT

ASSEMBLY = "Parity.Examples"
DEFAULT_BUILD_DIR = ROOT / "dotnet" / "artifacts" / "bin" / "Parity.Cli" / "debug"
BUILD_DIR_VARIABLE = "PARITY_DOTNET_BUILD"

_lock = threading.Lock()
_loaded: types.ModuleType | None = None


class BridgeError(RuntimeError):
    """The bridge cannot start; the message says what to run."""


def build_dir() -> Path:
    """Where the built CLI (and Parity.Examples beside it) live."""
    return Path(os.environ.get(BUILD_DIR_VARIABLE) or DEFAULT_BUILD_DIR)


def is_loaded() -> bool:
    return _loaded is not None


def _check_prerequisites(folder: Path) -> Path:
    config = folder / "Parity.Cli.runtimeconfig.json"
    if not (folder / f"{ASSEMBLY}.dll").is_file() or not config.is_file():
        raise BridgeError(f"the .NET assemblies are not built in {folder}: run `invoke build`")
    if shutil.which("dotnet") is None and not os.environ.get("DOTNET_ROOT"):
        raise BridgeError(
            "no .NET runtime found (dotnet is not on PATH and DOTNET_ROOT is unset): install the .NET 10 SDK"
        )
    return config


def _refuse_fork_after_load() -> None:
    # Runs in the parent just before os.fork() (also multiprocessing's fork and forkserver).
    warnings.warn(
        "forking a process that has loaded the CLR: the child inherits a runtime whose "
        "threads did not survive the fork and may hang; use the 'spawn' start method",
        RuntimeWarning,
        stacklevel=2,
    )


def load() -> types.ModuleType:
    """Start CoreCLR once per process and reference Parity.Examples; returns the `clr` module."""
    global _loaded
    with _lock:
        if _loaded is not None:
            return _loaded
        folder = build_dir()
        config = _check_prerequisites(folder)
        try:
            import pythonnet

            pythonnet.load("coreclr", runtime_config=str(config))
            import clr
        except Exception as exc:  # pythonnet raises several types; the user needs one sentence
            raise BridgeError(
                f"could not start CoreCLR ({type(exc).__name__}: {exc}); "
                "is the .NET 10 runtime installed? `dotnet --list-runtimes` shows it"
            ) from exc
        # Reference by name from a folder on sys.path: what pythonnet resolves reliably.
        if str(folder) not in sys.path:
            sys.path.append(str(folder))
        clr.AddReference(ASSEMBLY)
        if hasattr(os, "register_at_fork"):
            os.register_at_fork(before=_refuse_fork_after_load)
        _loaded = clr
        return _loaded


def examples() -> Any:
    """The Parity.Examples namespace as a Python module (Plinq, Tasks, Infrastructure, ...)."""
    load()
    import Parity.Examples

    return Parity.Examples


def run_concept(concept_id: str, time_scale: float | None = None) -> str:
    """Run one .NET concept inside this process and return what it wrote."""
    from parity.common.timing import time_scale as current_scale

    infra = examples().Infrastructure
    scale = current_scale() if time_scale is None else time_scale
    task = infra.ConceptRegistry.RunToStringAsync(concept_id, scale)
    # GetResult blocks in .NET with the GIL released; exceptions surface as the .NET type.
    return str(task.GetAwaiter().GetResult())
