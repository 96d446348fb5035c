"""How long the lessons are: `python -m parity.lesson_lines` (or `invoke lines`).

A lesson is a concept's source file, one per language (the catalog names them); what its page
shows are the file's named regions (the whole file when it has none). Prints each file's lines,
shown lines and shown lines wider than 100 characters, longest first, then the median, p90 and
maximum per language.
"""

from __future__ import annotations

import math
import statistics
import sys
from dataclasses import dataclass
from pathlib import Path

from parity import catalog, docs
from parity.common import entry
from parity.paths import ROOT

MAX_LINES = 150  # no lesson is longer
MEDIAN_LINES = 70  # the median lesson is at most this long
MEDIAN_SHOWN = 80  # and the page shows at most this much of it
WIDTH = 100  # two panes side by side: no shown line longer
LANGUAGES = ("python", "csharp")


@dataclass(frozen=True)
class Lesson:
    concept: str
    language: str
    path: Path
    lines: int
    shown: int
    wide: int = 0  # shown lines longer than WIDTH


def count(text: str) -> int:
    return len(text.splitlines())


def lessons(cat: catalog.Catalog | None = None) -> list[Lesson]:
    """Every lesson file of the catalog, both languages."""
    found = []
    for concept in (cat or catalog.load()).concepts:
        for language, path in (("python", concept.python_path), ("csharp", concept.dotnet_path)):
            if path is None:
                continue
            text, shown = path.read_text(encoding="utf-8"), docs.listing(path)
            wide = sum(len(line) > WIDTH for line in shown.splitlines())
            found.append(Lesson(concept.id, language, path, count(text), count(shown), wide))
    return found


def percentile(values: list[int], fraction: float) -> int:
    """The nearest-rank percentile: the smallest value at least `fraction` of them do not pass."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def stats(values: list[int]) -> tuple[float, int, int]:
    """(median, p90, max)."""
    return statistics.median(values), percentile(values, 0.9), max(values)


def report(found: list[Lesson]) -> str:
    lines = [f"{'lines':>5} {'shown':>5} {'wide':>5}  file"]
    for lesson in sorted(found, key=lambda x: (-x.lines, str(x.path))):
        rel = lesson.path.relative_to(ROOT).as_posix()
        lines.append(f"{lesson.lines:>5} {lesson.shown:>5} {lesson.wide:>5}  {rel}")
    lines.append("")
    lines.append(f"{'':14}{'files':>6} {'median':>7} {'p90':>5} {'max':>5}")
    for language in LANGUAGES:
        mine = [x for x in found if x.language == language]
        for label, values in (
            ("lines", [x.lines for x in mine]),
            ("shown", [x.shown for x in mine]),
        ):
            median, p90, top = stats(values)
            name = f"{'Python' if language == 'python' else 'C#'} {label}"
            lines.append(f"{name:<14}{len(values):>6} {median:>7g} {p90:>5} {top:>5}")
    for language in LANGUAGES:
        wide = sum(x.wide for x in found if x.language == language)
        name = "Python" if language == "python" else "C#"
        lines.append(f"{name} shown lines longer than {WIDTH}: {wide}")
    return "\n".join(lines)


def main() -> int:
    print(report(lessons()))
    return 0


if __name__ == "__main__":
    sys.exit(entry.run(main))
