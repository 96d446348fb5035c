"""A concept that cannot run here (a server program is missing) says why and is reported as
skipped, not failed. The signal between a concept and its runner is the exit code: 77, the code
automake and meson use for "skipped", the same in both languages.
"""

from __future__ import annotations

import sys
from typing import NoReturn

SKIP_EXIT = 77


def skip(reason: str) -> NoReturn:
    """End the concept as skipped: one line saying why (and what to install), then exit 77."""
    print(f"skipped: {reason}", file=sys.stderr, flush=True)
    raise SystemExit(SKIP_EXIT)
