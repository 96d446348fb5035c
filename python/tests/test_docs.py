import re

import pytest

from parity import catalog, docs
from parity.paths import COMPARISONS, README, ROOT


def test_committed_pages_are_not_stale() -> None:
    stale = [str(p.relative_to(ROOT)) for p in docs.stale()]
    assert not stale, f"run `invoke docs`; stale: {stale}"


def test_regions_are_extracted_dedented_and_in_order() -> None:
    text = "x = 0\n    # <first>\n    a = 1\n    # </first>\n// <second>\nb();\n// </second>\n"
    assert docs.regions(text) == {"first": "a = 1", "second": "b();"}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("# <a>\n# <b>\n# </b>\n# </a>\n", "opens inside"),
        ("# <a>\nx\n", "never closed"),
        ("# </a>\n", "closes nothing"),
    ],
)
def test_malformed_regions_are_rejected(text: str, message: str) -> None:
    with pytest.raises(docs.RegionError, match=message):
        docs.regions(text)


def test_every_concept_source_has_well_formed_regions() -> None:
    for concept in catalog.load().concepts:
        for path in (concept.python_path, concept.dotnet_path):
            if path is not None:
                docs.listing(path)  # raises RegionError when malformed


def _anchors(page: str) -> set[str]:
    return set(re.findall(r'<a id="([^"]+)"></a>', page))


def test_every_relative_link_in_the_pages_resolves() -> None:
    pages = [README, *sorted(COMPARISONS.glob("*.md"))]
    broken = []
    for page in pages:
        # Links live in the prose; code listings are full of `name(args)` that only look like links.
        text = re.sub(
            r"^(`{3,}).*?^\1", "", page.read_text(encoding="utf-8"), flags=re.MULTILINE | re.DOTALL
        )
        text = re.sub(r"`[^`\n]*`", "", text)
        targets = re.findall(r"(?<!\\)\]\(([^)\s]+)\)", text) + re.findall(r'href="([^"]+)"', text)
        for target in targets:
            if "://" in target:
                continue
            path, _, anchor = target.partition("#")
            file = (page.parent / path).resolve() if path else page
            if not file.exists():
                broken.append(f"{page.name}: {target}")
            elif (
                anchor
                and file.suffix == ".md"
                and anchor not in _anchors(file.read_text(encoding="utf-8"))
            ):
                broken.append(f"{page.name}: {target} (no such anchor)")
    assert not broken


def test_catalog_prose_cannot_turn_into_links_or_break_tables() -> None:
    assert docs.prose("Array[Int64](xs)") == "Array\\[Int64\\](xs)"
    assert docs.prose("a | b", in_table=True) == "a \\| b"
    assert docs.prose("`xs[0]` and ys[0]") == "`xs[0]` and ys\\[0\\]"


# What the generator emits as HTML on purpose: the side-by-side tables, the folded listings, the
# concept anchors, the file links and its own comments. Any other tag in a page is prose that a
# Markdown renderer would swallow (Span<long>, IProgress<T>).
_DELIBERATE_HTML = re.compile(
    r'<!--.*?-->|</?(?:table|tr|th|code|details|summary)>|<td valign="top">|</td>'
    r'|<a (?:id|href)="[^"]*">|</a>',
    re.DOTALL,
)


def _html_in(page: str) -> list[str]:
    from markdown_it import MarkdownIt

    found = []
    for token in MarkdownIt("commonmark").enable("table").parse(page):
        for t in [token, *(token.children or [])]:
            if t.type in ("html_inline", "html_block"):
                found += re.findall(r"<[^>\n]*>", _DELIBERATE_HTML.sub("", t.content))
    return found


def test_rendered_pages_lose_no_prose_to_html() -> None:
    lost = {
        path.name: tags
        for path, text in docs.render().items()
        if path.suffix == ".md" and (tags := _html_in(text))
    }
    assert not lost


def test_a_generic_type_in_prose_stays_text_when_rendered() -> None:
    assert _html_in("Offer long[] not Span<long>.") == ["<long>"]
    assert _html_in(docs.prose("Offer long[] not Span<long>, but `Span<T>` in code.")) == []


def test_evidence_links_point_at_the_line_of_the_test() -> None:
    reference = "python/tests/test_docs.py::test_evidence_links_point_at_the_line_of_the_test"
    line = docs.evidence_line(reference)
    assert line is not None
    lines = (ROOT / "python/tests/test_docs.py").read_text(encoding="utf-8").splitlines()
    assert lines[line - 1].startswith("def test_evidence_links_point_at_the_line_of_the_test(")
    assert f"test_docs.py#L{line})" in docs._evidence(reference)
