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


def map_counts(settings: dict[str, Any]) -> tuple[int, int]:
    """(Python's, .NET's) elements of the CPU-bound map; a run before the two were sized apart
    used one count for both."""
    return settings["map_count"], settings.get("dotnet_map_count", settings["map_count"])


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
        return [
            duration(row["median"]),
            f"{duration(row['q1'])} to {duration(row['q3'])}",
            str(row["runs"]),
        ]


IPC_PATHS = [
    ("py", "pipe", "multiprocessing Pipe (send_bytes)"),
    ("py", "queue", "multiprocessing Queue"),
    ("py", "manager-queue", "Manager().Queue"),
    ("py", "shared-memory", "shared_memory + a Pipe signal"),
    ("py", "raw-socketpair", "limit: raw socketpair (os.write / os.read)"),
    ("py", "raw-pipe", "limit: raw OS pipe (os.write / os.read)"),
    ("py", "memcpy", "limit: memcpy (numpy.copyto)"),
    ("net", "AnonymousPipe", "anonymous pipe to a child (stdin)"),
    ("net", "MemoryMapped", "MemoryMappedFile + a pipe signal"),
    ("net", "InProcessChannel", "Channel<byte[]> in-process (passes a reference)"),
    ("net", "Memcpy", "limit: memcpy (Span.CopyTo)"),
]

IPC_LIMITS = {
    "pipe": "raw-socketpair",  # Pipe() is duplex: socket.socketpair() on POSIX
    "manager-queue": "raw-socketpair",  # each proxy call crosses an AF_UNIX stream socket
    "queue": "raw-pipe",  # Queue sends through Pipe(duplex=False): an os.pipe()
}
"""The transport each Python path moves its bytes through, so its row is held against that
transport's raw limit (test_bench checks the pairing against the objects multiprocessing makes).
Shared memory moves the payload outside any transport: see `ipc_limit`."""

SIGNAL_SIZE = 64
"""Shared memory's signal is a few bytes: the raw socketpair's smallest message stands for it."""


def ipc_key(lang: str, path: str, size: int) -> str:
    return f"py:ipc.{path}.{size}" if lang == "py" else f"net:ipc.{path}.{size}"


def ipc_limit(r: Rows, path: str, size: int) -> tuple[float, str] | None:
    """The fastest a Python path could deliver one message of `size` over what it uses, and the
    limit's name; None when the run lacks the rows (a quick run, an older run, Windows)."""
    if path in IPC_LIMITS:
        key = ipc_key("py", IPC_LIMITS[path], size)
        names = {"raw-socketpair": "the raw socketpair", "raw-pipe": "the raw OS pipe"}
        return (r.median(key), names[IPC_LIMITS[path]]) if key in r else None
    if path == "shared-memory":  # a copy in, a copy out, and the signal's round trip
        copy, signal = ipc_key("py", "memcpy", size), ipc_key("py", "raw-socketpair", SIGNAL_SIZE)
        if copy in r and signal in r:
            return 2 * r.median(copy) + r.median(signal), "2 memcpy + a 64 B socketpair round trip"
    return None


BRIDGE_DATA = [
    ("py:bridge.data-list", "list -> `Array[Int64]` (per element)"),
    ("py:bridge.data-array", "array('q') -> `Array[Int64]` (per element)"),
    ("py:bridge.data-bytes", "bytes -> the long[]'s buffer (bulk copy)"),
    ("py:bridge.data-numpy-copy", "numpy -> `Marshal.Copy` (bulk copy)"),
    ("py:bridge.data-numpy-in-place", "numpy read in place: `InPlace.ParallelSum` (zero copy)"),
    ("py:bridge.data-view", "long[] -> numpy view (zero copy, O(1))"),
    ("py:bridge.data-view-copy", "long[] -> numpy array (a copy through the view)"),
]
