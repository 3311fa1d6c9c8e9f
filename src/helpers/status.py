"""Status of each action as at a quarter end: the one place these rules live.

An action counts from the quarter holding its review's `tracked_from` date (the
action plan's approval, where known). Then, in order, the first rule that
applies decides (ids from helpers.vocabulary; labels in data/vocabulary.yaml):

1. incomplete-source: the source row is cut off or illegible.
2. complete: the latest status on or before the quarter end closes the action
   (from a progress update, or the plan itself: a status column or a "Complete"
   target, dated the plan's source_date).
3. follows another: an action with no target of its own whose text is only
   "See N" / "As N" takes recommendation N's status (basis "as recommendation N").
4. no-action: the plan gives no action text and no lead.
5. not-yet-due: the current target date is after the quarter end.
6. overdue: the current target date has passed, and an update since the plan
   says the action is not complete.
7. not-reported: the current target date has passed and nothing has been
   reported since the plan: not known, so never counted as overdue.
8. ongoing: the target says ongoing (no end date).
9. no-target: the plan gives no target date.

The current target is the plan's, or the latest revision agreed (approved) on or
before the quarter end. Recommendations the documents count but nobody has
transcribed appear as not-transcribed in the counts.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from helpers import quarters
from helpers.targets import NONE
from helpers.targets import ONGOING as ONGOING_TARGET
from helpers.updates import PLAN
from helpers.vocabulary import (
    COMPLETE,
    INCOMPLETE_SOURCE,
    NO_ACTION,
    NO_TARGET,
    NOT_REPORTED,
    NOT_TRANSCRIBED,
    NOT_YET_DUE,
    ONGOING,
    OPEN,
    OVERDUE,
    STATUS_IDS,
    status_labels,
    status_order,
    update_statuses,
)

NO_UPDATE = "no update this quarter"
# Status ids by code; code -1 (not counted yet) reads as "".
_NAMES = np.array([*STATUS_IDS, ""], dtype=object)
_CODE = {sid: n for n, sid in enumerate(STATUS_IDS)}


def _dates(frame: pd.DataFrame, column: str) -> np.ndarray:
    """A date column of the update log as datetime64 (all NaT where the log has no such column)."""
    if column not in frame:
        return np.full(len(frame), np.datetime64("NaT", "ns"))
    return frame[column].to_numpy("datetime64[ns]")


def _pick(values: np.ndarray, positions: np.ndarray, present: np.ndarray, default: object) -> np.ndarray:
    """values[positions] where present, else default; safe when there are no values at all."""
    if len(values) == 0:
        return np.full(len(positions), default)
    return np.where(present, values[np.maximum(positions, 0)], default)


class StatusTracker:
    """The status rules applied to one set of actions and updates, for any number of quarter ends.

    Work that does not depend on the quarter (matching each update to its action,
    sorting updates by date) is done once, so a backfill of every quarter stays
    linear in the size of the data.
    """

    def __init__(
        self, actions: pd.DataFrame, reviews: pd.DataFrame, updates: pd.DataFrame, has_lead: np.ndarray | None = None
    ):
        self.actions = actions.reset_index(drop=True)
        self._last: tuple[pd.Period, dict[str, np.ndarray]] | None = None
        keys = pd.MultiIndex.from_arrays([self.actions["review_id"], self.actions["action_ref"]])
        tracked = reviews.set_index("review_id")["tracked_from"]
        self.tracked_from = self.actions["review_id"].map(tracked).to_numpy("datetime64[ns]")
        order = np.argsort(updates["updated_on"].to_numpy("datetime64[ns]"), kind="stable")
        upd = updates.iloc[order].reset_index(drop=True)
        self.update_on = upd["updated_on"].to_numpy("datetime64[ns]")
        self.update_action = keys.get_indexer(pd.MultiIndex.from_arrays([upd["review_id"], upd["action_ref"]]))
        self.update_status = upd["status"].to_numpy(object)
        self.update_comment = upd["comment"].to_numpy(object)
        self.update_approx = upd["date_approximate"].to_numpy(bool)
        self.update_origin = upd["origin"].to_numpy(object)
        self.has_status = self.update_status != ""
        self.reported = self.update_origin != PLAN
        closing = [name for name, closes in update_statuses().items() if closes]
        self.update_closes = upd["status"].isin(closing).to_numpy()
        # Agreed target revisions, in order of approval.
        revised = upd[(upd["revised_target"] != "") & upd["revision_approved_on"].notna()]
        if len(revised):
            from helpers.updates import target_revisions

            rev = target_revisions(revised)
            rev = rev.sort_values("revision_approved_on", kind="stable")
            self.rev_on = rev["revision_approved_on"].to_numpy("datetime64[ns]")
            self.rev_action = keys.get_indexer(pd.MultiIndex.from_arrays([rev["review_id"], rev["action_ref"]]))
            self.rev_date = rev["new_target_date"].to_numpy("datetime64[ns]")
        else:
            self.rev_on = np.array([], "datetime64[ns]")
            self.rev_action = np.array([], int)
            self.rev_date = np.array([], "datetime64[ns]")
        # Every revision asked for: pending at a quarter end unless agreed or refused by then.
        requested = upd[upd["revised_target"] != ""]
        self.req_on = requested["updated_on"].to_numpy("datetime64[ns]")
        self.req_action = keys.get_indexer(pd.MultiIndex.from_arrays([requested["review_id"], requested["action_ref"]]))
        self.req_text = requested["revised_target"].to_numpy(object)
        self.req_decided_on = np.fmin(
            _dates(requested, "revision_approved_on"), _dates(requested, "revision_refused_on")
        )
        # A completion the committee refused stops closing the action from the day it was refused.
        self.update_refused_on = _dates(upd, "closure_refused_on")
        # "Follows" names a recommendation: take the status of its first action.
        first = self.actions.reset_index().drop_duplicates(["review_id", "rec_ref"])
        first_key = pd.MultiIndex.from_arrays([first["review_id"], first["rec_ref"]])
        found = first_key.get_indexer(pd.MultiIndex.from_arrays([self.actions["review_id"], self.actions["follows"]]))
        self.follow_pos = np.where(
            (self.actions["follows"] != "").to_numpy() & (found >= 0),
            first["index"].to_numpy()[np.maximum(found, 0)],
            -1,
        )
        lead = np.ones(len(self.actions), bool) if has_lead is None else has_lead
        self.no_action = (self.actions["action"] == "").to_numpy() & ~lead
        self.incomplete = (self.actions["source_incomplete"] != "").to_numpy()
        self.target_date = self.actions["target_date"].to_numpy("datetime64[ns]")
        kind = self.actions["target_kind"].to_numpy(object)
        self.ongoing_target = kind == ONGOING_TARGET
        self.no_target = kind == NONE

    def _latest(self, on: np.ndarray, action: np.ndarray, n: int, mask: np.ndarray | None = None) -> np.ndarray:
        """Position of each action's latest entry among the first `n` (date order); -1 for none."""
        positions = np.arange(n)
        acts = action[:n]
        if mask is not None:
            positions, acts = positions[mask[:n]], acts[mask[:n]]
        known = acts >= 0
        latest = np.full(len(self.actions), -1)
        np.maximum.at(latest, acts[known], positions[known])
        return latest

    def status_ids(self, quarter: pd.Period) -> np.ndarray:
        """Each action's status id as at the end of `quarter`, in self.actions order ("" where not counted yet)."""
        return self._compute(quarter)["status"]

    def status_codes(self, quarter: pd.Period) -> np.ndarray:
        """Each action's status as a position in vocabulary.STATUS_IDS (-1 where not counted yet)."""
        return self._compute(quarter)["code"]

    def status(self, quarter: pd.Period) -> pd.DataFrame:
        """Every counted action with its status as at the end of `quarter` (rules in this module's docstring)."""
        return self._frame(quarter, self._compute(quarter))

    def _compute(self, quarter: pd.Period) -> dict[str, np.ndarray]:
        # Counts, workload and the status table of one quarter all start from the same arrays.
        if self._last is not None and self._last[0] == quarter:
            return self._last[1]
        result = self._apply_rules(quarter)
        self._last = (quarter, result)
        return result

    def _apply_rules(self, quarter: pd.Period) -> dict[str, np.ndarray]:
        end = np.datetime64(pd.Timestamp(quarters.end(quarter)), "ns")
        start = np.datetime64(pd.Timestamp(quarters.start(quarter)), "ns")
        n = int(np.searchsorted(self.update_on, end, side="right"))
        latest = self._latest(self.update_on, self.update_action, n)
        latest_with_status = self._latest(self.update_on, self.update_action, n, self.has_status)
        latest_reported = self._latest(self.update_on, self.update_action, n, self.reported)
        has_update, has_status, reported = latest >= 0, latest_with_status >= 0, latest_reported >= 0
        latest_status = _pick(self.update_status, latest_with_status, has_status, "")
        refused = _pick(self.update_refused_on, latest_with_status, has_status, np.datetime64("NaT", "ns")) <= end
        closed = has_status & _pick(self.update_closes, latest_with_status, has_status, False).astype(bool) & ~refused

        n_rev = int(np.searchsorted(self.rev_on, end, side="right"))
        latest_rev = self._latest(self.rev_on, self.rev_action, n_rev)
        target = np.where(
            latest_rev >= 0,
            _pick(self.rev_date, latest_rev, latest_rev >= 0, np.datetime64("NaT", "ns")),
            self.target_date,
        ).astype("datetime64[ns]")
        revisions = np.bincount(self.rev_action[:n_rev][self.rev_action[:n_rev] >= 0], minlength=len(self.actions))
        pending = np.zeros(len(self.actions), bool)
        asked = (self.req_on <= end) & (self.req_action >= 0) & ~(self.req_decided_on <= end)
        pending[self.req_action[asked]] = True
        dated = ~np.isnat(target)

        # Status codes (positions in STATUS_IDS), not strings: counts and workload of every quarter use them.
        own = np.select(
            [
                self.incomplete,
                closed,
                self.no_action,
                dated & (target > end),
                dated & reported,
                dated,
                self.ongoing_target,
            ],
            [
                _CODE[INCOMPLETE_SOURCE],
                _CODE[COMPLETE],
                _CODE[NO_ACTION],
                _CODE[NOT_YET_DUE],
                _CODE[OVERDUE],
                _CODE[NOT_REPORTED],
                _CODE[ONGOING],
            ],
            default=_CODE[NO_TARGET],
        ).astype(np.int8)
        code = own.copy()
        follows = (self.follow_pos >= 0) & ~closed & ~self.incomplete
        code[follows] = own[self.follow_pos[follows]]

        counted = self.tracked_from <= end
        code = np.where(counted, code, -1).astype(np.int8)
        return {
            "end": end,
            "start": start,
            "code": code,
            "status": _NAMES[code],
            "closed": closed,
            "follows": follows,
            "latest_with_status": latest_with_status,
            "has_status": has_status,
            "counted": counted,
            "has_update": has_update,
            "latest": latest,
            "reported": reported,
            "latest_reported": latest_reported,
            "latest_status": latest_status,
            "target": target,
            "revisions": revisions,
            "pending": pending,
            "dated": dated,
        }

    def _basis(self, c: dict[str, np.ndarray]) -> np.ndarray:
        """Why each action has its status: the target, an update, the plan, or the recommendation it follows."""
        origin = _pick(self.update_origin, c["latest_with_status"], c["has_status"], "")
        basis = np.select(
            [self.incomplete, c["closed"] & (origin == PLAN), c["closed"]],
            ["source row incomplete", "the plan says complete", "update: " + c["latest_status"].astype(str)],
            default="target",
        ).astype(object)
        follows = c["follows"]
        basis[follows] = "as recommendation " + self.actions["follows"].to_numpy()[follows].astype(str)
        return basis

    def _frame(self, quarter: pd.Period, c: dict[str, np.ndarray]) -> pd.DataFrame:
        nat = np.datetime64("NaT", "ns")
        latest, has_update, counted, status = c["latest"], c["has_update"], c["counted"], c["status"]
        updated_on = _pick(self.update_on, latest, has_update, nat)
        reported_on = _pick(self.update_on, c["latest_reported"], c["reported"], nat)
        this_quarter = c["reported"] & (reported_on >= c["start"])
        frame = self.actions.loc[counted].copy()
        frame["latest_comment"] = _pick(self.update_comment, latest, has_update, "")[counted]
        frame["latest_update_on"] = updated_on[counted]
        frame["latest_date_approximate"] = _pick(self.update_approx, latest, has_update, False).astype(bool)[counted]
        frame["latest_origin"] = _pick(self.update_origin, latest, has_update, "")[counted]
        frame["latest_status"] = c["latest_status"][counted]
        frame["last_reported_on"] = reported_on[counted]
        frame["current_target_date"] = c["target"][counted]
        frame["target_revisions"] = c["revisions"][counted]
        frame["revision_requested"] = c["pending"][counted]
        frame["status"] = status[counted]
        frame["status_label"] = pd.Series(status[counted]).map(status_labels()).to_numpy()
        frame["status_basis"] = self._basis(c)[counted]
        frame["updated_this_quarter"] = this_quarter[counted]
        days = (c["end"] - c["target"]) / np.timedelta64(1, "D")
        frame["days_overdue"] = np.where(np.isin(status, (OVERDUE, NOT_REPORTED)) & c["dated"], days, np.nan)[counted]
        frame["update_note"] = np.where(np.isin(status, OPEN) & ~this_quarter, NO_UPDATE, "")[counted]
        frame["quarter"] = quarters.label(quarter)
        return frame.reset_index(drop=True)


