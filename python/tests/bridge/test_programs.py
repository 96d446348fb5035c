"""Every bridge concept runs as a program in a fresh interpreter, as `invoke run` starts it."""

from __future__ import annotations

import pytest

from tests.conftest import RunConcept

EXPECTED_LINES = {
    "parity.bridge.plinq": "numpy view doubled in place: .NET sum 45 -> 90",
    "parity.bridge.delegates": "IProgress<int> reports seen by Python: [1, 2, 3, 4, 5, 6, 7, 8]",
    "parity.bridge.cancellation": (
        "Ctrl-C while awaiting in slices: interrupted=True, task Canceled"
    ),
    "parity.bridge.gil": "cores: ",
    "parity.bridge.call_overhead": "start the .NET CLI as a process",
    "parity.bridge.startup": "loaded: CoreCLR",
}


@pytest.mark.parametrize("module", sorted(EXPECTED_LINES))
def test_the_program_runs_and_shows_its_point(run_ok: RunConcept, module: str) -> None:
    result = run_ok(module)
    assert EXPECTED_LINES[module] in result.stdout
    assert "Traceback" not in result.stderr
