"""The parity test: the catalog and the two source trees must agree, and every claim's
evidence must be a test that exists."""

from __future__ import annotations

import keyword
import os
import re
from pathlib import Path

import pytest

from parity import catalog, docs
from parity.bench import report
from parity.catalog import Catalog, CatalogError, load_listings
from parity.paths import DOTNET_SRC, PYTHON_SRC, ROOT

CONCEPT_ATTRIBUTE = re.compile(r'\[Concept\("(?P<id>[^"]+)"\)\]')


@pytest.fixture(scope="module")
def cat() -> Catalog:
    return catalog.load()


def _python_modules(cat: Catalog) -> dict[str, Path]:
    """Every concept module on disk: parity/<chapter>/<slug>.py, private modules excluded."""
    found = {}
    for chapter in cat.chapters:
        for path in sorted((PYTHON_SRC / "parity" / chapter.id).glob("*.py")):
            if not path.name.startswith("_"):
                found[path.relative_to(PYTHON_SRC).as_posix()] = path
    return found


def _dotnet_ids() -> dict[str, Path]:
    found = {}
    for path in DOTNET_SRC.rglob("*.cs"):
        if "obj" in path.parts or "bin" in path.parts:
            continue
        for match in CONCEPT_ATTRIBUTE.finditer(path.read_text(encoding="utf-8")):
            assert match["id"] not in found, f"{match['id']} is declared twice"
            found[match["id"]] = path
    return found


KEYWORD_SLUGS = {"assert": "assertions"}


def test_every_declared_python_implementation_exists_and_has_main(cat: Catalog) -> None:
    for concept in cat.concepts:
        if concept.python is None:
            continue
        slug = concept.id.split(".", 1)[1].replace("-", "_")
        if keyword.iskeyword(slug):  # no `import` can name it: the module takes a noun instead
            slug = KEYWORD_SLUGS[slug]
        assert concept.python == f"parity/{concept.chapter}/{slug}.py", concept.id
        source = concept.python_path.read_text(encoding="utf-8")  # type: ignore[union-attr]
        assert "def main() -> None:" in source, f"{concept.id}: no main()"
        assert 'if __name__ == "__main__":' in source, f"{concept.id}: no __main__ guard"


def test_every_declared_dotnet_implementation_carries_the_id(cat: Catalog) -> None:
    ids = _dotnet_ids()
    for concept in cat.concepts:
        if concept.dotnet is None:
            assert concept.id not in ids, f"{concept.id}: catalog says none but C# exists"
            continue
        assert concept.id in ids, f'{concept.id}: no C# class with [Concept("{concept.id}")]'
        assert ids[concept.id] == concept.dotnet_path, (
            f"{concept.id}: declared in {ids[concept.id]}"
        )


def test_every_implementation_has_a_catalog_entry(cat: Catalog) -> None:
    declared_py = {c.python for c in cat.concepts if c.python}
    assert set(_python_modules(cat)) <= declared_py, "Python modules missing from the catalog"
    declared_ids = {c.id for c in cat.concepts}
    assert set(_dotnet_ids()) <= declared_ids, "C# concepts missing from the catalog"


def test_a_concept_without_an_implementation_says_why(cat: Catalog) -> None:
    for concept in cat.concepts:
        assert concept.python or concept.dotnet, concept.id
        if concept.dotnet is None:
            assert concept.dotnet_none_reason, concept.id
            assert concept.nearest, concept.id
        if concept.python is None:
            assert concept.python_none_reason, concept.id
            assert concept.nearest, concept.id


def _test_exists(reference: str) -> bool:
    if (anchor := catalog.benchmark_anchor(reference)) is not None:
        page = ROOT / catalog.BENCHMARKS_PAGE
        return page.is_file() and anchor in report.anchors(page.read_text(encoding="utf-8"))
    # The same lookup the pages use to link the test's line.
    return docs.evidence_line(reference) is not None


def test_every_claim_names_evidence_that_exists(cat: Catalog) -> None:
    missing = [
        (c.id, ref)
        for c in cat.concepts
        for claim in c.claims
        for ref in claim.evidence
        if not _test_exists(ref)
    ]
    assert not missing


