"""fault.orphans' support: what the demo records about a child once its parent was killed."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import psutil

Mode = Literal["plain", "watch", "pdeathsig"]


@dataclass(frozen=True)
class Outcome:
    mode: Mode
    program: int
    child: int
    survived: bool
    new_parent: int | None
    new_parent_command: str


def child_parent(pid: int) -> tuple[int | None, str]:
    try:
        parent = psutil.Process(psutil.Process(pid).ppid())
        return int(parent.pid), " ".join(parent.cmdline())
    except psutil.Error:
        return None, ""
