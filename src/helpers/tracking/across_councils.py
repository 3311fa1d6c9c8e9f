"""Comparing councils: which themes and recommendations recur across the councils in the workspace.

A council raises a theme when any of its reviews has a transcribed recommendation
with that theme (counted), or, for a review with nothing transcribed, when its
decision record names it (recorded, never counted). Themes come from the same
taxonomy and rules as everywhere else (helpers.plans.themes); nothing here names a
council: they all come from review metadata.
"""

from __future__ import annotations

import pandas as pd

from helpers.plans import themes
from helpers.tracking.workspace import Workspace


def councils_table(ws: Workspace) -> pd.DataFrame:
    """One row per council: its reviews, and recommendations transcribed of those the documents count."""
    rows = []
    for council, reviews in ws.reviews.groupby("council", sort=False):
        expected = pd.to_numeric(reviews["recommendations_expected"], errors="coerce")
        known = expected.notna().all()
        transcribed = int(reviews["recommendations_transcribed"].sum())
        rows.append(
            {
                "council": council,
                "reviews": "; ".join(reviews["title"]),
                "recommendations transcribed": (
                    f"{transcribed} of {int(expected.sum())}" if known else f"{transcribed} (of a number not known)"
                ),
                "actions transcribed": int(reviews["actions_transcribed"].sum()),
            }
        )
    return pd.DataFrame(rows)


def theme_by_council(ws: Workspace) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(theme x council: recommendations carrying the theme, theme x council: True where only recorded)."""
    long = ws.themes_long()
    by_review = themes.theme_matrix(long, ws.review_ids)
    recorded_by_review = themes.recorded_only(long, by_review)
    council_of = ws.reviews.set_index("review_id")["council"]
    councils = list(dict.fromkeys(ws.reviews["council"]))
    counts = by_review.T.groupby(council_of.reindex(by_review.columns).to_numpy(), sort=False).sum().T
    recorded_any = recorded_by_review.T.groupby(council_of.reindex(by_review.columns).to_numpy(), sort=False).any().T
    counts = counts.reindex(columns=councils, fill_value=0)
    recorded = (recorded_any.reindex(columns=councils, fill_value=False) & (counts == 0)).astype(bool)
    counts.columns.name = recorded.columns.name = "council"
    return counts, recorded


def recurring_themes(counts: pd.DataFrame, recorded: pd.DataFrame) -> pd.DataFrame:
    """Per theme: how many of the councils raise it (counted or recorded), which, most widespread first."""
    raised = (counts > 0) | recorded
    frame = pd.DataFrame(
        {
            "theme": counts.index,
            "councils raising it": raised.sum(axis=1).to_numpy(),
            "of councils": len(counts.columns),
            "councils": [
                "; ".join(f"{c} (recorded)" if recorded.loc[t, c] else c for c in counts.columns if raised.loc[t, c])
                for t in counts.index
            ],
            "recommendations": counts.sum(axis=1).to_numpy(),
        }
    )
    frame = frame[frame["councils raising it"] > 0]
    return frame.sort_values(["councils raising it", "recommendations"], ascending=False, kind="stable").reset_index(
        drop=True
    )


def recurring_sentences(table: pd.DataFrame, least: int = 2) -> list[str]:
    """ "Financial management recurs in 2 of 2 councils' reviews (…)." for themes raised by `least` or more."""
    out = []
    for row in table[table["councils raising it"] >= least].to_dict("records"):
        out.append(
            f"{row['theme']} recurs in {row['councils raising it']} of {row['of councils']} councils' reviews "
            f"({row['councils']})."
        )
    return out


def recommendations_across_councils(ws: Workspace, threshold: float = themes.DEFAULT_SIMILARITY) -> pd.DataFrame:
    """Pairs of transcribed recommendations from different councils whose wording is alike (TF-IDF cosine)."""
    pairs = themes.recurring_pairs(ws.recommendations, threshold)
    council_of = ws.reviews.set_index("review_id")["council"]
    pairs = pairs.assign(council_a=pairs["review_a"].map(council_of), council_b=pairs["review_b"].map(council_of))
    across = pairs[pairs["council_a"] != pairs["council_b"]]
    columns = [
        "council_a",
        "review_a",
        "rec_a",
        "recommendation_a",
        "council_b",
        "review_b",
        "rec_b",
        "recommendation_b",
        "similarity",
    ]
    return across[columns].reset_index(drop=True)


def untranscribed_councils(ws: Workspace) -> list[str]:
    """Councils none of whose recommendations are transcribed: only their recorded themes can be compared."""
    totals = ws.reviews.groupby("council", sort=False)["recommendations_transcribed"].sum()
    return [c for c, n in totals.items() if n == 0]
