"""Reading one returned update form: the form as sent (helpers.cycle.return_checks), then each filled row's update,
every problem one line naming the workbook, sheet and cell.

Each workbook is opened once, read-only (openpyxl streams the sheets it reads). Forms of an earlier version (the
About sheet's form_version, form_layout.LAYOUTS) are read with their own layout.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from helpers.base import quarters
from helpers.base.errors import InputError
from helpers.cycle.form_layout import CURRENT, FILL, UPDATES_SHEET, Layout, updates_cell
from helpers.cycle.form_rows import Lead
from helpers.cycle.problems import Problems
from helpers.cycle.quarter_returns import source_prefix
from helpers.cycle.return_checks import (
    SheetRow,
    check_headers,
    layout_problems,
    locked_cell_changed,
    read_return_about,
    sheet_rows,
)
from helpers.cycle.typed_values import TypedDateError, swapped_reading, typed_date, typed_target
from helpers.tracking.updates import tidy_text

REVISED = [key for key, _, _ in FILL].index("revised_target")


@dataclass
class Return:
    """One return as read: its file, whose it is, the updates it gives, and how many rows were filled."""

    path: Path
    lead: Lead
    rows: list[dict[str, str]] = field(default_factory=list)
    filled_rows: int = 0
    layout: Layout = CURRENT
    blank_dates: set[str] = field(default_factory=set)  # sources of rows whose "Date of update" was left blank


def read_return(path: Path, quarter: pd.Period, open_actions: set[tuple[str, str, str, str]], today: dt.date) -> Return:
    """One returned workbook, checked; raises Problems listing every bad cell (one line each)."""
    from helpers.base.workbook_reader import read_workbook

    try:
        book = read_workbook(path, what="return")
    except InputError as err:
        raise Problems([InputError(f"{err.message}; or move it out of the returns folder", path)]) from None
    try:
        return _read_form(book, path, quarter, open_actions, today)
    finally:
        book.close()


def _number_format(sheet, row: int, column: int) -> str:
    """One cell's number format (a second pass over the sheet, only for a date in a revised-target cell)."""
    for (cell,) in sheet.iter_rows(min_row=row, max_row=row, min_col=column, max_col=column):
        return getattr(cell, "number_format", None) or "General"
    return "General"


def _read_form(
    book, path: Path, quarter: pd.Period, open_actions: set[tuple[str, str, str, str]], today: dt.date
) -> Return:
    """A return opened by read_return: the form as sent, then each filled row (every problem, one line each)."""
    lead, expected, layout = read_return_about(book, path, quarter)
    sheet = book[UPDATES_SHEET]
    rows = sheet_rows(sheet, layout)
    check_headers(rows[0].texts if rows else [], path, layout)
    data = rows[1:]
    moved = layout_problems(expected, data, path)
    if moved:
        raise Problems(moved)
    errors: list[InputError] = []
    out = Return(path, lead, layout=layout)
    for entry, row in zip(expected, data, strict=False):
        changed = locked_cell_changed(entry, row, path, layout)
        if changed:
            errors.append(changed)
            continue
        fill_text = row.texts[len(layout.reference) : len(layout.columns)]
        if not any(fill_text):
            continue
        out.filled_rows += 1
        if (lead.council, lead.lead, entry["review_id"], entry["action_ref"]) not in open_actions:
            errors.append(
                InputError(
                    f"{updates_cell(layout, 'action_ref', row.number)}: {entry['review_id']} action "
                    f"{entry['action_ref']} is not an open action of {lead.lead} at {lead.council} on "
                    f"{quarters.long_date(quarters.end(quarter))}; leave this row blank, or record the update by hand",
                    path,
                )
            )
            continue
        update, row_errors = _read_update(row, sheet, quarter, path, layout, today)
        errors.extend(row_errors)
        if not row_errors:
            source = f"{source_prefix(quarter)}{path.name}:{UPDATES_SHEET}!{row.number}"
            if not fill_text[[key for key, _, _ in layout.fill].index("updated_on")]:
                out.blank_dates.add(source)
            out.rows.append(
                {"review_id": entry["review_id"], "action_ref": entry["action_ref"], **update}
                | {"lead": lead.lead, "source": source, "collected_on": today.isoformat(), "_row": row.number}
            )
    if errors:
        raise Problems(errors)
    return out


