"""What goes on each lead's update form: the leads, their actions, and what the committee decided since the last form.

A lead is (council, lead). Every lead named for an open action, in any role
(accountable, responsible, lead), gets that action in their form. "Open" means
open as at the quarter end *before this quarter's returns*: updates collected
from this quarter's workbooks are left out, so making the forms again, or
checking a return, gives the same rows whatever has been collected since.

What the committee decided is told per lead: each form shows the decisions on the lead's actions recorded since
that lead's previous form (the forms record, helpers.cycle.forms_sent), up to the day the form is made, so a
decision reaches every lead once whether forms go out before or after the quarter ends and whenever the
committee meets (`decision_window`, `decisions_since_last_form`).
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


@dataclass(frozen=True)
class DecisionWindow:
    """Which of the committee's decisions a lead's form tells: those recorded after `after`, up to and including
    `until` (the day the form is made). `since` says where `after` comes from: "your last form" (the lead's
    previous form was sent that day), "the last forms" (the lead had none, but the council's previous forms went
    out that day) or "" (no earlier forms recorded: the previous quarter's end)."""

    after: dt.date
    until: dt.date
    since: str = ""

    def describe(self) -> str:
        """How a form names the window: "since your last form (sent on 7 December 2026)"."""
        if self.since:
            return f"since {self.since} (sent on {quarters.long_date(self.after)})"
        first = quarters.long_date(self.after + dt.timedelta(days=1))
        return f"between {first} and {quarters.long_date(self.until)}"


def decision_window(
    quarter: pd.Period, lead: Lead, record: pd.DataFrame, until: dt.date | None = None
) -> DecisionWindow:
    """The window of a lead's form for `quarter`, up to `until` (default: the day the record says this form was
    sent, else today). It starts on the day the lead's previous form was sent (the forms record,
    helpers.cycle.forms_sent); for a lead with no earlier form, on the day the council's previous forms were sent;
    with no earlier forms recorded at all, at the previous quarter's end."""
    from helpers.cycle.forms_sent import previous_form, previous_round, sent_on

    until = until or sent_on(record, quarter, lead.council, lead.lead) or dt.date.today()
    previous = previous_form(record, quarter, lead.council, lead.lead)
    if previous is not None:
        return DecisionWindow(previous["sent_on"], until, "your last form")
    council_round = previous_round(record, quarter, lead.council)
    if council_round is not None:
        return DecisionWindow(council_round, until, "the last forms")
    return DecisionWindow(quarters.end(quarter - 1), until)


def decisions_since_last_form(
    ws: Workspace, quarter: pd.Period, lead: Lead, record: pd.DataFrame, until: dt.date | None = None
) -> pd.DataFrame:
    """The committee's decisions on the lead's actions (any role) recorded since the lead's previous form, up to
    `until` (default: the day this form was sent, by the record, else today): see `decision_window`.

    A decision counts from the day it was recorded (helpers.cycle.forms_sent.recorded_between), so one made or
    recorded while forms were out is on the lead's next form, whenever the meetings and the forms fall; each
    decision is on exactly one of a lead's forms made in quarter order. Decision log columns, oldest first."""
    from helpers.cycle.forms_sent import recorded_between
    from helpers.tracking.decisions import COLUMNS as DECISION_COLUMNS

    if ws.decisions is None or ws.decisions.empty:
        return pd.DataFrame(columns=DECISION_COLUMNS)
    window = decision_window(quarter, lead, record, until)
    made = recorded_between(ws.decisions, window.after, window.until)
    leads = ws.action_leads
    mine = leads[(leads["council"] == lead.council) & (leads["lead"] == lead.lead)]
    keys = set(zip(mine["review_id"], mine["action_ref"], strict=True))
    on_mine = pd.Series([key in keys for key in zip(made["review_id"], made["action_ref"], strict=True)], dtype=bool)
    return made[on_mine.to_numpy()].reset_index(drop=True)


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


def _asked_targets(ws: Workspace) -> dict[tuple, str]:
    """{(review, action, day, lead): revised target asked for} for every revision request in the update log."""
    asked = ws.updates[ws.updates["revised_target"] != ""]
    return {
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


def _decisions_by_lead(
    ws: Workspace, quarter: pd.Period, record: pd.DataFrame, until: dt.date | None
) -> dict[tuple[str, str], dict[tuple[str, str], list[tuple[dict, str]]]]:
    """{(council, lead): {(review, action): [(decision, revised target it answers)]}} since each lead's last form."""
    if ws.decisions is None or ws.decisions.empty:
        return {}
    targets = _asked_targets(ws)
    found: dict[tuple[str, str], dict[tuple[str, str], list[tuple[dict, str]]]] = {}
    for council, name in ws.action_leads[["council", "lead"]].drop_duplicates().itertuples(index=False):
        made = decisions_since_last_form(ws, quarter, Lead(council, name), record, until)
        for row in made.to_dict("records"):
            on = pd.Timestamp(row["requested_on"]).normalize() if pd.notna(row["requested_on"]) else None
            asker = row["lead"] if isinstance(row["lead"], str) else ""
            asked_for = targets.get((row["review_id"], row["action_ref"], on, asker), "")
            by_action = found.setdefault((council, name), {})
            by_action.setdefault((row["review_id"], row["action_ref"]), []).append((row, asked_for))
    return found


# --- The rows of each lead's form ----------------------------------------------------------------


def form_rows(
    ws: Workspace, quarter: pd.Period, record: pd.DataFrame | None = None, until: dt.date | None = None
) -> pd.DataFrame:
    """One row per (lead, action) for the quarter's forms, with the form's reference cells.

    A lead gets every action they are named for (any role) that is open at the quarter end, and every other
    action of theirs the committee decided something on since their last form (a closure agreed, say), so the
    form tells them; `open` says which rows take an update. `record` is the forms record (default: read from
    data/updates/forms/sent.csv) and `until` the day the forms are made (see `decision_window`). Columns:
    council, lead, review_id, action_ref, the REFERENCE keys and open; ordered by council, lead, then the
    review's and the action's own order.
    """
    from helpers.cycle.forms_sent import load_forms_sent

    record = load_forms_sent() if record is None else record
    status = baseline(ws, quarter).status(quarter)
    decided = _decisions_by_lead(ws, quarter, record, until)
    any_lead = {key for by_action in decided.values() for key in by_action}
    is_open = status["status"].isin(OPEN)
    has_decision = pd.Series(
        [key in any_lead for key in zip(status["review_id"], status["action_ref"], strict=True)], index=status.index
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
    frame = frame[frame["open"] | (frame["committee_decision"] != "")]  # a closed row only for this lead's news
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
    decided: dict[tuple[str, str], dict[tuple[str, str], list[tuple[dict, str]]]],
    review_order: dict[str, int],
) -> dict[str, object]:
    """One lead's row for one action: the reference cells, whether it takes an update, and its sort keys."""
    comment_on = ""
    if pd.notna(act["latest_update_on"]):
        day = pd.Timestamp(act["latest_update_on"])
        comment_on = f"about {day:%B %Y}" if act["latest_date_approximate"] else _long(day)
    told = decided.get((item["council"], item["lead"]), {}).get((item["review_id"], item["action_ref"]), [])
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
    quarter: pd.Period, ws: Workspace | None = None, record: pd.DataFrame | None = None, until: dt.date | None = None
) -> tuple[pd.DataFrame, dict[Lead, tuple[str, pd.DataFrame]], pd.DataFrame]:
    """(all form rows, {lead: (file name, rows)}, open actions with no lead) for the quarter; `record` and
    `until` as for `form_rows`."""
    from helpers.tracking.workspace import load_workspace

    ws = ws or load_workspace()
    rows = form_rows(ws, quarter, record=record, until=until)
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
