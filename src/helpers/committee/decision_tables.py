"""What the committee is asked to decide, and what it has decided: the lettered tables of revised targets,
completions on evidence and escalated actions, the decisions recorded in the quarter, and every decision
to date.
"""

from __future__ import annotations

import html

import pandas as pd
from IPython.display import HTML

from helpers.base import quarters
from helpers.base.dates import show_date
from helpers.committee import covering
from helpers.committee.action_tables import _requested_date, _target, short_text
from helpers.committee.presentation import table_html
from helpers.committee.summary import _join
from helpers.tracking import decisions
from helpers.tracking import requests as asked_of_committee
from helpers.tracking.durations import finished_late
from helpers.tracking.history import reported_by
from helpers.tracking.workspace import Workspace


def _lateness(done: object, target: object) -> str:
    """ "by its target", or how long after its target an action was reported complete (status.LATENESS_RULE)."""
    if pd.isna(target):
        return "no target date to judge against"
    late = finished_late(done, target)
    return "by its target" if late is None else f"{late} after its target"


def _earlier(ws: Workspace, frame: pd.DataFrame, kind: str, end: pd.Timestamp) -> list[str]:
    """Deferrals already recorded on each request ("deferred 12 Sep 2024 (minute 45)")."""
    made = ws.decisions if ws.decisions is not None else pd.DataFrame(columns=decisions.COLUMNS)
    made = made[(made["kind"] == kind) & (made["decided_on"] <= end)]
    out = []
    for row in frame.to_dict("records"):
        mine = made[
            (made["review_id"] == row["review_id"])
            & (made["action_ref"] == row["action_ref"])
            & (made["requested_on"] == row["updated_on"])
            & (made["lead"] == row["requested_by"])
        ]
        out.append(
            "; ".join(
                f"{d['decision']} {show_date(d['decided_on'])}" + (f" (minute {d['minute']})" if d["minute"] else "")
                for d in mine.to_dict("records")
            )
            or "none"
        )
    return out


def revision_table(ws: Workspace, frame: pd.DataFrame, quarter: pd.Period) -> pd.DataFrame:
    """The revised targets the committee is asked to agree or refuse."""
    end = pd.Timestamp(quarters.end(quarter))
    records = frame.to_dict("records")
    return pd.DataFrame(
        {
            "Review": frame["review_id"].map(ws.titles),
            "Ref": frame["action_ref"],
            "Action": frame["action"].map(short_text),
            "Asked by": [
                f"{who}, {show_date(d)}"
                for who, d in zip(reported_by(ws, frame, "requested_by"), frame["updated_on"], strict=True)
            ],
            "Original target": [_target(r) for r in records],
            "Current target": [
                show_date(r["current_target_date"]) or ("ongoing" if r["target_kind"] == "ongoing" else "none")
                for r in records
            ],
            "Requested target": frame["revised_target"].map(_requested_date),
            "Reason": frame["revision_reason"],
            "Times already moved": frame["target_revisions"].astype(int).astype(str),
            "Earlier decisions": _earlier(ws, frame, decisions.REVISION, end),
        }
    )


def closure_table(ws: Workspace, frame: pd.DataFrame, quarter: pd.Period) -> pd.DataFrame:
    """The completions the committee is asked to agree on their evidence."""
    end = pd.Timestamp(quarters.end(quarter))
    return pd.DataFrame(
        {
            "Review": frame["review_id"].map(ws.titles),
            "Ref": frame["action_ref"],
            "Action": frame["action"].map(short_text),
            "Reported complete by": [
                f"{who}, {show_date(d)}"
                for who, d in zip(reported_by(ws, frame, "requested_by"), frame["updated_on"], strict=True)
            ],
            "Evidence": frame["evidence"].replace("", "none given"),
            "Comment": frame["comment"],
            "Target in force": [show_date(d) or "none" for d in frame["current_target_date"]],
            "Reported complete": [
                _lateness(d, t) for d, t in zip(frame["updated_on"], frame["current_target_date"], strict=True)
            ],
            "Earlier decisions": _earlier(ws, frame, decisions.CLOSURE, end),
        }
    )


def escalation_table(ws: Workspace, frame: pd.DataFrame) -> pd.DataFrame:
    """The actions the rules escalate to the committee, and why."""
    return pd.DataFrame(
        {
            "Review": frame["review_id"].map(ws.titles),
            "Ref": frame["action_ref"],
            "Action": frame["action"].map(short_text),
            "Lead": frame["lead"].replace("", "none named"),
            "Current target": [show_date(d) or "none" for d in frame["current_target_date"]],
            "Why it is escalated": frame["escalation_reason"],
        }
    )


