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
