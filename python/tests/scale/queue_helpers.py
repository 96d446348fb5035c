"""What the task-queue tests share: the shared vectors, the commands of both languages, and a
skip (a failure in CI) when the .NET CLI is not built."""

from __future__ import annotations

import json
import os
import subprocess
from typing import Any

import pytest

from parity import dotnet_build
from parity.common.timing import LONG_TIMEOUT, SHORT_TIMEOUT
from parity.paths import ROOT
from parity.scale._queue.messages import Keys
from parity.scale._queue.processes import WorkerProcess, command, dotnet_available, start_worker

from .conftest import skip_or_fail

VECTORS: dict[str, Any] = json.loads(
    (ROOT / "comparisons" / "scale" / "messages.json").read_text("utf-8")
)
LANGUAGES = ["python", "dotnet"]


def named(kind: str) -> list[Any]:
    return [pytest.param(v, id=v["name"]) for v in VECTORS[kind]]


def dotnet_or_skip(language: str = "dotnet") -> None:
    if language == "dotnet" and not dotnet_available():
        skip_or_fail(f"the .NET CLI is not built ({dotnet_build.CLI_DLL}): run `invoke build`")


def cli(
    *args: str, env: dict[str, str] | None = None, timeout: float = LONG_TIMEOUT
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        list(args),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        env={**os.environ, **(env or {})},
    )


def program(language: str, name: str) -> tuple[str, ...]:
    """worker, submit or dead, in `language`, skipped when that language is not built."""
    dotnet_or_skip(language)
    return tuple(command(language, name))


def submit_to_workers(
    submitter: str,
    submit_url: str,
    worker_url: str,
    keys: Keys,
    languages: tuple[str, ...],
    *args: str,
    worker_args: tuple[str, ...] = (),
) -> tuple[subprocess.CompletedProcess[str], list[WorkerProcess], list[int]]:
    """Start one worker per language, run submit with `args`, stop the workers (SIGTERM)."""
    workers = [
        start_worker(lang, worker_url, "--namespace", keys.ns, *worker_args) for lang in languages
    ]
    try:
        for w in workers:
            w.wait_for("worker ", SHORT_TIMEOUT)
        base = program(submitter, "submit")
        done = cli(*base, "--redis", submit_url, "--namespace", keys.ns, "--timeout", "30", *args)
    finally:
        codes = [w.stop() for w in workers]
    return done, workers, codes
