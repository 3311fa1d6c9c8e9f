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


class StatusTracker:
    """The status rules applied to one set of actions and updates, for any number of quarter ends.

    Work that does not depend on the quarter (matching each update to its action,
    sorting updates by date) is done once, so a backfill of every quarter stays
    linear in the size of the data.
    """

    def __init__(self, recs: pd.DataFrame, reviews: pd.DataFrame, updates: pd.DataFrame):
        self.recs = recs.reset_index(drop=True)
        keys = pd.MultiIndex.from_arrays([self.recs["review_id"], self.recs["rec_no"]])
        approved = reviews.set_index("review_id")["approved_on"]
        self.approved = self.recs["review_id"].map(approved).to_numpy("datetime64[ns]")
        order = np.argsort(updates["updated_on"].to_numpy("datetime64[ns]"), kind="stable")
        upd = updates.iloc[order].reset_index(drop=True)
        self.update_on = upd["updated_on"].to_numpy("datetime64[ns]")
        self.update_rec = keys.get_indexer(pd.MultiIndex.from_arrays([upd["review_id"], upd["rec_no"]]))
        self.update_status = upd["status"].to_numpy(object)
        self.update_comment = upd["comment"].to_numpy(object)
        self.has_status = upd["status"].to_numpy(object) != ""
        closing = [name for name, closes in update_statuses().items() if closes]
        self.update_closes = upd["status"].isin(closing).to_numpy()
        follows = self.recs["follows"]
        target = pd.MultiIndex.from_arrays([self.recs["review_id"], follows.fillna(-1).astype("int64")])
        self.follow_pos = np.where(follows.notna().to_numpy(), keys.get_indexer(target), -1)
        self.complete_in_plan = (self.recs["target_kind"] == "complete").to_numpy()
        self.no_action = ((self.recs["response"] == "") & (self.recs["lead"] == "")).to_numpy()
        self.target_date = self.recs["target_date"].to_numpy("datetime64[ns]")

    def _latest(self, n: int, mask: np.ndarray | None = None) -> np.ndarray:
        """Position of each action's latest update among the first `n` (date order); -1 for none."""
        positions = np.arange(n)
        recs = self.update_rec[:n]
        if mask is not None:
            positions, recs = positions[mask[:n]], recs[mask[:n]]
        known = recs >= 0
        latest = np.full(len(self.recs), -1)
        np.maximum.at(latest, recs[known], positions[known])
        return latest

    def status(self, quarter: pd.Period) -> pd.DataFrame:
        """Every counted action with its status as at the end of `quarter` (rules in this module's docstring)."""
        end = np.datetime64(pd.Timestamp(quarters.end(quarter)), "ns")
        start = np.datetime64(pd.Timestamp(quarters.start(quarter)), "ns")
        n = int(np.searchsorted(self.update_on, end, side="right"))
        latest, latest_with_status = self._latest(n), self._latest(n, self.has_status)
        has_update, has_status = latest >= 0, latest_with_status >= 0
        latest_status = np.where(has_status, self.update_status[latest_with_status], "")
        closed_by_update = has_status & self.update_closes[latest_with_status]
        closed = closed_by_update | self.complete_in_plan
        dated = ~np.isnat(self.target_date)
        own = np.select([closed, self.no_action, dated & (self.target_date > end), dated],
                        [COMPLETE, NO_ACTION, NOT_YET_DUE, OVERDUE], default=ONGOING).astype(object)
        basis = np.select([closed_by_update, self.complete_in_plan],
                          ["update: " + latest_status.astype(str), "document says complete"],
                          default="target").astype(object)
        status = own.copy()
        follows = (self.follow_pos >= 0) & ~closed
        status[follows] = own[self.follow_pos[follows]]
        basis[follows] = "as recommendation " + self.recs["follows"].to_numpy()[follows].astype(str)
        updated_on = np.where(has_update, self.update_on[latest], np.datetime64("NaT", "ns"))
        this_quarter = has_update & (updated_on >= start)

        counted = self.approved <= end
        frame = self.recs.loc[counted].copy()
        frame["latest_comment"] = np.where(has_update, self.update_comment[latest], "")[counted]
        frame["latest_update_on"] = updated_on[counted]
        frame["latest_status"] = latest_status[counted]
        frame["status"] = status[counted]
        frame["status_basis"] = basis[counted]
        frame["updated_this_quarter"] = this_quarter[counted]
        frame["update_note"] = np.where(np.isin(status, OPEN) & ~this_quarter, NO_UPDATE, "")[counted]
        frame["quarter"] = quarters.label(quarter)
        return frame.reset_index(drop=True)


def status_at(recs: pd.DataFrame, reviews: pd.DataFrame, updates: pd.DataFrame, quarter: pd.Period) -> pd.DataFrame:
    """Every counted action with its status as at the end of `quarter` (rules in this module's docstring)."""
    return StatusTracker(recs, reviews, updates).status(quarter)


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
