"""Build the study site: one page per concept (regions paired by name, Python left, C# right),
a page per chapter, the index with its search, the benchmarks, the errata and the coverage.

Deterministic: the same sources and the same setting give the same bytes (no dates, sorted
walks, one newline style). Source links go to `PARITY_SOURCE_URL` (e.g. a GitHub blob URL at a
commit) when it is set, else to the files of this checkout, relative to the site folder.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urldefrag

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markdown_it import MarkdownIt
from markdown_it.token import Token
from markupsafe import Markup
from pygments import lex
from pygments.formatters import HtmlFormatter
from pygments.lexer import Lexer
from pygments.lexers import CSharpLexer, PythonLexer, TextLexer
from pygments.token import Name, _TokenType

from parity import docs
from parity.catalog import Catalog, Chapter, Concept, benchmark_anchor, load, load_listings
from parity.paths import COMPARISONS, DOTNET_SRC, ROOT

HERE = Path(__file__).resolve().parent
DEFAULT_OUT = ROOT / "site"
SOURCE_URL_SETTING = "PARITY_SOURCE_URL"
MARKER = ".parity-site"  # a folder holding it is ours to empty before a build
BENCHMARKS_DIR = COMPARISONS / "benchmarks"
MAX_PAGE_BYTES = 300_000
LANGUAGES = {"python": ("Python", "py"), "dotnet": ("C#", "cs")}
VERDICT_LABELS = {
    "holds": "holds",
    "wrong": "wrong",
    "depends-on-version": "depends on version",
    "depends-on-platform": "depends on platform",
    "not-guaranteed": "not guaranteed",
    "opinion": "opinion",
}
_WORD = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{2,}$")


class SiteError(RuntimeError):
    """The site cannot be built (a folder that is not ours, a page over the size limit)."""


@dataclass(frozen=True)
class Region:
    name: str  # "" for a file without regions, shown whole
    code: str
    language: str  # "python" or "dotnet"
    href: str  # the source lines it comes from
    lines: str  # "12-30", for the reader

    @property
    def label(self) -> str:
        return LANGUAGES[self.language][0]


@dataclass(frozen=True)
class Row:
    name: str
    python: Region | None
    dotnet: Region | None


class Links:
    """Where the site points: its own pages, and the sources (the setting, else this checkout)."""

    def __init__(self, catalog: Catalog, out: Path, source_url: str) -> None:
        self.catalog = catalog
        self.source_url = source_url.rstrip("/")
        self.local_root = Path(os.path.relpath(ROOT, out)).as_posix()
        self.by_anchor = {docs.anchor(c.id): c for c in catalog.concepts}
        self.chapter_ids = {c.id for c in catalog.chapters}

    def source(self, rel: str, first: int | None = None, last: int | None = None) -> str:
        if self.source_url:
            lines = f"#L{first}" if first else ""
            if first and last and last > first:
                lines += f"-L{last}"
            return f"{self.source_url}/{rel}{lines}"
        return f"{self.local_root}/{rel}" + (f"#L{first}" if first else "")

    def evidence(self, reference: str) -> tuple[str, str]:
        """(href, text) for a claim's evidence: a benchmark row or the line of a test."""
        if anchor := benchmark_anchor(reference):
            return f"benchmarks.html#{anchor}", f"benchmarks: {anchor}"
        path, _, name = reference.partition("::")
        return self.source(path, docs.evidence_line(reference)), name

    def comparisons_href(self, href: str) -> str:
        """A link written for a page in comparisons/ (the generated Markdown), made a site link."""
        path, fragment = urldefrag(href)
        if href.startswith(("http://", "https://", "mailto:")) or not path:
            return href
        if path.startswith("benchmarks/"):
            return href  # the plots are copied beside the page
        tail = f"#{fragment}" if fragment else ""
        pages = {"README.md": "index.html", "benchmarks.md": f"benchmarks.html{tail}"}
        pages |= {name: f"{name[:-3]}.html{tail}" for name in ("errata.md", "coverage.md")}
        if path in pages:
            return pages[path]
        if path.endswith(".md") and path[:-3] in self.chapter_ids:
            concept = self.by_anchor.get(fragment)
            return concept_file(concept) if concept else f"{path[:-3]}.html"
        rel = os.path.normpath(Path("comparisons") / path).replace(os.sep, "/")
        line = re.fullmatch(r"L(\d+)", fragment)
        return self.source(rel, int(line.group(1)) if line else None)


