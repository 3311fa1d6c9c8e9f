"""The committee report's chart of actions by status: one stacked bar per review."""

from __future__ import annotations

import warnings
from collections.abc import Mapping

import pandas as pd

from helpers.base.vocabulary import TOTAL_ACTIONS
from helpers.committee.chart_parts import _check_columns, _empty, _stacked_barh
from helpers.committee.chart_style import DATA_GAPS, STATUS_ORDER, STATUS_STYLES, _labels_for, _n, _series
from helpers.committee.svg import Chart


def status_by_review(
    counts: pd.DataFrame, review_titles: Mapping[str, str], as_at: str, labels: Mapping[str, str] | None = None
) -> Chart:
    """Stacked bars of actions by status for each review.

    `counts`: index = review_id, columns = status ids (docs/data-model.md), plus an
    optional 'Total' (ignored). Rows are labelled with `review_titles[review_id]`.
    `labels`: {status_id: label}; by default helpers.base.vocabulary's labels, else the ids.
    """
    table = counts.drop(columns=["Total", "total", TOTAL_ACTIONS], errors="ignore")
    _check_columns(table.columns, STATUS_ORDER, "status_by_review")
    table = table.reindex(columns=[s for s in STATUS_ORDER if s in table.columns]).fillna(0).astype(int)
    missing = [i for i in table.index if not review_titles.get(i)]
    if missing:
        warnings.warn(f"status_by_review: no title for review(s) {missing}; showing the id", stacklevel=2)
    table.index = pd.Index([str(review_titles.get(i) or i) for i in table.index], name="Review")
    names = _labels_for(table.columns, labels)
    title = _status_title(table, as_at)
    data = table.rename(columns=names)
    # Actions and untranscribed recommendations are never added into one number: the total counts actions.
    actions = table.drop(columns=["not-transcribed"], errors="ignore").sum(axis=1)
    recs = table["not-transcribed"] if "not-transcribed" in table.columns else pd.Series(0, index=table.index)
    data[TOTAL_ACTIONS] = actions
    if table.empty or table.to_numpy().sum() == 0:
        return _empty(
            title,
            "Nothing to show for this selection: no actions or recommendations.",
            f"Nothing to show: no actions or recommendations to chart as at {as_at}.",
        )

    xlabel = "Actions"
    if recs.sum():
        xlabel = f"Actions (for “{names['not-transcribed']}”: recommendations)"
    ends = [_bar_end(a, r) for a, r in zip(actions, recs, strict=True)]
    fig, _ = _stacked_barh(table, STATUS_STYLES, names, title, xlabel, end_labels=ends)
    return Chart(
        fig,
        title=title,
        alt=_status_alt(table, names, actions, recs, as_at, title),
        data=data,
        caption=_status_caption(table, names),
        table_caption=f"Actions by status and review as at {as_at}",
    )


def _status_title(table: pd.DataFrame, as_at: str) -> str:
    """The finding: how many transcribed actions are past their target and not recorded as complete."""
    counted = int(table.drop(columns=["not-transcribed"], errors="ignore").to_numpy().sum())
    late = int(sum(table[c].sum() for c in ("overdue", "not-reported") if c in table.columns))
    return (
        f"{late} of {counted} transcribed actions are past their target date and not recorded as complete as at {as_at}"
        if counted
        else f"No transcribed actions to track as at {as_at}"
    )


def _status_alt(
    table: pd.DataFrame, names: dict[str, str], actions: pd.Series, recs: pd.Series, as_at: str, title: str
) -> str:
    """The alt text: the finding, then each review's counts by status (untranscribed recommendations apart)."""
    per_review = []
    for (name, row), a, r in zip(table.iterrows(), actions, recs, strict=True):
        parts = "; ".join(f"{_n(v)} {names[c]}" for c, v in row.items() if v > 0 and c != "not-transcribed")
        text = f"{name}: {parts} ({_n(a)} action{'s' if a != 1 else ''})" if parts else f"{name}: no actions"
        if r:
            text += f"; {_n(r)} {names['not-transcribed']} (recommendation{'s' if r != 1 else ''}, not actions)"
        per_review.append(text + ".")
    return f"Stacked bar chart of action status by review as at {as_at}. {title}. " + _series(
        per_review, 12, "{n} more reviews are in the data table."
    )


def _status_caption(table: pd.DataFrame, names: dict[str, str]) -> str:
    """How to read the bars, and which pale segments are data gaps rather than statuses."""
    gaps = [names[c] for c in table.columns if c in DATA_GAPS and table[c].sum() > 0]
    caption = (
        "One bar per review; each segment is a status with its own colour and pattern (see the key), "
        "with its count written on it where it fits and the number of actions at its end (and of recommendations "
        "not transcribed, where there are any: they are never added to the actions)."
    )
    if gaps:
        caption += f" Pale hatched segments with a dark outline ({', '.join(gaps)}) are data gaps, not statuses."
    return caption


def _bar_end(actions: int, recs: int) -> str:
    """What a status bar's end says: its actions, and apart from them any recommendations not transcribed."""
    if not recs:
        return _n(actions)
    gap = f"{_n(recs)} not transcribed"
    return f"{_n(actions)} action{'s' if actions != 1 else ''}, {gap}" if actions else gap
