import pytest

from parity import docs


def test_committed_pages_are_not_stale() -> None:
    stale = [str(p.relative_to(docs.ROOT)) for p in docs.stale()]
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
    for concept in docs.load().concepts:
        for path in (concept.python_path, concept.dotnet_path):
            if path is not None:
                docs.listing(path)  # raises RegionError when malformed
