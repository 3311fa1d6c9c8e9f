"""A quarter's status table: every counted action with its status, its basis, its target and how late it is.

Made from the arrays the status rules leave for one quarter (`StatusTracker.status`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from helpers.base import quarters
from helpers.base.vocabulary import NOT_REPORTED, NOT_YET_DUE, OPEN, OVERDUE, status_labels
from helpers.tracking.durations import past_target
from helpers.tracking.status_arrays import NAT, pick
from helpers.tracking.updates import PLAN

if TYPE_CHECKING:
    from helpers.tracking.status import StatusTracker

NO_UPDATE = "no update this quarter"


def status_table(tracker: StatusTracker, quarter: pd.Period, c: dict[str, np.ndarray]) -> pd.DataFrame:
    """Every counted action with its status as at the end of `quarter`, from that quarter's rule arrays `c`."""
    latest, has_update, counted, status = c["latest"], c["has_update"], c["counted"], c["status"]
    updated_on = pick(tracker.update_on, latest, has_update, NAT)
    reported_on = pick(tracker.update_on, c["latest_reported"], c["reported"], NAT)
    this_quarter = c["reported"] & (reported_on >= c["start"])
    # The target that decided the status: a follower's is the one it follows.
    target = c["target"].copy()
    follows = c["follows"]
    target[follows] = c["target"][tracker.follow_pos[follows]]
    late = np.isin(status, (OVERDUE, NOT_REPORTED)) & ~np.isnat(target)
    end = pd.Timestamp(c["end"]).date()
    spans = {day: past_target(day, end) for day in np.unique(target[late])}
    span = [spans[t] if is_late else None for t, is_late in zip(target, late, strict=True)]
    completed_on, target_then = tracker.completion(c)
    frame = tracker.actions.loc[counted].copy()
    frame["latest_comment"] = pick(tracker.update_comment, latest, has_update, "")[counted]
    frame["latest_update_on"] = updated_on[counted]
    frame["latest_date_approximate"] = pick(tracker.update_approx, latest, has_update, False).astype(bool)[counted]
    frame["latest_origin"] = pick(tracker.update_origin, latest, has_update, "")[counted]
    frame["latest_status"] = c["latest_status"][counted]
    frame["last_reported_on"] = reported_on[counted]
    # A report since the plan that gives no status (a comment, a revision request): shown, changes nothing.
    frame["reported_without_status"] = (c["reported"] & ~c["status_reported"])[counted]
    frame["current_target_date"] = c["target"][counted]
    frame["target_revisions"] = c["revisions"][counted]
    frame["revision_requested"] = c["pending"][counted]
    frame["status"] = status[counted]
    frame["status_label"] = pd.Series(status[counted]).map(status_labels()).to_numpy()
    frame["status_basis"] = _basis(tracker, c)[counted]
    frame["as_recommendation"] = np.where(follows, tracker.actions["follows"].to_numpy(), "")[counted]
    frame["leads_disagree"] = c["disagree"][counted]
    frame["lead_statuses"] = _lead_statuses(tracker, c)[counted]
    frame["updated_this_quarter"] = this_quarter[counted]
    days = (c["end"] - target) / np.timedelta64(1, "D")
    frame["days_overdue"] = np.where(late, days, np.nan)[counted]
    frame["months_past_target"] = pd.array([s.months if s else pd.NA for s in span], dtype="Int64")[counted]
    frame["days_past_target"] = pd.array([s.days if s else pd.NA for s in span], dtype="Int64")[counted]
    frame["due_at_quarter_end"] = ((status == NOT_YET_DUE) & (target == c["quarter_end"]))[counted]
    frame["completed_on"] = completed_on[counted]
    frame["target_at_completion"] = target_then[counted]
    frame["update_note"] = np.where(np.isin(status, OPEN) & ~this_quarter, NO_UPDATE, "")[counted]
    frame["quarter"] = quarters.label(quarter)
    # The day these statuses are as at: the quarter end, or an interim report's day (as_at_day reads it).
    frame["as_at"] = pd.Timestamp(c["end"])
    return frame.reset_index(drop=True)


def as_at_day(status: pd.DataFrame, quarter: pd.Period) -> pd.Timestamp:
    """The day a status frame's statuses are as at (its as_at column, set by the status rules); the quarter end
    for a frame without one or without rows."""
    if "as_at" in status and len(status):
        return pd.Timestamp(status["as_at"].iloc[0])
    return pd.Timestamp(quarters.end(quarter))


def _basis(tracker: StatusTracker, c: dict[str, np.ndarray]) -> np.ndarray:
    """Why each action has its status: the target, an update, the plan, or the recommendation it follows."""
    origin = pick(tracker.update_origin, c["decisive"], c["has_status"], "")
    basis = np.select(
        [tracker.incomplete, c["closed"] & (origin == PLAN), c["closed"]],
        ["source row incomplete", "the plan says complete", "update: " + c["latest_status"].astype(str)],
        default="target",
    ).astype(object)
    follows = c["follows"]
    basis[follows] = "as recommendation " + tracker.actions["follows"].to_numpy()[follows].astype(str)
    return basis


def _lead_statuses(tracker: StatusTracker, c: dict[str, np.ndarray]) -> np.ndarray:
    """Where leads disagree, each lead's status on the latest status date: "Cabinet: Complete; SLT: In progress"."""
    text = np.full(len(tracker.actions), "", dtype=object)
    for a in np.nonzero(c["disagree"])[0]:
        rows = np.nonzero(
            (tracker.update_action[: c["n"]] == a)
            & tracker.has_status[: c["n"]]
            & (tracker.update_on[: c["n"]] == c["status_on"][a])
        )[0]
        said = {}
        for r in rows:  # a lead's later row that day replaces its earlier one
            said[tracker.update_lead[r] or "a lead not named"] = tracker.update_status[r]
        text[a] = "; ".join(f"{lead}: {status}" for lead, status in said.items())
    return text
