"""What every program of ours does at start: check the environment, and answer Ctrl-C in one line.

Each program (each concept, `python -m parity.bridge`, the tools) says so in its `__main__`
block: `entry.run(main)`, so a file copied out of the repository starts as it does inside.
Bad PARITY_TIME_SCALE or PARITY_START_METHOD: one line on stderr, exit 2, before main() runs.
Ctrl-C: the program stops as Python always does (KeyboardInterrupt unwinds every `finally` and
`with`, pools are terminated), then prints one line instead of a traceback, and ends by SIGINT as
Python does for an unhandled KeyboardInterrupt (a shell shows exit status 130).

The terminal sends SIGINT to the whole process group, so multiprocessing children get it too.
Left alone each would print "Process X: Traceback ... KeyboardInterrupt"; instead a child stops
quietly (SystemExit 130 unwinds it the same way) and leaves the report to its parent. Forked
children get that handler from a fork hook; spawn and forkserver children are fresh interpreters
that import `parity` while unpickling their target, and `child_started()` installs it then.

Output is line-buffered in every process: concepts print from several processes at once, and
unbuffered (python -u, PYTHONUNBUFFERED, as the runners use) print() writes the text and the
newline separately, so lines from two processes could tear.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
import types
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:  # importing multiprocessing.managers costs every program 25 ms at start
    from multiprocessing.managers import BaseManager

T = TypeVar("T")
INTERRUPTED_EXIT = 130  # 128 + SIGINT: what a shell reports for a program Ctrl-C stopped
BAD_ENVIRONMENT_EXIT = 2


def environment_problem(time_scale: bool = True) -> str | None:
    """One line describing what is wrong with PARITY_TIME_SCALE / PARITY_START_METHOD, or None.
    time_scale=False: a runner that sets PARITY_TIME_SCALE itself checks only the start method."""
    from parity.common import timing
    from parity.common.mp import START_METHOD_VARIABLE, context

    try:
        if time_scale:
            timing.time_scale()
    except ValueError as exc:
        return str(exc)
    try:
        context()
    except ValueError as exc:
        return f"{START_METHOD_VARIABLE}: {exc}"
    return None


def check_environment() -> None:
    """Exit 2 with one line on stderr when the environment is unusable."""
    problem = environment_problem()
    if problem is not None:
        print(f"parity: {problem}", file=sys.stderr, flush=True)
        raise SystemExit(BAD_ENVIRONMENT_EXIT)


def interrupt_signals() -> list[int]:
    """The signals that mean Ctrl-C here. Windows adds SIGBREAK: a program started in a process
    group of its own (as the runner starts each run) ignores CTRL_C_EVENT, so the runner sends
    CTRL_BREAK_EVENT, which Python sees as SIGBREAK and by default dies of, with no line said."""
    if sys.platform == "win32":
        return [signal.SIGINT, signal.SIGBREAK]
    return [signal.SIGINT]


def _stop_quietly(_signum: int, _frame: types.FrameType | None) -> None:
    raise SystemExit(INTERRUPTED_EXIT)


def stop_on_interrupt() -> None:
    """In a child process: Ctrl-C ends it without a traceback; its parent reports."""
    with contextlib.suppress(ValueError):  # not the main thread: keep Python's default
        for number in interrupt_signals():
            signal.signal(number, _stop_quietly)


def break_is_ctrl_c() -> None:
    """Windows: Ctrl-Break (SIGBREAK) raises KeyboardInterrupt, as Ctrl-C (SIGINT) does."""
    for number in interrupt_signals():
        if number != signal.SIGINT:
            signal.signal(number, signal.default_int_handler)


def _report_interrupt(
    kind: type[BaseException], value: BaseException, traceback: types.TracebackType | None
) -> None:
    if issubclass(kind, KeyboardInterrupt):
        main = sys.modules.get("__main__")
        spec = getattr(main, "__spec__", None)
        name = getattr(spec, "name", None) or "program"
        print(
            f"parity: {name.removesuffix('.__main__')} interrupted (Ctrl-C)",
            file=sys.stderr,
            flush=True,
        )
        return
    sys.__excepthook__(kind, value, traceback)


TRACE_OPTION, TRACE_VARIABLE = "--trace", "PARITY_TRACE_FILE"


def start_tracing(program: bool = False) -> None:
    """`--trace FILE` (taken off the command line, so the concept never sees it) or
    PARITY_TRACE_FILE: record the run's timeline into FILE (parity.trace.record); otherwise
    nothing is loaded."""
    if TRACE_OPTION in sys.argv:
        at = sys.argv.index(TRACE_OPTION)
        if at + 1 >= len(sys.argv):
            print(f"parity: {TRACE_OPTION} needs a file name", file=sys.stderr, flush=True)
            raise SystemExit(BAD_ENVIRONMENT_EXIT)
        os.environ[TRACE_VARIABLE] = os.path.abspath(sys.argv[at + 1])
        del sys.argv[at : at + 2]
    # The project's own helper programs (a guardian, a server's launcher) are not the lesson's.
    helper = program and " ".join(getattr(sys, "orig_argv", [])).count(" -m parity.common.") > 0
    if TRACE_VARIABLE in os.environ and not helper:
        from parity.trace import record

        record.install(program)


def line_buffered() -> None:
    """Each whole line written at once, and still flushed at once."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)  # absent when a test captures output
        if reconfigure is not None:
            reconfigure(line_buffering=True, write_through=False)


