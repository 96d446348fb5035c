"""Where things live in the repository: every other module takes its paths from here."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[3]
PYTHON_DIR = ROOT / "python"
PYTHON_SRC = PYTHON_DIR / "src"
PYTHON_TESTS = ROOT / "python" / "tests"
DOTNET = ROOT / "dotnet"
DOTNET_SRC = DOTNET / "src" / "Parity.Examples"
DOTNET_TESTS = DOTNET / "tests" / "Parity.Examples.Tests"
COMPARISONS = ROOT / "comparisons"
CATALOG = COMPARISONS / "catalog"
README = ROOT / "README.md"
REPORTS = ROOT / ".reports"  # what `invoke test` and `invoke bench` leave behind
TIMINGS = PYTHON_DIR / "timings.json"  # a fresh clone's last times (parity.timings)


def generated_outputs() -> list[Path]:
    """What `invoke clean` removes: build output, reports, the built site, screenshots, caches."""
    caches = ("__pycache__", ".pytest_cache", ".mypy_cache", ".ruff_cache", ".hypothesis")
    found = [path for name in caches for path in ROOT.rglob(name)]
    outputs = [DOTNET / "artifacts", REPORTS, ROOT / "site", ROOT / ".screenshots", *found]
    return [path for path in outputs if path.exists() and ".venv" not in path.parts]


def dev_py() -> ModuleType:
    """dev.py, the standard-library script at the root, loaded as a module (it is not in the
    package): what it counts and checks, asked without running it."""
    spec = importlib.util.spec_from_file_location("dev", ROOT / "dev.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
