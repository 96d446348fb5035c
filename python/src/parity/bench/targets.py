"""The targets the benchmarks page checks a run against, each with its figure and, when it is
missed, the facts that bear on why."""

from __future__ import annotations

from dataclasses import dataclass

from parity.bench.rows import MIB, Rows, duration, ipc_limit, rate
from parity.bench.thresholds import (
    CALL_SECONDS,
    EVEN,
    IDEAL_FRACTION,
    IPC_SHARE,
    MIN_MAP_SECONDS,
    READ_VS_COPY,
    SPAN_SECONDS,
)


@dataclass(frozen=True)
class Target:
    name: str
    reference: str
    figure: str
    met: bool
    why: str


def _load_note(r: Rows) -> str:
    """A fact that bears on a missed target: how busy the machine was around the run."""
    machine = r.results["machine"]
    load, end = machine.get("load_average_start"), machine.get("load_average_end")
    if not load:
        return ""
    if load[0] > r.cores:
        return (
            f" This run started at load average {load[0]:g} on {r.cores} cores: more runnable"
            " threads than cores, so no worker had a core to itself."
        )
    ended = f", {end[0]:g} at its end" if end else ""
    return f" Load average {load[0]:g} at the start of this run{ended}, on {r.cores} cores."


def _spread_note(r: Rows, a: str, b: str) -> str:
    ra, rb = r.rows[a], r.rows[b]
    overlap = ra["q1"] <= rb["q3"] and rb["q1"] <= ra["q3"]
    return (
        " The two rows' spreads overlap." if overlap else " The two rows' spreads do not overlap."
    )


def _short_run_note(r: Rows) -> str:
    """A fact that bears on a missed speed-up: how long the shortest parallel map run lasted."""
    runs = [
        (r.median(key), name)
        for k in range(1, r.cores + 1)
        for key, name in ((f"py:map.pool.{k}", f"Pool({k})"), (f"net:map.Plinq.{k}", f"PLINQ({k})"))
        if key in r
    ]
    seconds, name = min(runs)
    if seconds >= MIN_MAP_SECONDS:
        return (
            f" The shortest run ({name}) lasted {duration(seconds)}:"
            " start and merge are a small part of it."
        )
    return (
        f" The shortest run ({name}) lasted {duration(seconds)}, under {MIN_MAP_SECONDS * 1000:.0f}"
        " ms: one interruption on either core, or the start and merge, costs it a larger share (a"
        " plausible cause, not a proven one)."
    )


