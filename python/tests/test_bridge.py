"""The bridge runs in its own pytest session (`-m bridge`, see tasks.py): a process that has
loaded the CLR must not fork, and the other tests fork."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.bridge


def test_plinq_sum_through_the_bridge() -> None:
    from parity import bridge

    sum_type = bridge.examples().Plinq.Sum
    assert sum_type.ParallelRange(1_000_000) == 499_999_500_000
    numbers = sum_type.Numbers(1_000_000)  # a .NET long[] built in .NET: no copying
    assert sum_type.Parallel(numbers) == sum_type.Sequential(numbers) == 499_999_500_000


def test_run_concept_captures_the_console_output() -> None:
    from parity import bridge

    output = bridge.run_concept("plinq.sum")
    assert "parallel:   499999500000" in output
    assert bridge.is_loaded()


@pytest.mark.parametrize(
    ("concept_id", "message"),
    [
        (
            "plinq.su",
            "unknown concept 'plinq.su'; did you mean: plinq.sum?"
            " (bridge.concept_ids() lists the .NET concepts)",
        ),
        ("nope", "unknown concept 'nope' (bridge.concept_ids() lists the .NET concepts)"),
    ],
)
def test_an_unknown_id_raises_a_python_key_error_in_one_line(concept_id: str, message: str) -> None:
    from parity import bridge

    with pytest.raises(KeyError) as info:
        bridge.run_concept(concept_id)
    assert type(info.value) is bridge.UnknownConceptError
    assert str(info.value) == message  # one line, no .NET stack trace


def test_a_python_only_concept_says_it_has_no_dotnet_side() -> None:
    from parity import bridge

    with pytest.raises(bridge.UnknownConceptError) as info:
        bridge.run_concept("bridge.gil")
    text = str(info.value)
    assert text.startswith(
        "bridge.gil has no .NET concept to run, only a Python one (`python -m parity.bridge.gil`)"
    )
    assert "\n" not in text


def test_concept_ids_are_the_dotnet_concepts_in_catalog_order() -> None:
    from parity import bridge, catalog

    expected = [c.id for c in catalog.load().concepts if c.dotnet is not None]
    assert bridge.concept_ids() == expected


def test_namespaces_can_be_explored_and_suggest_close_names() -> None:
    from parity import bridge

    root = bridge.examples()
    assert {"Plinq", "Tasks", "Infrastructure", "Bridge"} <= set(dir(root))
    assert dir(root.Plinq) == ["Aggregate", "Cancellation", "Select", "Sum"]
    assert "Parity.Examples.Plinq: Aggregate, Cancellation, Select, Sum" in repr(root.Plinq)
    with pytest.raises(
        AttributeError, match=r"^Parity\.Examples\.Plinq has no 'Summ'; did you mean: Sum\? "
    ):
        _ = root.Plinq.Summ
    with pytest.raises(AttributeError, match=r"has no 'Nothing'; dir\(\) lists what it has$"):
        _ = root.Nothing


def test_the_readme_snippet_prints_when_run_as_a_script(capsys: pytest.CaptureFixture[str]) -> None:
    from parity.paths import ROOT

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## The bridge: .NET inside Python", 1)[1]
    snippet = section.split("```python\n", 1)[1].split("```", 1)[0]
    exec(compile(snippet, "README.md", "exec"), {})
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "499999500000"
    assert any(line.startswith("pages (input order):") for line in lines)