def status_counts(status: pd.DataFrame, reviews: pd.DataFrame, quarter: pd.Period) -> pd.DataFrame:
    """Review x status id counts (display order), with untranscribed recommendations as not-transcribed."""
    review_codes, review_ids = pd.factorize(status["review_id"])
    status_codes = pd.Categorical(status["status"], categories=list(STATUS_IDS)).codes
    return counts_from_codes(review_codes, review_ids, status_codes, reviews, quarter)


def counts_from_codes(
    review_codes: np.ndarray, review_ids, status_codes: np.ndarray, reviews: pd.DataFrame, quarter: pd.Period
) -> pd.DataFrame:
    """status_counts from integer codes (status code -1: not counted), so a backfill encodes its strings once."""
    # bincount over codes: pandas' crosstab aggregates each group in Python, 4 s a backfill at national scale.
    known = status_codes >= 0
    width = len(STATUS_IDS)
    grid = np.bincount(review_codes[known] * width + status_codes[known], minlength=len(review_ids) * width)
    table = pd.DataFrame(grid.reshape(len(review_ids), width), index=list(review_ids), columns=list(STATUS_IDS))
    quarter_end = pd.Timestamp(quarters.end(quarter))
    counted = reviews[reviews["tracked_from"] <= quarter_end].set_index("review_id")
    table = table.reindex(index=list(counted.index), columns=status_order(), fill_value=0).fillna(0).astype(int)
    gap = (counted["recommendations_expected"] - counted["recommendations_transcribed"]).clip(lower=0)
    table[NOT_TRANSCRIBED] = gap.reindex(table.index).fillna(0).astype(int)
    table["Total"] = table.sum(axis=1)
    table.index.name = "review"
    table.columns.name = None
    return table


