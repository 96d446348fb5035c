import os
import subprocess
import sys

import pytest

from parity.common import mp, timing


@pytest.mark.parametrize("raw", ["0", "-1", "abc", "nan", "inf"])
def test_a_bad_time_scale_is_refused(monkeypatch: pytest.MonkeyPatch, raw: str) -> None:
    monkeypatch.setenv(timing.TIME_SCALE_VARIABLE, raw)
    with pytest.raises(ValueError, match="must be a positive number"):
        timing.scaled(1)


def test_scaled_multiplies_by_the_time_scale(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(timing.TIME_SCALE_VARIABLE, "0.25")
    assert timing.scaled(2) == 0.5
    monkeypatch.delenv(timing.TIME_SCALE_VARIABLE)
    assert timing.scaled(2) == 2


def test_an_unavailable_start_method_is_refused() -> None:
    with pytest.raises(ValueError, match="start method 'teleport' is not available"):
        mp.context("teleport")


def test_the_timeout_pair_stretches_with_parity_timeout_scale() -> None:
    # Read at import, so a fresh interpreter shows it: both limits, one variable.
    code = "from parity.common import timing; print(timing.SHORT_TIMEOUT, timing.LONG_TIMEOUT)"
    env = {**os.environ, timing.TIMEOUT_SCALE_VARIABLE: "2.5"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    unscaled = (timing.SHORT_TIMEOUT / timing.timeout_scale(), timing.LONG_TIMEOUT / timing.timeout_scale())
    assert [float(x) for x in out.stdout.split()] == [unscaled[0] * 2.5, unscaled[1] * 2.5]


@pytest.mark.parametrize("raw", ["0", "-1", "abc", "nan"])
def test_a_bad_timeout_scale_is_refused(monkeypatch: pytest.MonkeyPatch, raw: str) -> None:
    monkeypatch.setenv(timing.TIMEOUT_SCALE_VARIABLE, raw)
    with pytest.raises(ValueError, match="PARITY_TIMEOUT_SCALE must be a positive number"):
        timing.timeout_scale()
