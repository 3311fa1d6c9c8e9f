"""The Instructions sheet of a lead's update form: what to fill in, what the committee's decision column says, what
each status means, and how to return the form."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from helpers.base import quarters
from helpers.base.vocabulary import update_statuses, vocabulary
from helpers.cycle.form_layout import DECISION
from helpers.cycle.form_rows import DecisionWindow, Lead
from helpers.cycle.workbook_cells import print_setup, put

# What a status that closes an action does, under each closure rule (data/report.yaml, decisions.close_on_evidence).
CLOSES = {
    False: "this closes it in the reports",
    True: (
        "this asks the committee to agree the closure on your evidence (give it in the Evidence column); until it "
        "decides, the reports show the action as reported complete, awaiting its agreement, and a closure it refuses "
        "reopens the action"
    ),
}


def status_meanings(close_on_evidence: bool = False) -> dict[str, str]:
    """{update status: what it means}: the vocabulary's `meaning` (else whether it closes the action), and for a
    status that closes, what closing means under the council's closure rule."""
    specs = vocabulary()["update_statuses"]
    return {
        name: (
            f"{(specs[name] or {}).get('meaning') or 'the action is finished'}; {CLOSES[close_on_evidence]}"
            if closes
            else str((specs[name] or {}).get("meaning") or "the action is still open")
        )
        for name, closes in update_statuses().items()
    }


def write_instructions(
    sheet,
    lead: Lead,
    quarter: pd.Period,
    n_actions: int,
    n_closed: int,
    due: dt.date,
    window: DecisionWindow | None = None,
) -> None:
    """The Instructions sheet: what to fill in, what the committee's decision column says (for the decisions in
    `window`; default: after the previous quarter's end, up to this one's), each status, how to return the form."""
    from openpyxl.styles import Alignment, Font

    lines = [
        *_opening(lead, quarter, n_actions, n_closed, due),
        *_what_to_fill_in(quarter),
        *_what_the_committee_decided(window or DecisionWindow(quarters.end(quarter - 1), quarters.end(quarter))),
        *_statuses_and_how_to_return(lead.council),
    ]
    sheet.column_dimensions["A"].width = 75  # fits A4 portrait at full size (LibreOffice does not shrink it)
    print_setup(sheet, landscape=False)
    sheet.page_setup.fitToWidth = 1
    for r, (kind, text) in enumerate(lines, start=1):
        cell = sheet.cell(row=r, column=1)
        put(cell, text)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        if kind == "title":
            cell.font = Font(bold=True, size=14)
        elif kind == "head":
            cell.font = Font(bold=True, size=12)
        sheet.row_dimensions[r].height = 15.0 * max(1, -(-len(text) // 68)) + (6 if kind else 0)
    sheet.protection.sheet = True


def _opening(lead: Lead, quarter: pd.Period, n_actions: int, n_closed: int, due: dt.date) -> list[tuple[str, str]]:
    """The title, whose form it is and what it lists, and the return-by date."""
    end = quarters.end(quarter)
    closed = (
        [
            (
                "",
                f"It also lists {n_closed} action(s) of yours that were closed on {quarters.long_date(end)}, only to "
                "tell you what the committee decided on them: their cells are grey and take no update.",
            )
        ]
        if n_closed
        else []
    )
    return [
        ("title", f"Peer review actions: your update for {quarters.label(quarter)}"),
        (
            "",
            f"For: {lead.lead}, {lead.council}. This form lists the {n_actions} peer review action(s) you are "
            f"named for that were still open on {quarters.long_date(end)}.",
        ),
        *closed,
        ("", f"Please return it by {quarters.long_date(due)}."),
    ]


def _what_to_fill_in(quarter: pd.Period) -> list[tuple[str, str]]:
    """What to write in each yellow column."""
    start, end = quarters.start(quarter), quarters.end(quarter)
    return [
        ("head", "What to fill in"),
        (
            "",
            'Use the sheet "Updates": one row per action. The grey columns are for reference and are locked. '
            "Fill in the yellow columns for each action you have news on:",
        ),
        ("", "Status: choose from the drop-down list (see below). Leave it blank to send a comment only."),
        ("", "Progress comment: what has been done since the last update, in plain words."),
        (
            "",
            f"Date of update: the date your update is as at, between {quarters.long_date(start)} and "
            f"{quarters.long_date(end)}. Leave it blank to mean the day your return is collected (at the latest "
            f"{quarters.long_date(end)}). Write the month as a "
            f"word ({quarters.long_date(end)}): a date in figures such as 06/05/2024 reads as 6 May in the UK but "
            "5 June in the US, so one that could be either day of the quarter is sent back to you.",
        ),
        (
            "",
            "Revised target date: only if the action cannot be finished by its current target. A month "
            "(March 2025, meaning the end of March), a quarter (Q4 2024/25) or a date (31 March 2025). A revised "
            "target is a request until the committee agrees it; until then reports keep the current target and "
            "show your request.",
        ),
        ("", "Reason for revision: required whenever you give a revised target date."),
        ("", "Evidence: a link or a document reference that shows the progress (optional)."),
        ("", "Leave a row blank if you have nothing new to report on that action."),
        ("", "Line breaks in your comments are kept: press Alt+Enter (Excel) or Ctrl+Enter (LibreOffice)."),
    ]


def _what_the_committee_decided(window: DecisionWindow) -> list[tuple[str, str]]:
    """What the committee's decision column says, and for which days (the decisions recorded in `window`)."""
    return [
        ("head", "What the committee decided"),
        (
            "",
            f'The column "{DECISION[1]}" says what the committee decided {window.describe()} on requests about '
            "each action (a revised target asked for, a closure on evidence, an escalation): the meeting, its "
            "minute, and whether the request was agreed, refused or deferred to a later meeting, with any note. "
            '"Asked by" names the lead who asked when it was not you. It is blank where nothing was decided. An '
            "agreed revised target is already the current target; a deferred request goes back to the committee "
            "without your asking again.",
        ),
    ]


def _statuses_and_how_to_return(council: str) -> list[tuple[str, str]]:
    """What each update status means (closing by the council's rule), and how to send the form back."""
    from helpers.tracking.council_settings import decision_rules

    statuses = status_meanings(decision_rules(council).close_on_evidence)
    return [
        ("head", "What each status means"),
        *[("", f"{name}: {meaning}.") for name, meaning in statuses.items()],
        ("head", "How to return this form"),
        (
            "",
            "Save the file as it is (Excel workbook, .xlsx) and send it back to the officer who sent it. Do not "
            "rename, add or remove sheets or columns, do not change the grey cells, and do not add rows: the "
            "return is checked against the form that was sent. You may rename the file.",
        ),
        ("", "If an action is not yours, or one is missing, say so in the covering email rather than in the form."),
    ]
