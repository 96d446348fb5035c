"""Where the .NET build lives, whether it is stale, and how to build it."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

from parity.paths import ROOT

DOTNET_DIR = ROOT / "dotnet"
SOLUTION = DOTNET_DIR / "Parity.slnx"
ARTIFACTS = DOTNET_DIR / "artifacts"
CLI_DIR = ARTIFACTS / "bin" / "Parity.Cli" / "debug"
CLI_DLL = CLI_DIR / "Parity.Cli.dll"
STAMP = ARTIFACTS / ".build-stamp"
_SOURCE_SUFFIXES = {".cs", ".csproj", ".props", ".targets", ".slnx", ".json", ".editorconfig"}


class DotnetMissing(RuntimeError):
    pass


def dotnet_exe() -> str:
    exe = shutil.which("dotnet")
    if exe is None:
        root = os.environ.get("DOTNET_ROOT")
        candidate = Path(root, "dotnet.exe" if os.name == "nt" else "dotnet") if root else None
        if candidate is None or not candidate.is_file():
            raise DotnetMissing(
                "the .NET SDK is not installed (no `dotnet` on PATH): install .NET 10"
            )
        exe = str(candidate)
    return exe


def sources() -> list[Path]:
    """Every file whose change means the build is stale (build output excluded)."""
    found = [ROOT / ".editorconfig"]
    for path in DOTNET_DIR.rglob("*"):
        rel = path.relative_to(DOTNET_DIR).parts
        if rel[0] == "artifacts" or "bin" in rel or "obj" in rel:
            continue
        if path.is_file() and (path.suffix in _SOURCE_SUFFIXES or path.name == "global.json"):
            found.append(path)
    return [p for p in found if p.exists()]


def is_stale() -> bool:
    if not CLI_DLL.is_file() or not STAMP.is_file():
        return True
    built = STAMP.stat().st_mtime
    return any(p.stat().st_mtime > built for p in sources())


def projects() -> list[str]:
    """The names of the solution's projects (Parity.Cli, ...), in the order it lists them."""
    root = ET.parse(SOLUTION).getroot()
    return [Path(p.get("Path", "")).stem for p in root.iter("Project")]


# MSBuild at minimal verbosity prints a line per project built: "  Parity.Cli -> /p/Parity.Cli.dll"
_PROJECT_BUILT = re.compile(r"^\s*([\w.]+) -> \S")


def build(
    force: bool = False, quiet: bool = True, on_project: Callable[[str], None] | None = None
) -> bool:
    """Build the solution when stale (or forced); returns True if a build ran.

    quiet: capture MSBuild's output (shown only if the build fails). on_project: called with each
    project's name as it finishes building (quiet builds only), to show progress."""
    if not force and not is_stale():
        return False
    command = [dotnet_exe(), "build", str(SOLUTION), "-nologo"]
    if quiet and on_project is not None:
        command += ["-v", "m", "-clp:NoSummary"]
    elif quiet:
        command += ["-v", "q", "-clp:NoSummary;ErrorsOnly"]
    if quiet and on_project is not None:
        returncode, detail = _build_streaming(command, on_project)
    else:
        result = subprocess.run(command, check=False, capture_output=quiet, text=True)
        returncode, detail = result.returncode, (result.stdout or "") + (result.stderr or "")
    if returncode != 0:
        raise RuntimeError(f"dotnet build failed:\n{detail.strip() if quiet else ''}".rstrip())
    STAMP.parent.mkdir(parents=True, exist_ok=True)
    STAMP.touch()
    return True


def _build_streaming(command: list[str], on_project: Callable[[str], None]) -> tuple[int, str]:
    """Run the build reading its output as it comes; (exit code, the error lines or all output)."""
    lines: list[str] = []
    with subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, errors="replace"
    ) as proc:
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.append(line)
            built = _PROJECT_BUILT.match(line)
            if built:
                on_project(built.group(1))
    errors = [x for x in lines if ": error " in x]
    return proc.returncode, "".join(dict.fromkeys(errors) or lines)


def build_showing_progress() -> None:
    """Build, showing each project as MSBuild finishes it: a live bar on a terminal, one line
    per project in a log."""
    from rich.console import Console
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    started = time.perf_counter()
    pending = projects()
    total = len(pending)
    console = Console(stderr=True)

    def describe() -> str:  # MSBuild says when a project is done: the rest are in progress
        done = total - len(pending)
        return f"building .NET, {done} of {total} built: {', '.join(pending) or 'finishing'}"

    columns = (SpinnerColumn(), TimeElapsedColumn(), TextColumn("{task.description}"))
    with Progress(*columns, console=console) as progress:
        step = progress.add_task(describe(), total=total)

        def built(name: str) -> None:
            if name in pending:
                pending.remove(name)
            progress.update(step, advance=1, description=describe())
            if not console.is_terminal:  # no live bar in a log: one line per project
                seconds = time.perf_counter() - started
                console.print(f"built {name} ({seconds:.1f} s)", highlight=False)

        build(on_project=built)
