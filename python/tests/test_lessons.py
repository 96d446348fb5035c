"""A lesson is what a learner reads: short, and every wait in the sources bounded by a named
limit."""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

import pytest

from parity import lesson_lines
from parity.paths import DOTNET, PYTHON_SRC, ROOT

LESSONS = lesson_lines.lessons()


def _rel(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


@pytest.mark.parametrize("lesson", [pytest.param(x, id=_rel(x.path)) for x in LESSONS])
def test_no_lesson_passes_the_limit(lesson: lesson_lines.Lesson) -> None:
    assert lesson.lines <= lesson_lines.MAX_LINES, f"{lesson.lines} lines"


@pytest.mark.parametrize("language", lesson_lines.LANGUAGES)
def test_the_median_lesson_fits_one_screen(language: str) -> None:
    mine = [x for x in LESSONS if x.language == language]
    lines, _, _ = lesson_lines.stats([x.lines for x in mine])
    shown, _, _ = lesson_lines.stats([x.shown for x in mine])
    assert len(mine) > 50, f"only {len(mine)} {language} lessons found"
    # At the median: one lesson growing past the limit can move it (`invoke lines` shows which).
    assert lines <= lesson_lines.MEDIAN_LINES, f"median {lines:g} lines"
    assert shown <= lesson_lines.MEDIAN_SHOWN, f"median {shown:g} lines shown"


def test_the_script_reports_every_lesson_and_the_figures() -> None:
    text = lesson_lines.report(LESSONS)
    for lesson in LESSONS:
        assert _rel(lesson.path) in text
    for label in ("Python lines", "Python shown", "C# lines", "C# shown"):
        assert label in text


def test_percentile_is_the_nearest_rank() -> None:
    assert lesson_lines.percentile(list(range(1, 11)), 0.9) == 9
    assert lesson_lines.percentile([5], 0.9) == 5
    assert lesson_lines.stats([3, 1, 2, 10]) == (2.5, 10, 10)


# A numeric literal passed as a timeout: `timeout=5`, `join(5)`, `wait_for(x, 30)`. Every limit is
# SHORT_TIMEOUT or LONG_TIMEOUT (parity.common.timing) or derived from them; a poll slice is
# POLL_INTERVAL; a duration the lesson demonstrates has a name.
_WAITS = {"join", "get", "wait", "acquire", "result", "exception", "wait_for", "communicate"}


def _is_number(node: ast.expr) -> bool:
    if isinstance(node, ast.Constant):
        return isinstance(node.value, int | float) and not isinstance(node.value, bool)
    if isinstance(node, ast.BinOp):
        return _is_number(node.left) and _is_number(node.right)
    return isinstance(node, ast.UnaryOp) and _is_number(node.operand)


def _is_flag(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, bool)


def literal_timeouts_in_python(source: str) -> list[int]:
    """Line numbers of calls that pass a number as a timeout."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        if any(k.arg and "timeout" in k.arg and _is_number(k.value) for k in node.keywords):
            found.append(node.lineno)
            continue
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        if name == "wait_for":  # asyncio.wait_for(awaitable, timeout)
            if len(node.args) > 1 and _is_number(node.args[1]):
                found.append(node.lineno)
        # Only numbers (and a block flag): get(5), get(True, 5); not a dict's get("k", 0).
        elif name in _WAITS and node.args and _is_number(node.args[-1]):
            found.extend(
                [node.lineno] if all(_is_number(a) or _is_flag(a) for a in node.args) else []
            )
    return found


_NUMBER = r"(?:TimeSpan\.From\w+\()?\d"
_CS_LITERAL_TIMEOUT = re.compile(
    rf"\b\w*(?:Wait|Join|CancelAfter|TryTake|TryAdd|TryEnter)\w*\({_NUMBER}"
    rf"|\btimeout\w*:\s*{_NUMBER}"
    rf"|\b\w*Timeout\w*\s*=\s*{_NUMBER}"
    rf"|new CancellationTokenSource\({_NUMBER}",
    re.IGNORECASE,
)


def literal_timeouts_in_csharp(source: str) -> list[int]:
    return [n for n, line in enumerate(source.splitlines(), 1) if _CS_LITERAL_TIMEOUT.search(line)]


@pytest.mark.parametrize(
    ("source", "found"),
    [
        ("q.get(timeout=60)", [1]),
        ("p.join(5)", [1]),
        ("asyncio.wait_for(f(), 2 * 30)", [1]),
        ("q.get(timeout=SHORT_TIMEOUT)", []),
        ("p.join(LONG_TIMEOUT / 2)", []),
        ("s.recv(200)", []),
        ("q.get(True, 5)", [1]),
        ('d.get("tests", 0)', []),
    ],
)
def test_the_python_check_sees_a_literal_timeout(source: str, found: list[int]) -> None:
    assert literal_timeouts_in_python(source) == found


@pytest.mark.parametrize(
    ("source", "found"),
    [
        ("await t.WaitAsync(TimeSpan.FromSeconds(5));", [1]),
        ("cts.CancelAfter(500);", [1]),
        ("new HttpClient { Timeout = TimeSpan.FromSeconds(60) };", [1]),
        ("ConnectTimeout = 5000,", [1]),
        ("p.WaitForExit(timeout: 1000);", [1]),
        ("await t.WaitAsync(Timeouts.Short);", []),
        ("await Task.Delay(TimeSpan.FromSeconds(1));", []),
    ],
)
def test_the_csharp_check_sees_a_literal_timeout(source: str, found: list[int]) -> None:
    assert literal_timeouts_in_csharp(source) == found


def test_no_python_source_passes_a_number_as_a_timeout() -> None:
    found = [
        f"{_rel(path)}:{line}"
        for path in sorted(PYTHON_SRC.rglob("*.py"))
        for line in literal_timeouts_in_python(path.read_text(encoding="utf-8"))
    ]
    assert found == []


def test_no_csharp_source_passes_a_number_as_a_timeout() -> None:
    sources = [p for folder in ("src", "bench") for p in sorted((DOTNET / folder).rglob("*.cs"))]
    found = [
        f"{_rel(path)}:{line}"
        for path in sources
        if "obj" not in path.parts
        for line in literal_timeouts_in_csharp(path.read_text(encoding="utf-8"))
    ]
    assert found == []


# What a lesson may import besides the standard library. Of ours, only parity.common and its
# chapter's private support (parity.<chapter>._*: the bridge's runtime, the task queue's format
# and Redis steps, a demo's harness). Other packages only where
# they are the subject: the .NET runtime (the bridge), psutil (process trees), the cluster clients.
THIRD_PARTY = {
    "System",
    "clr",
    "pythonnet",
    "numpy",
    "psutil",
    "rich",
    "redis",
    "dask",
    "distributed",
}


def _imports(source: str) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            found.add("." * node.level + (node.module or ""))
    return found


def _allowed(module: str, chapter: str) -> bool:
    top = module.split(".", maxsplit=1)[0]
    if module.startswith("parity.common") or (top in sys.stdlib_module_names and top != "parity"):
        return True
    if module.startswith(f"parity.{chapter}._"):
        return True  # the chapter's own support, beside its lessons
    return top in THIRD_PARTY


@pytest.mark.parametrize(
    "lesson",
    [pytest.param(x, id=_rel(x.path)) for x in LESSONS if x.language == "python"],
)
def test_a_lesson_imports_only_the_standard_library_and_parity_common(
    lesson: lesson_lines.Lesson,
) -> None:
    chapter = lesson.concept.split(".")[0]
    source = lesson.path.read_text(encoding="utf-8")
    assert sorted(m for m in _imports(source) if not _allowed(m, chapter)) == []


def test_the_import_check_refuses_another_lesson() -> None:
    assert not _allowed("parity.shared.race", "shared")
    assert not _allowed("parity.catalog", "pool")
    assert not _allowed("parity.bridge.plinq", "bridge")
    assert not _allowed("parity.scale._queue.demo", "pool")
    assert _allowed("parity.scale._queue.demo", "scale")
    assert not _allowed(".sibling", "ipc")
    assert _allowed("parity.common.mp", "ipc")


def test_tasks_py_is_thin_task_wrappers() -> None:
    assert lesson_lines.count((ROOT / "tasks.py").read_text(encoding="utf-8")) <= 250
