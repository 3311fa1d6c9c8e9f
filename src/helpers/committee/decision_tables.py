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
from helpers.committee.action_tables import (
    _requested_date,
    _target,
    overdue,
    ref_links,
    review_groups,
    short_title,
)
from helpers.committee.presentation import grouped_table_html
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


def _who_and_when(ws: Workspace, frame: pd.DataFrame) -> list[str]:
    """Who made each request, with their role, and the day: "Finance Team (lead), 20 Jun 2024"."""
    return [
        f"{who}, {show_date(d)}"
        for who, d in zip(reported_by(ws, frame, "requested_by"), frame["updated_on"], strict=True)
    ]


def revision_table(ws: Workspace, frame: pd.DataFrame, quarter: pd.Period) -> pd.DataFrame:
    """The revised targets the committee is asked to agree or refuse."""
    end = pd.Timestamp(ws.as_at(quarter))
    records = frame.to_dict("records")
    return pd.DataFrame(
        {
            "Review": frame["review_id"].map(ws.titles),
            "Ref": frame["action_ref"],
            "Action": [short_title(r) for r in records],
            "Asked by": _who_and_when(ws, frame),
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
    end = pd.Timestamp(ws.as_at(quarter))
    return pd.DataFrame(
        {
            "Review": frame["review_id"].map(ws.titles),
            "Ref": frame["action_ref"],
            "Action": [short_title(r) for r in frame.to_dict("records")],
            "Reported complete by": _who_and_when(ws, frame),
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
            "Action": [short_title(r) for r in frame.to_dict("records")],
            "Lead": frame["lead"].replace("", "none named"),
            "Current target": [show_date(d) or "none" for d in frame["current_target_date"]],
            "Why it is escalated": frame["escalation_reason"],
        }
    )


def decisions_made(ws: Workspace, quarter: pd.Period) -> pd.DataFrame:
    """Decisions recorded with a date in this quarter (after the previous quarter end, up to this one, or up to an
    interim report's day)."""
    made = ws.decisions if ws.decisions is not None else pd.DataFrame(columns=decisions.COLUMNS)
    return decisions.made_between(made, quarters.end(quarter - 1), ws.as_at(quarter))


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
    parts.append(f"<p>{html.escape(past_and_escalated(ws, quarter, asked))}</p>")
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
            f"<p>{html.escape(explain)}</p>" + _by_review(ws, frame, build, f"{letter}: {title}")
        )
    made = decisions_made(ws, quarter)
    parts.append(
        f"<h3 id='decisions-made'>Decisions recorded in {html.escape(quarters.label(quarter))} ({len(made)})</h3>"
    )
    parts.append(
        _by_review(
            ws,
            made,
            lambda f: compact(decisions_made_table(ws, f)),
            f"Decisions recorded in {quarters.label(quarter)}",
            empty=f"No decision on these actions is recorded with a date in {quarters.label(quarter)}.",
        )
    )
    return HTML("".join(parts))


def _refs(ws: Workspace, frame: pd.DataFrame) -> str:
    """ "Progress review 2022: 5, 7; Finance peer challenge 2021: 43 (as 41)": refs, each review named once."""
    by_review: dict[str, list[str]] = {}
    for row in frame.to_dict("records"):
        ref = row["action_ref"] + (f" (as {row['as_recommendation']})" if row.get("as_recommendation") else "")
        by_review.setdefault(ws.titles.get(row["review_id"], row["review_id"]), []).append(ref)
    return "; ".join(f"{title}: {', '.join(refs)}" for title, refs in by_review.items())


def past_and_escalated(ws: Workspace, quarter: pd.Period, asked: asked_of_committee.Requests) -> str:
    """One sentence reconciling the actions past their target with those escalated, and why any differ
    (from the escalation rules: helpers.tracking.requests); "" when neither has any."""
    status = ws.status(quarter)
    past = overdue(status)
    escalated = set(zip(asked.escalations["review_id"], asked.escalations["action_ref"], strict=True))
    if past.empty and not escalated:
        return ""
    both = sum(key in escalated for key in zip(past["review_id"], past["action_ref"], strict=True))
    table = asked_of_committee.table_letters(asked).get(decisions.ESCALATION, "")
    n = len(past)
    text = f"{n} action{'s are' if n != 1 else ' is'} past {'their' if n != 1 else 'its'} target"
    text += (
        f"; {both} of them {'are' if both != 1 else 'is'} escalated in {table}"
        if both
        else "; none of them is escalated"
    )
    rules = asked.rules
    left = asked_of_committee.past_target_not_escalated(status, quarter, rules)
    why = {
        asked_of_committee.NOT_YET_SILENT_LONG_ENOUGH: (
            f"past target, or last reported, fewer than the {rules.escalate_after_quarters} whole quarters "
            "the escalation rule waits"
        ),
        asked_of_committee.FOLLOWS_ANOTHER: "with no target of its own, pointing to another recommendation's action",
        asked_of_committee.NO_DATE_TO_COUNT_FROM: "with no date to count the quarters from",
    }
    reasons = [f"{len(group)} {why[kind]} ({_refs(ws, group)})" for kind, group in left.groupby("why", sort=False)]
    if reasons:
        text += f". Not escalated: {_join(reasons)}"
    moved = len(escalated - set(zip(past["review_id"], past["action_ref"], strict=True)))
    if moved:
        text += (
            f". {moved} more action{'s are' if moved != 1 else ' is'} escalated: not past target, but moved "
            f"more than {rules.escalate_after_revisions} times"
        )
    return text + "."


def _by_review(ws: Workspace, frame: pd.DataFrame, build, label: str, empty: str = "None.") -> str:
    """One table of `build(frame)`'s rows, each review named once above its rows (not on every row), each
    action's ref a link to its full entry in the appendix; named by `label` (the heading above shows it)."""
    frame, groups = review_groups(ws, frame)
    shown = build(frame).drop(columns="Review")
    return grouped_table_html(shown, groups, label, links={"Ref": ref_links(frame)}, empty=empty)


def compact(table: pd.DataFrame) -> pd.DataFrame:
    """A decisions table (decisions_made_table) with when, by whom and the minute in one column: short enough
    for a portrait page."""
    when = [
        ", ".join(p for p in (show_date(d), by, f"minute {m}" if m else "") if p)
        for d, by, m in zip(table["Decided on"], table["By"], table["Minute"], strict=True)
    ]
    return table.drop(columns=["Decided on", "By", "Minute"]).assign(Decided=when)[
        ["Review", "Ref", "Request", "Decision", "Decided", "Note"]
    ]


def decision_history(ws: Workspace, quarter: pd.Period) -> pd.DataFrame:
    """Every decision recorded up to the quarter end on the counted actions, action by action, oldest first."""
    made = ws.decisions if ws.decisions is not None else pd.DataFrame(columns=decisions.COLUMNS)
    made = decisions.made_between(made, None, ws.as_at(quarter))
    order = ws.status(quarter).set_index(["review_id", "action_ref"])["action_order"]
    index = pd.MultiIndex.from_frame(made[["review_id", "action_ref"]])
    made = made.assign(_order=order.reindex(index).to_numpy()).dropna(subset=["_order"])
    return made.sort_values(["review_id", "_order", "decided_on"], kind="stable").drop(columns="_order")


def decision_history_html(ws: Workspace, quarter: pd.Period) -> HTML:
    """The committee's decisions to date, action by action."""
    made = decision_history(ws, quarter)
    return HTML(
        _by_review(
            ws,
            made,
            lambda f: compact(decisions_made_table(ws, f)),
            f"Decisions recorded up to {quarters.long_date(ws.as_at(quarter))}",
            empty="No decision of the committee on these actions is recorded yet.",
        )
    )
