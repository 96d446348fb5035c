"""What the worker and submit commands share: --redis and its fallbacks, one-line errors,
signals."""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
from typing import NoReturn

from parity.common.redis_server import URL_VARIABLE, with_password

_program = ["parity"]  # the running command's name, for error lines


class Parser(argparse.ArgumentParser):
    """argparse for `python -m parity.scale.COMMAND`, with --redis and its fallbacks; a bad
    option is one line on stderr (exit 2), not usage plus a line."""

    def __init__(self, command: str, description: str) -> None:
        prog = f"python -m parity.scale.{command}"
        super().__init__(prog=prog, description=description)
        _program[0] = prog
        add_connection(self)

    def error(self, message: str) -> NoReturn:
        fail(f"{message} (--help shows the options)")


def fail(message: str, code: int = 2) -> NoReturn:
    print(f"{_program[0]}: {message}", file=sys.stderr, flush=True)
    raise SystemExit(code)


def add_connection(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--redis",
        metavar="URL",
        default=os.environ.get(URL_VARIABLE),
        help="redis://[USER:PASSWORD@]HOST:PORT[/DB] or rediss:// for TLS (default:"
        f" ${URL_VARIABLE}); without a password in the URL, PARITY_REDIS_PASSWORD is used",
    )
    parser.add_argument(
        "--namespace", default="parity", help="prefix of every key (default: parity)"
    )


def url(args: argparse.Namespace) -> str:
    if not args.redis:
        fail(f"no server: give --redis URL or set {URL_VARIABLE}")
    try:
        return with_password(args.redis)
    except ValueError as exc:
        fail(str(exc))


def positive(text: str) -> int:
    """argparse type: a positive integer (an error names the option, through Parser.error)."""
    value = int(text)
    if value < 1:
        raise ValueError(text)
    return value


def stop_on_signals() -> tuple[threading.Event, threading.Event]:
    """(stop, interrupted): SIGTERM (SIGBREAK on Windows) sets stop; Ctrl-C sets both, so a
    worker stops the same clean way and still exits 130. A second Ctrl-C interrupts at once."""
    stop, interrupted = threading.Event(), threading.Event()
    for name in ("SIGTERM", "SIGBREAK"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), lambda *_: stop.set())

    def on_interrupt(*_: object) -> None:
        interrupted.set()
        stop.set()
        signal.signal(signal.SIGINT, signal.default_int_handler)

    signal.signal(signal.SIGINT, on_interrupt)
    return stop, interrupted


def interrupt_on_sigterm() -> None:
    """SIGTERM raises KeyboardInterrupt, so it ends a blocking wait the way Ctrl-C does."""
    for name in ("SIGTERM", "SIGBREAK"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), signal.default_int_handler)
