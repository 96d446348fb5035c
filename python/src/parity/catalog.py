"""The catalog (comparisons/catalog/<chapter>.toml): every concept once, the source of truth.

Everything else derives from it: `invoke list`, the runners, the parity test, the pages.
"""

from __future__ import annotations

import difflib
import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from parity.paths import CATALOG, DOTNET_SRC, PYTHON_SRC

# What each verdict means: comparisons/catalog/README.md.
VERDICTS = (
    "holds",
    "wrong",
    "depends-on-version",
    "depends-on-platform",
    "not-guaranteed",
    "opinion",
)
PARTS = ("since", "python", "dotnet", "beyond")
LISTINGS = CATALOG / "listings.toml"
LISTING_KINDS = ("python", "csharp", "output")
# Files in the catalog folder that are not chapters.
NOT_CHAPTERS = {"chapters", "listings"}


class CatalogError(ValueError):
    """The catalog itself is malformed."""


class UnknownConcept(LookupError):
    def __init__(self, concept_id: str, closest: list[str]) -> None:
        hint = f"; closest: {', '.join(closest)}" if closest else ""
        super().__init__(f"unknown concept {concept_id!r}{hint} (`invoke list` shows every id)")
        self.closest = closest


@dataclass(frozen=True)
class Claim:
    text: str
    verdict: str
    evidence: tuple[str, ...]
    note: str = ""
    decided_on: str = ""  # for a claim about other platforms: which platform's run decided it
    source: str = (
        "the article"  # whose claim it is: the claim's `source`, else its chapter's claims_from
    )


@dataclass(frozen=True)
class Chapter:
    id: str
    title: str
    part: str
    summary: str
    claims_from: str = "the article"
    intro: str = (
        ""  # Markdown shown under the concept list (a chapter's own tables and notes), as written
    )


@dataclass(frozen=True)
class Concept:
    id: str
    title: str
    chapter: str
    section: str
    python: str | None
    dotnet: str | None
    dotnet_none_reason: str = ""
    python_none_reason: str = ""
    nearest: str = ""
    differences: tuple[str, ...] = ()
    claims: tuple[Claim, ...] = field(default_factory=tuple)

    @property
    def module(self) -> str | None:
        """The Python module to run with `python -m`, e.g. parity.pool.apply_async."""
        if self.python is None:
            return None
        return self.python.removesuffix(".py").replace("/", ".")

    @property
    def python_path(self) -> Path | None:
        return PYTHON_SRC / self.python if self.python else None

    @property
    def dotnet_path(self) -> Path | None:
        return DOTNET_SRC / self.dotnet if self.dotnet else None

    def has(self, language: str) -> bool:
        return (self.python if language == "python" else self.dotnet) is not None


@dataclass(frozen=True)
class Catalog:
    chapters: tuple[Chapter, ...]
    concepts: tuple[Concept, ...]

    def get(self, concept_id: str) -> Concept:
        for concept in self.concepts:
            if concept.id == concept_id:
                return concept
        ids = [c.id for c in self.concepts]
        # Ids that start with what was typed first, then the most similar ones.
        ranked = sorted(
            ids,
            key=lambda i: (
                not i.startswith(concept_id),
                -difflib.SequenceMatcher(None, concept_id, i).ratio(),
            ),
        )
        raise UnknownConcept(concept_id, ranked[:3])

    def in_chapter(self, chapter: str) -> list[Concept]:
        return [c for c in self.concepts if c.chapter == chapter]


def _implementation(raw: dict[str, object], key: str, cid: str) -> tuple[str | None, str]:
    value = raw.get(key)
    if isinstance(value, str):
        if value == "none":
            reason = raw.get(f"{key}_none_reason")
            if not isinstance(reason, str) or not reason:
                raise CatalogError(f"{cid}: {key} = 'none' needs {key}_none_reason")
            return None, reason
        return value, ""
    raise CatalogError(f"{cid}: {key} must be a path or 'none'")


BENCHMARKS_PAGE = "comparisons/benchmarks.md"


def benchmark_anchor(reference: str) -> str | None:
    """The anchor of evidence that cites a benchmark row (`comparisons/benchmarks.md#plinq-sum`),
    or None for a test reference. Speed is decided by ratios measured in one `invoke bench` run."""
    page, sep, anchor = reference.partition("#")
    return anchor if sep and page == BENCHMARKS_PAGE and anchor else None


