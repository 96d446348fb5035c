"""The closing section's claims about the article itself, checked against the article's text.

The article (not in this repository) is read from beside the clone, as the listings test does;
its code blocks are searched for the APIs of each library the closing section names.
"""

from __future__ import annotations

import re

import pytest

from ..test_catalog import _reference

# Each topic the closing section leaves out, and the names a program using it would contain.
TOPICS = {
    "data flow": r"Dataflow|TransformBlock|ActionBlock|BufferBlock|LinkTo",
    "reactive programming": r"IObservable|Observable\.|\.Subscribe\(|System\.Reactive",
    "immutable types": r"Immutable",
    "rate limiting": r"RateLimit|TokenBucket|FixedWindow|SlidingWindow",
    "task scheduling": r"TaskScheduler|SchedulerPair|LongRunning|TaskCreationOptions",
}
CLOSING_HEADING = "### 扩充说明"  # the article's "further notes"


def _article() -> str:
    reference = _reference()
    if reference is None:
        pytest.skip("the reference article is not beside this clone (../shared/reference/)")
    return reference.read_text(encoding="utf-8")


def _code_blocks(text: str) -> list[str]:
    return re.findall(r"^```[^\n]*\n(.*?)^```", text, flags=re.MULTILINE | re.DOTALL)


@pytest.mark.parametrize("topic", TOPICS)
def test_no_code_block_of_the_article_uses_the_topic(topic: str) -> None:
    blocks = _code_blocks(_article())
    assert len(blocks) > 90  # every block was found (the article has 97)
    assert [b for b in blocks if re.search(TOPICS[topic], b)] == []


def test_the_closing_section_only_names_the_libraries_to_look_up() -> None:
    text = _article()
    body, closing = text.split(CLOSING_HEADING)
    assert "```" not in closing  # no code after the heading
    for package in ("Microsoft.Tpl.Dataflow", "Rx-Main", "Microsoft.Bcl.Immutable"):
        assert package in closing
        assert package not in body
