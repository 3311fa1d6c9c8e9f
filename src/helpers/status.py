"""Status of each action as at a quarter end: the one place these rules live.

In order, the first rule that applies decides:

1. Not counted yet: the review's action plan was approved after the quarter end.
2. Complete: the latest update on or before the quarter end has a status that
   closes the action (data/vocabulary.yaml), or the document's target says
   "Complete" (complete at the review's source_date).
3. Follows another: a row whose response is only "See N" takes N's status.
4. No action recorded: the document gives no response and no lead.
5. Not yet due: a dated target after the quarter end.
6. Overdue: a dated target on or before the quarter end, not complete.
7. Ongoing: no end date ("Ongoing", or no target given).

A review with fewer rows transcribed than it made recommendations (2019)
shows the gap as "Not transcribed" in the counts.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from helpers import quarters
from helpers.vocabulary import statuses, update_statuses

COMPLETE, NOT_YET_DUE, ONGOING, OVERDUE, NO_ACTION, NOT_TRANSCRIBED = (
    "Complete", "Not yet due", "Ongoing", "Overdue", "No action recorded", "Not transcribed")
OPEN = (NOT_YET_DUE, ONGOING, OVERDUE)
NO_UPDATE = "no update this quarter"


def _latest_updates(updates: pd.DataFrame, quarter_end: pd.Timestamp) -> pd.DataFrame:
    """The latest update per action up to the quarter end, and the latest one with a status."""
    upto = updates[updates["updated_on"] <= quarter_end]
    key = ["review_id", "rec_no"]
    latest = upto.groupby(key, sort=False).tail(1).set_index(key)
    with_status = upto[upto["status"] != ""].groupby(key, sort=False).tail(1).set_index(key)
    return pd.DataFrame({
        "latest_comment": latest["comment"], "latest_update_on": latest["updated_on"],
        "latest_status": with_status["status"].reindex(latest.index).fillna(""),
    })


def status_at(recs: pd.DataFrame, reviews: pd.DataFrame, updates: pd.DataFrame, quarter: pd.Period) -> pd.DataFrame:
    """Every counted action with its status as at the end of `quarter` (rules in this module's docstring)."""
    quarter_end = pd.Timestamp(quarters.end(quarter))
    approved = reviews.set_index("review_id")["approved_on"]
    frame = recs[recs["review_id"].map(approved) <= quarter_end].copy()
    latest = _latest_updates(updates, quarter_end)
    frame = frame.join(latest, on=["review_id", "rec_no"])
    frame["latest_comment"] = frame["latest_comment"].fillna("")
    frame["latest_status"] = frame["latest_status"].fillna("")
    closing = {name for name, closes in update_statuses().items() if closes}

    closed = frame["latest_status"].isin(closing) | (frame["target_kind"] == "complete")
    no_action = (frame["response"] == "") & (frame["lead"] == "")
    dated = frame["target_date"].notna()
    own = np.select(
        [closed, no_action, dated & (frame["target_date"] > quarter_end), dated],
        [COMPLETE, NO_ACTION, NOT_YET_DUE, OVERDUE], default=ONGOING)
    frame["status"] = own
    frame["status_basis"] = np.select(
        [frame["latest_status"].isin(closing), frame["target_kind"] == "complete"],
        ["update: " + frame["latest_status"], "document says complete"], default="target")

    follows = frame["follows"].notna() & ~closed
    if follows.any():
        by_key = pd.Series(own, index=pd.MultiIndex.from_arrays([frame["review_id"], frame["rec_no"]]))
        keys = pd.MultiIndex.from_arrays([frame.loc[follows, "review_id"], frame.loc[follows, "follows"].astype(int)])
        frame.loc[follows, "status"] = by_key.reindex(keys).to_numpy()
        frame.loc[follows, "status_basis"] = "as recommendation " + frame.loc[follows, "follows"].astype(str)

    this_quarter = frame["latest_update_on"].notna() & (
        frame["latest_update_on"] >= pd.Timestamp(quarters.start(quarter)))
    frame["updated_this_quarter"] = this_quarter
    frame["update_note"] = np.where(frame["status"].isin(OPEN) & ~this_quarter, NO_UPDATE, "")
    frame["quarter"] = quarters.label(quarter)
    return frame.reset_index(drop=True)


def status_counts(status: pd.DataFrame, reviews: pd.DataFrame, quarter: pd.Period) -> pd.DataFrame:
    """Review x status counts, with untranscribed recommendations as "Not transcribed"."""
    quarter_end = pd.Timestamp(quarters.end(quarter))
    counted = reviews[reviews["approved_on"] <= quarter_end]
    table = pd.crosstab(status["review_id"], status["status"])
    table = table.reindex(index=list(counted["review_id"]), columns=statuses(), fill_value=0).fillna(0).astype(int)
    gap = (counted.set_index("review_id")["recommendations_expected"]
           - counted.set_index("review_id")["recommendations_transcribed"]).clip(lower=0)
    table[NOT_TRANSCRIBED] = gap.reindex(table.index).fillna(0).astype(int)
    table["Total"] = table.sum(axis=1)
    table.index.name = "review"
    table.columns.name = None
    return table


def changes_since(previous: pd.DataFrame, current: pd.DataFrame, updates: pd.DataFrame,
                  quarter: pd.Period) -> dict[str, pd.DataFrame]:
    """What changed from the previous quarter end: newly complete, newly overdue, new progress comments."""
    key = ["review_id", "rec_no"]
    before = previous.set_index(key)["status"]
    now = current.set_index(key)
    was = before.reindex(now.index)
    newly_complete = now[(now["status"] == COMPLETE) & (was != COMPLETE)].reset_index()
    newly_overdue = now[(now["status"] == OVERDUE) & (was != OVERDUE)].reset_index()
    start, end = pd.Timestamp(quarters.start(quarter)), pd.Timestamp(quarters.end(quarter))
    comments = updates[(updates["updated_on"] >= start) & (updates["updated_on"] <= end) & (updates["comment"] != "")]
    comments = comments[comments.set_index(key).index.isin(now.index)]
    return {"newly complete": newly_complete, "newly overdue": newly_overdue,
            "new progress comments": comments.reset_index(drop=True)}


def due_next_quarter(status: pd.DataFrame, quarter: pd.Period) -> pd.DataFrame:
    """Open actions whose dated target falls in the quarter after `quarter`."""
    nxt = quarter + 1
    start, end = pd.Timestamp(quarters.start(nxt)), pd.Timestamp(quarters.end(nxt))
    mask = (status["status"] == NOT_YET_DUE) & status["target_date"].between(start, end)
    return status[mask].sort_values(["target_date", "review_id", "rec_no"]).reset_index(drop=True)
