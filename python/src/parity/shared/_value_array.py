"""shared.value-array's support: a line-at-once print for children, and what the wrappers are."""

from __future__ import annotations

import sys

from parity.common.mp import Context


def say(line: str) -> None:
    """One write per line, so two children's lines never interleave mid-line."""
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def element_types(ctx: Context) -> tuple[type, type, type, type]:
    """The wrapper types and the ctypes types behind 'd' and 'i'."""
    value, array = ctx.Value("d", 0.0), ctx.Array("i", 1)
    return type(value), type(array), type(value.get_obj()), array.get_obj()._type_
