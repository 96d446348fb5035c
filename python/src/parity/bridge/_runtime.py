"""Loading CoreCLR into this process and calling Parity.Examples (see the package docstring).

Every way the bridge can fail to start ends in one BridgeError whose message is one sentence
saying what to run: the build is missing, no .NET runtime is installed, the installed runtime
is not the version the build asks for, or pythonnet itself failed (its message, on one line).
"""

from __future__ import annotations

import difflib
import json
import multiprocessing
import os
import sys
import threading
import time
import types
import warnings
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Any, NoReturn

from parity.common import phase
from parity.common.entry import deferred_interrupt
from parity.common.timing import LONG_TIMEOUT, SHORT_TIMEOUT
from parity.paths import ROOT

ASSEMBLY = "Parity.Examples"
DEFAULT_BUILD_DIR = ROOT / "dotnet" / "artifacts" / "bin" / "Parity.Cli" / "debug"
BUILD_DIR_VARIABLE = "PARITY_DOTNET_BUILD"
RUNTIME_CONFIG = "Parity.Cli.runtimeconfig.json"

_lock = threading.Lock()
_clr: types.ModuleType | None = None  # set once CoreCLR runs here: from then on, never fork
_referenced = False  # Parity.Examples is loaded into it


class BridgeError(RuntimeError):
    """The bridge cannot start; the message says what to run."""


class UnknownConceptError(KeyError):
    """run_concept() was given an id no .NET concept has (a KeyError: a failed lookup by key).

    `reason` is the line a command prints; str() adds how to list the ids from Python."""

    __module__ = "parity.bridge"  # where a REPL user meets it: the traceback names it so

    def __init__(self, reason: str, listing: str = "") -> None:
        super().__init__(reason)
        self.reason, self.listing = reason, listing

    def __str__(self) -> str:  # KeyError's own str() would print the message in quotes
        return f"{self.reason} {self.listing}" if self.listing else self.reason


class ForkAfterLoadWarning(RuntimeWarning):
    """A process that has loaded the CLR is forking: the child may hang or crash."""


def build_dir() -> Path:
    """Where the built CLI (and Parity.Examples beside it) live."""
    return Path(os.environ.get(BUILD_DIR_VARIABLE) or DEFAULT_BUILD_DIR)


def is_loaded() -> bool:
    """CoreCLR runs in this process (even if referencing Parity.Examples failed): do not fork."""
    return _clr is not None


def exit_process(code: int = 0) -> NoReturn:
    """End a program that is done (its children joined) with this exit code. Once the CLR is
    loaded, without pythonnet's shutdown at interpreter exit: that takes 0.2 s to seconds here
    (up to 3.5 s under load) and does nothing a finishing process needs."""
    if is_loaded():
        sys.stdout.flush()
        sys.stderr.flush()
        if (trace := sys.modules.get("parity.trace.record")) is not None:
            trace.before_exit()  # what its atexit hook would do: os._exit runs none
        os._exit(code)
    sys.exit(code)


def _version(text: str) -> tuple[int, ...]:
    """'10.0.12' -> (10, 0, 12); a preview suffix ('10.0.0-rc.1...') is ignored."""
    parts = []
    for piece in text.split("-", 1)[0].split("."):
        if not piece.isdigit():
            break
        parts.append(int(piece))
    return tuple(parts)


def _dotnet_root() -> Path:
    from clr_loader import find_dotnet_root

    try:
        root = find_dotnet_root()
    except RuntimeError:
        root = None
    if root is None or not (root / "host" / "fxr").is_dir():
        raise BridgeError(
            "no .NET runtime found (no `dotnet` on PATH and DOTNET_ROOT is unset or wrong): "
            "install the .NET 10 SDK, then run `dotnet --list-runtimes`"
        )
    return root


def _check_runtime_version(config: Path, root: Path) -> None:
    """The runtimeconfig names a framework and a minimum version: is one installed that fits?"""
    try:
        options = json.loads(config.read_text(encoding="utf-8"))["runtimeOptions"]
        framework = options["framework"]
        name, wanted = str(framework["name"]), str(framework["version"])
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise BridgeError(
            f"{config} is not a valid runtimeconfig ({type(exc).__name__}): "
            "run `invoke build` to regenerate it"
        ) from exc
    roll = str(options.get("rollForward", framework.get("rollForward", "Minor")))
    folder = root / "shared" / name
    installed = (
        sorted((p.name for p in folder.iterdir() if p.is_dir()), key=_version)
        if folder.is_dir()
        else []
    )
    need = _version(wanted)
    any_major = roll in ("Major", "LatestMajor")
    fits = [
        v for v in installed if _version(v) >= need and (any_major or _version(v)[:1] == need[:1])
    ]
    if not fits:
        have = ", ".join(installed) or "none"
        raise BridgeError(
            f"the build needs the .NET runtime {name} {wanted} but {root} has {have}: install the"
            f" .NET {need[0] if need else '?'} runtime (or SDK), or rebuild with `invoke build`"
        )


