"""Reading a plan's tab table: cell text as a reader sees it, and the references an action points to."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import edit_file
from helpers.plans.plan_tables import clean_text, cross_references, is_only_cross_reference
from made_up_reviews import extract_refuses


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


# --- Bad input: a tab table that cannot be read.
# Extraction stops with one plain line naming the file and line, and keeps the tables it made before
# (these cases were in tests/test_bad_input.py).

FINANCE = "raw/2021-10-05-cabinet-finance-peer-challenge-action-plan.txt"
BAD_INPUT = {
    "table header not found": (
        lambda d: edit_file(d, "reviews/2021-finance.yaml", 'header: "Rec\\tPeer', 'header: "Ref\\tPeer'),
        "2021-10-05-cabinet-finance-peer-challenge-action-plan.txt:105",
        "was not found; the nearest line is 105",
    ),
    "duplicated recommendation number": (
        lambda d: edit_file(d, FINANCE, "\n12.\tEmbed the performance", "\n11.\tEmbed the performance"),
        "2021-10-05-cabinet-finance-peer-challenge-action-plan.txt:123",
        "recommendation 11 appears twice",
    ),
}


@pytest.mark.parametrize("case", BAD_INPUT)
def test_bad_input_gives_one_line_error_and_keeps_previous_tables(data_copy: Path, case: str):
    extract_refuses(data_copy, *BAD_INPUT[case])