def _read_update(
    row: SheetRow, sheet, quarter: pd.Period, path: Path, layout: Layout, today: dt.date
) -> tuple[dict[str, str], list[InputError]]:
    """The update a filled row gives (status, comment, date, revised target, reason, evidence), or its problems."""
    keys = [key for key, _, _ in layout.fill]
    first = len(layout.reference)
    fill = {key: row.values[first + n] for n, key in enumerate(keys)}
    text = {key: row.texts[first + n] for n, key in enumerate(keys)}
    errors: list[InputError] = []

    def bad(key: str, message: str) -> None:
        errors.append(InputError(f"{updates_cell(layout, key, row.number)}: {message}", path))

    status = _read_status(text["status"], bad)
    comment = tidy_text(text["comment"])
    day = _read_update_day(fill["updated_on"], text["updated_on"], quarter, today, bad)
    revised = _read_revised_target(row, sheet, layout, fill["revised_target"], day, bad)
    if revised:
        if not text["revision_reason"]:
            bad("revision_reason", "a revised target date needs a reason for the revision")
    elif text["revision_reason"]:
        bad("revised_target", "a reason for revision is given but no revised target date")
    if not (text["status"] or comment or revised):
        given = ", ".join(header for (key, header, _) in layout.fill if text[key])
        bad(
            "status",
            f"an update needs a status, a progress comment or a revised target date (this row has only: {given})",
        )
    update = {
        "status": status or "",
        "comment": comment,
        "updated_on": day.isoformat(),
        "revised_target": revised,
        "revision_reason": tidy_text(text["revision_reason"]),
        "revision_approved_by": "",
        "revision_approved_on": "",
        "evidence": tidy_text(text["evidence"]),
    }
    return update, errors


def _read_status(typed: str, bad: Callable[[str, str], None]) -> str | None:
    """The update status as the vocabulary names it; None (and a problem) for one it does not know."""
    from helpers.base.vocabulary import read_update_status, update_statuses

    status = read_update_status(typed)
    if status is None:
        statuses = ", ".join(update_statuses())
        bad("status", f"unknown status {typed!r}; use one of {statuses}, or leave it blank")
    return status


def blank_update_day(quarter: pd.Period, collected_on: dt.date) -> dt.date | None:
    """What a blank "Date of update" means: the day the return was (first) collected, or the quarter end if that
    is earlier; never a later day than the collection. None where the return was collected before the quarter
    began (there is then no day in the quarter the update can be as at)."""
    if collected_on < quarters.start(quarter):
        return None
    return min(collected_on, quarters.end(quarter))


def _read_update_day(
    value: object, typed: str, quarter: pd.Period, today: dt.date, bad: Callable[[str, str], None]
) -> dt.date:
    """The date of update: as typed where it is within the quarter; blank: `blank_update_day` for a return
    collected `today`. (After a problem, the quarter end, only so the row's other cells are checked.)"""
    start, end = quarters.start(quarter), quarters.end(quarter)
    day = end
    if not typed:
        blank = blank_update_day(quarter, today)
        if blank is None:
            bad(
                "updated_on",
                f"date of update is blank, and this return is collected on {quarters.long_date(today)}, before "
                f"{quarters.label(quarter)} begins: type the date the update is as at",
            )
        return blank or day
    try:
        read = typed_date(value, within=(start, end))
    except TypedDateError as err:
        bad("updated_on", f"date of update: {err}")
    else:
        if start <= read <= end:
            day = read
        else:
            bad(
                "updated_on",
                f"date of update {read.isoformat()} is outside {quarters.label(quarter)} "
                f"({start.isoformat()} to {end.isoformat()})",
            )
    return day


def _read_revised_target(
    row: SheetRow, sheet, layout: Layout, value: object, day: dt.date, bad: Callable[[str, str], None]
) -> str:
    """The revised target as typed ("" for none); a problem where it reads both ways or is not a date."""
    from helpers.base.targets import DATED, UnreadableTarget, parse_target

    if isinstance(value, dt.date):  # a spreadsheet made it a date: its format says whether a day was typed
        revised = typed_target(value, _number_format(sheet, row.number, layout.first_fill_column + REVISED))
    else:
        revised = typed_target(value)
    if not revised:
        return revised
    swapped = swapped_reading(revised)
    if swapped:
        bad("revised_target", f"revised target: {swapped}")
    else:
        try:
            readable = parse_target(revised, day).kind in DATED
        except UnreadableTarget:
            readable = False
        if not readable:
            bad(
                "revised_target",
                f"revised target {revised!r} is not a date: use a month (March 2025), a quarter "
                "(Q4 2024/25) or a date (31 March 2025)",
            )
    return revised