def concept_file(concept: Concept) -> str:
    return f"{concept.id}.html"


def _markdown() -> MarkdownIt:
    # Our own Markdown (generated pages, catalog prose): tables on, raw HTML for the anchors.
    return MarkdownIt("commonmark", {"html": True}).enable("table")


def _prose_md() -> MarkdownIt:
    # Catalog prose: no raw HTML, so a `<` in a type name stays text.
    return MarkdownIt("commonmark", {"html": False})


class Highlighter:
    def __init__(self) -> None:
        self.formatter = HtmlFormatter(nowrap=True)
        # ensurenl off: the highlighted text is exactly the listing (what the copy button copies).
        self.lexers: dict[str, Lexer] = {
            "python": PythonLexer(ensurenl=False),
            "dotnet": CSharpLexer(ensurenl=False),
            "text": TextLexer(ensurenl=False),
        }

    def html(self, code: str, language: str) -> Markup:
        lexer = self.lexers[language]
        out: list[str] = []
        self.formatter.format(lexer.get_tokens(code), _Sink(out))
        html = "".join(out)
        # Pygments ends the last line with a newline the listing does not have: the copy button
        # copies the text of the block, so it must be the listing exactly.
        if html.endswith("\n") and not code.endswith("\n"):
            html = html[:-1]
        return Markup(html)

    def names(self, code: str, language: str) -> set[str]:
        """The identifiers a listing uses (`WhenAll`, `apply_async`): what search can find it by."""
        return {
            value
            for token, value in lex(code, self.lexers[language])
            if _is_name(token) and _WORD.match(value)
        }


def _is_name(token: _TokenType) -> bool:
    return token in Name


class _Sink:
    def __init__(self, out: list[str]) -> None:
        self.out = out

    def write(self, text: str) -> None:
        self.out.append(text)


def _regions(concept: Concept, language: str, links: Links) -> list[Region]:
    path = concept.python_path if language == "python" else concept.dotnet_path
    if path is None:
        return []
    text = path.read_text(encoding="utf-8")
    rel = path.relative_to(ROOT).as_posix()
    parts = docs.regions(text, rel)
    if not parts:
        last = len(text.splitlines())
        return [Region("", text.strip("\n"), language, links.source(rel), f"1-{last}")]
    spans = docs.region_spans(text)
    return [
        Region(name, code, language, links.source(rel, *spans[name]), "{}-{}".format(*spans[name]))
        for name, code in parts.items()
    ]


def pair_rows(python: list[Region], dotnet: list[Region]) -> list[Row]:
    """Regions paired by name in rows, in the order the Markdown pages show them too."""
    left, right = {r.name: r for r in python}, {r.name: r for r in dotnet}
    names = docs.pair_names(list(left), list(right))
    return [Row(name, left.get(name), right.get(name)) for name in names]


@dataclass(frozen=True)
class Side:
    language: str
    label: str
    file: str  # the file's name, or "" when this language has no implementation
    file_href: str
    missing: Markup  # why there is no implementation (with the nearest counterpart), as HTML
    output: str | None  # the recorded sample