def parse(data: dict[str, object]) -> Catalog:
    chapters = tuple(
        Chapter(
            c["id"],
            c["title"],
            c["part"],
            c.get("summary", ""),
            c.get("claims_from", "the article"),
            c.get("intro", "").strip(),
        )
        for c in data.get("chapter", [])  # type: ignore[attr-defined]
    )
    for chapter in chapters:
        if chapter.part not in PARTS:
            raise CatalogError(f"chapter {chapter.id}: part {chapter.part!r} is not one of {PARTS}")
    chapter_ids = {c.id for c in chapters}
    claims_from = {c.id: c.claims_from for c in chapters}
    concepts: list[Concept] = []
    seen: set[str] = set()
    for raw in data.get("concept", []):  # type: ignore[attr-defined]
        cid = raw["id"]
        if cid in seen:
            raise CatalogError(f"{cid}: listed twice")
        seen.add(cid)
        if raw["chapter"] not in chapter_ids:
            raise CatalogError(f"{cid}: unknown chapter {raw['chapter']!r}")
        python, py_reason = _implementation(raw, "python", cid)
        dotnet, dn_reason = _implementation(raw, "dotnet", cid)
        claims = []
        for c in raw.get("claim", []):
            if c["verdict"] not in VERDICTS:
                raise CatalogError(f"{cid}: verdict {c['verdict']!r} is not one of {VERDICTS}")
            evidence = c.get("evidence", [])
            if not evidence:
                raise CatalogError(f"{cid}: the claim {c['text'][:40]!r}... names no test")
            claims.append(
                Claim(
                    c["text"],
                    c["verdict"],
                    tuple(evidence),
                    c.get("note", ""),
                    c.get("decided_on", ""),
                    c.get("source", claims_from[raw["chapter"]]),
                )
            )
        concepts.append(
            Concept(
                id=cid,
                title=raw["title"],
                chapter=raw["chapter"],
                section=raw["section"],
                python=python,
                dotnet=dotnet,
                dotnet_none_reason=dn_reason,
                python_none_reason=py_reason,
                nearest=raw.get("nearest", ""),
                differences=tuple(raw.get("differences", [])),
                claims=tuple(claims),
            )
        )
    return Catalog(chapters, tuple(concepts))


def _read(path: Path) -> dict[str, object]:
    with open(path, "rb") as f:
        return tomllib.load(f)


@cache
def load(folder: Path = CATALOG) -> Catalog:
    """Every chapter file, in the order chapters.toml gives, parsed as one catalog."""
    order = _read(folder / "chapters.toml").get("order", [])
    if not isinstance(order, list) or not order:
        raise CatalogError(f"{folder / 'chapters.toml'}: `order` must list the chapter ids")
    on_disk = {p.stem for p in folder.glob("*.toml")} - NOT_CHAPTERS
    if unlisted := on_disk - set(order):
        raise CatalogError(f"chapters.toml does not list {', '.join(sorted(unlisted))}")
    if missing := set(order) - on_disk:
        raise CatalogError(f"chapters.toml lists {', '.join(sorted(missing))}, with no file")
    chapters: list[object] = []
    concepts: list[object] = []
    for chapter_id in order:
        data = _read(folder / f"{chapter_id}.toml")
        header = data.get("chapter")
        if not isinstance(header, dict) or header.get("id") != chapter_id:
            raise CatalogError(
                f"{chapter_id}.toml: needs a [chapter] table with id = {chapter_id!r}"
            )
        for raw in data.get("concept", []):  # type: ignore[attr-defined]
            if (said := raw.get("chapter")) != chapter_id:
                raise CatalogError(
                    f"{raw.get('id')}: listed in {chapter_id}.toml, says chapter {said!r}"
                )
        chapters.append(header)
        concepts += data.get("concept", [])  # type: ignore[arg-type]
    return parse({"chapter": chapters, "concept": concepts})


@dataclass(frozen=True)
class Listing:
    """One fenced block of the reference article and the concept (and region) that shows it."""

    first: int
    last: int
    kind: str
    concept: str
    region: str = ""

    @property
    def lines(self) -> str:
        return f"{self.first}-{self.last}"


def load_listings(path: Path = LISTINGS) -> tuple[Listing, ...]:
    """The article's listings in article order (comparisons/catalog/listings.toml)."""
    listings = []
    for raw in _read(path).get("listing", []):  # type: ignore[attr-defined]
        first, _, last = str(raw["lines"]).partition("-")
        if not (first.isdigit() and last.isdigit()) or int(first) >= int(last):
            raise CatalogError(f"listing {raw['lines']!r}: lines must be 'first-last'")
        if raw["kind"] not in LISTING_KINDS:
            raise CatalogError(
                f"listing {raw['lines']}: kind {raw['kind']!r} is not one of {LISTING_KINDS}"
            )
        region = raw.get("region", "")
        if (raw["kind"] == "output") == bool(region):
            raise CatalogError(f"listing {raw['lines']}: code names a region, output none")
        listings.append(Listing(int(first), int(last), raw["kind"], raw["concept"], region))
    return tuple(sorted(listings, key=lambda x: x.first))