def changes_since(
    previous: pd.DataFrame, current: pd.DataFrame, updates: pd.DataFrame, quarter: pd.Period
) -> dict[str, pd.DataFrame]:
    """What changed from the previous quarter end: newly complete, newly past target, targets revised, new comments."""
    key = ["review_id", "action_ref"]
    before = previous.set_index(key)
    now = current.set_index(key)
    was = before["status"].reindex(now.index)
    # A change needs a before: actions whose plan counts from this quarter are new, not changed.
    tracked = was.notna().to_numpy()
    newly_complete = now[tracked & (now["status"] == COMPLETE).to_numpy() & (was != COMPLETE).to_numpy()].reset_index()
    late = (OVERDUE, NOT_REPORTED)
    newly_overdue = now[tracked & now["status"].isin(late).to_numpy() & ~was.isin(late).to_numpy()].reset_index()
    moved = before["current_target_date"].reindex(now.index)
    revised = now[
        (now["target_revisions"] > before["target_revisions"].reindex(now.index).fillna(0))
        | (now["current_target_date"].ne(moved) & moved.notna())
    ].reset_index()
    start, end = pd.Timestamp(quarters.start(quarter)), pd.Timestamp(quarters.end(quarter))
    comments = updates[
        (updates["updated_on"] >= start)
        & (updates["updated_on"] <= end)
        & (updates["comment"] != "")
        & (updates["origin"] != PLAN)
    ]
    comments = comments[comments.set_index(key).index.isin(now.index)]
    return {
        "newly complete": newly_complete,
        # Overdue, or target passed with nothing reported: "past target" claims no failure.
        "newly past target": newly_overdue,
        "targets revised": revised,
        "new progress comments": comments.reset_index(drop=True),
    }


def due_next_quarter(status: pd.DataFrame, quarter: pd.Period) -> pd.DataFrame:
    """Open actions whose current target falls in the quarter after `quarter`."""
    nxt = quarter + 1
    start, end = pd.Timestamp(quarters.start(nxt)), pd.Timestamp(quarters.end(nxt))
    mask = (status["status"] == NOT_YET_DUE) & status["current_target_date"].between(start, end)
    return status[mask].sort_values(["current_target_date", "review_id", "action_order"]).reset_index(drop=True)


def last_reported(status: pd.DataFrame) -> pd.Series:
    """Per review, the date progress was last reported since its plan (NaT where never)."""
    return status.groupby("review_id")["last_reported_on"].max()
