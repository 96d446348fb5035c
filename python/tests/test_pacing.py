"""run-all's pacing: heavy runs one per core at a time, light runs yielding the CPU to them."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from parity import catalog, pacing, runner
from parity.common.timing import SHORT_TIMEOUT

NEVER_STOPS = threading.Event()  # take() is never told to stop


def _take_all(queue: pacing.Queue[str]) -> list[tuple[int, str, bool]]:
    """Take runs until the queue has none that may start now (a heavy slot is full)."""
    taken = []
    stop_when_blocked = threading.Event()
    timer = threading.Timer(0.3, stop_when_blocked.set)  # take() waits while only heavy ones wait
    timer.start()
    try:
        while (item := queue.take(stop_when_blocked)) is not None:
            taken.append(item)
    finally:
        timer.cancel()
    return taken


def test_heavy_runs_go_one_per_core_and_light_ones_pass_them_meanwhile() -> None:
    queue = pacing.Queue([("h1", True), ("h2", True), ("h3", True), ("l1", False)], at_once=2)
    assert _take_all(queue) == [(0, "h1", True), (1, "h2", True), (3, "l1", False)]
    queue.done(heavy=True)  # h1 ends: h3 may go
    assert queue.take(NEVER_STOPS) == (2, "h3", True)
    assert queue.take(NEVER_STOPS) is None  # nothing left


def test_without_heavy_runs_the_order_is_kept_exactly() -> None:
    queue = pacing.Queue([(name, False) for name in "abcd"], at_once=1)
    taken = [queue.take(NEVER_STOPS) for _ in range(4)]
    assert taken == [(i, x, False) for i, x in enumerate("abcd")]


def test_a_waiting_take_goes_on_when_a_heavy_run_ends_and_stops_when_told() -> None:
    queue = pacing.Queue([("h1", True), ("h2", True)], at_once=1)
    assert queue.take(NEVER_STOPS) == (0, "h1", True)
    got: list[object] = []
    waiter = threading.Thread(target=lambda: got.append(queue.take(threading.Event())))
    waiter.start()
    waiter.join(0.3)
    assert waiter.is_alive(), "h2 must wait while h1 holds the only heavy slot"
    queue.done(heavy=True)
    waiter.join(SHORT_TIMEOUT)
    assert got == [(1, "h2", True)]
    stopping = threading.Event()
    stopping.set()
    assert pacing.Queue([("x", False)], at_once=1).take(stopping) is None


def test_the_plan_paces_heavy_runs_and_makes_only_short_light_ones_yield() -> None:
    cpu = {
        "heavy python": pacing.HEAVY_CPU,
        "short dotnet": pacing.HEAVY_CPU - 0.01,
        "long python": 0.1,  # mostly waits: each of its wake-ups would wait too
        "untimed python": 0.1,
    }
    seconds = {"heavy python": 2.0, "short dotnet": 0.5, "long python": pacing.SHORT_RUN}
    assert pacing.plan(cpu, seconds) == pacing.Plan(
        heavy=frozenset({"heavy python"}), yielding=frozenset({"short dotnet"})
    )
    # Nothing heavy (no CPU figures: Windows, a first run): every run as before.
    assert pacing.plan({"short dotnet": 0.1}, seconds) == pacing.Plan()
    assert pacing.plan({}, seconds) == pacing.Plan()
    assert pacing.heavy_at_once(2) == 2
    assert pacing.heavy_at_once(None) == 1


def test_a_yielding_run_and_what_it_starts_give_way_to_heavy_ones() -> None:
    if sys.platform == "win32":
        pytest.skip("nice and autogroups are POSIX and Linux (Windows: a priority class)")
    child = subprocess.Popen(
        [sys.executable, "-c", "import subprocess, sys; subprocess.run(['sleep', '30'])"],
        start_new_session=True,
    )
    try:
        pacing.yield_to_heavy(child.pid)
        assert os.getpriority(os.PRIO_PROCESS, child.pid) == pacing.LIGHT_NICE
        autogroup = Path(f"/proc/{child.pid}/autogroup")
        if autogroup.exists():  # Linux with autogroups: the session's share is lowered too
            assert autogroup.read_text(encoding="ascii").split()[-1] == str(pacing.LIGHT_NICE)
    finally:
        os.killpg(child.pid, 9)
        child.wait(SHORT_TIMEOUT)


def test_run_many_paces_heavy_runs_and_makes_the_planned_ones_yield(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    cat = catalog.load()
    pairs: list[tuple[catalog.Concept, runner.Language]] = [
        (c, "python") for c in cat.concepts[:8] if c.has("python")
    ]
    heavy = frozenset(f"{c.id} python" for c, _ in pairs[:3])
    yielding = frozenset(f"{c.id} python" for c, _ in pairs[3:6])
    gate = threading.Lock()
    running: set[str] = set()
    most_heavy = 0
    yielded: dict[str, bool] = {}

    def fake_run(concept: catalog.Concept, language: runner.Language, **kw: object) -> object:
        nonlocal most_heavy
        key = f"{concept.id} {language}"
        with gate:
            running.add(key)
            most_heavy = max(most_heavy, len(running & heavy))
            yielded[key] = bool(kw["yielding"])
        threading.Event().wait(0.05)  # long enough for the workers to overlap
        with gate:
            running.discard(key)
        return runner.Result(concept.id, language, "ok", 0.05, "")

    monkeypatch.setattr(runner, "run", fake_run)
    monkeypatch.setattr(pacing, "heavy_at_once", lambda: 2)
    pace = pacing.Plan(heavy, yielding)
    results = runner.run_many(pairs, time_scale=0.1, workers=6, pace=pace)
    assert [r.id for r in results] == [c.id for c, _ in pairs]  # the input's order
    assert most_heavy == 2
    assert {k for k, y in yielded.items() if y} == yielding
    # No plan (nothing known): every run as before, none yielding.
    yielded.clear()
    runner.run_many(pairs, time_scale=0.1, workers=6)
    assert len(yielded) == len(pairs)
    assert not any(yielded.values())
