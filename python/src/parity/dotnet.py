"""Where the .NET build lives, whether it is stale, and how to build it."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from parity.catalog import ROOT

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
            raise DotnetMissing("the .NET SDK is not installed (no `dotnet` on PATH): install .NET 10")
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


def build(force: bool = False, quiet: bool = True) -> bool:
    """Build the solution when stale (or forced); returns True if a build ran."""
    if not force and not is_stale():
        return False
    command = [dotnet_exe(), "build", str(SOLUTION), "-nologo"]
    if quiet:
        command += ["-v", "q", "-clp:NoSummary;ErrorsOnly"]
    result = subprocess.run(command, check=False, capture_output=quiet, text=True)
    if result.returncode != 0:
        detail = (result.stdout or "") + (result.stderr or "") if quiet else ""
        raise RuntimeError(f"dotnet build failed:\n{detail.strip()}")
    STAMP.parent.mkdir(parents=True, exist_ok=True)
    STAMP.touch()
    return True
