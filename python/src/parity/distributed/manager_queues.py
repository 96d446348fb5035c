"""distributed.manager-queues: a BaseManager serves two queues over TCP; two clients talk by it.

The server registers two names, each returning one queue it keeps; a client registers the same
names (without the callables), connects with the address and the authkey, and gets proxies to
those queues. Zhang leaves a question in his queue and waits in Ming's; Ming takes the question
and answers in his own. The article's three programs run here as one: the server in a child
process (manager.start()), each client in another child.

Safety, which the article skips: the server listens on 127.0.0.1 only, on a port the OS picks
(port 0, read back from manager.address); the key comes from PARITY_AUTHKEY or is generated,
never written in the code. The authkey only authenticates (an HMAC challenge in both
directions): the traffic itself is unencrypted pickle, and anyone holding the key can make the
server unpickle whatever they send. Keep a manager on loopback or a trusted network.
"""

from __future__ import annotations

import os
import queue
import secrets
from multiprocessing import AuthenticationError
from multiprocessing.managers import BaseManager
from typing import Any

from parity.common import entry
from parity.common.entry import start_manager
from parity.common.mp import Context, context
from parity.common.process_group import join_all
from parity.common.timing import SHORT_TIMEOUT
from parity.distributed._manager_queues import AUTHKEY_VARIABLE, Exchange, address, authkey

LOOPBACK = "127.0.0.1"
QUESTION = "[Zhang] Ming, is the boss away on business tomorrow?"
ANSWER = "[Ming] He is, so no overtime for us for a few days (>_<)"


# <server>
# The queues live in the server process (under spawn it imports this module afresh): a plain
# thread-safe queue.Queue is enough there, since only the server's threads touch it.
_zhang_queue: queue.Queue[str] = queue.Queue()
_ming_queue: queue.Queue[str] = queue.Queue()


def _get_zhang_queue() -> queue.Queue[str]:
    return _zhang_queue


def _get_ming_queue() -> queue.Queue[str]:
    return _ming_queue


class QueueServer(BaseManager):
    """A subclass: register() on BaseManager itself would add the names to every manager class."""


QueueServer.register("get_zhang_queue", callable=_get_zhang_queue)
QueueServer.register("get_ming_queue", callable=_get_ming_queue)


def start_server(ctx: Context, key: bytes) -> QueueServer:
    """Start the server in a child process on loopback; manager.address holds the real port."""
    server = QueueServer(address=(LOOPBACK, 0), authkey=key, ctx=ctx)
    start_manager(server)  # start(), where a Ctrl-C leaves nothing running
    return server


# </server>


# <client>
class QueueClient(BaseManager):
    """The client side: the same names, no callables; calls go to the server."""


QueueClient.register("get_zhang_queue")
QueueClient.register("get_ming_queue")


def connect(address: tuple[str, int], key: bytes) -> Any:
    client = QueueClient(address=address, authkey=key)
    client.connect()  # multiprocessing.AuthenticationError if the keys differ
    return client


def zhang(address: tuple[str, int], key: bytes, results: Any) -> None:
    client = connect(address, key)
    client.get_zhang_queue().put(QUESTION)  # leave a message in my own queue
    results.put(("zhang", client.get_ming_queue().get(timeout=SHORT_TIMEOUT)))  # wait for Ming's


def ming(address: tuple[str, int], key: bytes, results: Any) -> None:
    client = connect(address, key)
    results.put(("ming", client.get_zhang_queue().get(timeout=SHORT_TIMEOUT)))  # Zhang's question
    client.get_ming_queue().put(ANSWER)


# </client>


# <run>
def exchange(ctx: Context, key: bytes) -> Exchange:
    """Server and both clients, each in a child process; everything is shut down on return."""
    server = start_server(ctx, key)
    server_pid = server._process.pid  # type: ignore[attr-defined]
    try:
        results = ctx.Queue()
        args = (address(server), key, results)
        clients = [ctx.Process(target=f, args=args) for f in (zhang, ming)]
        for c in clients:
            c.start()
        try:
            received = dict(results.get(timeout=SHORT_TIMEOUT) for _ in clients)
        finally:
            join_all(clients, SHORT_TIMEOUT)
        return Exchange(received, address(server), server_pid)
    finally:
        server.shutdown()  # stops the server process and joins it


def wrong_key_is_refused(ctx: Context, key: bytes) -> str:
    """Connect with a key that is not the server's; returns the AuthenticationError's message."""
    server = start_server(ctx, key)
    try:
        connect(address(server), secrets.token_bytes(32))
    except AuthenticationError as error:
        return str(error)
    finally:
        server.shutdown()
    raise AssertionError("a client with the wrong key was let in")


# </run>


def main() -> None:
    ctx = context()
    configured = os.environ.get(AUTHKEY_VARIABLE)
    source = f"from {AUTHKEY_VARIABLE}" if configured else "generated for this run"
    key = authkey()
    print(f"authkey: {len(key)} bytes, {source}")
    result = exchange(ctx, key)
    host, port = result.address
    print(f"server listened on {host}:{port} (pid {result.server_pid}), now shut down")
    print(f"zhang received: {result.received['zhang']}")
    print(f"ming received:  {result.received['ming']}")
    print(f"a client with another key: AuthenticationError: {wrong_key_is_refused(ctx, key)}")


if __name__ == "__main__":
    entry.run(main)