class Builder:
    def __init__(self, catalog: Catalog, out: Path, source_url: str) -> None:
        self.catalog = catalog
        self.out = out
        self.links = Links(catalog, out, source_url)
        self.highlight = Highlighter()
        self.md = _markdown()
        self.prose_md = _prose_md()
        self.env = Environment(
            loader=FileSystemLoader(HERE / "templates"),
            autoescape=True,
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
        )
        self.env.filters["prose"] = self.prose
        self.env.filters["prose_block"] = self.prose_block
        self.env.filters["code"] = self.highlight.html
        self.env.globals.update(
            verdicts=VERDICT_LABELS,
            chapters=catalog.chapters,
            concept_file=concept_file,
            languages=LANGUAGES,
        )
        self.pages: dict[str, str | bytes] = {}

    # -- prose ---------------------------------------------------------------------------
    def prose(self, text: str) -> Markup:
        """Catalog prose as inline HTML (code spans, emphasis), C# file names linked."""
        html = self.prose_md.renderInline(docs.prose(text))
        return Markup(self._link_cs_files(html))

    def prose_block(self, text: str) -> Markup:
        return Markup(self._markdown_html(text))

    def _link_cs_files(self, html: str) -> str:
        def link(match: re.Match[str]) -> str:
            path = DOTNET_SRC / match.group(0)
            if not path.is_file():
                return match.group(0)
            href = self.links.source(path.relative_to(ROOT).as_posix())
            return f'<a href="{href}">{match.group(0)}</a>'

        # Only outside tags: a file name in text or in <code>, never inside an attribute.
        return re.sub(r"(?<![\w/\"=])[\w/]+\.cs\b(?![^<]*>)", link, html)

    def _markdown_html(self, text: str) -> str:
        """Our generated Markdown (errata, coverage, benchmarks, a chapter's intro) as HTML,
        its links made site links."""
        tokens = self.md.parse(text)
        for token in _walk(tokens):
            if token.type == "link_open":
                token.attrSet("href", self.links.comparisons_href(str(token.attrGet("href"))))
            elif token.type == "image":
                token.attrSet("src", self.links.comparisons_href(str(token.attrGet("src"))))
            elif token.type == "table_open":
                token.attrSet("class", "wide")
        html: str = self.md.renderer.render(tokens, self.md.options, {})
        return html.replace("<table", '<div class="table-scroll" tabindex="0"><table').replace(
            "</table>", "</table></div>"
        )

    # -- pages ---------------------------------------------------------------------------
    def side(self, concept: Concept, language: str) -> Side:
        label = LANGUAGES[language][0]
        path = concept.python_path if language == "python" else concept.dotnet_path
        sample = docs.SAMPLES / f"{concept.id}.{language}.txt"
        output = sample.read_text(encoding="utf-8").rstrip() if sample.is_file() else None
        if path is None:
            reason = (
                concept.python_none_reason if language == "python" else concept.dotnet_none_reason
            )
            missing = self.prose(reason)
            if concept.nearest:
                missing = Markup(f"{missing} Nearest: {self.prose(concept.nearest)}")
            return Side(language, label, "", "", missing, output)
        rel = path.relative_to(ROOT).as_posix()
        return Side(language, label, path.name, self.links.source(rel), Markup(""), output)

    def claims_by_source(self, concept: Concept) -> list[tuple[str, list[dict[str, object]]]]:
        groups: dict[str, list[dict[str, object]]] = {}
        for claim in concept.claims:
            groups.setdefault(claim.source, []).append(
                {
                    "claim": claim,
                    "evidence": [self.links.evidence(e) for e in claim.evidence],
                }
            )
        return list(groups.items())

    def run_commands(self, concept: Concept) -> list[str]:
        commands = [f"invoke run {concept.id}"]
        if concept.python and concept.dotnet:
            commands += [
                f"invoke run {concept.id} --lang py",
                f"invoke run {concept.id} --lang dotnet",
            ]
        if concept.module:
            commands.append(f"python -m {concept.module}")
        return commands

    def concept_page(self, concept: Concept, prev: Concept | None, nxt: Concept | None) -> str:
        rows = pair_rows(
            _regions(concept, "python", self.links), _regions(concept, "dotnet", self.links)
        )
        chapter = next(c for c in self.catalog.chapters if c.id == concept.chapter)
        return self.env.get_template("concept.html").render(
            title=f"{concept.id}: {concept.title}",
            concept=concept,
            chapter=chapter,
            rows=rows,
            sides=[self.side(concept, "python"), self.side(concept, "dotnet")],
            claim_groups=self.claims_by_source(concept),
            counts=Counter(c.verdict for c in concept.claims),
            commands=self.run_commands(concept),
            prev=prev,
            next=nxt,
            sample_note=self.prose(docs.SAMPLE_SCALE_NOTE[0].upper() + docs.SAMPLE_SCALE_NOTE[1:]),
            timeline=self.timeline(concept),
        )

    def timeline(self, concept: Concept) -> dict[str, object] | None:
        """The concept's drawn timeline and its traces, copied beside the pages; None if none."""
        drawn = docs.TIMELINES / f"{concept.id}.svg"
        if not drawn.is_file():
            return None
        self.pages[f"timelines/{drawn.name}"] = drawn.read_bytes()
        traces = []
        for language, path in docs.trace_files(concept).items():
            if path.is_file():
                self.pages[f"traces/{path.name}"] = path.read_bytes()
                traces.append((LANGUAGES[language][0], f"traces/{path.name}"))
        note = docs.TIMELINE_NOTE.format(id=concept.id)
        return {"svg": f"timelines/{drawn.name}", "traces": traces, "note": self.prose(note)}

    def chapter_page(self, chapter: Chapter) -> str:
        concepts = self.catalog.in_chapter(chapter.id)
        return self.env.get_template("chapter.html").render(
            title=chapter.title,
            chapter=chapter,
            concepts=concepts,
            part=docs.PART_TITLES[chapter.part],
            counts={c.id: Counter(x.verdict for x in c.claims) for c in concepts},
            intro=self.prose_block(chapter.intro) if chapter.intro else "",
            prev=None,
            next=None,
        )

    def index_page(self) -> str:
        chapters = [(ch, self.catalog.in_chapter(ch.id)) for ch in self.catalog.chapters]
        concepts = self.catalog.concepts
        return self.env.get_template("index.html").render(
            title="Concurrency Parity",
            chapters=[(ch, cs) for ch, cs in chapters if cs],
            counts={c.id: Counter(x.verdict for x in c.claims) for c in concepts},
            totals=Counter(x.verdict for c in concepts for x in c.claims),
            concept_count=len(concepts),
            claim_count=sum(len(c.claims) for c in concepts),
            prev=None,
            next=None,
        )

    def markdown_page(self, title: str, markdown: str) -> str:
        body = markdown.split("\n", 1)[1] if markdown.startswith("<!--") else markdown
        return self.env.get_template("markdown.html").render(
            title=title,
            body=Markup(self._markdown_html(body)),
            prev=None,
            next=None,
        )

    def search_index(self) -> str:
        entries = []
        for concept in self.catalog.concepts:
            names: set[str] = set()
            for language in ("python", "dotnet"):
                for region in _regions(concept, language, self.links):
                    names |= self.highlight.names(region.code, language)
            entries.append(
                {
                    "id": concept.id,
                    "title": concept.title,
                    "url": concept_file(concept),
                    "claims": [c.text for c in concept.claims],
                    "names": sorted(names),
                }
            )
        data = json.dumps(entries, ensure_ascii=False, separators=(",", ":"))
        # A script, not JSON: a page opened from file:// may load a script but not fetch a file.
        return f"window.PARITY_INDEX = {data};\n"

    def styles(self) -> str:
        light = HtmlFormatter(style="default").get_style_defs(".hl")
        dark = HtmlFormatter(style="github-dark").get_style_defs(".hl")
        css = (HERE / "static" / "site.css").read_text(encoding="utf-8")
        return (
            f"{css}\n/* Pygments: default (light) */\n{light}\n"
            f"@media (prefers-color-scheme: dark) {{\n{dark}\n}}\n"
        )

    def render(self) -> dict[str, str | bytes]:
        concepts = list(self.catalog.concepts)
        for i, concept in enumerate(concepts):
            prev = concepts[i - 1] if i > 0 else None
            nxt = concepts[i + 1] if i + 1 < len(concepts) else None
            self.pages[concept_file(concept)] = self.concept_page(concept, prev, nxt)
        for chapter in self.catalog.chapters:
            if self.catalog.in_chapter(chapter.id):
                self.pages[f"{chapter.id}.html"] = self.chapter_page(chapter)
        self.pages["index.html"] = self.index_page()
        self.pages["errata.html"] = self.markdown_page("Errata", docs.errata_page(self.catalog))
        self.pages["coverage.html"] = self.markdown_page(
            "Coverage", docs.coverage_page(self.catalog, load_listings())
        )
        bench = COMPARISONS / "benchmarks.md"
        if bench.is_file():
            self.pages["benchmarks.html"] = self.markdown_page(
                "Benchmarks", bench.read_text(encoding="utf-8")
            )
            # The plots, and the measurements behind them (pages link the JSON as their source).
            for data in sorted([*BENCHMARKS_DIR.glob("*.svg"), *BENCHMARKS_DIR.glob("*.json")]):
                self.pages[f"benchmarks/{data.name}"] = data.read_bytes()
        self.pages["search-index.js"] = self.search_index()
        self.pages["static/site.css"] = self.styles()
        self.pages["static/site.js"] = (HERE / "static" / "site.js").read_text(encoding="utf-8")
        self.pages[MARKER] = "Built by `invoke site`; the folder is emptied by the next build.\n"
        return self.pages


