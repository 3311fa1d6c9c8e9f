"""Slippage and completion on time: how far targets moved, and which actions were reported complete by the
target their plan set, per action, per review and per lead.

    slippage(ws.status("2024/25 Q2"), "2024/25 Q2")   # one row per action (ACTION_COLUMNS)
    slippage_summary(table, by="review_id")          # one row per review; by="lead" counts per working lead

Every figure counts actions (never recommendations) and is measured from the plan's own (original) target:
- reported complete on or before it is "complete by original target"; after it, "complete late", by how long in
  calendar months and days (helpers.tracking.durations.finished_late, DURATION_RULE);
- not reported complete and past it at the quarter end is "past original target, not complete" (whether a lead
  said so or nothing was reported: not known is never read as done), its slip counted to the quarter end;
- actions with no dated target (ongoing, none, "Complete" as the plan's statement), and actions the plan gives no
  action for or whose source row is incomplete, are "not judged": counted apart, never in a share or a median.
The median slip is that of the actions complete late or past their original target: the middle one when they are
put in order of slip (of two middle ones, the shorter: a real action's slip, in calendar months and days).
"""

from __future__ import annotations

import statistics

import numpy as np
import pandas as pd

from helpers.base import quarters
from helpers.base.targets import DATED
from helpers.base.vocabulary import COMPLETE, INCOMPLETE_SOURCE, NO_ACTION
from helpers.tracking.durations import Span, finished_late, past_target

ON_TIME = "complete by original target"
LATE = "complete late"
PAST = "past original target, not complete"
NOT_YET = "not yet at original target"
NOT_JUDGED = "not judged"
OUTCOMES = (ON_TIME, LATE, PAST, NOT_YET, NOT_JUDGED)
ACTION_COLUMNS = [
    "review_id",
    "action_ref",
    "lead",
    "status",
    "original_target",
    "current_target",
    "times_moved",
    "completed_on",
    "outcome",
    "slip",
]
SLIPPAGE_RULE = (
    "Slippage is measured from the target the plan set. An action reported complete on or before it is complete by "
    "its original target; after it, late by the calendar months and days between. An action not reported complete "
    "and past it is counted to the quarter end, whether a lead said it was not complete or nothing was reported. "
    "Actions with no dated target are counted apart and never enter a share or a median; the median slip is the "
    "middle of the late and past-target actions in order of slip (of two middle ones, the shorter)."
)


def slippage(status: pd.DataFrame, quarter: str | pd.Period) -> pd.DataFrame:
    """One row per counted action of a quarter's status table (ACTION_COLUMNS): original and current target, how many
    times the target moved, when it was reported complete, its outcome (OUTCOMES) and its slip (a Span, or None)."""
    end = pd.Timestamp(quarters.end(quarters.as_quarter(quarter)))
    kinds = status["target_kind"].to_numpy(object)
    original = np.where(np.isin(kinds, DATED), status["target_date"].to_numpy("datetime64[ns]"), np.datetime64("NaT"))
    original = pd.to_datetime(original)
    done = (status["status"] == COMPLETE).to_numpy()
    judged = ~np.isnat(original.to_numpy("datetime64[ns]")) & ~status["status"].isin([NO_ACTION, INCOMPLETE_SOURCE])
    completed_on = pd.to_datetime(status["completed_on"])
    slips, outcomes = [], []
    for target, complete, judge, on in zip(original, done, judged, completed_on, strict=True):
        slip, outcome = _outcome(target, bool(complete), bool(judge), on, end)
        slips.append(slip)
        outcomes.append(outcome)
    return pd.DataFrame(
        {
            "review_id": status["review_id"].to_numpy(),
            "action_ref": status["action_ref"].to_numpy(),
            "lead": status["lead"].to_numpy() if "lead" in status else "",
            "status": status["status"].to_numpy(),
            "original_target": original,
            "current_target": pd.to_datetime(status["current_target_date"]).to_numpy(),
            "times_moved": status["target_revisions"].astype(int).to_numpy(),
            "completed_on": completed_on.to_numpy(),
            "outcome": outcomes,
            "slip": slips,
        },
        columns=ACTION_COLUMNS,
    )


def _outcome(
    target: pd.Timestamp, complete: bool, judged: bool, completed_on: pd.Timestamp, end: pd.Timestamp
) -> tuple[Span | None, str]:
    """(slip, outcome) of one action at the quarter end `end` (the rules in this module's docstring)."""
    if not judged:
        return None, NOT_JUDGED
    if complete:
        late = finished_late(completed_on, target)
        return (late, LATE) if late else (None, ON_TIME)
    late = past_target(target, end)
    return (late, PAST) if late else (None, NOT_YET)


def median_slip(slips: list[Span | None]) -> Span | None:
    """The middle slip of those given (of two middle ones, the shorter); None where there is none."""
    known = [s for s in slips if s is not None]
    return statistics.median_low(known) if known else None


def slippage_summary(table: pd.DataFrame, by: str = "review_id", leads: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per review (by="review_id") or per lead (by="lead", with `leads`: review_id, action_ref, lead rows, a joint
    action counting once for each of its leads): counts of actions by outcome, targets moved, the share complete by
    original target (of actions with a dated target) and the median slip."""
    if by == "lead" and leads is not None:
        table = table.drop(columns="lead").merge(
            leads[["review_id", "action_ref", "lead"]], on=["review_id", "action_ref"]
        )
    rows = []
    for key, group in table.groupby(by, sort=False):
        outcome = group["outcome"].value_counts().reindex(OUTCOMES, fill_value=0)
        dated = int(len(group) - outcome[NOT_JUDGED])
        rows.append(
            {
                by: key,
                "actions": len(group),
                "with a dated target": dated,
                "targets moved": int((group["times_moved"] > 0).sum()),
                "moves agreed": int(group["times_moved"].sum()),
                **{name: int(outcome[name]) for name in OUTCOMES},
                "share complete by original target": outcome[ON_TIME] / dated if dated else np.nan,
                "median slip": median_slip(list(group.loc[group["outcome"].isin([LATE, PAST]), "slip"])),
            }
        )
    return pd.DataFrame(rows)
