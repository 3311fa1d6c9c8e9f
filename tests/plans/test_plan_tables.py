"""Reading a plan's tab table: cell text as a reader sees it, and the references an action points to."""

from __future__ import annotations

import pytest

from helpers.plans.plan_tables import clean_text, cross_references, is_only_cross_reference


def test_html_fragments_keep_text_and_drop_tags():
    assert clean_text("<p>See 8.</p> <p>The commercial strategy</p>") == "See 8. The commercial strategy"
    assert clean_text("a &amp; b") == "a & b"
    # Not a formatting tag: kept as text, to be escaped wherever it is shown.
    assert clean_text("<script>alert(1)</script>") == "<script>alert(1)</script>"


@pytest.mark.parametrize(
    "response, refs, only",
    [
        ("See 6", ["6"], True),
        ("See 35.", ["35"], True),
        ("As 41.", ["41"], True),
        ("See 8. The commercial strategy is one of a number of strategies", ["8"], False),
        ("Part of the HNB Strategy to be published in the Autumn 2021. See 41.", ["41"], False),
        ("The budget setting round for 2022/23 is already well under way.", [], False),
        # Other councils' wording and references (vocabulary.yaml lists the phrases).
        ("To be addressed through 2, above", ["2"], True),
        ("See R3.", ["R3"], True),
        ("As 1.2", ["1.2"], True),
        ("Covered by 4 and a new staff survey", ["4"], False),
    ],
)
def test_cross_references(response, refs, only):
    assert cross_references(response) == refs
    assert is_only_cross_reference(response) is only
