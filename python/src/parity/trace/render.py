"""Timelines drawn: one SVG per concept, its Python and .NET runs one above the other on the same
time scale, a row per process, thread or task, a bar per span, and a faint arrow from where each
piece of work was handed over to where it began to run (matplotlib, already used by the
benchmarks). Same traces in, same bytes out: no dates, a fixed hash salt, text kept as text.
"""

from __future__ import annotations

import io
from collections import defaultdict
from typing import Any

from parity.trace import schema

MAX_ROWS = 14  # per language; the busiest rows are kept and the caption counts the rest
COLOURS = {
    "process": "#d9d9d9",
    "thread": "#4c78a8",
    "pool-task": "#f58518",
    "executor-task": "#f58518",
    "task": "#9467bd",
    "parallel": "#72b7b2",
    "asyncio-task": "#54a24b",
    "async": "#54a24b",
    "section": "#e45756",
}
LABELS = {"python": "Python", "dotnet": ".NET"}


def units_of_work(trace: dict[str, Any]) -> int:
    """Spans other than the processes' own: the threads, tasks and pool tasks a run had."""
    return sum(1 for s in schema.spans(trace) if s["cat"] != "process")


def worth_drawing(traces: dict[str, dict[str, Any]]) -> bool:
    """A timeline shows something when some run had more than one unit of work or process."""
    return any(units_of_work(t) > 1 or len(schema.spans(t, "process")) > 1 for t in traces.values())


Row = tuple[str, list[dict[str, Any]], tuple[int, int]]  # label, spans, (pid, tid)


def _rows(trace: dict[str, Any]) -> tuple[list[Row], int]:
    names: dict[tuple[int, int], str] = {}
    processes: dict[int, str] = {}
    for e in trace["traceEvents"]:
        if e["ph"] == "M" and e["name"] == "process_name":
            processes[e["pid"]] = e["args"]["name"]
        elif e["ph"] == "M" and e["name"] == "thread_name":
            names[(e["pid"], e["tid"])] = e["args"]["name"]
    tracks: dict[tuple[int, int], list[dict[str, Any]]] = defaultdict(list)
    for s in schema.spans(trace):
        tracks[(s["pid"], s["tid"])].append(s)
    busiest = sorted(
        tracks, key=lambda k: -sum(s["dur"] for s in tracks[k] if s["cat"] != "process")
    )
    kept = sorted(busiest[:MAX_ROWS], key=lambda k: (min(s["ts"] for s in tracks[k]), k))
    rows = []
    for pid, tid in kept:
        process, thread = processes.get(pid, str(pid)), names.get((pid, tid), str(tid))
        alone = len(processes) == 1 or thread.startswith(("asyncio", "Async"))
        label = thread if alone else f"{process} · {thread}"
        rows.append(
            (label if len(label) <= 34 else label[:33] + "…", tracks[(pid, tid)], (pid, tid))
        )
    return rows, len(tracks) - len(kept)


def _arrows(ax: Any, trace: dict[str, Any], rows: dict[tuple[int, int], int]) -> None:
    """Hand-overs between two drawn rows (a row's own, such as a task starting a child task on
    its track, would be a dot)."""
    for tail, head in schema.flows(trace):
        start, end = rows.get((tail["pid"], tail["tid"])), rows.get((head["pid"], head["tid"]))
        if start is None or end is None or start == end:
            continue
        ax.annotate(
            "", xy=(head["ts"] / 1000, end), xytext=(tail["ts"] / 1000, start),
            arrowprops={"arrowstyle": "-|>,head_length=0.3,head_width=0.15", "color": "#888888",
                        "linewidth": 0.5, "alpha": 0.6, "shrinkA": 0, "shrinkB": 0},
        )  # fmt: skip


def svg(concept_id: str, traces: dict[str, dict[str, Any]]) -> str:
    """The timeline of one concept: a panel per language that has a trace, one time axis."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams.update({"svg.hashsalt": "parity", "svg.fonttype": "none", "font.size": 9})
    languages = [x for x in ("python", "dotnet") if x in traces]
    panels = [(x, *_rows(traces[x])) for x in languages]
    end = max((s["ts"] + s["dur"]) / 1000 for t in traces.values() for s in schema.spans(t))
    heights = [max(1, len(rows)) + 1.2 for _x, rows, _more in panels]
    fig, axes = plt.subplots(
        len(panels), 1, figsize=(9, 0.28 * sum(heights) + 0.6), sharex=True,
        gridspec_kw={"height_ratios": heights}, squeeze=False,
    )  # fmt: skip
    for ax, (language, rows, more) in zip(axes[:, 0], panels, strict=True):
        dead = {
            s["pid"] for s in schema.spans(traces[language], "process") if s["args"].get("killed")
        }
        for y, (_label, spans, _track) in enumerate(rows):
            for s in sorted(
                spans, key=lambda x: -x["dur"]
            ):  # inner spans over the ones holding them
                # Cut short by a kill, not merely still running when the program ended.
                killed = bool(s["args"].get("unfinished")) and s["pid"] in dead
                ax.broken_barh(
                    [(s["ts"] / 1000, max(s["dur"] / 1000, end / 400))], (y - 0.38, 0.76),
                    facecolors=COLOURS.get(s["cat"], "#bab0ac"),
                    edgecolors="#c0392b" if killed else "none",
                    hatch="///" if killed else None, linewidth=1.2,
                )  # fmt: skip
        _arrows(ax, traces[language], {track: y for y, (_l, _s, track) in enumerate(rows)})
        ax.set_yticks(range(len(rows)), [label for label, _s, _t in rows])
        ax.set_ylim(len(rows) - 0.4, -0.6)
        more_text = f" (+{more} more rows)" if more else ""
        ax.set_title(f"{LABELS[language]}{more_text}", loc="left", fontsize=9, fontweight="bold")
        ax.grid(axis="x", color="#eeeeee")
        ax.set_axisbelow(True)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
    axes[-1, 0].set_xlabel("ms since the run started (time scale 0.1)")
    axes[0, 0].set_xlim(0, end * 1.01)
    fig.tight_layout()
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    plt.close(fig)
    text = buffer.getvalue()
    title = f"<title>Timeline of {concept_id}: {', '.join(LABELS[x] for x in languages)}</title>"
    return text.replace("<metadata>", title + "<metadata>", 1)
