"""The task queue's message format, the same in both languages (vectors in
comparisons/scale/messages.json; the .NET side is Scale/Queue/Messages.cs).

One compact JSON object per task and per result, keys in a fixed order, names limited to
[A-Za-z0-9._:-]: both encoders then write the same bytes. A decoder refuses anything else, the
same way in both languages: a duplicate key (json.loads would keep the last), a name with a
newline (a regex `$` would let one through), a float, a bool where a number belongs.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

NAMESPACE = "parity"
MAX_SQUARED = 3_037_000_499  # the largest n whose square fits a signed 64-bit integer
MAX_SEQ = 2**31 - 1
MAX_MS = 600_000
NAME = re.compile(r"[A-Za-z0-9._:-]{1,64}")


@dataclass(frozen=True)
class Task:
    run: str
    seq: int
    n: int
    ms: int
    fail: bool = False


@dataclass(frozen=True)
class Result:
    run: str
    seq: int
    n: int
    square: int
    worker: str
    lang: str


@dataclass(frozen=True)
class Keys:
    """Every key one deployment uses, under one namespace (tests use a fresh one each)."""

    ns: str = NAMESPACE

    @property
    def tasks(self) -> str:
        return f"{self.ns}:tasks"

    @property
    def group(self) -> str:
        return f"{self.ns}:workers"

    @property
    def dead(self) -> str:
        return f"{self.ns}:dead"

    @property
    def retry(self) -> str:
        """Tasks that raised, waiting for their next attempt: a sorted set scored by due time."""
        return f"{self.ns}:retry"

    def results(self, run: str) -> str:
        return f"{self.ns}:run:{run}:results"

    def duplicates(self, run: str) -> str:
        return f"{self.ns}:run:{run}:duplicates"

    def dead_in_run(self, run: str) -> str:
        return f"{self.ns}:run:{run}:dead"


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    keys = [k for k, _ in pairs]
    if len(set(keys)) != len(keys):
        raise ValueError(f"a key appears twice: {', '.join(keys)}")
    return dict(pairs)


def _object(raw: str | bytes) -> dict[str, Any]:
    try:
        obj = json.loads(raw, object_pairs_hook=_no_duplicates)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ValueError(f"not JSON: {exc}") from None
    if not isinstance(obj, dict):
        raise ValueError("not a JSON object")
    return obj


def _check(obj: dict[str, Any], keys: tuple[str, ...]) -> None:
    if set(obj) != set(keys):
        raise ValueError(f"keys must be {', '.join(keys)}; got {', '.join(obj)}")
    if type(obj["v"]) is not int or obj["v"] != 1:
        raise ValueError(f"unsupported version {obj['v']!r}")


def _int(obj: dict[str, Any], key: str, top: int) -> int:
    value = obj[key]
    if type(value) is not int or not 0 <= value <= top:  # bool is an int subclass: exclude it
        raise ValueError(f"{key} must be an integer in 0..{top}, got {value!r}")
    return value


def _name(obj: dict[str, Any], key: str) -> str:
    value = obj[key]
    if not isinstance(value, str) or not NAME.fullmatch(value):
        raise ValueError(f"{key} must match {NAME.pattern}, got {value!r}")
    return value


def _dump(obj: dict[str, object]) -> str:
    # Compact, keys in the documented order; names are plain ASCII, so nothing gets escaped.
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=True)


def encode_task(t: Task) -> str:
    return _dump({"v": 1, "run": t.run, "seq": t.seq, "n": t.n, "ms": t.ms, "fail": t.fail})


def decode_task(raw: str | bytes) -> Task:
    """ValueError for anything that is not exactly a task message."""
    obj = _object(raw)
    _check(obj, ("v", "run", "seq", "n", "ms", "fail"))
    if type(obj["fail"]) is not bool:
        raise ValueError(f"fail must be true or false, got {obj['fail']!r}")
    n, ms = _int(obj, "n", MAX_SQUARED), _int(obj, "ms", MAX_MS)
    return Task(_name(obj, "run"), _int(obj, "seq", MAX_SEQ), n, ms, obj["fail"])


def encode_result(r: Result) -> str:
    return _dump(
        {"v": 1, "run": r.run, "seq": r.seq, "n": r.n, "square": r.square}
        | {"worker": r.worker, "lang": r.lang}
    )


def decode_result(raw: str | bytes) -> Result:
    obj = _object(raw)
    _check(obj, ("v", "run", "seq", "n", "square", "worker", "lang"))
    n = _int(obj, "n", MAX_SQUARED)
    square = _int(obj, "square", MAX_SQUARED**2)
    if square != n * n:
        raise ValueError(f"square {square} is not {n}*{n}")
    if obj["lang"] not in ("python", "dotnet"):
        raise ValueError(f"lang must be python or dotnet, got {obj['lang']!r}")
    seq, worker = _int(obj, "seq", MAX_SEQ), _name(obj, "worker")
    return Result(_name(obj, "run"), seq, n, square, worker, obj["lang"])


def report_line(
    tasks: int, finished: Iterable[tuple[str, str]], duplicates: int, dead: int, lost: int = 0
) -> str:
    """The one line submit prints, identical in both languages (vectors in messages.json).
    lost: missing tasks found nowhere in Redis (the rest of the missing are slow)."""
    pairs = list(finished)
    langs, workers = Counter(lang for lang, _ in pairs), Counter(w for _, w in pairs)
    by_lang = " ".join(f"{k}={langs[k]}" for k in sorted(langs))
    by_worker = " ".join(f"{k}={workers[k]}" for k in sorted(workers))
    return (
        f"tasks={tasks} results={len(pairs)} missing={tasks - len(pairs)} lost={lost} "
        f"duplicates={duplicates} dead={dead} by-language: {by_lang} by-worker: {by_worker}"
    ).replace("  ", " ")
