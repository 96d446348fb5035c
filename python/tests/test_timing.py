import ast
import os
import re

import pytest

from parity.common import mp, timing

from .conftest import python_c


@pytest.mark.parametrize("raw", ["0", "-1", "abc", "nan", "inf"])
def test_a_bad_time_scale_is_refused(monkeypatch: pytest.MonkeyPatch, raw: str) -> None:
    monkeypatch.setenv(timing.TIME_SCALE_VARIABLE, raw)
    with pytest.raises(ValueError, match="must be a positive number"):
        timing.scaled(1)


def test_scaled_multiplies_by_the_time_scale(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(timing.TIME_SCALE_VARIABLE, "0.25")
    assert timing.scaled(2) == 0.5
    monkeypatch.delenv(timing.TIME_SCALE_VARIABLE)
    assert timing.scaled(2) == 2


def test_an_unavailable_start_method_is_refused() -> None:
    with pytest.raises(ValueError, match="start method 'teleport' is not available"):
        mp.context("teleport")


def test_the_timeout_pair_stretches_with_parity_timeout_scale() -> None:
    # Read at import, so a fresh interpreter shows it: both limits, one variable.
    code = "from parity.common import timing; print(timing.SHORT_TIMEOUT, timing.LONG_TIMEOUT)"
    env = {**os.environ, timing.TIMEOUT_SCALE_VARIABLE: "2.5"}
    out = python_c(code, env=env, check=True)
    unscaled = (
        timing.SHORT_TIMEOUT / timing.timeout_scale(),
        timing.LONG_TIMEOUT / timing.timeout_scale(),
    )
    assert [float(x) for x in out.stdout.split()] == [unscaled[0] * 2.5, unscaled[1] * 2.5]


@pytest.mark.parametrize("raw", ["0", "-1", "abc", "nan"])
def test_a_bad_timeout_scale_is_refused(monkeypatch: pytest.MonkeyPatch, raw: str) -> None:
    monkeypatch.setenv(timing.TIMEOUT_SCALE_VARIABLE, raw)
    with pytest.raises(ValueError, match="PARITY_TIMEOUT_SCALE must be a positive number"):
        timing.timeout_scale()


# -- every wait is bounded by SHORT or LONG (or something derived from them), never a bare number --

_WAITS = ("join", "wait", "result", "communicate", "wait_for", "exception")
_CS_WAIT = re.compile(
    r"\.(Wait|WaitAsync|WaitOne|Join|WaitForExit|WaitForExitAsync|CancelAfter)\("
    r"\s*(TimeSpan\.From\w+\(\s*)?[1-9][\d_.]*"
    r"|\btimeout:\s*(TimeSpan\.From\w+\(\s*)?[1-9][\d_.]*"
)


def _number(node: ast.expr) -> bool:
    value = node.value if isinstance(node, ast.Constant) else None
    # 0: a poll
    return isinstance(value, int | float) and not isinstance(value, bool) and value != 0


def literal_timeouts_in_python(source: str) -> list[int]:
    """Lines where a call gets a number as its timeout: `timeout=5`, `.join(5)`, `.result(5)`,
    or a parameter named for a timeout defaults to one."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call):
            keyword = any(k.arg and "timeout" in k.arg and _number(k.value) for k in node.keywords)
            method = isinstance(node.func, ast.Attribute) and node.func.attr in _WAITS
            if keyword or (method and node.args and _number(node.args[-1])):
                found.append(node.lineno)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            named = [
                *node.args.args[len(node.args.args) - len(node.args.defaults) :],
                *node.args.kwonlyargs,
            ]
            defaults = [*node.args.defaults, *node.args.kw_defaults]
            for arg, default in zip(named, defaults, strict=True):
                if default is not None and "timeout" in arg.arg and _number(default):
                    found.append(node.lineno)
    return found


def test_the_scans_find_a_number_passed_as_a_timeout() -> None:
    assert literal_timeouts_in_python(
        "p.join(5)\nq.get(timeout=2.5)\nf.result(SHORT)\np.join(0)"
    ) == [1, 2]
    assert literal_timeouts_in_python("def f(timeout: float = 3): pass") == [1]
    assert _CS_WAIT.search("await task.WaitAsync(TimeSpan.FromSeconds(5), token);")
    assert _CS_WAIT.search("done.Wait(500)")
    assert not _CS_WAIT.search("done.Wait(Timeouts.Short)")


def test_no_source_passes_a_number_as_a_timeout() -> None:
    from parity.paths import DOTNET, PYTHON_DIR

    found = [
        f"{path.relative_to(PYTHON_DIR)}:{line}"
        for path in sorted((PYTHON_DIR / "src").rglob("*.py"))
        for line in literal_timeouts_in_python(path.read_text(encoding="utf-8"))
    ]
    for path in sorted((DOTNET / "src").rglob("*.cs")):
        if "obj" in path.parts or "bin" in path.parts:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if _CS_WAIT.search(line):
                found.append(f"{path.relative_to(DOTNET)}:{number}")
    assert found == [], (
        "use SHORT_TIMEOUT / LONG_TIMEOUT (Timeouts.Short / Long) or a value made from them"
    )
