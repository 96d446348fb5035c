"""Shared fixtures: every start method, a fast time scale, a concept runner, and a leak check.

- `mp_context` is parametrized over every start method this platform has, so a test that
  takes it runs under fork, forkserver and spawn (spawn only, on Windows).
- PARITY_TIME_SCALE defaults to TEST_TIME_SCALE here: the article's 1 s sleeps become 50 ms.
- `no_leaked_children` (autouse) fails a test that leaves a child process running.
"""

from __future__ import annotations

import importlib.util
import multiprocessing
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import psutil
import pytest

from parity.common.mp import Context, context
from parity.common.timing import LONG_TIMEOUT, timeout_scale

# Wheels with C extensions that an interpreter may lack (the offline wheelhouse builds them for
# CPython 3.11 only): the tests that need one skip, saying which and why.
NO_WHEEL = "not installed for this Python: {} (C extensions, whose wheels are built per version)"
MISSING_FOR_BRIDGE = [m for m in ("cffi", "numpy") if importlib.util.find_spec(m) is None]

if importlib.util.find_spec("hypothesis") is not None:
    import hypothesis

    # Hypothesis fails an example slower than 200 ms by default: a timing check that a loaded
    # machine trips. Properties here are about values, never speed.
    hypothesis.settings.register_profile("parity", deadline=None)
    hypothesis.settings.load_profile("parity")

TEST_TIME_SCALE = "0.05"
os.environ.setdefault("PARITY_TIME_SCALE", TEST_TIME_SCALE)

START_METHODS = multiprocessing.get_all_start_methods()

# Helper processes multiprocessing keeps for the whole interpreter: not leaks of a test.
_LONG_LIVED = (
    "multiprocessing.forkserver",
    "multiprocessing.resource_tracker",
    "parity.common.guardian",  # ends once the program it guards is gone
)


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    """pytest-timeout's per-test limit (pyproject.toml) stretches with PARITY_TIMEOUT_SCALE like
    every other limit, unless --timeout or PYTEST_TIMEOUT says otherwise; and Ctrl-C is live."""
    # Started from a background job (`cmd &` in a script), this process inherits SIGINT ignored,
    # and so would every program it starts: the tests that press Ctrl-C would find it ignored.
    # A terminal's program starts with SIGINT at its default, so give ours Python's own handler
    # (a handled signal is reset to the default across exec).
    if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)
    if config.getoption("timeout", None) is None and not os.environ.get("PYTEST_TIMEOUT"):
        config.option.timeout = float(config.getini("timeout")) * timeout_scale()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Plain `pytest` collects tests/bridge first. The in-process bridge tests (marked `bridge`)
    load the CLR into this process, and a process with a CLR must not fork, while most other
    tests fork (the fork start method, Pool, Manager). So the bridge tests run last, after the
    last fork; `invoke test` goes further and gives them a session of their own (-m bridge)."""
    items.sort(key=lambda item: item.get_closest_marker("bridge") is not None)  # stable: order kept
    if MISSING_FOR_BRIDGE:  # pythonnet loads .NET through cffi; the bridge's arrays need numpy
        reason = "the bridge cannot load: " + NO_WHEEL.format(" and ".join(MISSING_FOR_BRIDGE))
        for item in items:
            callspec = getattr(item, "callspec", None)
            through_bridge = callspec is not None and callspec.params.get("via") == "bridge"
            in_bridge = "bridge" in item.nodeid.split("/")
            if item.get_closest_marker("bridge") or in_bridge or through_bridge:
                item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(autouse=True)
def no_fork_after_the_clr(request: pytest.FixtureRequest) -> None:
    """Fail loudly, rather than hang or crash, if a test that may fork runs after the CLR loaded."""
    if (
        request.node.get_closest_marker("bridge") is None
        and "parity.bridge._runtime" in sys.modules
    ):
        from parity.bridge import is_loaded

        assert not is_loaded(), (
            "the CLR is loaded in this pytest process: run the bridge tests last"
        )


@pytest.fixture(params=START_METHODS)
def mp_context(request: pytest.FixtureRequest) -> Context:
    return context(request.param)


def _children() -> list[psutil.Process]:
    found = []
    for child in psutil.Process().children(recursive=True):
        try:
            cmdline = " ".join(child.cmdline())
            if child.status() == psutil.STATUS_ZOMBIE:
                continue
        except psutil.NoSuchProcess:
            continue
        if not any(name in cmdline for name in _LONG_LIVED):
            found.append(child)
    return found


@pytest.fixture(autouse=True)
def no_leaked_children() -> Iterator[None]:
    """No child process outlives the test that started it (a short grace for exiting ones)."""
    before = {p.pid for p in _children()}
    yield
    deadline = time.monotonic() + 5
    leaked = [p for p in _children() if p.pid not in before]
    while leaked and time.monotonic() < deadline:
        time.sleep(0.05)
        leaked = [p for p in _children() if p.pid not in before]
    for p in leaked:
        p.kill()
    assert not leaked, f"child processes left running: {[p.pid for p in leaked]}"


RunConcept = Callable[..., subprocess.CompletedProcess[str]]


def _run_module(
    module: str,
    *argv: str,
    start_method: str | None = None,
    env: dict[str, str] | None = None,
    args: tuple[str, ...] = (),
) -> subprocess.CompletedProcess[str]:
    """`python [ARGS] -m MODULE [ARGV]` in a fresh interpreter, as `invoke run` does, within
    LONG_TIMEOUT; `args` are the interpreter's options (-O), `argv` the program's arguments."""
    full_env = {**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})}
    if start_method:
        full_env["PARITY_START_METHOD"] = start_method
    return subprocess.run(
        [sys.executable, *args, "-m", module, *argv],
        capture_output=True,
        text=True,
        timeout=LONG_TIMEOUT,
        env=full_env,
        check=False,
    )


def python_c(
    code: str, *, env: Mapping[str, str] | None = None, check: bool = False
) -> subprocess.CompletedProcess[str]:
    """`python -c CODE` in a fresh interpreter (this one's executable), its output captured as
    text, within LONG_TIMEOUT; `check` raises on a non-zero exit, as subprocess.run does."""
    return subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=LONG_TIMEOUT,
        env=env,
        check=check,
    )


def _run_ok(module: str, *argv: str, **options: Any) -> subprocess.CompletedProcess[str]:
    """Run the module as `run_module` does and assert it exited 0 (its stderr says why not)."""
    result = _run_module(module, *argv, **options)
    assert result.returncode == 0, result.stderr
    return result


@pytest.fixture
def run_module() -> RunConcept:
    """Run `python -m MODULE` in a fresh interpreter, as `invoke run` does, with a timeout."""
    return _run_module


@pytest.fixture
def run_ok() -> RunConcept:
    """`run_module`, then assert exit 0: `run_ok("parity.pool.callbacks", "--flag")`."""
    return _run_ok
