"""No line a page shows, in either language, is wider than two panes side by side allow."""

import pytest

from parity import lesson_lines
from parity.paths import ROOT


@pytest.mark.parametrize("language", ["python", "csharp"])
def test_no_lesson_shows_a_line_wider_than_the_limit(language: str) -> None:
    # Python's formatter wraps code at the same width (python/pyproject.toml); C# is wrapped by
    # hand to the .editorconfig limit. This holds what neither can check: the shown lines.
    offenders = {
        lesson.path.relative_to(ROOT).as_posix(): lesson.wide
        for lesson in lesson_lines.lessons()
        if lesson.language == language and lesson.wide
    }
    assert not offenders, f"shown lines wider than {lesson_lines.WIDTH} characters: {offenders}"