def _check_prerequisites(folder: Path) -> Path:
    config = folder / RUNTIME_CONFIG
    if not (folder / f"{ASSEMBLY}.dll").is_file() or not config.is_file():
        raise BridgeError(f"the .NET assemblies are not built in {folder}: run `invoke build`")
    _check_runtime_version(config, _dotnet_root())
    return config


def _one_line(exc: BaseException) -> str:
    """pythonnet's errors are multi-line and chained: the innermost cause, on one line."""
    while exc.__cause__ is not None:
        exc = exc.__cause__
    return f"{type(exc).__name__}: {' '.join(str(exc).split())}"


# <fork-guard>
def _warn_fork_after_load() -> None:
    # Runs in the parent just before os.fork() (also multiprocessing's fork start method).
    # A fork hook cannot stop the fork (its exceptions are ignored), so it warns loudly.
    warnings.warn(
        "forking a process that has loaded the CLR: the child inherits a runtime whose "
        "threads did not survive the fork and may hang or crash; use the 'spawn' start method",
        ForkAfterLoadWarning,
        stacklevel=2,
    )


def child_context(method: str | None = None) -> Any:
    """A multiprocessing context that is safe for this process: 'spawn' unless told otherwise.

    Refuses 'fork' once the CLR is loaded (forkserver is fine: its server is a fresh interpreter
    started before any .NET call, unless it preloads modules that load the CLR)."""
    chosen = method or "spawn"
    if chosen == "fork" and is_loaded():
        raise BridgeError(
            "this process has loaded the CLR, so it must not fork: use child_context('spawn')"
        )
    return multiprocessing.get_context(chosen)


# </fork-guard>


def load() -> types.ModuleType:
    """Start CoreCLR once per process and reference Parity.Examples; returns the `clr` module."""
    with _lock:
        if _clr is not None and _referenced:
            return _clr
        # A Ctrl-C landing while pythonnet initialises makes its start-up fail with a
        # NullReferenceException from deep inside (seen here): defer it to after the load.
        with deferred_interrupt() as pressed:
            clr = _load_locked()
        if pressed.is_set():
            raise KeyboardInterrupt
        return clr


def _load_locked() -> types.ModuleType:
    """load()'s steps, under its lock."""
    global _clr, _referenced
    folder = build_dir()
    if _clr is None:
        config = _check_prerequisites(folder)
        # <load>
        try:
            import pythonnet

            # Never pythonnet's default (Mono off Windows, .NET Framework on Windows).
            pythonnet.load("coreclr", runtime_config=str(config))
            import clr
        except Exception as exc:  # pythonnet raises several types; the user needs one sentence
            raise BridgeError(
                f"could not start CoreCLR with {config} ({_one_line(exc)}): "
                "check `dotnet --list-runtimes` and rebuild with `invoke build`"
            ) from exc
        # </load>
        # The runtime is in the process now, whatever happens next: the fork guard holds.
        _clr = clr
        if hasattr(os, "register_at_fork"):
            os.register_at_fork(before=_warn_fork_after_load)
    # Reference by name from a folder on sys.path: what pythonnet resolves reliably.
    if str(folder) not in sys.path:
        sys.path.append(str(folder))
    try:
        _clr.AddReference(ASSEMBLY)
    except Exception as exc:  # a .NET FileNotFoundException, BadImageFormatException, ...
        raise BridgeError(
            f"CoreCLR started but could not load {ASSEMBLY} from {folder} ({_one_line(exc)}): "
            "rebuild with `invoke build`"
        ) from exc
    _referenced = True
    phase.mark("CLR loaded")
    return _clr


def examples() -> Any:
    """The Parity.Examples namespace (Plinq, Tasks, Infrastructure, ...): `dir()` lists what it
    holds, and a wrong name suggests close ones. Types are pythonnet's own, called directly."""
    load()
    import Parity.Examples

    return Namespace("Parity.Examples", Parity.Examples)


