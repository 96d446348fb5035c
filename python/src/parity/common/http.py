"""A loopback HTTP server and a small asyncio HTTP client, both standard library only.

The server binds 127.0.0.1 on an ephemeral port, so no concept ever reaches the internet.
A handler sees the path and the request's number (1, 2, ...) and returns a Reply, which lets
a concept script failures and slow endpoints. The client is asyncio-native, so a download can
be cancelled mid-flight (a urllib call in a thread could not be).
"""

from __future__ import annotations

import asyncio
import http.server
import itertools
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from urllib.parse import urlsplit

from parity.common.timing import SHORT_TIMEOUT


@dataclass(frozen=True)
class Reply:
    status: int
    body: str
    delay: float = 0.0


Handler = Callable[[str, int], Reply]


class HttpError(Exception):
    """A non-2xx answer, like .NET's HttpRequestException with a StatusCode."""

    def __init__(self, url: str, status: int) -> None:
        super().__init__(f"GET {url} answered {status}")
        self.url = url
        self.status = status


class _QuietServer(http.server.ThreadingHTTPServer):
    def handle_error(self, request: object, client_address: object) -> None:
        # A client hanging up (a cancelled download) is an expected outcome, not a server error.
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)  # type: ignore[arg-type]


class LoopbackServer:
    """Serves GET requests through `handler` until stop(); use it as a context manager."""

    def __init__(self, handler: Handler) -> None:
        counter = itertools.count(1)
        lock = threading.Lock()
        stopping = threading.Event()
        self._stopping = stopping
        self.requests = 0
        outer = self

        class _RequestHandler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                with lock:
                    number = next(counter)
                    outer.requests = number
                reply = handler(self.path, number)
                # Wait on the stop event, not time.sleep: stop() must not hang on slow endpoints.
                if reply.delay > 0 and stopping.wait(reply.delay):
                    return
                body = reply.body.encode()
                self.send_response(reply.status)
                self.send_header("Content-Type", "text/plain; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Connection", "close")
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:
                pass  # keep the concepts' output about the concept

        self._server = _QuietServer(("127.0.0.1", 0), _RequestHandler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            name="loopback-http",
            kwargs={"poll_interval": 0.05},
            daemon=True,
        )

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}/{path.lstrip('/')}"

    def start(self) -> LoopbackServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=SHORT_TIMEOUT)

    def __enter__(self) -> LoopbackServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


@contextmanager
def serve(handler: Handler) -> Iterator[LoopbackServer]:
    with LoopbackServer(handler) as server:
        yield server


async def fetch(url: str, timeout: float = SHORT_TIMEOUT) -> str:
    """GET `url` over HTTP/1.1 and return the body; raises HttpError on a non-2xx status."""
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    async with asyncio.timeout(timeout):
        reader, writer = await asyncio.open_connection(host, port)
        try:
            request = (
                f"GET {parts.path or '/'} HTTP/1.1\r\n"
                f"Host: {host}:{port}\r\nConnection: close\r\n\r\n"
            )
            writer.write(request.encode("ascii"))
            await writer.drain()
            raw = await reader.read()
        finally:
            writer.close()
            await writer.wait_closed()
    head, _, body = raw.partition(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    if not 200 <= status < 300:
        raise HttpError(url, status)
    return body.decode("utf-8")
