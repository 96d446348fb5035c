"""Spans across the bridge: building one from Python takes the whole interpreter down."""

from __future__ import annotations

from ..conftest import python_c


def test_constructing_a_span_from_python_aborts_the_process() -> None:
    code = (
        "from parity.bridge import plinq\n"
        "data = plinq.bridge_types().PlinqData\n"
        "from System import Int64, ReadOnlySpan\n"
        "print('calling', flush=True)\n"
        "data.SumSpan(ReadOnlySpan[Int64](plinq.from_list([1, 2, 3])))\n"
        "print('survived', flush=True)\n"
    )
    result = python_c(code)
    assert result.stdout.strip() == "calling"  # no Python exception to catch: the process is gone
    assert result.returncode != 0
    assert "Cannot create boxed ByRef-like values" in result.stderr
