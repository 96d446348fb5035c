"""What `invoke bench` measures, at which sizes, in which order: one place for both languages."""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path

GROUPS = ("start", "map", "sum", "sum-range", "ipc", "async", "bridge", "article", "trace")
"""Run in this order; within a group the Python side runs, then the .NET side, back to back."""

DOTNET_GROUPS = frozenset({"start", "map", "sum", "ipc", "async", "bridge", "article", "trace"})


def chosen_groups(text: str) -> tuple[str, ...]:
    """`--groups ipc,map` as groups in run order; every group when empty. ValueError names an
    unknown one."""
    if not text:
        return GROUPS
    asked = [g.strip() for g in text.split(",") if g.strip()]
    unknown = [g for g in asked if g not in GROUPS]
    if unknown:
        raise ValueError(
            f"unknown bench group {unknown[0]!r}; expected some of {', '.join(GROUPS)}"
        )
    return tuple(g for g in GROUPS if g in asked)


@dataclass(frozen=True)
class Settings:
    quick: bool
    cores: int = field(default_factory=lambda: os.cpu_count() or 1)
    map_count: int = 40_000
    """elements of Python's CPU-bound map (200 square roots each): about 0.3 s on one core here"""
    dotnet_map_count: int = 600_000
    """the same map in .NET (and through the bridge), which is about 20 times as fast per element:
    its own count, so that its run on every core still lasts over 0.1 s, start and merge being
    a small part of it"""
    sum_count: int = 1_000_000
    """the article's plinq.sum: 0..999,999"""
    range_count: int = 100_000_000
    """the targets' big sums: sum(range(1e8)) with a Pool, ParallelRange(1e8) through the bridge"""
    big_count: int = 16_000_000
    """int64 elements of the bandwidth rows (128 MB: past the 32 MB L3 cache here)"""
    bridge_count: int = 1_000_000
    """elements passed across the bridge in the data rows"""
    ipc_sizes: tuple[int, ...] = (64, 4096, 65_536, 1_048_576)
    requests: int = 1_000
    sleepers: int = 10_000
    sleep_ms: int = 10
    url: str = ""
    dotnet_build: str = ""
    """the Release build of Parity.Cli (its folder), which the bridge loads"""

    def write(self, path: Path) -> None:
        path.write_text(json.dumps(asdict(self), indent=2), encoding="utf-8")

    @classmethod
    def read(cls, path: str | Path) -> Settings:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        data["ipc_sizes"] = tuple(data["ipc_sizes"])
        return cls(**data)

    def dotnet_environment(self) -> dict[str, str]:
        """The same sizes for Parity.Benchmarks (its Settings.cs reads these)."""
        return {
            "PARITY_BENCH_QUICK": "1" if self.quick else "0",
            "PARITY_BENCH_MAP_COUNT": str(self.dotnet_map_count),
            "PARITY_BENCH_SUM_COUNT": str(self.sum_count),
            "PARITY_BENCH_RANGE_COUNT": str(self.range_count),
            "PARITY_BENCH_BIG_COUNT": str(self.big_count),
            "PARITY_BENCH_IPC_SIZES": ",".join(map(str, self.ipc_sizes)),
            "PARITY_BENCH_REQUESTS": str(self.requests),
            "PARITY_BENCH_SLEEPERS": str(self.sleepers),
            "PARITY_BENCH_SLEEP_MS": str(self.sleep_ms),
            "PARITY_BENCH_URL": self.url,
            "PARITY_BENCH_CLI": str(Path(self.dotnet_build) / "Parity.Cli.dll"),
        }


def settings(quick: bool) -> Settings:
    if not quick:
        return Settings(quick=False)
    return Settings(
        quick=True,
        map_count=4_000,
        dotnet_map_count=60_000,
        range_count=10_000_000,
        big_count=2_000_000,
        bridge_count=100_000,
        ipc_sizes=(64, 1_048_576),
    )


def pyperf_options(group: str, quick: bool) -> list[str]:
    """Worker processes, values per worker and warm-ups: few in quick mode, more in the full run."""
    if quick:
        # --loops 1: no calibration worker; workloads._Lazy sizes each value itself.
        return ["--processes", "1", "--values", "3", "--warmups", "1", "--loops", "1"]
    if group == "sum-range":  # seconds per value: one worker, three values
        return ["--processes", "1", "--values", "3", "--warmups", "1"]
    if group == "article":
        return ["--processes", "2", "--values", "3", "--warmups", "1"]
    return ["--processes", "2", "--values", "4", "--warmups", "1", "--min-time", "0.05"]
