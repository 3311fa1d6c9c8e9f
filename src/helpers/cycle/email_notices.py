"""Who is written to, and what about: one `Notice` per lead for each kind of e-mail.

- **forms**: every lead with a form for the quarter (`form_rows.lead_forms`): their number of open actions, their
  workbook, and the committee's decisions since their last form, exactly as the form's decision column gives them
  (`form_rows.decisions_since_last_form` is the one rule for which decisions those are).
- **reminder**: after the return-by date only, the leads the chase list says have not returned
  (`chase_list.chase_list`, returned "no").
- **decisions**: after the committee's decisions on the quarter's report are recorded
  (data/decisions/<quarter>.csv), every lead named (any role) for an action decided on, with those decisions.

A lead with no address in data/leads.csv gets no notice; they are listed instead. A workbook is attached only if
its About sheet names that same lead (`chase_list.identify`): no lead is sent another lead's form.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from helpers.base import quarters
from helpers.base.errors import InputError
from helpers.cycle.email_messages import DECISIONS, REMINDER, Notice
from helpers.cycle.form_rows import Lead
from helpers.cycle.quarter_returns import forms_dir, return_by


@dataclass
class Recipients:
    """The notices to write, the leads with no address, and why there may be none (e.g. returns not yet due)."""

    notices: list[Notice] = field(default_factory=list)
    no_address: list[Lead] = field(default_factory=list)
    note: str = ""


def notices(kind: str, quarter: pd.Period, on: dt.date, council: str | None = None) -> Recipients:
    """The notices of `kind` for the quarter, as of day `on` (reminders wait until after the return-by date)."""
    from helpers.tracking.workspace import load_workspace

    if kind == REMINDER and on <= due_date(quarter):
        when = quarters.long_date(due_date(quarter))
        return Recipients(note=f"Returns are due by {when}: reminders are written from the day after.")
    ws = load_workspace()
    found = _decision_notices(ws, quarter) if kind == DECISIONS else _form_notices(ws, quarter, kind)
    if council is not None:
        found = [(lead, notice) for lead, notice in found if lead.council == council]
    return _addressed(found)


def _addressed(found: list[tuple[Lead, Notice]]) -> Recipients:
    """Notices for leads with an address in data/leads.csv; the others listed."""
    from helpers.plans.leads import lead_address

    out = Recipients()
    for lead, notice in found:
        address = lead_address(lead.council, lead.lead)
        if address:
            out.notices.append(_with(notice, address=address))
        else:
            out.no_address.append(lead)
    return out


def _with(notice: Notice, **changes) -> Notice:
    """A copy of the notice with some fields changed."""
    import dataclasses

    return dataclasses.replace(notice, **changes)


def due_date(quarter: pd.Period) -> dt.date:
    """The return-by date the quarter's forms were made with (the default rule where no form says)."""
    from helpers.cycle.chase_list import due_from_forms

    folder = forms_dir(quarter)
    if not folder.is_dir():
        raise InputError(f'no forms yet for {quarters.label(quarter)}: run make forms QUARTER="..." first', folder)
    return due_from_forms(folder) or return_by(quarter)


def _form_notices(ws, quarter: pd.Period, kind: str) -> list[tuple[Lead, Notice]]:
    """Forms out (every lead with a form) or reminders (the leads whose return is not in)."""
    from helpers.cycle.chase_list import chase_list
    from helpers.cycle.form_rows import lead_forms

    folder = forms_dir(quarter)
    due = due_date(quarter)
    _, forms, _ = lead_forms(quarter, ws)
    wanted = set(forms)
    if kind == REMINDER:
        chase = chase_list(quarter, forms)
        waiting = chase[chase["returned"] == "no"]
        wanted = {Lead(c, lead) for c, lead in zip(waiting["council"], waiting["lead"], strict=True)}
    found = []
    for lead, (name, rows) in forms.items():
        if lead not in wanted:
            continue
        path = _own_form(folder / name, lead)
        notice = Notice(
            council=lead.council,
            lead=lead.lead,
            address="",
            quarter=quarters.label(quarter),
            quarter_end=quarters.end(quarter),
            due=due,
            open_actions=int(rows["open"].sum()),
            form=path,
            decisions=_decision_lines(rows),
        )
        found.append((lead, notice))
    return found


def _own_form(path: Path, lead: Lead) -> Path:
    """The lead's workbook, checked to be theirs by its About sheet."""
    from helpers.cycle.chase_list import identify

    if not path.is_file():
        raise InputError(f"{lead}'s form is missing: run make forms again", path)
    if identify(path) != lead:
        raise InputError(f"this form is not {lead}'s (its About sheet names another lead): run make forms again", path)
    return path


def _decision_lines(rows: pd.DataFrame) -> tuple[str, ...]:
    """The form's committee-decision cells as lines: "2021-finance action 31: <decision>", one per decision."""
    lines = []
    for review, ref, text in zip(rows["review_id"], rows["action_ref"], rows["committee_decision"], strict=True):
        cell = "" if text is None or pd.isna(text) else str(text)  # a blank cell read as NaN is no decision
        lines += [f"{review} action {ref}: {line}" for line in cell.splitlines() if line.strip()]
    return tuple(lines)


def _decision_notices(ws, quarter: pd.Period) -> list[tuple[Lead, Notice]]:
    """A notice per lead named for an action the committee decided on in its meeting on the quarter's report."""
    from helpers.cycle.form_rows import decision_text
    from helpers.tracking.decisions import decision_file, read_decision_file

    path = decision_file(quarter)
    if not path.is_file():
        raise InputError(
            f'no decisions recorded on the {quarters.label(quarter)} report: run make record-decisions QUARTER="..."',
            path,
        )
    made = read_decision_file(path, ws.updates, ws.actions)
    key = ["review_id", "action_ref"]
    named = ws.action_leads[["council", "lead", *key]].drop_duplicates()
    by_lead: dict[Lead, list[str]] = {}
    for row in made.merge(named, on=key, how="inner", suffixes=("", "_named")).to_dict("records"):
        reader = Lead(row["council"], row["lead_named"])
        decision = {**row, "lead": row["lead"] or ""}
        text = decision_text(decision, _asked_for(ws.updates, decision), reader.lead)
        by_lead.setdefault(reader, []).append(f"{row['review_id']} action {row['action_ref']}: {text}")
    return [
        (
            lead,
            Notice(
                council=lead.council,
                lead=lead.lead,
                address="",
                quarter=quarters.label(quarter),
                quarter_end=quarters.end(quarter),
                decisions=tuple(lines),
            ),
        )
        for lead, lines in sorted(by_lead.items(), key=lambda item: (item[0].council, item[0].lead))
    ]


def _asked_for(updates: pd.DataFrame, decision: dict) -> str:
    """The revised target the decided request asked for ("" where it is not a revision or is not found)."""
    if decision["kind"] != "revision" or not decision["requested_on"] or pd.isna(decision["requested_on"]):
        return ""
    on = pd.Timestamp(decision["requested_on"]).normalize()
    match = updates[
        (updates["review_id"] == decision["review_id"])
        & (updates["action_ref"] == decision["action_ref"])
        & (updates["revised_target"] != "")
        & (pd.to_datetime(updates["updated_on"]).dt.normalize() == on)
        & (updates["lead"].fillna("") == decision["lead"])
    ]
    return str(match["revised_target"].iloc[-1]) if len(match) else ""
