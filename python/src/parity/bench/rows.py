"""One benchmark run's rows (results.json), the ratios the page and the tests read, and how
numbers are written on the page."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from parity.paths import COMPARISONS

FOLDER = COMPARISONS / "benchmarks"
RESULTS = FOLDER / "results.json"
MIB = 1_048_576

Results = dict[str, Any]


def load(path: Path = RESULTS) -> Results:
    data: Results = json.loads(path.read_text(encoding="utf-8"))
    return data


def duration(seconds: float) -> str:
    if seconds <= 0:
        return "0 (below the timer)"
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("us", 1e-6)):
        if seconds >= scale:
            return f"{seconds / scale:.3g} {unit}"
    return f"{seconds / 1e-9:.3g} ns"


def rate(per_second: float, unit: str) -> str:
    for prefix, scale in (("T", 1e12), ("G", 1e9), ("M", 1e6), ("k", 1e3)):
        if per_second >= scale:
            return f"{per_second / scale:.3g} {prefix}{unit}/s"
    return f"{per_second:.3g} {unit}/s"


def times(ratio: float) -> str:
    if ratio <= 0:
        return "~0x"
    if ratio >= 100:
        return f"{ratio:,.0f}x"
    return f"{ratio:.2g}x" if ratio < 0.1 else f"{ratio:.3g}x"


def size_text(size: int) -> str:
    if size >= MIB:
        return f"{size // MIB} MiB"
    return f"{size // 1024} KiB" if size >= 1024 else f"{size} B"


class Rows:
    """The rows of one run, with the ratios the page and the tests share."""

    def __init__(self, results: Results) -> None:
        self.results = results
        self.rows: dict[str, dict[str, Any]] = results["rows"]
        self.settings: dict[str, Any] = results["settings"]
        self.cores: int = self.settings["cores"]

    def __contains__(self, key: str) -> bool:
        return key in self.rows

    def median(self, key: str) -> float:
        return float(self.rows[key]["median"])

    def ratio(self, slower: str, faster: str) -> float:
        """How many times `faster` fits into `slower`: median over median, same run."""
        return self.median(slower) / self.median(faster)

    def speedup(self, sequential: str, parallel: str) -> float:
        return self.ratio(sequential, parallel)

    def cell(self, key: str) -> list[str]:
        row = self.rows[key]
        return [duration(row["median"]), f"{duration(row['q1'])} to {duration(row['q3'])}", str(row["runs"])]


IPC_PATHS = [
    ("py", "pipe", "multiprocessing Pipe (send_bytes)"),
    ("py", "queue", "multiprocessing Queue"),
    ("py", "manager-queue", "Manager().Queue"),
    ("py", "shared-memory", "shared_memory + a Pipe signal"),
    ("py", "raw-pipe", "limit: raw OS pipe (os.write / os.read)"),
    ("py", "memcpy", "limit: memcpy (numpy.copyto)"),
    ("net", "AnonymousPipe", "anonymous pipe to a child (stdin)"),
    ("net", "MemoryMapped", "MemoryMappedFile + a pipe signal"),
    ("net", "InProcessChannel", "Channel<byte[]> in-process"),
    ("net", "Memcpy", "limit: memcpy (Span.CopyTo)"),
]


def ipc_key(lang: str, path: str, size: int) -> str:
    return f"py:ipc.{path}.{size}" if lang == "py" else f"net:ipc.{path}.{size}"


BRIDGE_DATA = [
    ("py:bridge.data-list", "list -> `Array[Int64]` (per element)"),
    ("py:bridge.data-array", "array('q') -> `Array[Int64]` (per element)"),
    ("py:bridge.data-bytes", "bytes -> the long[]'s buffer (bulk copy)"),
    ("py:bridge.data-numpy-copy", "numpy -> `Marshal.Copy` (bulk copy)"),
    ("py:bridge.data-numpy-in-place", "numpy read in place: `InPlace.ParallelSum` (zero copy)"),
    ("py:bridge.data-view", "long[] -> numpy view (zero copy, O(1))"),
    ("py:bridge.data-view-copy", "long[] -> numpy array (a copy through the view)"),
]