def test_benchmark_evidence_must_name_a_heading_of_the_benchmarks_page() -> None:
    assert _test_exists("comparisons/benchmarks.md#plinq-sum")
    assert not _test_exists("comparisons/benchmarks.md#no-such-row")
    assert not _test_exists("comparisons/benchmarks.md#")
    assert not _test_exists("comparisons/other.md#plinq-sum")


def test_ids_are_slugs_of_their_chapter(cat: Catalog) -> None:
    for concept in cat.concepts:
        assert re.fullmatch(r"[a-z]+\.[a-z0-9-]+", concept.id), concept.id
        assert concept.id.split(".")[0] == concept.chapter, concept.id


def test_catalog_rejects_a_bad_verdict() -> None:
    data = {
        "chapter": [{"id": "x", "title": "X", "part": "python"}],
        "concept": [
            {
                "id": "x.y",
                "title": "t",
                "chapter": "x",
                "section": "s",
                "python": "parity/x/y.py",
                "dotnet": "X/Y.cs",
                "claim": [{"text": "t", "verdict": "maybe", "evidence": ["a::b"]}],
            }
        ],
    }
    with pytest.raises(catalog.CatalogError, match="verdict 'maybe'"):
        catalog.parse(data)


def test_unknown_id_suggests_the_closest(cat: Catalog) -> None:
    with pytest.raises(catalog.UnknownConcept, match=r"closest: plinq\.sum"):
        cat.get("plinq.su")


def _write_catalog(folder: Path, order: list[str], files: dict[str, str]) -> Path:
    folder.mkdir()
    (folder / "chapters.toml").write_text(f"order = {order!r}\n", encoding="utf-8")
    for name, text in files.items():
        (folder / f"{name}.toml").write_text(text, encoding="utf-8")
    return folder


CHAPTER_X = '[chapter]\nid = "x"\ntitle = "X"\npart = "python"\n'


def test_catalog_loads_the_chapter_files_in_the_listed_order(tmp_path: Path) -> None:
    y = CHAPTER_X.replace('"x"', '"y"').replace('"X"', '"Y"')
    folder = _write_catalog(tmp_path / "c", ["y", "x"], {"x": CHAPTER_X, "y": y})
    assert [c.id for c in catalog.load.__wrapped__(folder).chapters] == ["y", "x"]


def test_catalog_refuses_a_chapter_file_the_order_does_not_list(tmp_path: Path) -> None:
    folder = _write_catalog(tmp_path / "c", ["x"], {"x": CHAPTER_X, "stray": CHAPTER_X})
    with pytest.raises(catalog.CatalogError, match="does not list stray"):
        catalog.load.__wrapped__(folder)


def test_catalog_refuses_a_listed_chapter_without_a_file(tmp_path: Path) -> None:
    folder = _write_catalog(tmp_path / "c", ["x", "gone"], {"x": CHAPTER_X})
    with pytest.raises(catalog.CatalogError, match="lists gone, with no file"):
        catalog.load.__wrapped__(folder)


def test_catalog_refuses_a_concept_filed_under_another_chapter(tmp_path: Path) -> None:
    concept = (
        '[[concept]]\nid = "z.a"\ntitle = "t"\nchapter = "z"\nsection = "s"\npython = "none"\n'
    )
    folder = _write_catalog(tmp_path / "c", ["x"], {"x": CHAPTER_X + concept})
    with pytest.raises(catalog.CatalogError, match=r"listed in x\.toml, says chapter 'z'"):
        catalog.load.__wrapped__(folder)


def _reference() -> Path | None:
    """The article, beside the clone (CI's ../shared/reference/) or where PARITY_REFERENCE says."""
    folder = Path(os.environ.get("PARITY_REFERENCE", ROOT.parent / "shared" / "reference"))
    path = folder / docs.REFERENCE_NAME if folder.is_dir() else folder
    return path if path.is_file() else None


