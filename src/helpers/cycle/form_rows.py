"""What goes on each lead's update form: the leads, their actions, and what the committee decided since the last form.

A lead is (council, lead). Every lead named for an open action, in any role
(accountable, responsible, lead), gets that action in their form. "Open" means
open as at the quarter end *before this quarter's returns*: updates collected
from this quarter's workbooks are left out, so making the forms again, or
checking a return, gives the same rows whatever has been collected since.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass

import pandas as pd

from helpers.base import quarters
from helpers.base.vocabulary import OPEN
from helpers.cycle.form_layout import REFERENCE, form_file_name
from helpers.cycle.quarter_returns import is_collected, source_prefix
from helpers.tracking.workspace import Workspace

_ROLE_ORDER = {"accountable": 0, "responsible": 1, "lead": 2}


def baseline(ws: Workspace, quarter: pd.Period) -> Workspace:
    """The workspace without updates collected from this quarter's returns (what the forms were made from)."""
    source = ws.updates["source"].astype(str)
    mine = is_collected(source) & source.str.startswith(source_prefix(quarter))
    return dataclasses.replace(ws, updates=ws.updates[~mine].reset_index(drop=True))


@dataclass(frozen=True)
class Lead:
    """A lead officer or body as the forms know them: a council and a lead name."""

    council: str
    lead: str

    def __str__(self) -> str:
        """ "Cabinet (Vale District Council)"."""
        return f"{self.lead} ({self.council})"


def _long(day: object) -> str:
    """A day as "6 May 2024" ("" for none)."""
    return "" if day is None or pd.isna(day) else quarters.long_date(pd.Timestamp(day).date())


def _current_target(row: dict) -> str:
    """The form's "Current target" cell: the date, whether it was revised, and any revision still pending."""
    text = _long(row["current_target_date"])
    if not text:
        text = "Ongoing" if row["target_kind"] == "ongoing" else "None given"
    if row["target_revisions"]:
        text += " (revised)"
    if row["revision_requested"]:
        text += "; a revision is requested, not yet agreed"
    return text


# --- What the committee decided, as a lead reads it ---------------------------------------------


def decisions_since_last_form(ws: Workspace, quarter: pd.Period) -> pd.DataFrame:
    """The committee's decisions made since the last form: after the previous quarter's end, up to this one's.

    Each form is as at its quarter end, so each decision is on exactly one form, the first made after it.
    """
    from helpers.tracking.decisions import COLUMNS as DECISION_COLUMNS
    from helpers.tracking.decisions import made_between

    if ws.decisions is None or ws.decisions.empty:
        return pd.DataFrame(columns=DECISION_COLUMNS)
    return made_between(ws.decisions, quarters.end(quarter - 1), quarters.end(quarter))


def target_text(typed: str, on: dt.date) -> str:
    """A target as a lead reads it: "31 March 2025" for "March 2025"; as typed where it is not a date."""
    from helpers.base.targets import DATED, UnreadableTarget, parse_target

    try:
        target = parse_target(typed, on)
    except UnreadableTarget:
        return typed
    return quarters.long_date(target.date) if target.kind in DATED and target.date else typed


def decision_text(decision: dict, asked_for: str, reader: str) -> str:
    """One decision as the form tells `reader`, e.g. "Audit and Governance Committee, 12 September 2024 (minute
    45/24): revised target 31 March 2025 agreed". `asked_for` is the revised target the request named."""
    from helpers.tracking.decisions import AGREED, CLOSURE, DEFERRED, REFUSED, REVISION

    day = pd.Timestamp(decision["decided_on"]).date()
    head = f"{decision['decided_by'] or 'Committee'}, {quarters.long_date(day)}"
    if decision["minute"]:
        head += f" (minute {decision['minute']})"
    asker = decision["lead"] if isinstance(decision["lead"], str) else ""
    own = asker == reader
    by = f" (asked by {asker})" if asker and not own else ""
    outcome = decision["decision"]
    if decision["kind"] == REVISION:
        asked = target_text(asked_for, day) if asked_for else "the date asked for"
        if outcome == AGREED and decision["amended_target"]:
            what = f"revised target {target_text(decision['amended_target'], day)} agreed, not the {asked} asked for"
        elif outcome == AGREED:
            what = f"revised target {asked} agreed"
        else:
            what = f"revision to {asked} " + ("refused" if outcome == REFUSED else "deferred to a later meeting")
    elif decision["kind"] == CLOSURE:
        evidence = "your evidence" if own else "the evidence given"
        what = {
            AGREED: f"closure agreed on {evidence}",
            REFUSED: "closure refused: the action is open again",
            DEFERRED: "closure deferred to a later meeting",
        }[outcome]
    else:
        what = {
            AGREED: "escalation agreed: the committee asks for a report on this action",
            DEFERRED: "escalation deferred to a later meeting",
        }.get(outcome, f"escalation {outcome}")
    note = decision["note"] if isinstance(decision["note"], str) else ""
    return f"{head}: {what}{by}" + (f". {note[:1].upper()}{note[1:]}" if note else "")


def _decisions_by_action(ws: Workspace, quarter: pd.Period) -> dict[tuple[str, str], list[tuple[dict, str]]]:
    """{(review, action): [(decision, revised target it answers)]} for the decisions since the last form."""
    made = decisions_since_last_form(ws, quarter)
    if made.empty:
        return {}
    asked = ws.updates[ws.updates["revised_target"] != ""]
    targets = {
        (r, a, pd.Timestamp(on).normalize(), lead): text
        for r, a, on, lead, text in zip(
            asked["review_id"],
            asked["action_ref"],
            asked["updated_on"],
            asked["lead"].fillna(""),
            asked["revised_target"],
            strict=True,
        )
    }
    found: dict[tuple[str, str], list[tuple[dict, str]]] = {}
    for row in made.to_dict("records"):
        on = pd.Timestamp(row["requested_on"]).normalize() if pd.notna(row["requested_on"]) else None
        lead = row["lead"] if isinstance(row["lead"], str) else ""
        asked_for = targets.get((row["review_id"], row["action_ref"], on, lead), "")
        found.setdefault((row["review_id"], row["action_ref"]), []).append((row, asked_for))
    return found


