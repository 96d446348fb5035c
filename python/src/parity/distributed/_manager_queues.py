"""distributed.manager-queues' support: the shared secret, a manager's real TCP address, and what
the demo records."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from multiprocessing.managers import BaseManager

AUTHKEY_VARIABLE = "PARITY_AUTHKEY"


def authkey() -> bytes:
    """The shared secret: PARITY_AUTHKEY if set, else 32 random bytes for this run."""
    configured = os.environ.get(AUTHKEY_VARIABLE)
    return configured.encode() if configured else secrets.token_bytes(32)


def address(server: BaseManager) -> tuple[str, int]:
    """The (host, port) the server really listens on (port 0 asks the OS for a free one)."""
    bound = server.address
    if not isinstance(bound, tuple):
        raise TypeError(f"not a TCP address: {bound!r}")
    return str(bound[0]), int(bound[1])


@dataclass(frozen=True)
class Exchange:
    received: dict[str, str]  # client name -> the message it got
    address: tuple[str, int]
    server_pid: int
