"""`python -m parity.scale.chaos [--seconds S] [--workers N] [--kills-per-minute K] [--restarts R]
[--no-aof] [--seed X]`: see parity/scale/_queue/chaos.py. Exit 0 nothing lost, 1 a loss, 2 bad
input, 77 no redis-server."""

from __future__ import annotations

from parity.common import entry
from parity.scale._queue.chaos import main

if __name__ == "__main__":
    raise SystemExit(entry.run(main))
