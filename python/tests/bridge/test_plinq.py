"""bridge.plinq in-process (bridge session: this process loads the CLR)."""

from __future__ import annotations

import array

import pytest

from ..conftest import NO_WHEEL

pytest.importorskip("numpy", reason=NO_WHEEL.format("numpy"))

import numpy as np

from parity.bridge import plinq
from parity.bridge._net import bridge_types

pytestmark = pytest.mark.bridge

SIZE = 100_000


def test_every_python_container_reaches_plinq_with_the_same_sum() -> None:
    values = list(range(SIZE))
    expected = plinq.expected_sum(SIZE)
    assert plinq.plinq_sum(plinq.from_list(values)) == expected
    assert plinq.plinq_sum(plinq.from_list(array.array("q", values))) == expected
    assert plinq.plinq_sum(plinq.from_numpy(np.arange(SIZE, dtype=np.int64))) == expected
    assert plinq.plinq_sum(plinq.from_bytes(array.array("q", values).tobytes())) == expected
    # a list passed where long[] is expected is converted implicitly (copied)
    assert bridge_types().PlinqData.Sum(values) == expected


def test_a_list_is_copied_so_later_changes_are_not_seen() -> None:
    values = [1, 2, 3]
    net_array = plinq.from_list(values)
    values[0] = 100
    assert plinq.plinq_sum(net_array) == 6


def test_a_numpy_array_is_not_accepted_as_long_array_without_a_copy_path() -> None:
    with pytest.raises(TypeError, match="No method matches"):
        bridge_types().PlinqData.Sum(np.arange(3, dtype=np.int64))


def test_a_dotnet_array_exposes_a_writable_buffer_and_writes_are_seen_by_dotnet() -> None:
    net_array = plinq.from_list([1, 2, 3])
    buffer = memoryview(net_array)
    assert (buffer.format, buffer.itemsize, buffer.readonly, buffer.shape) == ("q", 8, False, (3,))
    shared = plinq.view(net_array)
    shared[:] = [10, 20, 30]
    assert plinq.plinq_sum(net_array) == 60
    assert bridge_types().PlinqData.Get(net_array, 2) == 30
    assert plinq.write_through_view_is_seen(10) == (45, 90)


def test_throughput_measures_every_path_it_names() -> None:
    # How fast each path is belongs to the benchmarks page (its bridge-data rows, measured on a
    # quiet machine); a unit test only checks that every path is timed and gives a rate.
    rates = plinq.throughput(size=1_000, repeats=1)
    assert len(rates) == 7
    assert all(0 < rate < float("inf") for rate in rates.values()), rates


def test_a_span_parameter_does_not_accept_a_dotnet_array() -> None:
    net_array = plinq.from_list([1, 2, 3])
    with pytest.raises(
        TypeError, match=r"No method matches given arguments for PlinqData\.SumSpan"
    ):
        bridge_types().PlinqData.SumSpan(net_array)


def test_dotnet_sums_a_numpy_array_in_place_with_the_same_result_as_numpy() -> None:
    rng = np.random.default_rng(7)
    for size in (0, 1, 7, 1_001, SIZE):
        values = rng.integers(-(10**12), 10**12, size, dtype=np.int64)
        for workers in (0, 1, 3):
            assert plinq.in_place_sum(values, workers) == int(values.sum())


def test_the_in_place_sum_reads_the_arrays_current_memory_not_a_copy() -> None:
    values = np.arange(10, dtype=np.int64)
    assert plinq.in_place_sum(values) == 45
    values[0] = 1_000  # no copy was kept: the next call sees the write
    assert plinq.in_place_sum(values) == 1_045
    # a contiguous slice starts at its own address
    assert plinq.in_place_sum(values[2:5]) == 2 + 3 + 4


def test_the_in_place_sum_refuses_arrays_it_cannot_read_as_longs() -> None:
    with pytest.raises(ValueError, match="C-contiguous int64"):
        plinq.in_place_sum(np.arange(10, dtype=np.int64)[::2])
    with pytest.raises(ValueError, match="C-contiguous int64"):
        plinq.in_place_sum(np.arange(10, dtype=np.int32))
