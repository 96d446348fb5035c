"""What is left of a process session: the tests that press Ctrl-C check that nothing is."""

from __future__ import annotations

import os
import time

import psutil


def left_in_session(sid: int, grace: float = 5.0) -> list[psutil.Process]:
    """The live processes of session `sid`, after up to `grace` seconds for exiting ones
    (a fork server or resource tracker ends when it sees its parent's pipe close)."""
    deadline = time.monotonic() + grace
    while True:
        alive = []
        for p in psutil.process_iter():
            try:
                if os.getsid(p.pid) == sid and p.status() != psutil.STATUS_ZOMBIE:
                    alive.append(p)
            except (psutil.NoSuchProcess, ProcessLookupError, PermissionError):
                continue
        if not alive or time.monotonic() >= deadline:
            return alive
        time.sleep(0.05)
