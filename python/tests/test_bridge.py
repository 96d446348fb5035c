"""The bridge runs in its own pytest session (`-m bridge`, see tasks.py): a process that has
loaded the CLR must not fork, and the other tests fork."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.bridge


def test_plinq_sum_through_the_bridge() -> None:
    from parity import bridge

    sum_type = bridge.examples().Plinq.Sum
    assert sum_type.ParallelRange(1_000_000) == 499_999_500_000
    numbers = sum_type.Numbers(1_000_000)  # a .NET long[] built in .NET: no copying
    assert sum_type.Parallel(numbers) == sum_type.Sequential(numbers) == 499_999_500_000


def test_run_concept_captures_the_console_output() -> None:
    from parity import bridge

    output = bridge.run_concept("plinq.sum")
    assert "parallel:   499999500000" in output
    assert bridge.is_loaded()


def test_unknown_concept_raises_the_dotnet_exception_with_suggestions() -> None:
    from parity import bridge

    with pytest.raises(Exception, match=r"did you mean: plinq\.sum") as info:
        bridge.run_concept("plinq.su")
    assert type(info.value).__name__ == "UnknownConceptException"
