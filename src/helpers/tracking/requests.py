"""What a report asks its committee to decide: revised targets, closures on evidence and escalations.

The rules (closures only where the council closes on evidence, the escalation thresholds) come from
data/report.yaml through helpers.tracking.council_settings; the kinds and outcomes from
helpers.tracking.decisions.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from helpers.base import quarters
from helpers.tracking import council_settings
from helpers.tracking.decisions import CLOSURE, ESCALATION, REVISION, DecisionRules, closing_statuses
from helpers.tracking.status_table import as_at_day

if TYPE_CHECKING:
    from helpers.tracking.workspace import Workspace


def _decided_by(log: pd.DataFrame, end: pd.Timestamp, on: str) -> np.ndarray:
    return (log[on] <= end).to_numpy()


def revision_requests(log: pd.DataFrame, status: pd.DataFrame, quarter: pd.Period) -> pd.DataFrame:
    """Revised targets asked for on or before the quarter end (or an interim report's day) and not agreed or
    refused by then (oldest first)."""
    end = as_at_day(status, quarter)
    asked = log[(log["revised_target"] != "") & (log["origin"] != "plan") & (log["updated_on"] <= end)]
    open_ = asked[~_decided_by(asked, end, "revision_approved_on") & ~_decided_by(asked, end, "revision_refused_on")]
    return _with_action(open_, status)


def closure_requests(log: pd.DataFrame, status: pd.DataFrame, quarter: pd.Period) -> pd.DataFrame:
    """Completions reported by the quarter end (or an interim report's day), not yet agreed or refused, on actions
    complete by the rules."""
    end = as_at_day(status, quarter)
    claimed = log[log["status"].isin(closing_statuses()) & (log["origin"] != "plan") & (log["updated_on"] <= end)]
    open_ = claimed[~_decided_by(claimed, end, "closure_agreed_on") & ~_decided_by(claimed, end, "closure_refused_on")]
    frame = _with_action(open_, status)
    return frame[frame["status"] == "complete"].reset_index(drop=True)


def _with_action(requests: pd.DataFrame, status: pd.DataFrame) -> pd.DataFrame:
    """Requests joined to their action's status row (requests on actions not counted yet are dropped)."""
    keep = [
        "review_id",
        "action_ref",
        "updated_on",
        "lead",
        "status",
        "comment",
        "revised_target",
        "revision_reason",
        "evidence",
        "source",
    ]
    asked = requests[keep].rename(columns={"status": "reported_status", "lead": "requested_by"})
    merged = asked.merge(status, on=["review_id", "action_ref"], how="inner", suffixes=("", "_action"))
    return merged.sort_values(["updated_on", "review_id", "action_order"], kind="stable", ignore_index=True)


def quarters_silent(status: pd.DataFrame, quarter: pd.Period) -> pd.Series:
    """Whole quarters, up to this one, since the target passed or the last report (whichever is later). In an
    interim report, up to the last quarter ended by its day: the quarter under way is not yet whole."""
    since = pd.concat([status["current_target_date"], status["last_reported_on"]], axis=1).max(axis=1)
    periods = since.dt.to_period(quarters.FREQ)
    through = quarters.quarter_of(as_at_day(status, quarter) + pd.Timedelta(days=1)) - 1
    silent = [(through - p).n if pd.notna(p) else np.nan for p in periods]
    return pd.Series(silent, index=status.index, dtype="float64")


def escalations(status: pd.DataFrame, quarter: pd.Period, rules: DecisionRules) -> pd.DataFrame:
    """Open actions the rules escalate: past target and silent for long enough, or moved too often."""
    from helpers.base.vocabulary import NOT_REPORTED, OPEN, OVERDUE

    silent = quarters_silent(status, quarter)
    past = status["status"].isin((OVERDUE, NOT_REPORTED))
    too_quiet = past & (silent >= rules.escalate_after_quarters)
    moved = status["status"].isin(OPEN) & (status["target_revisions"] > rules.escalate_after_revisions)
    frame = status[too_quiet | moved].copy()
    frame["quarters_silent"] = silent[too_quiet | moved].astype("Int64")
    reasons = []
    for row, quiet, move in zip(frame.to_dict("records"), too_quiet[frame.index], moved[frame.index], strict=True):
        parts = []
        if quiet:
            n = int(row["quarters_silent"])
            if pd.isna(row["last_reported_on"]):
                parts.append(f"nothing reported since the plan; past target for {n} whole quarters")
            else:
                day = pd.Timestamp(row["last_reported_on"])
                parts.append(f"nothing reported for {n} whole quarters since {day.day} {day:%b %Y}")
        if move:
            parts.append(f"target moved {int(row['target_revisions'])} times")
        reasons.append("; ".join(parts))
    frame["escalation_reason"] = reasons
    return frame.reset_index(drop=True)


# Why an action past its target is not escalated (past_target_not_escalated's `why`).
NOT_YET_SILENT_LONG_ENOUGH, FOLLOWS_ANOTHER, NO_DATE_TO_COUNT_FROM = "too soon", "follows another", "no date"


def past_target_not_escalated(status: pd.DataFrame, quarter: pd.Period, rules: DecisionRules) -> pd.DataFrame:
    """Actions past their target that `escalations` leaves out, with `why`: silent for fewer whole quarters
    than the rule waits; or no date to count the quarters from, because the action only takes another
    recommendation's status (`as_recommendation`) or has no target date at all."""
    from helpers.base.vocabulary import NOT_REPORTED, OVERDUE

    silent = quarters_silent(status, quarter)
    past = status["status"].isin((OVERDUE, NOT_REPORTED))
    left_out = past & ~(silent >= rules.escalate_after_quarters)
    frame = status[left_out].copy()
    follows = frame["as_recommendation"].fillna("").astype(bool) if "as_recommendation" in frame else False
    frame["why"] = np.where(
        silent[left_out].notna(), NOT_YET_SILENT_LONG_ENOUGH, np.where(follows, FOLLOWS_ANOTHER, NO_DATE_TO_COUNT_FROM)
    )
    return frame.reset_index(drop=True)


@dataclass
class Requests:
    """What one report asks its committee to decide."""

    revisions: pd.DataFrame
    closures: pd.DataFrame
    escalations: pd.DataFrame
    rules: DecisionRules

    @property
    def empty(self) -> bool:
        """True when the report asks the committee to decide nothing."""
        return self.revisions.empty and self.closures.empty and self.escalations.empty

    def counts(self) -> dict[str, int]:
        """The number of requests of each kind (revision, closure, escalation)."""
        return {REVISION: len(self.revisions), CLOSURE: len(self.closures), ESCALATION: len(self.escalations)}


def requests(log: pd.DataFrame, status: pd.DataFrame, quarter: pd.Period, rules: DecisionRules) -> Requests:
    """Every decision the quarter's report asks for (closures only where the council closes on evidence)."""
    closures = closure_requests(log, status, quarter) if rules.close_on_evidence else _with_action(log.iloc[:0], status)
    return Requests(
        revisions=revision_requests(log, status, quarter),
        closures=closures,
        escalations=escalations(status, quarter, rules),
        rules=rules,
    )


# Decision tables are lettered in the order the report shows them; the recommendation refers to them.
TABLE_ORDER = (REVISION, CLOSURE, ESCALATION)


def table_letters(requests: Requests) -> dict[str, str]:
    """{kind: "Table A", ...} for the kinds with something to decide, in the order the report shows them."""
    counts = requests.counts()
    shown = [kind for kind in TABLE_ORDER if counts[kind]]
    return {kind: f"Table {chr(ord('A') + n)}" for n, kind in enumerate(shown)}


def for_quarter(ws: Workspace, quarter: pd.Period) -> Requests:
    """What this quarter's report asks its committee to decide (rules from data/report.yaml)."""
    rules = council_settings.decision_rules(*council_settings.scope(ws, quarter))
    return requests(ws.updates, ws.status(quarter), quarter, rules)
