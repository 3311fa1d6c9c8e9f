"""One action's history: the plan, every update with its lead and role, revisions asked for, and decisions.

ws.history("2021-finance", 12)     # helpers.tracking.workspace.Workspace.history calls action_history
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from helpers.base.errors import InputError

if TYPE_CHECKING:
    from helpers.tracking.workspace import Workspace

COLUMNS = ["date", "approximate", "event", "by", "status", "detail", "source"]


def _plan_row(ws: Workspace, action: dict) -> dict:
    review = ws.reviews.set_index("review_id").loc[action["review_id"]]
    day = review["approved_on"] if pd.notna(review["approved_on"]) else review["tracked_from"]
    target = action["target_corrected"] or "none given"
    what = action["action"] or action["response"] or action["recommendation"]
    return {
        "date": day,
        "approximate": False,
        "event": "action plan",
        "by": action["lead"] or "no lead named",
        "status": "",
        "detail": f"{what} (target: {target})",
        "source": f"{action['source_file']}:{action['source_lines']}",
    }


def _update_rows(ws: Workspace, updates: pd.DataFrame) -> list[dict]:
    rows = []
    who = reported_by(ws, updates) if len(updates) else []
    for row, by in zip(updates.to_dict("records"), who, strict=True):
        plan = row["origin"] == "plan"
        parts = [row["comment"]] if row["comment"] else []
        if row["evidence"]:
            parts.append(f"Evidence: {row['evidence']}")
        if row["revised_target"]:
            parts.append(f"Asks to move the target to {row['revised_target']} ({row['revision_reason']})")
        rows.append(
            {
                "date": row["updated_on"],
                "approximate": bool(row["date_approximate"]),
                "event": "the plan's own statement" if plan else "update",
                "by": "the plan" if plan else by,
                "status": row["status"],
                "detail": " ".join(parts),
                "source": row["source"],
            }
        )
    return rows


def _decision_rows(decisions: pd.DataFrame) -> list[dict]:
    from helpers.tracking.decisions import KIND_LABELS

    rows = []
    for row in decisions.to_dict("records"):
        detail = [f"{KIND_LABELS[row['kind']]} {row['decision']}"]
        if row["amended_target"]:
            detail.append(f"new target {row['amended_target']}")
        if row["minute"]:
            detail.append(f"minute {row['minute']}")
        if row["note"]:
            detail.append(row["note"])
        rows.append(
            {
                "date": row["decided_on"],
                "approximate": False,
                "event": "decision",
                "by": row["decided_by"] or "the committee",
                "status": "",
                "detail": "; ".join(detail),
                "source": row["source"],
            }
        )
    return rows


def action_history(ws: Workspace, review_id: str, action_ref: str) -> pd.DataFrame:
    """Everything recorded on one action, oldest first (columns: date, approximate, event, by, status, detail,
    source); `approximate` marks a date the document gives only roughly (a plan's progress column)."""
    tracked = ws.tracked
    found = tracked[(tracked["review_id"] == review_id) & (tracked["action_ref"] == action_ref)]
    if found.empty:
        mine = tracked.loc[tracked["review_id"] == review_id, "action_ref"]
        known = f"its actions are {', '.join(mine)}" if len(mine) else f"known reviews: {', '.join(ws.review_ids)}"
        raise InputError(f"{review_id} has no action {action_ref!r} in this workspace; {known}")
    key = (ws.updates["review_id"] == review_id) & (ws.updates["action_ref"] == action_ref)
    rows = [_plan_row(ws, found.iloc[0].to_dict()), *_update_rows(ws, ws.updates[key])]
    if ws.decisions is not None:
        made = ws.decisions[(ws.decisions["review_id"] == review_id) & (ws.decisions["action_ref"] == action_ref)]
        rows += _decision_rows(made)
    frame = pd.DataFrame(rows, columns=COLUMNS)
    frame["date"] = pd.to_datetime(frame["date"])
    order = {"action plan": 0, "the plan's own statement": 1, "update": 2, "decision": 3}
    frame["_order"] = frame["event"].map(order)
    return frame.sort_values(["date", "_order"], kind="stable").drop(columns="_order").reset_index(drop=True)


def lead_roles(ws: Workspace) -> dict[tuple[str, str, str], str]:
    """{(review, action, lead): "accountable" / "responsible" / "lead"}: each lead's role on each action."""
    frame = ws.action_leads
    return {
        (r, a, lead): role
        for r, a, lead, role in zip(frame["review_id"], frame["action_ref"], frame["lead"], frame["role"], strict=True)
    }


def reported_by(ws: Workspace, frame: pd.DataFrame, lead_column: str = "lead") -> list[str]:
    """ "Finance Team (responsible)" for each update row; "not recorded" where the update names no lead."""
    roles = lead_roles(ws)
    out = []
    for review_id, action_ref, lead in zip(frame["review_id"], frame["action_ref"], frame[lead_column], strict=True):
        role = roles.get((review_id, action_ref, lead))
        out.append(f"{lead} ({role})" if lead and role else (lead or "not recorded"))
    return out
