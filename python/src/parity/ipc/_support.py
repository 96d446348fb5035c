"""Bounded versions of the blocking calls the ipc concepts make: nothing here waits forever."""

from __future__ import annotations

import threading
from multiprocessing.pool import Pool
from multiprocessing.process import BaseProcess

from parity.common.mp import Connection
from parity.common.timing import SHORT_TIMEOUT

# A wait that should succeed gets this much (generous: the machine may be loaded).


def recv(conn: Connection, timeout: float = SHORT_TIMEOUT) -> object:
    """conn.recv() with a limit: poll() first, so a silent peer raises TimeoutError, not a hang."""
    if not conn.poll(timeout):
        raise TimeoutError(f"nothing arrived within {timeout:.2f} s")
    return conn.recv()


def join_or_kill(process: BaseProcess, timeout: float = SHORT_TIMEOUT) -> int | None:
    """join() with a limit; a child still running afterwards is killed and reaped."""
    process.join(timeout)
    if process.is_alive():
        process.kill()
        process.join(SHORT_TIMEOUT)
    return process.exitcode


def close_pool(pool: Pool, timeout: float = SHORT_TIMEOUT) -> bool:
    """close() then join() with a limit (Pool.join has none); terminate() if it runs out.

    A clean close lets the workers run their exit handlers (no leaked semaphores); True when
    the pool ended on its own, False when it had to be terminated.
    """
    pool.close()
    joiner = threading.Thread(target=pool.join, name="pool-join", daemon=True)
    joiner.start()
    joiner.join(timeout)
    if joiner.is_alive():
        pool.terminate()
        joiner.join(SHORT_TIMEOUT)
        return False
    return True
