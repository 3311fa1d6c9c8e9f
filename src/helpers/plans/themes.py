"""Themes across reviews: the taxonomy (data/themes.csv), hand overrides, and recurring wording.

Each recommendation gets up to three themes, primary first, scored by how many
of a theme's terms appear in its text (twice) and its section heading (once).
An override in data/theme_overrides.csv always wins. A review with nothing
transcribed (2019) contributes the themes its decision record names.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from helpers.base import config
from helpers.base.errors import InputError

MAX_THEMES = 3
UNCLASSIFIED = "unclassified"
UNCLASSIFIED_NAME = "Unclassified"  # its row in the theme tables: recommendations no theme fits, not a theme
# The one word for a theme only a review's decision record names (no recommendation is transcribed to count):
# charts mark such cells with it and the notebooks' text uses it.
RECORDED = "recorded"


@lru_cache(maxsize=4)
def _taxonomy(path: Path) -> pd.DataFrame:
    from helpers.base.readers import read_csv

    frame = read_csv(path, required=["theme_id", "theme", "description", "terms"], what="theme taxonomy")
    if frame.empty:
        raise InputError("the theme taxonomy has no themes", path, 1)
    for row in frame.to_dict("records"):
        if not re.fullmatch(r"[a-z0-9-]+", row["theme_id"]):
            raise InputError(
                f"theme_id {row['theme_id']!r} should be lower-case words joined by hyphens", path, row["_row"]
            )
        if not row["terms"].strip():
            raise InputError(f"theme {row['theme_id']!r} has no matching terms", path, row["_row"])
        for term in row["terms"].split(";"):
            try:
                _pattern(term)
            except re.error:
                raise InputError(f"term {term.strip()!r} cannot be matched", path, row["_row"]) from None
    dup = frame[frame["theme_id"].duplicated()]
    if len(dup):
        raise InputError(f"theme_id {dup['theme_id'].iloc[0]!r} appears twice", path, int(dup["_row"].iloc[0]))
    return frame.drop(columns="_row")


def taxonomy() -> pd.DataFrame:
    """The theme taxonomy: theme_id, theme, description, terms (in display order)."""
    return _taxonomy(config.rules_file("themes.csv"))


def theme_names() -> dict[str, str]:
    """{theme_id: readable name}, in taxonomy order."""
    return dict(zip(taxonomy()["theme_id"], taxonomy()["theme"], strict=False)) | {UNCLASSIFIED: UNCLASSIFIED_NAME}


def _pattern(term: str) -> re.Pattern[str]:
    term = term.strip().lower()
    body = re.escape(term.rstrip("*")).replace(r"\ ", r"\s+")
    return re.compile(r"\b" + body + (r"\w*" if term.endswith("*") else r"s?\b"), re.IGNORECASE)


@lru_cache(maxsize=4)
def _compiled(path: Path) -> list[tuple[str, list[re.Pattern[str]]]]:
    return [
        (row.theme_id, [_pattern(t) for t in row.terms.split(";") if t.strip()]) for row in _taxonomy(path).itertuples()
    ]


def score_themes(text: str, section: str = "") -> list[str]:
    """Theme ids that match a recommendation, best first (at most three)."""
    scores = []
    for order, (theme_id, patterns) in enumerate(_compiled(config.rules_file("themes.csv"))):
        score = 2 * sum(bool(p.search(text)) for p in patterns) + sum(bool(p.search(section)) for p in patterns)
        if score:
            scores.append((-score, order, theme_id))
    return [theme_id for _, _, theme_id in sorted(scores)[:MAX_THEMES]]


def load_overrides(
    known: set[tuple[str, str]], all_reviews: set[str] | None = None
) -> dict[tuple[str, str], list[str]]:
    """{(review_id, rec_ref): theme ids} from data/theme_overrides.csv, checked.

    Overrides for reviews outside this selection are skipped (checked only for
    their theme ids), so any selection of reviews works.
    """
    from helpers.base.readers import read_csv

    path = config.rules_file("theme_overrides.csv")
    if not path.exists():
        return {}
    frame = read_csv(
        path, required=["review_id", "rec_ref", "themes"], optional=["reason"], what="theme overrides file"
    )
    ids = set(taxonomy()["theme_id"])
    selected = {review for review, _ in known}
    found = {}
    for row in frame.to_dict("records"):
        themes = [t.strip() for t in row["themes"].split(";") if t.strip()]
        unknown = [t for t in themes if t not in ids]
        if unknown or not themes:
            raise InputError(
                f"unknown theme(s) {', '.join(unknown) or '(none given)'}; known: {', '.join(sorted(ids))}",
                path,
                row["_row"],
            )
        if all_reviews is not None and row["review_id"] not in all_reviews:
            raise InputError(f"unknown review {row['review_id']!r}", path, row["_row"])
        if row["review_id"] not in selected:
            continue
        key = (row["review_id"], row["rec_ref"].rstrip("."))
        if key not in known:
            raise InputError(f"no recommendation {row['rec_ref']!r} in review {row['review_id']!r}", path, row["_row"])
        found[key] = themes
    return found


def assign_themes(recs: pd.DataFrame) -> pd.DataFrame:
    """recs with `themes` (ids, primary first, '; '-joined), `primary_theme` and `theme_source`."""
    overrides = load_overrides(set(zip(recs["review_id"], recs["rec_ref"], strict=False)))
    out = recs.copy()
    themes, sources = [], []
    for rec in recs.to_dict("records"):
        key = (rec["review_id"], rec["rec_ref"])
        if key in overrides:
            chosen, source = overrides[key], "override"
        else:
            chosen = score_themes(rec["recommendation"], rec["section"]) or [UNCLASSIFIED]
            source = "terms"
        themes.append("; ".join(chosen))
        sources.append(source)
    out["themes"] = themes
    out["primary_theme"] = [t.split("; ")[0] for t in themes]
    out["theme_source"] = sources
    return out


def theme_long(recs_with_themes: pd.DataFrame, reviews: pd.DataFrame) -> pd.DataFrame:
    """One row per (review, theme, recommendation); untranscribed reviews add their recorded themes."""
    rows = []
    for rec in recs_with_themes.itertuples(index=False):
        for rank, theme_id in enumerate(rec.themes.split("; "), start=1):
            rows.append(
                {
                    "review_id": rec.review_id,
                    "rec_ref": rec.rec_ref,
                    "theme_id": theme_id,
                    "primary": rank == 1,
                    "source": rec.theme_source,
                }
            )
    known = set(taxonomy()["theme_id"])
    transcribed = set(recs_with_themes["review_id"])
    for review in reviews[~reviews["review_id"].isin(transcribed)].itertuples():
        ids = [t for t in review.recorded_theme_ids.split("; ") if t]
        for as_recorded, theme_id in zip(review.recorded_themes.split("; "), ids, strict=False):
            if theme_id not in known:
                raise InputError(
                    f"review {review.review_id}: recorded theme {theme_id!r} is not in the taxonomy",
                    config.rules_file("themes.csv"),
                )
            rows.append(
                {
                    "review_id": review.review_id,
                    "rec_ref": None,
                    "theme_id": theme_id,
                    "primary": True,
                    "source": f"{RECORDED} in decision: {as_recorded}",
                }
            )
    return pd.DataFrame(rows, columns=["review_id", "rec_ref", "theme_id", "primary", "source"])


def theme_matrix(long: pd.DataFrame, review_ids: list[str]) -> pd.DataFrame:
    """Theme x review: recommendations per theme (any rank); a recorded-only theme counts as 0 here.

    Use `recorded_only` beside it to mark themes a review's decision record names.
    """
    names = theme_names()
    counted = long[long["rec_ref"].notna()]
    matrix = pd.crosstab(counted["theme_id"], counted["review_id"])
    matrix = (
        matrix.reindex(
            index=[t for t in names if t in set(long["theme_id"]) or t != UNCLASSIFIED],
            columns=review_ids,
            fill_value=0,
        )
        .fillna(0)
        .astype(int)
    )
    matrix = matrix.loc[[t for t in matrix.index if t != UNCLASSIFIED or matrix.loc[t].sum() > 0]]
    matrix.index = [names[t] for t in matrix.index]
    matrix.index.name = "theme"
    matrix.columns.name = "review"
    return matrix


def recorded_only(long: pd.DataFrame, matrix: pd.DataFrame) -> pd.DataFrame:
    """Boolean frame shaped like `matrix`: True where a theme comes from a decision record, not counts."""
    names = theme_names()
    flags = pd.DataFrame(False, index=matrix.index, columns=matrix.columns)
    for row in long[long["rec_ref"].isna()].itertuples():
        name = names.get(row.theme_id)
        if name in flags.index and row.review_id in flags.columns:
            flags.loc[name, row.review_id] = True
    return flags


def reviews_per_theme(matrix: pd.DataFrame, recorded: pd.DataFrame) -> pd.Series:
    """How many reviews raise each theme (by count or by decision record)."""
    return ((matrix > 0) | recorded).sum(axis=1).sort_values(ascending=False)


# Chosen so the repeats a reader spots by eye are found (7 and 13; 8, 16 and 37 on
# "being more commercial"; 11, 32 and 44 on a "single version of the truth"; 9 and 38)
# while unrelated pairs stay out. It is a notebook parameter.
DEFAULT_SIMILARITY = 0.23


def recurring_pairs(
    recs: pd.DataFrame, threshold: float = DEFAULT_SIMILARITY, within: pd.Series | None = None
) -> pd.DataFrame:
    """Pairs of recommendations with similar wording (TF-IDF cosine similarity >= threshold).

    Uses scikit-learn: single words, English stop words removed, sublinear term
    frequency so long texts do not dominate. `within` (e.g. each review's
    council) limits pairs to recommendations sharing a value, so the work grows
    with the number of councils, not its square.
    """
    from sklearn.feature_extraction.text import TfidfVectorizer

    columns = ["review_a", "rec_a", "recommendation_a", "review_b", "rec_b", "recommendation_b", "similarity", "scope"]
    if len(recs) < 2:
        return pd.DataFrame(columns=columns)
    texts = recs["recommendation"].tolist()
    # TF-IDF rows are L2-normalised, so a dot product is the cosine similarity.
    vectors = TfidfVectorizer(stop_words="english", sublinear_tf=True).fit_transform(texts).tocsr()
    groups = (
        [np.arange(len(recs))]
        if within is None
        else [
            np.asarray(ix)
            for ix in pd.Series(np.asarray(within)).groupby(np.asarray(within), sort=False).indices.values()
        ]
    )
    rows, cols, sims = [], [], []
    for ix in groups:
        block = (vectors[ix] @ vectors[ix].T).tocoo()
        keep = (block.row < block.col) & (block.data >= threshold)
        rows.append(ix[block.row[keep]])
        cols.append(ix[block.col[keep]])
        sims.append(block.data[keep])
    a, b, sim = np.concatenate(rows), np.concatenate(cols), np.concatenate(sims)
    ids, nos = recs["review_id"].to_numpy(), recs["rec_ref"].to_numpy()
    pairs = pd.DataFrame(
        {
            "review_a": ids[a],
            "rec_a": nos[a],
            "recommendation_a": [texts[i] for i in a],
            "review_b": ids[b],
            "rec_b": nos[b],
            "recommendation_b": [texts[i] for i in b],
            "similarity": sim.round(2),
        }
    )
    pairs["scope"] = np.where(pairs["review_a"] == pairs["review_b"], "same review", "across reviews")
    return pairs.sort_values(["similarity", "review_a", "rec_a"], ascending=[False, True, True], ignore_index=True)[
        columns
    ]


def lead_theme_matrix(
    action_leads: pd.DataFrame, actions: pd.DataFrame, themed: pd.DataFrame, top: int = 12
) -> pd.DataFrame:
    """Lead x primary theme: actions per lead doing the work (busiest `top`), by the recommendation's primary theme."""
    from helpers.plans.leads import lead_names, working_leads

    doing = working_leads(action_leads).merge(
        actions[["review_id", "action_ref", "rec_ref"]], on=["review_id", "action_ref"]
    )
    joined = doing.merge(themed[["review_id", "rec_ref", "primary_theme"]], on=["review_id", "rec_ref"])
    matrix = pd.crosstab([joined["council"], joined["lead"]], joined["primary_theme"])
    busiest = matrix.sum(axis=1).sort_values(ascending=False, kind="stable").head(top).index
    names = theme_names()
    matrix = matrix.loc[busiest, [t for t in names if t in matrix.columns]]
    matrix.index = lead_names(matrix)
    matrix.columns = [names[t] for t in matrix.columns]
    matrix.index.name, matrix.columns.name = "lead", "primary theme"
    return matrix
