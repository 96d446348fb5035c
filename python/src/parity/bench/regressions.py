"""A run's ratios against the committed run's (comparisons/benchmarks/results.json).

`invoke bench` (CI runs `--quick`) prints one warning line for each ratio that moved more than
MOVED from the committed run. A warning, never a failure: a CI machine is shared and noisy, and
quick mode's sizes are smaller. Ratios, not times, because a ratio divides two medians of the
same run on the same machine, so it carries over from one machine (and one size) to another far
better than an absolute time does.
"""

from __future__ import annotations

from parity.bench.rows import IPC_LIMITS, Results, Rows, ipc_key, ipc_limit

MOVED = 0.30
"""a ratio moved when now / committed is off 1 by more than this"""


def _pairs(r: Rows) -> list[tuple[str, str]]:
    """(slower, faster) row pairs whose ratio the page reads: speed-ups, costs against a
    baseline of the same language, Python against .NET for the same workload."""
    cores = range(1, r.cores + 1)
    pairs = [
        *((f"py:start.{k}", "py:start.thread") for k in ("process-fork", "process-forkserver")),
        *(
            (f"py:start.{k}", "py:start.thread")
            for k in ("process-spawn", "thread-pool", "asyncio-task")
        ),
        *((f"net:start.{k}", "net:start.Thread") for k in ("ProcessStart", "TaskRun", "AsyncTask")),
        ("py:map.sequential", "py:map.threads"),
        ("py:sum.sequential", "py:sum.pool.2"),
        ("py:sum-range.sequential", "py:sum-range.pool.2"),
        ("net:sum.Sequential", "net:sum.Parallel"),
        ("py:async.fan-out-keep-alive", "net:async.FanOutKeepAlive"),
        ("py:async.fan-out-new-connection", "net:async.FanOutNewConnection"),
        ("py:bridge.dotnet-call", "py:bridge.python-call"),
        ("py:bridge.parallel-range", "net:bridge.ParallelRange"),
        ("py:bridge.data-list", "py:bridge.data-numpy-copy"),
        ("py:bridge.big-memcpy", "py:bridge.big-in-place-sum"),
        ("py:article.set-spawn", "py:article.context-spawn"),
        ("py:article.default", "py:article.noop"),
        ("net:article.WholeProgramParallel", "net:article.WholeProgramSequential"),
    ]
    for k in cores:
        pairs += [
            ("py:map.sequential", f"py:map.pool.{k}"),
            ("py:map.sequential", f"py:map.process-pool-executor.{k}"),
            ("py:map.bridge-sequential", f"py:map.bridge-plinq.{k}"),
            ("net:map.Sequential", f"net:map.Plinq.{k}"),
            ("net:map.Sequential", f"net:map.ParallelFor.{k}"),
            (f"py:map.bridge-plinq.{k}", f"net:map.Plinq.{k}"),
        ]
    for size in r.settings["ipc_sizes"]:
        pairs.append((ipc_key("py", "manager-queue", size), ipc_key("py", "shared-memory", size)))
    return pairs


def ratios(results: Results) -> dict[str, float]:
    """Every ratio of `_pairs` that this run has both rows of, and each Python IPC path's share
    of its transport's limit, by a name that says what it divides."""
    r = Rows(results)
    found = {
        f"{slower} / {faster}": r.ratio(slower, faster)
        for slower, faster in _pairs(r)
        if slower in r and faster in r and r.median(slower) > 0 and r.median(faster) > 0
    }
    for size in r.settings["ipc_sizes"]:
        for path in (*IPC_LIMITS, "shared-memory"):
            key, limit = ipc_key("py", path, size), ipc_limit(r, path, size)
            if key in r and limit and r.median(key) > 0:
                found[f"{key} share of {limit[1]}"] = limit[0] / r.median(key)
    return found


def moved(now: Results, committed: Results, limit: float = MOVED) -> list[str]:
    """One warning line per ratio of both runs that moved more than `limit` (0.3: 30%)."""
    before, after = ratios(committed), ratios(now)
    lines = []
    for name, value in after.items():
        if name in before:
            change = value / before[name] - 1
            if abs(change) > limit:
                lines.append(
                    f"bench: warning: {name} moved {change:+.0%}"
                    f" ({before[name]:.3g} committed, {value:.3g} now)"
                )
    return lines


def summary(now: Results, committed: Results) -> list[str]:
    """The warning lines, then one line that says how many ratios were compared."""
    lines = moved(now, committed)
    shared = len(ratios(now).keys() & ratios(committed).keys())
    return [
        *lines,
        f"bench: {shared} ratios compared with the committed run, {len(lines)} moved more than"
        f" {MOVED:.0%} (a warning, not a failure); load average at the start {_load(now)},"
        f" the committed run's {_load(committed)}",
    ]


def _load(results: Results) -> str:
    load = results["machine"].get("load_average_start")
    return f"{load[0]:g}" if load else "unknown"
