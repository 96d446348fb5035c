"""No line a page shows, in either language, is wider than two panes side by side allow."""

from parity import lesson_lines
from parity.paths import ROOT

EXAMPLES = "dotnet/src/Parity.Examples/"

# Not wrapped yet: each file leaves this set once its shown lines are wrapped, and the set must
# end empty. A file outside it fails at its first wide line.
NOT_YET_WRAPPED = {
    f"{EXAMPLES}{name}"
    for name in (
        "Parallelism/Invoke.cs",
        "Plinq/Aggregate.cs",
        "Plinq/Cancellation.cs",
        "Plinq/Select.cs",
        "Plinq/Sum.cs",
        "Pool/ApplyAsync.cs",
        "Pool/Callbacks.cs",
        "Pool/Initializer.cs",
        "Scale/ClusterMap.cs",
    )
}


def test_no_csharp_lesson_shows_a_line_wider_than_the_limit() -> None:
    offenders = {
        path: lesson.wide
        for lesson in lesson_lines.lessons()
        if lesson.language == "csharp"
        and lesson.wide
        and (path := lesson.path.relative_to(ROOT).as_posix()) not in NOT_YET_WRAPPED
    }
    assert not offenders, (
        f"shown lines wider than {lesson_lines.WIDTH} characters, per file: {offenders}"
    )


def test_files_not_yet_wrapped_still_have_wide_lines() -> None:
    # Keeps the set honest: a file wrapped since must leave it.
    wide = {
        lesson.path.relative_to(ROOT).as_posix()
        for lesson in lesson_lines.lessons()
        if lesson.language == "csharp" and lesson.wide
    }
    assert not NOT_YET_WRAPPED - wide, f"wrapped now, remove: {NOT_YET_WRAPPED - wide}"


def test_no_python_lesson_shows_a_line_wider_than_the_limit() -> None:
    # The formatter wraps code at the same width (python/pyproject.toml); this holds the strings
    # and docstrings it cannot wrap.
    offenders = {
        lesson.path.relative_to(ROOT).as_posix(): lesson.wide
        for lesson in lesson_lines.lessons()
        if lesson.language == "python" and lesson.wide
    }
    assert not offenders, (
        f"shown lines wider than {lesson_lines.WIDTH} characters, per file: {offenders}"
    )
