"""Which multiprocessing start method a concept uses.

Concepts never call set_start_method(): they take a context, so one interpreter can run the
same code under fork, forkserver and spawn (the tests do exactly that). PARITY_START_METHOD
picks the method when a concept runs as a program; unset means the platform's default.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
from multiprocessing.context import DefaultContext, SpawnContext
from typing import Any, TypeAlias, cast

from parity.common.timing import SHORT_TIMEOUT

START_METHOD_VARIABLE = "PARITY_START_METHOD"

# What get_context() can return: every concrete context has Process, Pool, Queue, Pipe...
# Pipe() gives a Connection on POSIX and a PipeConnection (a named pipe) on Windows.
if sys.platform == "win32":
    from multiprocessing.connection import PipeConnection

    Context: TypeAlias = DefaultContext | SpawnContext
    Connection: TypeAlias = "PipeConnection[Any, Any]"
else:
    from multiprocessing.connection import Connection as _PosixConnection

    Connection: TypeAlias = "_PosixConnection[Any, Any]"  # a string: not subscriptable at run time

    from multiprocessing.context import ForkContext, ForkServerContext

    Context: TypeAlias = DefaultContext | SpawnContext | ForkContext | ForkServerContext

# What ctx.Pipe() returns: a Connection on POSIX, a PipeConnection (a named pipe) on Windows.
if sys.platform == "win32":
    from multiprocessing.connection import PipeConnection as PipeEnd
else:
    from multiprocessing.connection import Connection as PipeEnd

__all__ = ["START_METHOD_VARIABLE", "Context", "PipeEnd", "context", "recv"]


def context(method: str | None = None) -> Context:
    """The context for `method`, else for PARITY_START_METHOD, else the platform default."""
    chosen = method or os.environ.get(START_METHOD_VARIABLE) or None
    if chosen is not None and chosen not in multiprocessing.get_all_start_methods():
        available = ", ".join(multiprocessing.get_all_start_methods())
        raise ValueError(f"start method {chosen!r} is not available here (have: {available})")
    return cast(Context, multiprocessing.get_context(chosen))


def recv(conn: Connection, timeout: float = SHORT_TIMEOUT) -> object:
    """conn.recv() with a limit: poll() first, so a silent peer raises TimeoutError, not a hang."""
    if not conn.poll(timeout):
        raise TimeoutError(f"nothing arrived within {timeout:.2f} s")
    return conn.recv()
