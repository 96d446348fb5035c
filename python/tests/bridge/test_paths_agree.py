"""Every .NET concept gives the same observable result through the bridge as through the CLI.

Both run as fresh processes (`dotnet Parity.Cli.dll run ID` and `python -m parity.bridge run
ID`) at the tests' time scale. Numbers (PIDs, timings, counts) are masked; what is left, the
set of output lines, must be the same, and both must exit 0; or both skip (exit 77: a server
program is missing, as redis-server is on Windows), which skips the test, or fails it in CI.
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
from parity.common.redis_server import servers_required
from parity.common.skip import SKIP_EXIT
from parity.common.timing import LONG_TIMEOUT

DOTNET_CONCEPTS = [c.id for c in catalog.load().concepts if c.dotnet is not None]
NUMBER = re.compile(r"\d+(?:[.,]\d+)*")

# Lines whose outcome differs in kind from run to run, so only their label is compared: a
# deliberate data race (items lost, or the collection throws), and per-request outcomes that
# depend on timing (at the test scale mirrors answer 15 ms apart; under load a loser can finish
# before the cancel lands; pool.result-timeout's work may finish while its caller handles the
# timeout). The concepts' own tests assert what must hold about them.
RACY_LINES = (
    "shared List without a lock:",
    "[article] reader saw",  # shared.manager starts writer and reader together, as the article does
    "all requests:",
    "...and finish anyway, unused:",
    # task.when-any: the broken mirror answers at once and the fastest one 5 ms later at the test
    # scale, so a loaded machine can finish either first (WhenAnyTests force each with a gate).
    "article style: first done is",
    "the task kept running: IsCompleted=",
    # scale.task-queue: how the tasks split between the workers depends on which started first.
    "submit: tasks=",
)


# Lines that are one of two outcomes, by timing: both stand for the same label. At the test scale
# pool.result-timeout's first wait (25 ms) usually times out before its work (50 ms) ends, but a
# stalled machine can let the work finish first; its own tests force each outcome.
FIRST_WAIT = "first wait: timed out, or the value"
EITHER = {
    "timed out: System.TimeoutException('The operation has timed out.')": FIRST_WAIT,
    "value #": FIRST_WAIT,
}


def mask(output: str) -> set[str]:
    """The output's lines with every number replaced by '#' and runs of spaces folded (column
    padding depends on how many digits a number has): what must not vary between runs."""
    lines = set()
    for line in output.splitlines():
        if not line.strip():
            continue
        racy = next((label for label in RACY_LINES if line.lstrip().startswith(label)), None)
        # Each number a word of its own: "x 9.5" and "x12.3" (padding) both read "x # ".
        masked = " ".join(NUMBER.sub(" # ", line).split())
        lines.add(racy or EITHER.get(masked, masked))
    return lines


def _run(command: list[str]) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PARITY_TIME_SCALE": "0.05"}
    return subprocess.run(
        command, capture_output=True, text=True, timeout=LONG_TIMEOUT, env=env, check=False
    )


Done = subprocess.CompletedProcess[str]


def skipped(via_cli: Done, via_bridge: Done) -> str:
    """The reason when both sides skipped, "" when neither did; one alone is a disagreement."""
    codes = (via_cli.returncode, via_bridge.returncode)
    if SKIP_EXIT not in codes:
        return ""
    one = f"only one side skipped: {via_cli.stderr}{via_bridge.stderr}"
    assert codes == (SKIP_EXIT, SKIP_EXIT), one
    return via_cli.stderr.strip()


def _done(code: int, stderr: str = "") -> Done:
    return subprocess.CompletedProcess([], code, "", stderr)


def test_skipped_needs_both_sides_to_skip() -> None:
    hint = "skipped: redis-server is not installed"
    assert skipped(_done(SKIP_EXIT, hint), _done(SKIP_EXIT, hint)) == hint
    assert skipped(_done(0), _done(1)) == ""  # not a skip: the exit codes are asserted next
    with pytest.raises(AssertionError, match="only one side skipped"):
        skipped(_done(SKIP_EXIT, hint), _done(0))


def test_mask_hides_numbers_but_keeps_words() -> None:
    assert mask("[child cheerful] pid=9657 ppid=9640\nelapsed 0.23 s\n\n") == {
        "[child cheerful] pid= # ppid= #",
        "elapsed # s",
    }
    assert mask("median 9.5 ms x 9.5") == mask("median 12.5 ms x12.5")  # column padding
    assert mask("sum 1,000") != mask("total 1,000")
    assert mask("  fork   median    9.5 ms") == mask("  fork   median  123.4 ms")
    assert mask("shared List without a lock: 7 items collected of 9") == mask(
        "shared List without a lock: ArgumentException: Destination array was not long enough."
    )


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
    reason = skipped(via_cli, via_bridge)
    if reason and servers_required():
        pytest.fail(f"CI must run this concept for real: {reason}")
    if reason:
        pytest.skip(reason)
    assert via_cli.returncode == 0, via_cli.stderr
    assert via_bridge.returncode == 0, via_bridge.stderr
    assert mask(via_bridge.stdout) == mask(via_cli.stdout)
