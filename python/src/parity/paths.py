"""Where things live in the repository: every other module takes its paths from here."""

from __future__ import annotations

from pathlib import Path

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
