"""Column headings matched to fields (helpers.plans.importing.headers) by the spellings in data/vocabulary.yaml
(plan_headers) and the analyst's own mapping (import_columns): case, spaces and punctuation never matter."""

from __future__ import annotations

import os
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import error
from helpers.base import vocabulary
from helpers.plans.importing.cells import Cell, Row
from helpers.plans.importing.headers import IGNORE, field_of, fold, match_header, spellings

settings.register_profile("headers", deadline=None, derandomize="MUTANT_UNDER_TEST" in os.environ)
settings.load_profile("headers")

KNOWN = spellings()
HEADINGS = sorted({s for words in KNOWN.values() for s in words})
GAPS = st.sampled_from([" ", "  ", "\n", " - ", ": ", ".", "/", "\t"])


@st.composite
def respelled(draw, heading: str) -> str:
    """`heading` as a plan may print it: each letter's case at random, its words joined by other spaces or
    punctuation, with some before and after."""
    words = ["".join(c.upper() if draw(st.booleans()) else c.lower() for c in w) for w in heading.split()]
    text = words[0]
    for word in words[1:]:
        text += draw(GAPS) + word
    return draw(st.sampled_from(["", " ", "\n", "("])) + text + draw(st.sampled_from(["", " ", ":", " )", "\n"]))


@given(st.sampled_from(HEADINGS).flatmap(lambda h: st.tuples(st.just(h), respelled(h))))
def test_a_heading_means_the_same_field_whatever_its_case_spaces_or_punctuation(pair):
    heading, printed = pair
    assert fold(printed) == fold(heading)
    assert field_of(printed, KNOWN, {}) == field_of(heading, KNOWN, {}) is not None


@given(
    st.sampled_from(["Officer RAG", "Peer team view", "Our ref"]).flatmap(lambda h: st.tuples(st.just(h), respelled(h)))
)
def test_the_analyst_s_mapping_matches_a_heading_however_it_is_printed(pair):
    # import_columns maps "Peer team view" (no vocabulary spelling) to the recommendation, as typed in the metadata.
    heading, printed = pair
    mapped = {heading.upper(): "recommendation"}
    assert field_of(printed, KNOWN, mapped) == "recommendation"
    assert field_of(printed, KNOWN, {heading: IGNORE}) == IGNORE


def test_a_field_is_taken_once_by_its_leftmost_column_and_a_longer_spelling_wins():
    row = Row(
        [Cell(t) for t in ["Ref", "Recommendation", "Agreed action", "Action owner", "Lead", "", "Target date"]], 1, 1
    )
    # "Action owner" holds "action" and "owner" (lead): the longer spelling names the field; "Lead" comes second.
    assert match_header(row, KNOWN, {}) == ["rec_ref", "recommendation", "action", "lead", None, None, "target"]


def test_a_vocabulary_without_the_headings_or_with_an_unknown_field_is_one_line_naming_the_file(data_copy: Path):
    path = data_copy / "vocabulary.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("plan_headers:", "plan_headings:"), encoding="utf-8")
    err = error(spellings)
    assert err.file == path
    assert err.message == "plan_headers must list the spellings of each column heading, recommendation among them"
    path.write_text(text.replace("  rec_ref: [Rec,", "  reference: [Rec,"), encoding="utf-8")
    vocabulary._load.cache_clear()  # read once per run: read the changed file again
    err = error(spellings)
    assert err.file == path and err.message.startswith("plan_headers: 'reference' is not a field (fields: ")