def run(main: Callable[[], T]) -> T:
    """The one line of every program's `__main__` block: start the program, then call main()."""
    start_program()
    return main()


def start_program() -> None:
    """A program is starting: line-buffered output, the environment checked, Ctrl-C prepared."""
    line_buffered()
    check_environment()
    start_tracing(program=True)
    sys.excepthook = _report_interrupt
    break_is_ctrl_c()
    if hasattr(os, "register_at_fork"):
        os.register_at_fork(after_in_child=stop_on_interrupt)


def child_started() -> None:
    """Called on import of `parity`: in a spawn or forkserver child being prepared, go quiet
    (and line-buffered, as its parent is); anywhere else, nothing."""
    mp = sys.modules.get("multiprocessing")
    if mp is not None and getattr(mp.current_process(), "_inheriting", False):
        line_buffered()
        stop_on_interrupt()
    if TRACE_VARIABLE in os.environ:  # a traced run's child records its own part
        start_tracing()


@contextmanager
def deferred_interrupt(*, hold_in_children: bool = False) -> Iterator[threading.Event]:
    """While inside, Ctrl-C (SIGINT) only sets the returned event; the caller checks it and
    raises KeyboardInterrupt itself at a point where unwinding is safe.

    Python raises KeyboardInterrupt wherever the main thread next runs bytecode. Inside
    pythonnet binding a call's arguments that aborts the process (SIGABRT, seen here); inside
    BaseManager.start() it leaves a server no finalizer will stop yet.

    The terminal's Ctrl-C reaches the children too. With `hold_in_children` (POSIX), the signal
    is blocked while inside, so children started here (and a fork server started here) begin
    with it blocked: a Ctrl-C cannot end one before it has set up its own handling, and the
    child calls `release_interrupts()` once it has."""
    pressed = threading.Event()
    if threading.current_thread() is not threading.main_thread():
        yield pressed  # signal handlers belong to the main thread; nothing to defer here
        return
    numbers = interrupt_signals()
    previous = [signal.signal(n, lambda _signum, _frame: pressed.set()) for n in numbers]
    mask = None
    if hold_in_children and sys.platform != "win32":
        mask = signal.pthread_sigmask(signal.SIG_BLOCK, numbers)
    try:
        yield pressed
    finally:
        if mask is not None and sys.platform != "win32":
            # A Ctrl-C that came meanwhile is delivered here, to the handler that sets `pressed`.
            signal.pthread_sigmask(signal.SIG_SETMASK, mask)
        for number, handler in zip(numbers, previous, strict=True):
            signal.signal(number, handler)


def release_interrupts() -> None:
    """In a child started inside `deferred_interrupt(hold_in_children=True)`: let Ctrl-C in."""
    if sys.platform != "win32":
        signal.pthread_sigmask(signal.SIG_UNBLOCK, interrupt_signals())


def start_manager(manager: BaseManager) -> None:
    """`manager.start()`, safe for Ctrl-C: one KeyboardInterrupt and nothing left running.

    The terminal's Ctrl-C reaches the server too, and can end it as it starts, before it ignores
    Ctrl-C (start() then fails with EOFError, or ConnectionRefusedError from a fork server that
    died the same way); a Ctrl-C in the parent inside start() would leave a server that no
    finalizer stops yet."""
    failure: Exception | None = None
    with deferred_interrupt(hold_in_children=True) as pressed:
        try:
            manager.start(initializer=release_interrupts)  # returns once the server listens
        except (EOFError, OSError) as exc:
            failure = exc
    if pressed.is_set():
        if failure is None:
            manager.shutdown()  # set by start()
        raise KeyboardInterrupt
    if failure is not None:
        raise failure