def targets(r: Rows) -> list[Target]:
    s, cores = r.settings, r.cores
    found = []
    fractions = []
    for k in range(1, cores + 1):
        if f"py:map.pool.{k}" in r:
            fractions.append((f"Pool({k})", r.speedup("py:map.sequential", f"py:map.pool.{k}") / k))
        if f"net:map.Plinq.{k}" in r:
            fractions.append(
                (f"PLINQ({k})", r.speedup("net:map.Sequential", f"net:map.Plinq.{k}") / k)
            )
    if fractions:
        met = all(f >= IDEAL_FRACTION for _, f in fractions)
        found.append(
            Target(
                "Pool and PLINQ speed-up at least 0.95 of ideal on the CPU-bound map, at every"
                " worker count",
                "Pool(2) 1.95x, PLINQ 1.92x",
                ", ".join(f"{name} {f:.2f}" for name, f in fractions),
                met,
                "Independent elements and a few large chunks per worker: little to split or merge."
                if met
                else "The ideal assumes every worker has a whole core to itself for the whole run."
                + _load_note(r)
                + " Missed: "
                + ", ".join(f"{name} at {f:.2f}" for name, f in fractions if f < IDEAL_FRACTION)
                + "."
                + _short_run_note(r),
            )
        )
    if "py:bridge.parallel-range" in r and "net:bridge.ParallelRange" in r:
        ratio = r.ratio("py:bridge.parallel-range", "net:bridge.ParallelRange")
        found.append(
            Target(
                "Bridge PLINQ within 5% of the same call made natively",
                "294 ms vs 308 ms native",
                f"`Sum.ParallelRange({s['range_count']:,})`: bridge"
                f" {duration(r.median('py:bridge.parallel-range'))},"
                f" native {duration(r.median('net:bridge.ParallelRange'))} ({ratio:.3f}x)",
                abs(ratio - 1) <= EVEN,
                "One crossing costs about a microsecond; the call runs the same compiled PLINQ"
                " query with the GIL released."
                + (
                    ""
                    if abs(ratio - 1) <= EVEN
                    else _spread_note(r, "py:bridge.parallel-range", "net:bridge.ParallelRange")
                    + _load_note(r)
                ),
            )
        )
    if "py:bridge.big-in-place-sum" in r and "py:bridge.big-memcpy" in r:
        nbytes = s["big_count"] * 8
        read = nbytes / r.median("py:bridge.big-in-place-sum")
        copy = nbytes / r.median("py:bridge.big-memcpy")
        found.append(
            Target(
                "Python to .NET numpy path at least half of memcpy bandwidth",
                "bulk copy 1.9 GB/s against memcpy 15.5 GB/s",
                f"in-place parallel sum reads {rate(read, 'B')}, memcpy {rate(copy, 'B')}"
                f" ({read / copy:.2f} of it); the bulk copy (Marshal.Copy)"
                f" {rate(nbytes / r.median('py:bridge.big-numpy-copy'), 'B')}",
                read >= READ_VS_COPY * copy,
                "The in-place path reads the array where numpy keeps it: no allocation, no copy,"
                " one pass over memory split across the cores, so it is bounded by memory"
                " bandwidth like memcpy (which reads and writes). The bulk copy allocates a new"
                " long[] and copies into it.",
            )
        )
    paths = [
        p for p in ("pipe", "queue", "manager-queue", "shared-memory") if f"py:ipc.{p}.{MIB}" in r
    ]
    best = min(paths, key=lambda p: r.median(f"py:ipc.{p}.{MIB}"), default="")
    limit = ipc_limit(r, best, MIB) if best else None
    if limit:
        seconds, name = limit
        share = seconds / r.median(f"py:ipc.{best}.{MIB}")
        found.append(
            Target(
                "The fastest Python IPC path at least 0.6 of its transport's limit, at 1 MiB"
                " messages",
                "-",
                f"{best}: {share:.2f} of {name}"
                f" ({duration(r.median(f'py:ipc.{best}.{MIB}'))}"
                f" against {duration(seconds)} per message)",
                share >= IPC_SHARE,
                ("" if share >= IPC_SHARE else _load_note(r) + " ")
                + (
                    "Shared memory skips the transport: one copy in, one copy out, and a few bytes"
                    " of signalling; at 1 MiB the copies dominate and they run near memcpy speed."
                    if best == "shared-memory"
                    else "Connection.send_bytes writes the bytes as they"
                    " are (no pickling), so it costs one transfer through its socketpair."
                ),
            )
        )
    if "py:bridge.dotnet-call" in r:
        call = r.median("py:bridge.dotnet-call")
        found.append(
            Target(
                "Bridge call overhead at most 1 us",
                "0.59 us",
                f"{duration(call)} per call of a .NET static method (a Python"
                f" call: {duration(r.median('py:bridge.python-call'))})",
                call <= CALL_SECONDS,
                "pythonnet resolves the overload, converts the argument"
                " and releases and retakes the GIL on every method call."
                + ("" if call <= CALL_SECONDS else _load_note(r)),
            )
        )
    found += _trace_targets(r)
    return found


def _trace_targets(r: Rows) -> list[Target]:
    if "py:trace.span" not in r or "net:trace.Span" not in r:
        return []
    python, dotnet = r.median("py:trace.span"), r.median("net:trace.Span")
    met = python <= SPAN_SECONDS["python"] and dotnet <= SPAN_SECONDS["dotnet"]
    tasks = ""
    keys = [
        "net:trace.TaskUnrecorded",
        "net:trace.TaskHeard",
        "net:trace.TaskRead",
        "net:trace.TaskRecorded",
    ]
    if all(k in r for k in keys):
        none, heard, read, recorded = (duration(r.median(k)) for k in keys)
        tasks = (
            f" A .NET Task recorded from the runtime's TPL events costs {recorded}, against {none}"
            f" unrecorded, {heard} heard by a listener that does nothing and {read} by one that"
            " reads each task's id: the rest is the recorder's own handling of five events a task"
            " on the pool's threads, four of them written."
        )
    return [
        Target(
            "A span on a timeline at most 5 us in Python, 1 us in .NET",
            "-",
            f"Python {duration(python)}, .NET {duration(dotnet)} per span (its begin and its end)",
            met,
            "Python: two lines, each formatted by hand and written by one write(2), so a killed"
            " process keeps them. .NET: two lines formatted into UTF-8 on the stack and copied"
            " into a file mapped into memory (no system call; the page cache keeps them if the"
            " process dies)." + tasks + ("" if met else _load_note(r)),
        )
    ]
