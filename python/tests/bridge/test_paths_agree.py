"""Every .NET concept gives the same observable result through the bridge as through the CLI.

Both run as fresh processes (`dotnet Parity.Cli.dll run ID` and `python -m parity.bridge run
ID`) at the tests' time scale. Numbers (PIDs, timings, counts) are masked; what is left, the
set of output lines, must be the same, and both must exit 0.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import pytest

from parity import catalog
from parity.bridge import build_dir

DOTNET_CONCEPTS = [c.id for c in catalog.load().concepts if c.dotnet is not None]
NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


def mask(output: str) -> set[str]:
    """The output's lines with every number replaced by '#': what must not vary between runs."""
    return {NUMBER.sub("#", line).rstrip() for line in output.splitlines() if line.strip()}


def _run(command: list[str]) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PARITY_TIME_SCALE": "0.05"}
    return subprocess.run(command, capture_output=True, text=True, timeout=120, env=env, check=False)


def test_mask_hides_numbers_but_keeps_words() -> None:
    assert mask("[child cheerful] pid=9657 ppid=9640\nelapsed 0.23 s\n\n") == {
        "[child cheerful] pid=# ppid=#",
        "elapsed # s",
    }
    assert mask("sum 1,000") != mask("total 1,000")


@pytest.mark.parametrize("concept_id", DOTNET_CONCEPTS)
def test_bridge_and_cli_agree(concept_id: str) -> None:
    cli = build_dir() / "Parity.Cli.dll"
    assert cli.is_file(), f"{cli} is missing: run `invoke build`"
    commands = (
        ["dotnet", str(cli), "run", concept_id],
        [sys.executable, "-m", "parity.bridge", "run", concept_id],
    )
    with ThreadPoolExecutor(max_workers=2) as pool:
        via_cli, via_bridge = pool.map(_run, commands)
    assert via_cli.returncode == 0, via_cli.stderr
    assert via_bridge.returncode == 0, via_bridge.stderr
    assert mask(via_bridge.stdout) == mask(via_cli.stdout)
