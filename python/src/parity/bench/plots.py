"""The benchmarks page's plots (SVG, stable from the same results)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from parity.bench.rows import BRIDGE_DATA, IPC_PATHS, Results, Rows, ipc_key


def plot(results: Results, folder: Path) -> list[Path]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams["svg.hashsalt"] = "parity"  # stable ids: the same results give the same file
    r = Rows(results)
    cores = list(range(1, r.cores + 1))
    written = []

    fig, ax = plt.subplots(figsize=(6, 4))
    ax.plot(cores, cores, "k--", label="ideal")
    for prefix, base, label in [
        ("py:map.pool", "py:map.sequential", "Python Pool"),
        ("py:map.process-pool-executor", "py:map.sequential", "Python ProcessPoolExecutor"),
        ("py:map.bridge-plinq", "py:map.bridge-sequential", "PLINQ via the bridge"),
        ("net:map.Plinq", "net:map.Sequential", ".NET PLINQ"),
        ("net:map.ParallelFor", "net:map.Sequential", ".NET Parallel.For"),
    ]:
        points = [
            (k, r.speedup(base, f"{prefix}.{k}"))
            for k in cores
            if f"{prefix}.{k}" in r and base in r
        ]
        if points:
            ax.plot(*zip(*points, strict=True), marker="o", label=label)
    ax.set_xlabel("workers")
    ax.set_ylabel("speed-up against sequential")
    ax.set_xticks(cores)
    ax.set_title("CPU-bound map: speed-up by worker count")
    ax.legend(fontsize="small")
    written.append(_save(fig, folder / "map-sweep.svg"))

    fig, ax = plt.subplots(figsize=(7, 4.5))
    sizes = r.settings["ipc_sizes"]
    for lang, path, label in IPC_PATHS:
        points = [
            (size, r.median(ipc_key(lang, path, size)))
            for size in sizes
            if ipc_key(lang, path, size) in r
        ]
        if points:
            style = "--" if label.startswith("limit") else "-"
            name = ("Python " if lang == "py" else ".NET ") + label
            ax.plot(*zip(*points, strict=True), style, marker="o", label=name)
    ax.set_xscale("log", base=2)
    ax.set_yscale("log")
    ax.set_xlabel("message size (bytes)")
    ax.set_ylabel("seconds per message (delivered and acknowledged)")
    ax.set_title("IPC by message size")
    ax.legend(fontsize="x-small")
    written.append(_save(fig, folder / "ipc.svg"))

    fig, ax = plt.subplots(figsize=(7, 4))
    n = r.settings["bridge_count"]
    bars = [(label.replace("`", ""), n / r.median(key)) for key, label in BRIDGE_DATA if key in r]
    if bars:
        labels, rates = zip(*bars, strict=True)
        ax.barh(range(len(rates)), rates, color="tab:blue")
        ax.set_yticks(range(len(labels)), labels, fontsize="x-small")
        ax.invert_yaxis()
    ax.set_xscale("log")
    ax.set_xlabel("elements per second")
    ax.set_title(f"Python to .NET and back: {n:,} longs")
    written.append(_save(fig, folder / "bridge-data.svg"))
    return written


def _save(fig: Any, path: Path) -> Path:
    import matplotlib.pyplot as plt

    path.parent.mkdir(parents=True, exist_ok=True)
    fig.tight_layout()
    fig.savefig(path, format="svg", metadata={"Date": None, "Creator": None})
    plt.close(fig)
    return path
