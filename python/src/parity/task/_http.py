"""The shared loopback server, minus the traceback it prints when a client hangs up early.

Cancelling a download closes its connection; when the server then answers, socketserver's default
handle_error prints a BrokenPipeError traceback to stderr. For the task concepts a hung-up client
is the expected outcome of a cancel, so this wrapper silences exactly that (reported upstream:
parity.common.http could override handle_error for BrokenPipe/ConnectionReset itself).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager

from parity.common.http import Handler, LoopbackServer, serve


@contextmanager
def serve_quietly(handler: Handler) -> Iterator[LoopbackServer]:
    with serve(handler) as server:
        inner = server._server
        default = inner.handle_error

        def handle_error(request: object, client_address: object) -> None:
            if isinstance(sys.exc_info()[1], ConnectionError):  # BrokenPipe, ConnectionReset
                return
            default(request, client_address)  # type: ignore[arg-type]

        inner.handle_error = handle_error  # type: ignore[method-assign]
        yield server
