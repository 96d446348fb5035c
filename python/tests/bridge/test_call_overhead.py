"""bridge.call-overhead: the relations between the figures (bridge session)."""

from __future__ import annotations

import pytest

from ..conftest import NO_WHEEL

pytest.importorskip("numpy", reason=NO_WHEEL.format("numpy"))

from parity.bridge import call_overhead
from parity.bridge._net import bridge_types

pytestmark = pytest.mark.bridge


def test_a_dotnet_call_costs_more_than_a_python_call() -> None:
    python = call_overhead.per_call(lambda value: value, 2_000, 3)
    dotnet = call_overhead.per_call(bridge_types().CallOverhead.Identity, 2_000, 3)
    assert dotnet > 3 * python  # about 20x here; both medians from the same run


def test_a_list_is_converted_on_every_call_and_a_dotnet_array_is_not() -> None:
    small_list, _small_array = call_overhead.passing(10, 3)
    big_list, big_array = call_overhead.passing(100_000, 3)
    assert big_list > 20 * small_list  # grows with N: one conversion per element
    assert big_list > 20 * big_array  # the long[] is passed by reference


def test_starting_the_cli_costs_more_than_many_bridge_calls() -> None:
    per_call = call_overhead.per_call(bridge_types().CallOverhead.Identity, 2_000, 3)
    assert call_overhead.cli_start(1) > 100 * per_call
