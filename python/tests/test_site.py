"""The study site (`invoke site`), read as files: deterministic, complete, every link resolves,
nothing refers outside it, the search index matches the catalog. The browser checks are in
test_site_browser.py; the Markdown pages' layout rules are checked here too."""

from __future__ import annotations

import hashlib
import html
import json
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urldefrag, urlparse

import pytest

from parity import docs
from parity.catalog import load
from parity.paths import COMPARISONS, ROOT
from parity.site import SiteError, build
from parity.site.build import MAX_PAGE_BYTES, Region, pair_rows

GITHUB = "https://github.com/example/parity/blob/0123abc"


class Page(HTMLParser):
    """What the tests read from a page: its ids, its references, its text, and each code block."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.links: list[str] = []  # <a href>: navigation
        self.resources: list[str] = []  # what a browser loads: <link href>, <script src>, <img src>
        self.text: list[str] = []
        self.codes: dict[str, list[str]] = {}
        self._open_code: list[str | None] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if found.get("id"):
            self.ids.add(str(found["id"]))
        if tag == "a" and found.get("href"):
            self.links.append(str(found["href"]))
        if tag == "link" and found.get("href"):
            self.resources.append(str(found["href"]))
        if tag in ("script", "img") and found.get("src"):
            self.resources.append(str(found["src"]))
        if tag == "code":
            self._open_code.append(found.get("id"))
            if found.get("id"):
                self.codes[str(found["id"])] = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "code" and self._open_code:
            self._open_code.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        for code_id in self._open_code:
            if code_id:
                self.codes[code_id].append(data)

    def plain(self) -> str:
        return " ".join("".join(self.text).split())


def read(path: Path) -> Page:
    page = Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


def _hashes(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("site") / "site"
    build(folder, source_url="")
    return folder


@pytest.fixture(scope="module")
def pages(site: Path) -> dict[str, Page]:
    return {p.name: read(p) for p in sorted(site.glob("*.html"))}


def test_two_builds_give_identical_bytes(tmp_path: Path) -> None:
    build(tmp_path / "a", source_url=GITHUB)
    build(tmp_path / "b", source_url=GITHUB)
    first = _hashes(tmp_path / "a")
    assert first == _hashes(tmp_path / "b")
    build(tmp_path / "a", source_url=GITHUB)  # a rebuild in place, too
    assert _hashes(tmp_path / "a") == first


def test_a_folder_the_site_did_not_make_is_never_emptied(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(SiteError, match="not built by `invoke site`"):
        build(tmp_path, source_url="")
    assert (tmp_path / "notes.txt").read_text(encoding="utf-8") == "mine"


def test_every_page_stays_under_the_size_limit(site: Path) -> None:
    sizes = {p.name: p.stat().st_size for p in site.glob("*.html")}
    assert max(sizes.values()) <= MAX_PAGE_BYTES


def _words(text: str) -> str:
    """Catalog prose as a reader sees it: no Markdown backticks or escapes, spaces collapsed."""
    return " ".join(text.replace("`", "").split())


def test_every_concept_claim_and_region_appears(site: Path, pages: dict[str, Page]) -> None:
    catalog = load()
    index = pages["index.html"]
    for concept in catalog.concepts:
        page = pages[f"{concept.id}.html"]
        assert f"{concept.id}.html" in index.links
        text = page.plain()
        assert _words(concept.title) in text
        for claim in concept.claims:
            assert _words(claim.text) in text, (concept.id, claim.text)
            for reference in claim.evidence:
                name = reference.partition("::")[2] or reference.rpartition("#")[2]
                assert name in text, (concept.id, reference)
        for language, short, path in (
            ("python", "py", concept.python_path),
            ("dotnet", "cs", concept.dotnet_path),
        ):
            if path is None:
                assert f"No {'Python' if language == 'python' else 'C#'} implementation." in text
                continue
            regions = docs.regions(path.read_text(encoding="utf-8")) or {
                "file": path.read_text(encoding="utf-8").strip("\n")
            }
            for name, code in regions.items():
                # The block's text is the listing exactly: what the reader sees and copies.
                assert "".join(page.codes[f"{short}-{name}"]) == code, (concept.id, name)
                assert f"r-{name}" in page.ids


def test_every_internal_link_and_anchor_resolves(site: Path, pages: dict[str, Page]) -> None:
    broken = []
    for name, page in pages.items():
        for href in page.links + page.resources:
            target, fragment = urldefrag(href)
            if urlparse(href).scheme:
                continue  # the external-reference test below judges these
            path = (site / name).parent / target if target else site / name
            if not path.resolve().is_relative_to(site.resolve()):
                # A source file of this checkout: it must exist (its line is the fragment).
                if not path.resolve().is_file():
                    broken.append(f"{name}: {href}")
                continue
            if not path.is_file():
                broken.append(f"{name}: {href}")
            elif fragment and path.suffix == ".html" and fragment not in read(path).ids:
                broken.append(f"{name}: {href} (no such anchor)")
    assert broken == []


def test_nothing_refers_outside_the_site(
    site: Path, pages: dict[str, Page], tmp_path: Path
) -> None:
    # What a browser loads stays inside the folder, and the style and script ask for nothing else.
    for name, page in pages.items():
        for ref in page.resources:
            assert not urlparse(ref).scheme, (name, ref)
            assert not ref.startswith("//"), (name, ref)
            assert ((site / ref).resolve()).is_relative_to(site.resolve()), (name, ref)
    for asset in ("static/site.css", "static/site.js"):
        text = (site / asset).read_text(encoding="utf-8")
        assert not re.search(r"https?://|url\(\s*['\"]?//|@import", text), asset
    # With a source URL set, the only links that leave the site go there.
    build(tmp_path / "site", source_url=GITHUB)
    for path in (tmp_path / "site").glob("*.html"):
        for href in read(path).links:
            if urlparse(href).scheme:
                assert href.startswith(GITHUB + "/"), (path.name, href)
            else:
                target = (path.parent / urldefrag(href)[0]).resolve()
                assert target.is_relative_to((tmp_path / "site").resolve()), (path.name, href)


def test_evidence_and_regions_link_to_their_exact_lines(tmp_path: Path) -> None:
    build(tmp_path, source_url=GITHUB)
    page = read(tmp_path / "task.when-all.html")
    python = ROOT / "python/src/parity/task/when_all.py"
    first, last = docs.region_spans(python.read_text(encoding="utf-8"))["fetch-all"]
    lines = python.read_text(encoding="utf-8").splitlines()
    assert lines[first - 2].strip() == "# <fetch-all>"
    assert lines[last].strip() == "# </fetch-all>"
    assert f"{GITHUB}/python/src/parity/task/when_all.py#L{first}-L{last}" in page.links
    reference = "python/tests/task/test_when_all.py::test_download_all_returns_pages_in_input_order"
    line = docs.evidence_line(reference)
    assert f"{GITHUB}/python/tests/task/test_when_all.py#L{line}" in page.links


def test_the_search_index_matches_the_catalog(site: Path) -> None:
    raw = (site / "search-index.js").read_text(encoding="utf-8")
    prefix = "window.PARITY_INDEX = "
    assert raw.startswith(prefix)
    entries = json.loads(raw[len(prefix) :].rstrip().rstrip(";"))
    catalog = load()
    assert [e["id"] for e in entries] == [c.id for c in catalog.concepts]
    for entry, concept in zip(entries, catalog.concepts, strict=True):
        assert entry["title"] == concept.title
        assert entry["claims"] == [c.text for c in concept.claims]
        assert entry["url"] == f"{concept.id}.html"
        assert (site / entry["url"]).is_file()
    names = {e["id"]: set(e["names"]) for e in entries}
    assert "WhenAll" in names["task.when-all"]
    assert "apply_async" in names["pool.apply-async"]
    assert "WhenAll" not in names["process.basic"]


def _region(name: str, language: str) -> Region:
    return Region(name, f"{name} code", language, "#", "1-2")


def test_regions_pair_by_name_and_lone_ones_keep_their_place() -> None:
    python = [_region(n, "python") for n in ("setup", "work", "py-only", "run")]
    dotnet = [_region(n, "dotnet") for n in ("work", "cs-only", "run", "cs-tail")]
    rows = [(r.name, r.python is not None, r.dotnet is not None) for r in pair_rows(python, dotnet)]
    assert rows == [
        ("setup", True, False),
        ("work", True, True),
        ("py-only", True, False),
        ("cs-only", False, True),  # after the C# region it follows in its file
        ("run", True, True),
        ("cs-tail", False, True),
    ]


def test_html_in_catalog_prose_stays_text(pages: dict[str, Page]) -> None:
    # bridge.call-overhead's prose names generic types: Span<long> must read as text.
    text = " ".join(html.unescape(p.plain()) for p in pages.values())
    assert "<" in text


def test_markdown_pairs_listings_only_where_both_fit_github_column() -> None:
    short = "x = 1"
    wide = "y" * (docs.PAIR_FIT_CHARS - len(short))
    assert docs.fits_side_by_side(short, wide)
    assert not docs.fits_side_by_side(short + "z", wide)
    python, csharp = docs.Block("Python", "python", short), docs.Block("C#", "csharp", wide)
    together = "\n".join(docs._pair("", python, csharp))
    assert "<table>" in together
    apart = "\n".join(
        docs._pair(
            "", docs.Block("Python", "python", short + "z"), docs.Block("C#", "csharp", wide)
        )
    )
    assert "<table>" not in apart
    assert apart.index("Python:") < apart.index("C#:")


def test_markdown_folds_listings_over_sixty_lines() -> None:
    block = docs.Block(
        "Python", "python", "\n".join(f"line {i}" for i in range(docs.FOLD_LINES + 1))
    )
    assert block.markdown("Python run").startswith(
        "<details><summary>Python run (61 lines)</summary>"
    )
    shorter = docs.Block("Python", "python", "\n".join(["x"] * docs.FOLD_LINES))
    assert shorter.markdown("Python run").startswith("```python")


def test_markdown_pages_show_output_before_code_under_headings() -> None:
    page = (COMPARISONS / "task.md").read_text(encoding="utf-8")
    section = page[page.index('<a id="taskwhen-all">') : page.index('<a id="taskwhen-any">')]
    headings = re.findall(r"^### (.+)$", section, flags=re.MULTILINE)
    # The timeline of the two runs sits right under their output.
    assert headings[:4] == ["Output", "Timeline", "Code", "What a porter must know"]
    assert any(h.startswith("Claims of") for h in headings)


def test_a_dunder_name_in_prose_stays_a_name() -> None:
    assert (
        docs.prose("Process.__init__(self) and a_b") == "Process.\\_\\_init\\_\\_(self) and a\\_b"
    )
    assert docs.prose("`__init__` in code") == "`__init__` in code"