# --- The rows of each lead's form ----------------------------------------------------------------


def form_rows(ws: Workspace, quarter: pd.Period) -> pd.DataFrame:
    """One row per (lead, action) for the quarter's forms, with the form's reference cells.

    A lead gets every action they are named for (any role) that is open at the quarter end, and every other
    action of theirs the committee decided something on since the last form (a closure agreed, say), so the form
    tells them; `open` says which rows take an update. Columns: council, lead, review_id, action_ref, the
    REFERENCE keys and open; ordered by council, lead, then the review's and the action's own order.
    """
    status = baseline(ws, quarter).status(quarter)
    decided = _decisions_by_action(ws, quarter)
    is_open = status["status"].isin(OPEN)
    has_decision = pd.Series(
        [key in decided for key in zip(status["review_id"], status["action_ref"], strict=True)], index=status.index
    )
    shown = status[is_open | has_decision].assign(_open=is_open[is_open | has_decision])
    key = ["review_id", "action_ref"]
    leads = ws.action_leads.merge(shown[key], on=key, how="inner")
    if leads.empty:
        return pd.DataFrame(columns=["council", "lead", *[k for k, _, _ in REFERENCE], "open"])
    detail = shown.set_index(key)
    review_order = {rid: n for n, rid in enumerate(ws.reviews["review_id"])}
    rows = [
        _form_row(item, detail.loc[(item["review_id"], item["action_ref"])].to_dict(), ws, decided, review_order)
        for item in _roles(leads, key).to_dict("records")
    ]
    frame = pd.DataFrame(rows).sort_values(["council", "lead", "_review_order", "_action_order"], kind="stable")
    return frame.drop(columns=["_review_order", "_action_order"]).reset_index(drop=True)


def _roles(leads: pd.DataFrame, key: list[str]) -> pd.DataFrame:
    """One row per (council, lead, action): the lead's roles on it, "Accountable, Responsible", in rank order."""
    leads = leads.assign(rank=leads["role"].map(_ROLE_ORDER)).sort_values("rank", kind="stable")
    return (
        leads.groupby(["council", "lead", *key], sort=False)["role"]
        .apply(lambda r: ", ".join(dict.fromkeys(x.capitalize() for x in r)))
        .rename("role")
        .reset_index()
    )


def _form_row(
    item: dict,
    act: dict,
    ws: Workspace,
    decided: dict[tuple[str, str], list[tuple[dict, str]]],
    review_order: dict[str, int],
) -> dict[str, object]:
    """One lead's row for one action: the reference cells, whether it takes an update, and its sort keys."""
    comment_on = ""
    if pd.notna(act["latest_update_on"]):
        day = pd.Timestamp(act["latest_update_on"])
        comment_on = f"about {day:%B %Y}" if act["latest_date_approximate"] else _long(day)
    told = decided.get((item["review_id"], item["action_ref"]), [])
    return {
        "council": item["council"],
        "lead": item["lead"],
        "review_id": item["review_id"],
        "review_title": ws.titles.get(item["review_id"], ""),
        "action_ref": item["action_ref"],
        "recommendation": act["recommendation"],
        "action": act["action"],
        "role": item["role"],
        "original_target": act["target_corrected"] or "None given",
        "current_target": _current_target(act),
        "latest_status": act["status_label"],
        "latest_comment": act["latest_comment"] if act["latest_comment"] else "",
        "latest_comment_on": comment_on if act["latest_comment"] else "",
        "committee_decision": "\n".join(decision_text(d, asked, item["lead"]) for d, asked in told),
        "open": bool(act["_open"]),
        "_review_order": review_order.get(item["review_id"], 0),
        "_action_order": act["action_order"],
    }


def unled_open_actions(ws: Workspace, quarter: pd.Period) -> pd.DataFrame:
    """Open actions with no lead named: they are in nobody's form."""
    status = baseline(ws, quarter).status(quarter)
    open_ = status[status["status"].isin(OPEN)]
    led = pd.MultiIndex.from_frame(ws.action_leads[["review_id", "action_ref"]])
    return open_[~pd.MultiIndex.from_frame(open_[["review_id", "action_ref"]]).isin(led)].reset_index(drop=True)


def lead_forms(
    quarter: pd.Period, ws: Workspace | None = None
) -> tuple[pd.DataFrame, dict[Lead, tuple[str, pd.DataFrame]], pd.DataFrame]:
    """(all form rows, {lead: (file name, rows)}, open actions with no lead) for the quarter."""
    from helpers.tracking.workspace import load_workspace

    ws = ws or load_workspace()
    rows = form_rows(ws, quarter)
    forms: dict[Lead, tuple[str, pd.DataFrame]] = {}
    used: set[str] = set()
    for (council, lead), group in rows.groupby(["council", "lead"], sort=True):
        name = form_file_name(council, lead, quarter)
        stem, n = name[: -len(".xlsx")], 2
        while name.casefold() in used:  # two leads whose names differ only in punctuation
            name, n = f"{stem}-{n}.xlsx", n + 1
        used.add(name.casefold())
        forms[Lead(council, lead)] = (name, group.reset_index(drop=True))
    return rows, forms, unled_open_actions(ws, quarter)
