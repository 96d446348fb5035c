"""The trace file: Chrome's Trace Event Format, JSON object form, as Perfetto and chrome://tracing
open it, and the questions a test asks of it.

    {"traceEvents": [...], "displayTimeUnit": "ms", "otherData": {...}}

- `X` spans: name, cat, pid, tid, ts and dur in microseconds. The spans of one track (pid, tid)
  nest: two of them are either disjoint or one holds the other. An asyncio task has a virtual
  track of its own (tid FIRST_TASK_TID and up), since tasks interleave on one thread.
- `M` events name every process (process_name) and every track (thread_name).
- A span that was begun and never ended (its process killed, or a daemon thread still running
  at exit) runs to the end of the trace with args.unfinished; when it is a process's own span,
  args.killed too, and an `i` instant named "killed" marks where the trace lost it.
- `i` instants (s: "t") mark a kill, a cancellation or a timeout.
- Flow events draw an arrow from where work was handed over (`s`) to the span that ran it
  (`f`, bound to the span that encloses it, "bp": "e"), paired by `id`. An end without its other
  end (work handed over and never run, or run by code the recorder does not follow) is dropped.
- A begin's args and its end's args (a .NET async method's thread at start and at end) join in
  the span's args.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import Any

Event = dict[str, Any]
EPSILON_US = 0.001  # a nanosecond: ts + dur of two spans ending together differ in the last bit


def merge(parts: Path) -> dict[str, Any]:
    """One trace from the per-process files of a run: each begin paired with its end."""
    raw = [event for path in sorted(parts.glob("*.jsonl")) for event in _events(path)]
    last = max((e["ts"] for e in raw if "ts" in e), default=0.0)
    out: list[Event] = []
    named: set[tuple[str, int, int]] = set()
    stacks: dict[tuple[int, int], list[Event]] = defaultdict(list)
    for event in sorted(raw, key=lambda e: e.get("ts", -1.0)):  # metadata first, stable
        ph, track = event["ph"], (event["pid"], event["tid"])
        if ph == "M":
            key = (event["name"], event["pid"], event["tid"])
            if key not in named:
                named.add(key)
                out.append(event)
        elif ph == "B":
            stacks[track].append(event)
        elif ph == "E" and stacks[track]:
            out.append(_span(stacks[track].pop(), event["ts"], ending=event))
        elif ph != "E":
            out.append(event)
    for stack in stacks.values():
        for begun in reversed(stack):  # innermost first; each runs to the end of the trace
            span = _span(begun, last, unfinished=True)
            out.append(span)
            if span["args"].get("killed"):
                out.append({**_at(begun), "ph": "i", "s": "t", "name": "killed", "ts": last})
    out = _whole_arrows(out)
    out.sort(key=lambda e: (e["ph"] != "M", e.get("ts", 0.0)))
    return {"traceEvents": out, "displayTimeUnit": "ms", "otherData": {"version": 1}}


def _events(part: Path) -> list[Event]:
    """A part's events. Zeros mark a part a killed .NET process left (TracePart.cs, a file mapped
    into memory): they end its lines too, and only there may a line be torn, cut off mid-copy."""
    text = part.read_text(encoding="utf-8")
    killed = "\0" in text
    events = []
    for line in re.split(r"[\n\0]+", text):
        if line.strip():
            try:
                events.append(json.loads(line))
            except json.JSONDecodeError:
                if not killed:
                    raise
    return events


def _whole_arrows(events: list[Event]) -> list[Event]:
    """The events less the arrows with one end only: work handed over and never run, or run by
    code the recorder does not follow."""
    ends: dict[str, set[Any]] = {"s": set(), "f": set()}
    for e in events:
        if e["ph"] in ends:
            ends[e["ph"]].add(e["id"])
    paired = ends["s"] & ends["f"]
    return [e for e in events if e["ph"] not in ends or e["id"] in paired]


def _at(event: Event) -> Event:
    return {"pid": event["pid"], "tid": event["tid"]}


def _span(
    begun: Event, ended: float, unfinished: bool = False, ending: Event | None = None
) -> Event:
    args: dict[str, Any] = {**begun.get("args", {}), **(ending or {}).get("args", {})}
    if unfinished:
        args["unfinished"] = True
        if begun["cat"] == "process":
            args["killed"] = True
    return {
        **_at(begun),
        "ph": "X",
        "name": begun["name"],
        "cat": begun["cat"],
        "ts": begun["ts"],
        "dur": max(0.0, ended - begun["ts"]),
        "args": args,
    }


def write(trace: dict[str, Any], path: Path) -> None:
    path.write_text(json.dumps(trace, indent=None, separators=(",", ":")), encoding="utf-8")
    parts = Path(f"{path}.parts")
    if parts.is_dir():
        for part in parts.glob("*.jsonl"):
            part.unlink()
        parts.rmdir()


def load(path: Path) -> dict[str, Any]:
    trace: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return trace


def spans(trace: dict[str, Any], cat: str | None = None) -> list[Event]:
    return [e for e in trace["traceEvents"] if e["ph"] == "X" and (cat is None or e["cat"] == cat)]


def problems(trace: dict[str, Any]) -> list[str]:
    """What keeps the trace from opening right in a trace viewer; empty when nothing does."""
    found: list[str] = []
    if not isinstance(trace.get("traceEvents"), list) or trace.get("displayTimeUnit") not in (
        "ms",
        "ns",
    ):
        return ["not a trace: traceEvents (a list) and displayTimeUnit are required"]
    events: list[Event] = trace["traceEvents"]
    names = {(e["pid"], e["tid"]) for e in events if e["ph"] == "M" and e["name"] == "thread_name"}
    processes = {e["pid"] for e in events if e["ph"] == "M" and e["name"] == "process_name"}
    for e in events:
        missing = [k for k in ("ph", "pid", "tid") if k not in e]
        if e.get("ph") in ("X", "i", "s", "f"):
            missing += [k for k in ("name", "ts") if k not in e]
        if e.get("ph") == "X" and not (isinstance(e.get("dur"), int | float) and e["dur"] >= 0):
            missing.append("dur")
        if missing:
            found.append(f"{e.get('ph')} event without {', '.join(missing)}: {e}")
        elif e["ph"] in ("X", "i", "s", "f") and (e["pid"], e["tid"]) not in names:
            found.append(f"track {e['pid']}/{e['tid']} has no thread_name")
        elif e["ph"] in ("X", "i", "s", "f") and e["pid"] not in processes:
            found.append(f"process {e['pid']} has no process_name")
    found += _overlapping(spans(trace))
    found += _unpaired(events)
    return found


def flows(trace: dict[str, Any]) -> list[tuple[Event, Event]]:
    """Each arrow: the event where work was handed over, and the one where it began to run."""
    tails = {e["id"]: e for e in trace["traceEvents"] if e["ph"] == "s"}
    return [
        (tails[e["id"]], e) for e in trace["traceEvents"] if e["ph"] == "f" and e["id"] in tails
    ]


def _unpaired(events: list[Event]) -> list[str]:
    """Arrows that a viewer cannot draw: an end without the other, or one running backwards."""
    tails: dict[Any, list[Event]] = defaultdict(list)
    heads: dict[Any, list[Event]] = defaultdict(list)
    for e in events:
        if e["ph"] in ("s", "f"):
            (tails if e["ph"] == "s" else heads)[e.get("id")].append(e)
    found = []
    for flow in tails.keys() | heads.keys():
        s, f = tails.get(flow, []), heads.get(flow, [])
        if len(s) != 1 or len(f) != 1:
            found.append(f"flow {flow}: {len(s)} tails and {len(f)} heads, not one of each")
        elif s[0]["ts"] > f[0]["ts"]:
            found.append(f"flow {flow} ends before it begins")
    return found


def _overlapping(all_spans: Iterable[Event]) -> list[str]:
    """Spans of one track that cross: each must end before the next begins, or hold it."""
    by_track: dict[tuple[int, int], list[Event]] = defaultdict(list)
    for s in all_spans:
        by_track[(s["pid"], s["tid"])].append(s)
    found = []
    for track, items in by_track.items():
        open_ends: list[float] = []
        for s in sorted(items, key=lambda x: (x["ts"], -x["dur"])):
            while open_ends and open_ends[-1] <= s["ts"]:
                open_ends.pop()
            end = s["ts"] + s["dur"]
            if open_ends and end > open_ends[-1] + EPSILON_US:
                found.append(
                    f"track {track[0]}/{track[1]}: {s['name']!r} crosses the span holding it"
                )
            open_ends.append(end)
    return found


def max_overlap(items: Iterable[Event]) -> int:
    """The most spans running at one instant (one that ends as another begins: not both)."""
    listed = list(items)
    edges = sorted(
        [(s["ts"], 1) for s in listed] + [(s["ts"] + s["dur"], -1) for s in listed],
        key=lambda edge: (edge[0], edge[1]),
    )
    running = peak = 0
    for _ts, step in edges:
        running += step
        peak = max(peak, running)
    return peak
