"""A bounded recv() for the ipc concepts (joins and pools: parity.common.process_group)."""

from __future__ import annotations

from parity.common.mp import Connection
from parity.common.timing import SHORT_TIMEOUT

# A wait that should succeed gets this much (generous: the machine may be loaded).


def recv(conn: Connection, timeout: float = SHORT_TIMEOUT) -> object:
    """conn.recv() with a limit: poll() first, so a silent peer raises TimeoutError, not a hang."""
    if not conn.poll(timeout):
        raise TimeoutError(f"nothing arrived within {timeout:.2f} s")
    return conn.recv()
