"""CPU-burning processes, to run the tests on a loaded machine (`invoke test --under-load`)."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager

from parity.common.timing import SHORT_TIMEOUT

# A CPU burner for --under-load: spins, and exits by itself once its parent (this task) is gone,
# so even a task killed outright leaves no burner behind.
_BURNER = (
    "import os\nparent = os.getppid()\n"
    "while os.getppid() == parent:\n    for _ in range(1_000_000): pass\n"
)


@contextmanager
def under_load(count: int) -> Iterator[None]:
    """`count` processes burning a core each for the duration of the block; stopped on any exit."""
    if count < 0:
        raise ValueError(f"bad --under-load {count}; expected 0 or more processes")
    burners = [subprocess.Popen([sys.executable, "-c", _BURNER]) for _ in range(count)]
    if burners:
        print(f"== under load: {count} CPU-burning process(es) running", flush=True)
    try:
        yield
    finally:
        for burner in burners:
            burner.kill()
        for burner in burners:
            burner.wait(timeout=SHORT_TIMEOUT)
