"""The study site and the Markdown pages in a real browser: Debian's chromium, driven by
playwright-core (python/tests/browser, `npm ci` there), measured by browser/checks.mjs.

Where chromium, node or the npm packages are missing these tests skip and say why; with CI=true
they fail instead, so CI never passes them unseen. Screenshots land in .screenshots/ for people.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from markdown_it import MarkdownIt

from parity import docs
from parity.catalog import load
from parity.common.timing import LONG_TIMEOUT
from parity.paths import COMPARISONS, ROOT
from parity.site import build

BROWSER_TESTS = Path(__file__).resolve().parent / "browser"
CHROMIUM = Path(os.environ.get("PARITY_CHROMIUM", "/usr/bin/chromium"))
SHOTS = ROOT / ".screenshots"
GITHUB_CSS = BROWSER_TESTS / "node_modules" / "github-markdown-css" / "github-markdown-light.css"
GITHUB_COLUMN = 1012  # px: the width GitHub gives a Markdown file at a 1280-px window
SERIOUS = {"serious", "critical"}


def _missing() -> str | None:
    if shutil.which("node") is None:
        return "node is not installed (Debian: apt-get install nodejs npm)"
    if not CHROMIUM.is_file():
        return f"{CHROMIUM} is missing (Debian: apt-get install chromium)"
    if not (BROWSER_TESTS / "node_modules" / "playwright-core").is_dir():
        return "the npm packages are missing: run `npm ci` in python/tests/browser"
    return None


def _checks(mode: str, folder: Path) -> dict[str, Any]:
    if reason := _missing():
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"browser tests cannot run in CI: {reason}")
        pytest.skip(reason)
    SHOTS.mkdir(exist_ok=True)
    done = subprocess.run(
        ["node", str(BROWSER_TESTS / "checks.mjs"), mode, str(folder), str(SHOTS)],
        cwd=BROWSER_TESTS,
        capture_output=True,
        text=True,
        timeout=LONG_TIMEOUT * 3,  # a few hundred page loads on a loaded machine
        check=False,
    )
    assert done.returncode == 0, f"checks.mjs {mode} failed:\n{done.stderr[-4000:]}"
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    folder = tmp_path_factory.mktemp("site")
    build(folder, source_url="")
    return _checks("site", folder)


def test_no_console_errors_and_no_request_leaves_the_site(site: dict[str, Any]) -> None:
    assert site["pages"] > len(load().concepts)
    assert site["console"] == []
    assert site["outside"] == []


@pytest.mark.parametrize("width", ["1280", "390"])
def test_no_page_scrolls_sideways(site: dict[str, Any], width: str) -> None:
    assert site["overflow"][width] == {}


def test_at_1280_px_the_two_listings_stand_side_by_side_inside_the_window(
    site: dict[str, Any],
) -> None:
    pair = site["pair_1280"]
    python, csharp = pair["python"], pair["csharp"]
    assert python["left"] >= 0
    assert csharp["left"] >= python["right"]  # C# to the right of Python...
    assert csharp["right"] <= pair["viewport"]  # ...and inside the window
    assert abs(csharp["top"] - python["top"]) < 1  # on one row


def test_side_by_side_the_code_shrinks_with_the_window_to_show_100_columns(
    site: dict[str, Any],
) -> None:
    """At 1280 px a pane shows about 80 columns in 12-px code (14 px would show 70); at 1600 px
    every line of 100 columns stands whole in both panes, with no sideways scroll."""
    narrow, wide = site["listings_1280"], site["listings_1600"]
    assert narrow["count"] == wide["count"] >= 4
    assert narrow["smallest_font"] >= 12
    assert narrow["fewest_columns"] >= 80
    assert wide["fewest_columns"] >= 100
    assert wide["scrolling"] == 0


def test_at_390_px_the_listings_stack_python_first(site: dict[str, Any]) -> None:
    pair = site["pair_390"]
    python, csharp = pair["python"], pair["csharp"]
    assert csharp["top"] >= python["bottom"]
    assert python["right"] <= pair["viewport"]
    assert csharp["right"] <= pair["viewport"]


def test_printed_the_listings_stack_and_the_controls_go(site: dict[str, Any]) -> None:
    pair = site["pair_print"]
    assert pair["csharp"]["top"] >= pair["python"]["bottom"]
    assert site["print_hidden"] == []


def test_focusing_or_hovering_a_python_region_marks_its_csharp_pair_only(
    site: dict[str, Any],
) -> None:
    assert site["marks_before"] == {"row": False, "others": 0}
    assert site["marks_focus"] == {"row": True, "others": 0}
    assert site["marks_blur"] == {"row": False, "others": 0}
    assert site["marks_hover"] == {"row": True, "others": 0}


def test_copy_buttons_copy_exactly_their_listing(site: dict[str, Any]) -> None:
    concept = load().get("task.when-all")
    assert concept.python_path is not None
    assert concept.dotnet_path is not None
    python = docs.regions(concept.python_path.read_text(encoding="utf-8"))
    csharp = docs.regions(concept.dotnet_path.read_text(encoding="utf-8"))
    sample = (docs.SAMPLES / "task.when-all.python.txt").read_text(encoding="utf-8").rstrip()
    assert site["copy"] == {
        "py-fetch-all": python["fetch-all"],
        "cs-fetch-all": csharp["fetch-all"],
        "cmd-1": "invoke run task.when-all",
        "out-py": sample,
    }


def test_slash_focuses_the_search_and_it_finds_concepts_by_api_name(site: dict[str, Any]) -> None:
    assert site["slash_focus"] == "search"
    assert site["search"]["WhenAll"][0] == "task.when-all.html"
    assert "pool.apply-async.html" in site["search"]["apply_async"]
    assert site["search"]["Task.WhenAny"][0] == "task.when-any.html"
    assert site["search_enter"] == "task.when-all.html"


def test_the_arrow_keys_go_to_the_next_and_previous_concept(site: dict[str, Any]) -> None:
    ids = [c.id for c in load().concepts]
    after = ids[ids.index("task.when-all") + 1]
    assert site["arrow_right"] == f"{after}.html"
    assert site["arrow_left"] == "task.when-all.html"


def test_axe_finds_nothing_serious_in_light_or_dark(site: dict[str, Any]) -> None:
    serious = {
        page: [v for v in found if v["impact"] in SERIOUS] for page, found in site["axe"].items()
    }
    assert any(page.startswith("dark ") for page in serious)
    assert {page: found for page, found in serious.items() if found} == {}


def test_with_javascript_off_the_page_reads_whole(site: dict[str, Any]) -> None:
    concept = load().get("task.when-all")
    nojs = site["nojs"]
    assert "download_all" in nojs["code"]
    assert nojs["claims"] == len(concept.claims)
    assert not nojs["searchVisible"]
    assert not nojs["copyVisible"]


def github_html(markdown: str, css: str) -> str:
    """A comparison page as GitHub shows it: its Markdown CSS, a 1012-px column."""
    body = MarkdownIt("commonmark", {"html": True}).enable("table").render(markdown)
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f'<link rel="stylesheet" href="{css}">'
        f"<style>body{{margin:0}} .markdown-body{{box-sizing:content-box;width:{GITHUB_COLUMN}px;"
        "margin:0 auto;padding:0}</style></head>"
        f'<body><article class="markdown-body">{body}</article></body></html>'
    )


@pytest.fixture(scope="module")
def markdown(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    folder = tmp_path_factory.mktemp("markdown")
    if GITHUB_CSS.is_file():
        shutil.copy(GITHUB_CSS, folder / "github.css")
    if docs.TIMELINES.is_dir():  # the pages' images, where their relative links expect them
        shutil.copytree(docs.TIMELINES, folder / "timelines")
    for chapter in load().chapters:
        page = COMPARISONS / f"{chapter.id}.md"
        if page.is_file():
            html = github_html(page.read_text(encoding="utf-8"), "github.css")
            (folder / f"{chapter.id}.html").write_text(html, encoding="utf-8")
    return _checks("markdown", folder)


def test_on_github_every_listing_stands_inside_the_column(markdown: dict[str, Any]) -> None:
    concepts = load().concepts
    assert markdown["listings"] >= len(concepts)  # every page rendered, every listing measured
    for found in markdown["pages"].values():
        assert found["column"]["right"] - found["column"]["left"] == GITHUB_COLUMN
    bad = {page: found["bad"] for page, found in markdown["pages"].items() if found["bad"]}
    assert bad == {}
    assert markdown["console"] == []
    assert markdown["outside"] == []