def _fenced_blocks(text: str) -> dict[str, str]:
    """Every fenced block of the article: 'first-last' (fence lines, 1-based) -> its info."""
    blocks, opened = {}, None
    for number, line in enumerate(text.splitlines(), 1):
        if line.strip().startswith("```"):
            if opened is None:
                opened = (number, line.strip()[3:].strip())
            else:
                blocks[f"{opened[0]}-{number}"] = opened[1]
                opened = None
    return blocks


# What each fence's info string allows: the article fences some output as py, and one program bare.
_KINDS_FOR_FENCE = {
    "py": {"python", "output"},
    "csharp": {"csharp"},
    "": {"python", "csharp", "output"},
}


def test_every_fenced_block_of_the_article_is_mapped() -> None:
    reference = _reference()
    if reference is None:
        pytest.skip(
            "the reference article is not beside this clone (../shared/reference/) nor in"
            " PARITY_REFERENCE"
        )
    blocks = _fenced_blocks(reference.read_text(encoding="utf-8"))
    mapped = {x.lines: x.kind for x in load_listings()}
    assert sorted(set(blocks) - set(mapped)) == []  # a listing nobody mapped
    assert sorted(set(mapped) - set(blocks)) == []  # a range that is no block of the article
    wrong_kind = [
        lines for lines, kind in mapped.items() if kind not in _KINDS_FOR_FENCE[blocks[lines]]
    ]
    assert wrong_kind == []


def test_every_listing_names_a_concept_and_a_region_of_its_source(cat: Catalog) -> None:
    listings = load_listings()
    assert len({x.lines for x in listings}) == len(listings)
    for listing in listings:
        concept = cat.get(listing.concept)
        if listing.kind == "output":
            continue
        path = concept.python_path if listing.kind == "python" else concept.dotnet_path
        assert path is not None, f"{listing.lines}: {concept.id} has no {listing.kind} source"
        assert docs.region_line(path, listing.region), (
            f"{listing.lines}: no region {listing.region} in {path.name}"
        )


def test_a_listing_must_name_a_region_unless_it_is_output(tmp_path: Path) -> None:
    path = tmp_path / "listings.toml"
    path.write_text(
        '[[listing]]\nlines = "1-3"\nkind = "python"\nconcept = "process.basic"\n', encoding="utf-8"
    )
    with pytest.raises(CatalogError, match="code names a region"):
        load_listings(path)


# Where a claim can be checked: a web page, a file of a project's sources, a man page, an RFC or a
# PEP; for a claim about the article, the article's text.
_SOURCE = re.compile(
    r"https?://|\b[\w-]+(?:\.[\w-]+)*\.(?:com|org|io|dev|net)\b"
    r"|\b[\w/.-]*\.(?:py|cs|c|h|json|conf|rst|md)\b"
    r"|\b\w+\(\d\)|\bRFC \d+|\bPEP \d+|\b(?:cpython|runtime)#\d+"
    r"|the API reference|documentation|the article's text"
)
# The chapters past the article, and every claim a benchmark decides.
_AUDITED_CHAPTERS = {"bridge", "fault", "further", "scale"}


def test_every_claim_past_the_article_names_its_primary_source(cat: Catalog) -> None:
    missing = [
        f"{concept.id}: {claim.text}"
        for concept in cat.concepts
        for claim in concept.claims
        if concept.chapter in _AUDITED_CHAPTERS or any("benchmarks.md" in e for e in claim.evidence)
        if not _SOURCE.search(claim.note)
    ]
    assert missing == []


@pytest.mark.parametrize(
    ("note", "named"),
    [
        ("Measured here: 3 ms.", False),
        ("Checked on .NET 10.", False),
        ("Source: Lib/multiprocessing/pool.py, Pool.join.", True),
        ("prctl(2) (Linux man-pages): Linux only.", True),
        ("See learn.microsoft.com/dotnet/api/system.threading.channels.", True),
        ("Checked against the article's text.", True),
    ],
)
def test_the_source_check_tells_a_source_from_a_measurement(note: str, named: bool) -> None:
    assert bool(_SOURCE.search(note)) is named