class Namespace:
    """A .NET namespace that a REPL can explore: pythonnet's own namespace objects are lazy, so
    `dir()` on them is empty and a typo is a bare AttributeError."""

    def __init__(self, name: str, module: Any) -> None:
        self._name, self._module = name, module

    def _members(self) -> tuple[list[str], list[str]]:
        """(sub-namespaces, types) directly under this namespace, from the assembly itself."""
        import clr
        from Parity.Examples.Infrastructure import ConceptRegistry

        children: set[str] = set()
        types: set[str] = set()
        for t in clr.GetClrType(ConceptRegistry).Assembly.GetExportedTypes():
            space = str(t.Namespace or "")
            if space == self._name and not t.IsNested:
                types.add(str(t.Name).split("`")[0])
            elif space.startswith(self._name + "."):
                children.add(space[len(self._name) + 1 :].split(".", maxsplit=1)[0])
        return sorted(children), sorted(types)

    def __dir__(self) -> list[str]:
        children, types = self._members()
        return children + types

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        children, types = self._members()
        if name in children:
            return Namespace(f"{self._name}.{name}", getattr(self._module, name))
        if name in types:
            return getattr(self._module, name)
        close = difflib.get_close_matches(name, children + types, n=3, cutoff=0.5)
        hint = f"did you mean: {', '.join(close)}? " if close else ""
        raise AttributeError(f"{self._name} has no {name!r}; {hint}dir() lists what it has")

    def __repr__(self) -> str:
        return f"<.NET namespace {self._name}: {', '.join(self.__dir__())}>"


def concept_ids() -> list[str]:
    """Every id run_concept() accepts (the .NET concepts), in the catalog's order."""
    from parity.catalog import load as load_catalog

    ids = {str(x) for x in examples().Infrastructure.ConceptRegistry.Ids}
    ordered = [c.id for c in load_catalog().concepts if c.id in ids]
    return ordered + sorted(ids - set(ordered))


def _check_concept(concept_id: str) -> None:
    """One line for an id run_concept() cannot run: a Python-only concept, or a typo."""
    from parity.catalog import UnknownConcept
    from parity.catalog import load as load_catalog

    registry = examples().Infrastructure.ConceptRegistry
    if concept_id in {str(x) for x in registry.Ids}:
        return
    try:
        concept = load_catalog().get(concept_id)
    except UnknownConcept:
        close = [str(x) for x in registry.Closest(concept_id, 3)]
        hint = f"; did you mean: {', '.join(close)}?" if close else ""
        raise UnknownConceptError(
            f"unknown concept {concept_id!r}{hint}",
            "(bridge.concept_ids() lists the .NET concepts)",
        ) from None
    raise UnknownConceptError(
        f"{concept_id} has no .NET concept to run, only a Python one (`python -m"
        f" {concept.module}`): {concept.dotnet_none_reason}"
    )


def wait_task(
    task: Any,
    pressed: threading.Event | None = None,
    slice_seconds: float = 0.05,
    timeout: float = LONG_TIMEOUT,
) -> None:
    """Waits for a .NET Task in short slices (GIL released in each), so that Ctrl-C reaches
    Python promptly (one blocking wait would hold it until the task ends). `pressed` is the
    event of an enclosing deferred_interrupt(); without one, this installs its own. Raises
    TimeoutError after `timeout` seconds. Task.WaitAny never throws the task's exception:
    the caller looks at task.Status."""
    from System import Array
    from System.Threading.Tasks import Task

    tasks = Array[Task]([task])
    deadline = time.monotonic() + timeout
    with nullcontext(pressed) if pressed is not None else deferred_interrupt() as flag:
        while Task.WaitAny(tasks, int(slice_seconds * 1000)) < 0:
            if flag.is_set():
                raise KeyboardInterrupt
            if time.monotonic() > deadline:
                raise TimeoutError(f"the .NET task did not finish within {timeout:g} s")


@contextmanager
def cancelled_on_exit() -> Iterator[Any]:
    """A CancellationTokenSource for .NET work we wait on: if the wait ends early (a timeout,
    Ctrl-C, any exception) the source is cancelled before it is disposed, so the .NET work
    stops too instead of running on unseen; disposed in every case."""
    load()
    from System.Threading import CancellationTokenSource

    source = CancellationTokenSource()
    try:
        yield source
    except BaseException:
        source.Cancel()
        raise
    finally:
        source.Dispose()


def run_concept(concept_id: str, time_scale: float | None = None) -> str:
    """Run one .NET concept inside this process and return what it wrote.

    Ctrl-C cancels the concept's token (as the CLI's first Ctrl-C does), waits for it to stop,
    and raises KeyboardInterrupt; a second Ctrl-C stops waiting. An id with no .NET concept
    raises UnknownConceptError (a KeyError); `concept_ids()` lists the ones there are."""
    from parity.common.timing import time_scale as current_scale

    scale = current_scale() if time_scale is None else time_scale
    _check_concept(concept_id)
    with deferred_interrupt() as pressed:
        infra = examples().Infrastructure
        with cancelled_on_exit() as source:
            task = infra.ConceptRegistry.RunToStringAsync(concept_id, scale, source.Token)
            try:
                wait_task(task, pressed)
            except KeyboardInterrupt:
                source.Cancel()
                pressed.clear()
                wait_task(task, pressed, timeout=SHORT_TIMEOUT)
                raise
    # The task has finished: GetResult returns its text or raises the concept's .NET exception.
    return str(task.GetAwaiter().GetResult())
