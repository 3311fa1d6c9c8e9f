"""The picture over time: the status of every action at every quarter end, as each report would have shown it.

    ws.status_history("2021/22 Q4", "2023/24 Q4")   # Workspace.status_history calls status_history here

One tidy row per action per quarter end: review_id, action_ref, quarter ("2023/24 Q4"), quarter_end, status (an
id of data/vocabulary.yaml), status_label, current_target_date, target_revisions (revisions agreed so far). Every
row comes from the same StatusTracker as the quarter's report (helpers.tracking.status), so nothing is assumed and
"not reported" is shown where nothing was reported. HISTORY_RULES are the honesty rules a report's key prints; they
hold because the status rules are applied afresh at each quarter end, never carried forward:

- a plan approved part-way through a quarter first counts at that quarter's end (`tracked_from`);
- a quarter end before any update shows what the plan said;
- a revised target counts from the meeting that agreed it (`revision_approved_on`);
- a completion later refused is shown as it was known at each quarter end (`closure_refused_on`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from helpers.base import quarters
from helpers.base.errors import InputError
from helpers.base.vocabulary import NOT_REPORTED, NOT_TRANSCRIBED, OVERDUE, STATUS_IDS, status_labels, status_order

if TYPE_CHECKING:
    from helpers.tracking.status import StatusTracker

COLUMNS = [
    "review_id",
    "action_ref",
    "quarter",
    "quarter_end",
    "status",
    "status_label",
    "current_target_date",
    "target_revisions",
]
HISTORY_RULES = (
    "A plan approved part-way through a quarter first counts at the end of that quarter; its actions are not "
    "shown at earlier quarter ends.",
    "A quarter end before any update on an action shows what the plan said, by the same rules as every report.",
    "A revised target counts from the day of the meeting that agreed it, not from the day it was asked for.",
    "An action reported complete and later refused by the committee is shown as it was known at each quarter end: "
    "complete until the meeting that refused the closure, open again from then.",
)
PAST_TARGET = (OVERDUE, NOT_REPORTED)


def first_counted_quarter(reviews: pd.DataFrame) -> pd.Period | None:
    """The first quarter at whose end any of these reviews' plans counts (None when no review has a date)."""
    tracked = pd.to_datetime(reviews["tracked_from"]).dropna()
    return quarters.quarter_of(tracked.min()) if len(tracked) else None


def history_quarters(reviews: pd.DataFrame, first: pd.Period | None, last: pd.Period) -> list[pd.Period]:
    """The quarter ends a history covers: from `first` (or the first a plan counts, if later) to `last`."""
    if first is not None and first > last:
        raise InputError(f"a history from {quarters.label(first)} cannot end earlier, at {quarters.label(last)}")
    counted = first_counted_quarter(reviews)
    if counted is None:
        return []
    start = counted if first is None else max(first, counted)
    return quarters.quarters_between(start, last) if start <= last else []


def status_history(tracker: StatusTracker, span: list[pd.Period]) -> pd.DataFrame:
    """Every counted action's status, current target and revisions agreed at each quarter end of `span` (COLUMNS),
    oldest quarter first, each quarter in the actions' plan order. The quarter categories run from the first
    quarter end at which any action counts to the last of `span`."""
    parts: dict[str, list[np.ndarray]] = {"at": [], "code": [], "target": [], "revisions": []}
    for quarter in span:
        c = tracker.rule_arrays(quarter)
        keep = np.nonzero(c["counted"])[0].astype(np.int32)
        parts["at"].append(keep)
        parts["code"].append(c["code"][keep])
        parts["target"].append(c["target"][keep])
        parts["revisions"].append(c["revisions"][keep].astype(np.int32))
    # Quarter ends before any action counts (a plan with nothing transcribed yet) are left out: nothing to show.
    first = next((n for n, keep in enumerate(parts["at"]) if len(keep)), len(span))
    span = span[first:]
    parts = {name: values[first:] for name, values in parts.items()}
    parts["quarter"] = [np.full(len(keep), n, np.int32) for n, keep in enumerate(parts["at"])]
    # Each column is joined and its parts dropped in turn, so a national history never holds two copies at once.
    joined = {name: np.concatenate(parts.pop(name)) if span else np.array([], np.int32) for name in list(parts)}
    at, quarter_no = joined["at"], joined["quarter"]
    ends = np.array([pd.Timestamp(quarters.end(q)) for q in span], "datetime64[ns]")
    status = pd.Categorical.from_codes(joined["code"], categories=list(STATUS_IDS))
    columns = {
        # Categories, not strings: a national corpus's history is over a million rows.
        "review_id": _categories(tracker.actions["review_id"], at),
        "action_ref": _categories(tracker.actions["action_ref"], at),
        "quarter": pd.Categorical.from_codes(quarter_no, categories=[quarters.label(q) for q in span], ordered=True),
        "quarter_end": ends[quarter_no] if span else np.array([], "datetime64[ns]"),
        "status": status,
        "status_label": status.rename_categories(status_labels()),
        "current_target_date": joined["target"].astype("datetime64[ns]", copy=False),
        "target_revisions": joined["revisions"],
    }
    return pd.DataFrame(columns, columns=COLUMNS, copy=False)


def _categories(column: pd.Series, at: np.ndarray) -> pd.Categorical:
    """column[at] as a categorical, its categories in order of first appearance."""
    codes, uniques = pd.factorize(column)
    return pd.Categorical.from_codes(codes[at], categories=uniques)


def history_counts(history: pd.DataFrame) -> pd.DataFrame:
    """Actions by review, quarter and status: one row per (review_id, quarter), a column per status id in display
    order (not-transcribed aside: it counts recommendations) and "actions", their total."""
    shown = [s for s in status_order() if s != NOT_TRANSCRIBED]
    table = pd.crosstab(
        [history["review_id"], history["quarter"].astype(str)],
        pd.Categorical(history["status"].astype(str), categories=shown),
        dropna=False,
    )
    table = table.reindex(columns=shown, fill_value=0)
    table.columns = list(shown)
    table["actions"] = table.sum(axis=1)
    return table[table["actions"] > 0].sort_index(level=[0, 1], kind="stable")


def quarters_past_target(history: pd.DataFrame) -> pd.Series:
    """For each action counted at the history's last quarter end, how many quarter ends in a row (up to and
    including that one) it has been past its target: overdue, or target passed with no update."""
    if history.empty:
        return pd.Series(dtype=int)
    last = history["quarter"].cat.categories[-1]
    ordered = history.sort_values("quarter", kind="stable")
    past = ordered["status"].astype(str).isin(PAST_TARGET)
    keys = [ordered["review_id"], ordered["action_ref"]]
    # A run of quarters past target ends at a quarter that is not: count the trailing run per action.
    breaks = (~past).astype(int).groupby(keys, observed=True).cumsum()
    final_break = breaks.groupby(keys, observed=True).transform("last")
    streak = (past & (breaks == final_break)).groupby(keys, observed=True).sum()
    at_last = ordered[ordered["quarter"] == last].set_index(["review_id", "action_ref"]).index
    return streak.reindex(at_last).astype(int)
