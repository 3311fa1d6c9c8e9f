"""Comparing councils (helpers.tracking.across_councils, notebook 05), on the shipped data plus a made-up council.

Expectations are worked out from the rules (a council raises a theme when one of
its reviews has a recommendation with it, or records it; pairs are only between
different councils), never by naming the councils the workspace ships with.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from helpers.committee import parameters
from helpers.plans import tables
from helpers.plans.extract import extract, write
from helpers.tracking import across_councils, workspace
from made_up_reviews import COUNCIL, add_both_reviews


@pytest.fixture
def two_more(data_copy: Path) -> Path:
    """The shipped workspace plus a made-up council's two plans, extracted."""
    add_both_reviews(data_copy)
    write(extract())
    return data_copy


def test_theme_counts_by_council_add_up_the_councils_reviews(two_more: Path):
    ws = workspace.load_workspace()
    counts, recorded = across_councils.theme_by_council(ws)
    assert list(counts.columns) == list(dict.fromkeys(ws.reviews["council"]))
    # Worked independently: each (review, recommendation) carrying a theme, counted once per council.
    long = ws.themes_long()
    long = long[long["rec_ref"].notna()].merge(ws.reviews[["review_id", "council"]], on="review_id")
    from helpers.plans.themes import theme_names

    names = theme_names()
    for (council, theme_id), group in long.groupby(["council", "theme_id"]):
        assert counts.loc[names[theme_id], council] == group[["review_id", "rec_ref"]].drop_duplicates().shape[0]
    # A recorded mark only where the council counts nothing for that theme.
    assert not (recorded & (counts > 0)).to_numpy().any()


def test_a_theme_raised_at_two_councils_recurs_and_recorded_ones_say_so(two_more: Path):
    ws = workspace.load_workspace()
    counts, recorded = across_councils.theme_by_council(ws)
    table = across_councils.recurring_themes(counts, recorded).set_index("theme")
    raised = (counts > 0) | recorded
    for theme, row in table.iterrows():
        assert row["councils raising it"] == int(raised.loc[theme].sum())
        assert row["of councils"] == len(counts.columns)
        for council in counts.columns:
            if recorded.loc[theme, council]:
                assert f"{council} (recorded)" in row["councils"]
    sentences = across_councils.recurring_sentences(table.reset_index())
    assert len(sentences) == int((raised.sum(axis=1) >= 2).sum())
    assert all(f"of {len(counts.columns)} councils' reviews" in s for s in sentences)


def test_alike_recommendations_are_paired_only_across_councils(two_more: Path):
    # The made-up council's R2 takes the wording of a real recommendation of another council.
    recs = tables.read("recommendations")
    other = recs[recs["review_id"] != "2024-wessex-cpc"].merge(tables.read("reviews")[["review_id", "council"]])
    real = other[(other["council"] != COUNCIL) & (other["recommendation"].str.len() > 40)].iloc[0]
    plan = two_more / "raw" / "2024-03-04-wessex-vale-cpc-action-plan.txt"
    text = plan.read_text(encoding="utf-8")
    copied = text.replace("Strengthen budget monitoring and forecasting.", real["recommendation"])
    plan.write_text(copied, encoding="utf-8")
    manifest = two_more / "raw" / "manifest.csv"
    import hashlib

    old, new = (hashlib.sha256(t.encode()).hexdigest() for t in (text, copied))
    manifest.write_text(manifest.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    write(extract())
    ws = workspace.load_workspace()
    pairs = across_councils.recommendations_across_councils(ws, 0.99)
    found = {frozenset([(r.review_a, r.rec_a), (r.review_b, r.rec_b)]) for r in pairs.itertuples(index=False)}
    assert frozenset([(real["review_id"], real["rec_ref"]), ("2024-wessex-cpc", "R2")]) in found
    assert (pairs["council_a"] != pairs["council_b"]).all()


def test_a_council_with_nothing_transcribed_is_named(two_more: Path):
    ws = workspace.load_workspace()
    totals = ws.reviews.groupby("council")["recommendations_transcribed"].sum()
    assert set(across_councils.untranscribed_councils(ws)) == set(totals[totals == 0].index)
    table = across_councils.councils_table(ws).set_index("council")
    assert table.loc[COUNCIL, "actions transcribed"] == int(
        ws.reviews.loc[ws.reviews["council"] == COUNCIL, "actions_transcribed"].sum()
    )


def test_councils_parameter_takes_one_name_or_a_list_and_refuses_others(two_more: Path):
    assert parameters.council_list(COUNCIL) == [COUNCIL]
    assert parameters.council_list(None) is None
    with pytest.raises(parameters.ParameterError) as caught:
        parameters.council_list("Nowhere District Council")
    assert "COUNCILS 'Nowhere District Council' is not a council in the review metadata" in str(caught.value)
    assert COUNCIL in str(caught.value)
    ws = workspace.load_workspace(councils=COUNCIL)
    assert set(ws.reviews["council"]) == {COUNCIL} and set(ws.actions["review_id"]) <= set(ws.review_ids)
    assert isinstance(ws.reviews, pd.DataFrame)
