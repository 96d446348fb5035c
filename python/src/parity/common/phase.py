"""Phase marks for `invoke run-all --profile`: where a run's time goes (the CLR loaded, a
server up), one line each on stderr that the runner strips. Silent unless PARITY_PROFILE=1,
so a reader running a concept never sees them."""

from __future__ import annotations

import os
import sys
import time

PROFILE_VARIABLE = "PARITY_PROFILE"
MARKER = "\x1eparity-phase "  # the record separator first: no concept prints one


def mark(name: str) -> None:
    """Note that this phase ended now (wall-clock seconds, so the runner can place it)."""
    if os.environ.get(PROFILE_VARIABLE) == "1":
        sys.stderr.write(f"{MARKER}{time.time():.6f} {name}\n")
        sys.stderr.flush()