def _walk(tokens: list[Token]) -> Iterator[Token]:
    for token in tokens:
        yield token
        yield from _walk(token.children or [])


def _empty(out: Path) -> None:
    if out.exists():
        if any(out.iterdir()) and not (out / MARKER).is_file():
            raise SiteError(
                f"{out} is not empty and was not built by `invoke site`: not touching it"
            )
        shutil.rmtree(out)
    out.mkdir(parents=True)


def build(out: Path = DEFAULT_OUT, source_url: str | None = None) -> dict[str, int]:
    """Write the site under `out` (emptied first); return each file's size in bytes."""
    out = out.resolve()
    url = os.environ.get(SOURCE_URL_SETTING, "") if source_url is None else source_url
    pages = Builder(load(), out, url).render()
    too_big = [
        f"{name} ({len(_bytes(body)):,} bytes)"
        for name, body in pages.items()
        if name.endswith(".html") and len(_bytes(body)) > MAX_PAGE_BYTES
    ]
    if too_big:
        raise SiteError(f"pages over {MAX_PAGE_BYTES:,} bytes: {', '.join(too_big)}")
    _empty(out)
    sizes = {}
    for name, body in sorted(pages.items()):
        path = out / name
        path.parent.mkdir(parents=True, exist_ok=True)
        data = _bytes(body)
        path.write_bytes(data)
        sizes[name] = len(data)
    return sizes


def build_and_describe(out: str = "", source_url: str | None = None) -> str:
    """Build the site (into `out`, default site/) and say in one line what was written."""
    started = time.perf_counter()
    where = Path(out) if out else DEFAULT_OUT
    sizes = build(where, source_url)
    return (
        f"site: {len(sizes)} files, {sum(sizes.values()) / 1e6:.1f} MB in {where} "
        f"({time.perf_counter() - started:.1f} s); open {where / 'index.html'}"
    )


def _bytes(body: str | bytes) -> bytes:
    return body.encode("utf-8") if isinstance(body, str) else body