def decisions_made(ws: Workspace, quarter: pd.Period) -> pd.DataFrame:
    """Decisions recorded with a date in this quarter (after the previous quarter end, up to this one)."""
    made = ws.decisions if ws.decisions is not None else pd.DataFrame(columns=decisions.COLUMNS)
    return decisions.made_between(made, quarters.end(quarter - 1), quarters.end(quarter))


def decisions_made_table(ws: Workspace, made: pd.DataFrame) -> pd.DataFrame:
    """The committee's recorded decisions as the report shows them: review, ref, request, decision."""
    return pd.DataFrame(
        {
            "Review": made["review_id"].map(ws.titles),
            "Ref": made["action_ref"],
            "Request": [
                decisions.KIND_LABELS[k] + (f" asked by {lead}, {show_date(d)}" if lead else "")
                for k, lead, d in zip(made["kind"], made["lead"], made["requested_on"], strict=True)
            ],
            "Decision": [
                d.capitalize() + (f": new target {t}" if t else "")
                for d, t in zip(made["decision"], made["amended_target"], strict=True)
            ],
            "Decided on": made["decided_on"],
            "By": made["decided_by"],
            "Minute": made["minute"],
            "Note": made["note"],
        }
    )


def decisions_html(ws: Workspace, quarter: pd.Period) -> HTML:
    """What the committee is asked to decide this quarter (lettered tables), and what it decided in the quarter."""
    asked = asked_of_committee.for_quarter(ws, quarter)
    letters = covering.table_letters(asked)
    counts = asked.counts()
    parts = []
    if asked.empty:
        parts.append(
            "<p>Nothing needs a decision this quarter: no revised target is waiting for agreement"
            + (", no completion is waiting to be agreed on its evidence" if asked.rules.close_on_evidence else "")
            + ", and no action meets the escalation rules.</p>"
        )
    else:
        asked_for = [f"{counts[k]} {decisions.KIND_LABELS[k].lower()}{'s' if counts[k] != 1 else ''}" for k in letters]
        parts.append(f"<p>The committee is asked to decide on {html.escape(_join(asked_for))}.</p>")
    tables = {
        decisions.REVISION: (
            "Revised target dates requested",
            "A lead asks to move the target. Until the committee agrees, the current target stands.",
            lambda f: revision_table(ws, f, quarter),
            asked.revisions,
        ),
        decisions.CLOSURE: (
            "Actions reported complete, with their evidence",
            "The council closes actions on evidence: the committee agrees that each is complete, "
            "or says what more it needs.",
            lambda f: closure_table(ws, f, quarter),
            asked.closures,
        ),
        decisions.ESCALATION: (
            "Actions escalated",
            f"Past their target with nothing reported for {asked.rules.escalate_after_quarters} or more whole "
            f"quarters, or with a target moved more than {asked.rules.escalate_after_revisions} times.",
            lambda f: escalation_table(ws, f),
            asked.escalations,
        ),
    }
    for kind, letter in letters.items():
        title, explain, build, frame = tables[kind]
        parts.append(
            f"<h3 id='{covering.TABLE_IDS[kind]}'>{html.escape(letter)}: {html.escape(title)}</h3>"
            f"<p>{html.escape(explain)}</p>" + table_html(build(frame), caption=f"{letter}: {title}")
        )
    made = decisions_made(ws, quarter)
    parts.append(
        f"<h3 id='decisions-made'>Decisions recorded in {html.escape(quarters.label(quarter))} ({len(made)})</h3>"
    )
    parts.append(
        table_html(
            decisions_made_table(ws, made),
            caption=f"Decisions recorded in {quarters.label(quarter)}",
            empty=f"No decision on these actions is recorded with a date in {quarters.label(quarter)}.",
        )
    )
    return HTML("".join(parts))


def decision_history(ws: Workspace, quarter: pd.Period) -> pd.DataFrame:
    """Every decision recorded up to the quarter end on the counted actions, action by action, oldest first."""
    made = ws.decisions if ws.decisions is not None else pd.DataFrame(columns=decisions.COLUMNS)
    made = decisions.made_between(made, None, quarters.end(quarter))
    order = ws.status(quarter).set_index(["review_id", "action_ref"])["action_order"]
    index = pd.MultiIndex.from_frame(made[["review_id", "action_ref"]])
    made = made.assign(_order=order.reindex(index).to_numpy()).dropna(subset=["_order"])
    return made.sort_values(["review_id", "_order", "decided_on"], kind="stable").drop(columns="_order")


def decision_history_html(ws: Workspace, quarter: pd.Period) -> HTML:
    """The committee's decisions to date, action by action."""
    made = decision_history(ws, quarter)
    return HTML(
        table_html(
            decisions_made_table(ws, made),
            caption=f"Decisions recorded up to {quarters.long_date(quarters.end(quarter))}",
            empty="No decision of the committee on these actions is recorded yet.",
        )
    )
