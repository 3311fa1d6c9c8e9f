"""What changed in a quarter: status changes against the previous quarter end, targets revised, new comments and
every update reported."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from helpers.base import quarters
from helpers.base.vocabulary import COMPLETE, NOT_REPORTED, OVERDUE, status_order
from helpers.tracking.status_table import as_at_day
from helpers.tracking.updates import PLAN

if TYPE_CHECKING:
    from helpers.tracking.workspace import Workspace


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
    start, end = pd.Timestamp(quarters.start(quarter)), as_at_day(current, quarter)
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


def updates_reported(ws: Workspace, quarter: pd.Period) -> pd.DataFrame:
    """Every update reported in the quarter (up to an interim report's day; not the plans' own statements), each
    with its lead: oldest first."""
    start, end = pd.Timestamp(quarters.start(quarter)), pd.Timestamp(ws.as_at(quarter))
    log = ws.updates
    found = log[(log["updated_on"] >= start) & (log["updated_on"] <= end) & (log["origin"] != PLAN)]
    counted = ws.status(quarter).set_index(["review_id", "action_ref"]).index
    found = found[found.set_index(["review_id", "action_ref"]).index.isin(counted)]
    return found.reset_index(drop=True)


def status_changes(ws: Workspace, quarter: pd.Period) -> pd.DataFrame:
    """Actions whose status differs from the previous quarter end (direction of travel), in status order."""
    before = ws.status(quarter - 1).set_index(["review_id", "action_ref"])["status"]
    now = ws.status(quarter)
    was = before.reindex(pd.MultiIndex.from_frame(now[["review_id", "action_ref"]])).to_numpy()
    moved = now[pd.notna(was) & (was != now["status"].to_numpy())].copy()
    moved["previous_status"] = was[moved.index]
    rank = {sid: n for n, sid in enumerate(status_order())}
    moved["_rank"] = moved["status"].map(rank)
    return moved.sort_values(["_rank", "review_id", "action_order"], kind="stable").drop(columns="_rank")


def changes(ws: Workspace, quarter: pd.Period) -> dict[str, pd.DataFrame]:
    """Status changes (with the previous status), targets revised and every update reported in the quarter."""
    found = changes_since(ws.status(quarter - 1), ws.status(quarter), ws.updates, quarter)
    return {
        "status changes": status_changes(ws, quarter),
        "targets revised": found["targets revised"],
        "updates reported": updates_reported(ws, quarter),
    }
