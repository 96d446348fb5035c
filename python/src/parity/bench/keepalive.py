"""The fan-out benchmark's pooled HTTP/1.1 client: keep-alive connections over asyncio streams.

HttpClient (SocketsHttpHandler) keeps a pool per server: a request takes an idle connection or
opens a new one, and gives it back once the response is read, so a second fan-out of the same
size reuses every connection of the first. This pool does the same, so the two clients compare
like with like. Standard library only; the loopback server answers with a Content-Length.
"""

from __future__ import annotations

import asyncio
from urllib.parse import urlsplit

Connection = tuple[asyncio.StreamReader, asyncio.StreamWriter]


class PoolError(RuntimeError):
    """An answer this client does not read (not 2xx, or no Content-Length)."""


class KeepAlivePool:
    """GET on one server over reused connections; open as many as requests run at once."""

    def __init__(self, url: str) -> None:
        parts = urlsplit(url)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self._request = (
            f"GET {parts.path or '/'} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n\r\n"
        ).encode("ascii")
        self._idle: list[Connection] = []
        self.opened = 0

    async def _open(self) -> Connection:
        self.opened += 1
        return await asyncio.open_connection(self.host, self.port)

    async def get(self) -> bytes:
        """The body of one GET; the connection goes back to the pool unless the server closes it."""
        if self._idle:
            connection = self._idle.pop()
            try:
                return await self._exchange(connection)
            except (asyncio.IncompleteReadError, ConnectionError) as exc:
                if isinstance(exc, asyncio.IncompleteReadError) and exc.partial:
                    raise  # a response cut short, not a connection closed while idle
                connection[1].close()  # the server closed it while idle: as HttpClient, retry once
        return await self._exchange(await self._open())

    async def _exchange(self, connection: Connection) -> bytes:
        reader, writer = connection
        writer.write(self._request)
        await writer.drain()
        head = await reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ", 2)[1])
        headers = {
            k.strip().lower(): v.strip() for k, _, v in (x.partition(":") for x in lines[1:] if x)
        }
        if not 200 <= status < 300 or "content-length" not in headers:
            writer.close()
            raise PoolError(f"GET answered {status} with headers {sorted(headers)}")
        body = await reader.readexactly(int(headers["content-length"]))
        if headers.get("connection", "").lower() == "close":
            writer.close()
        else:
            self._idle.append(connection)
        return body

    async def close(self) -> None:
        idle, self._idle = self._idle, []
        for _reader, writer in idle:
            writer.close()
        for _reader, writer in idle:
            await writer.wait_closed()
