"""Decision sheets in: one filled sheet read and checked, a decision row per filled request row.

Every filled cell is checked (one line per problem naming the workbook, sheet and cell). A row left blank records
nothing: the request stays open and comes back in the next report.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd

from helpers.base import quarters
from helpers.base.errors import InputError
from helpers.cycle.decision_sheet_layout import (
    ABOUT_KEYS,
    ABOUT_SHEET,
    COLUMNS_OUT,
    DECIDED_BY_CELL,
    DECISIONS_SHEET,
    FILL,
    HEADER_ROW,
    HEADERS,
    MEETING_CELL,
    REFERENCE,
    ROW_TABLE_HEADER,
    SHEET_VERSION,
    SOURCE_PREFIX,
)
from helpers.cycle.form_layout import check
from helpers.cycle.problems import Problems
from helpers.cycle.return_checks import SheetRow, layout_problems
from helpers.cycle.typed_values import TypedDateError, cell_text, typed_date
from helpers.tracking.decisions import OUTCOMES, REVISION

FILL_AT = {key: len(REFERENCE) + n for n, (key, _, _) in enumerate(FILL, start=1)}  # 1-based column of each


def read_meeting_date(value: object) -> dt.date | None:
    """The meeting date as typed, by the forms' one rule (typed_values.typed_date): a spreadsheet date, or text
    written day first ("12 September 2024", "12/09/2024", 2024-09-12); None if blank. A date in figures that reads
    both ways ("06/05/2024") or that cannot be read raises TypedDateError saying how to write it."""
    if not cell_text(value).strip() and not isinstance(value, dt.date):
        return None
    return typed_date(value)


def _about(book) -> tuple[dict[str, str], list[dict[str, str]]]:
    """A decision sheet's About sheet: {key: value}, and its row table as dicts."""
    sheet = book[ABOUT_SHEET]
    values: dict[str, str] = {}
    rows: list[dict[str, str]] = []
    in_table = False
    for row in sheet.iter_rows(min_row=1, max_col=len(ROW_TABLE_HEADER)):
        cells = [cell_text(c.value) for c in row]
        if not in_table and cells == ROW_TABLE_HEADER:
            in_table = True
        elif in_table and any(cells):
            rows.append(dict(zip(ROW_TABLE_HEADER, cells, strict=True)))
        elif not in_table and cells[0] in ABOUT_KEYS:
            values[cells[0]] = cells[1]
    return values, rows


def read_sheet(path: Path, quarter: pd.Period, today: dt.date) -> list[dict[str, str]]:
    """One filled decision sheet, checked: a decision row per filled request row. Raises Problems."""
    sheet, table = _open_sheet(path, quarter)
    expected = {int(entry["sheet_row"]): entry for entry in table}
    moved = layout_problems(
        table, _request_rows(sheet), path, DECISIONS_SHEET, "the sheet as made", "fill in the sheet as made"
    )
    if moved:  # one line for a row added, deleted or moved, not one for every row below it
        raise Problems(moved)
    errors: list[InputError] = []
    out: list[dict[str, str]] = []
    try:
        meeting, unreadable = read_meeting_date(sheet[MEETING_CELL].value), ""
    except TypedDateError as err:
        meeting, unreadable = None, str(err)
    decided_by = cell_text(sheet[DECIDED_BY_CELL].value)
    last = max(sheet.max_row, max(expected, default=HEADER_ROW))
    for r in range(HEADER_ROW + 1, last + 1):
        texts = [cell_text(sheet.cell(row=r, column=n).value) for n in range(1, len(COLUMNS_OUT) + 1)]
        entry = expected.get(r)
        if entry is None:
            if any(texts):
                errors.append(InputError(f"{DECISIONS_SHEET}!A{r}: row {r} was not in the sheet as made", path))
            continue
        if check(texts[: len(REFERENCE)]) != entry["check"]:
            errors.append(
                InputError(f"{DECISIONS_SHEET}!A{r}: a locked cell of this row was changed (or rows were moved)", path)
            )
            continue
        fill = {key: texts[at - 1] for key, at in FILL_AT.items()}
        if not any(fill.values()):
            continue
        problem = _row_problem(sheet, r, entry, fill, meeting, unreadable, today, path)
        if problem is not None:
            # A problem with the meeting date is one line for the one cell, however many rows are decided; every
            # other problem names its own row's cell, so is never a repeat.
            if str(problem) not in map(str, errors):
                errors.append(problem)
            continue
        out.append(_decision(entry, fill, meeting, decided_by, path, quarter, r, today))
    if errors:
        raise Problems(errors)
    return out


def _request_rows(sheet) -> list[SheetRow]:
    """The Decisions sheet's rows below the header, as read, up to the last one holding anything."""
    width = len(COLUMNS_OUT)
    rows = [
        SheetRow(r, [], [cell_text(sheet.cell(row=r, column=n).value) for n in range(1, width + 1)], len(REFERENCE))
        for r in range(HEADER_ROW + 1, sheet.max_row + 1)
    ]
    while rows and not any(rows[-1].texts):
        rows.pop()
    return rows


def _open_sheet(path: Path, quarter: pd.Period) -> tuple[object, list[dict[str, str]]]:
    """The Decisions sheet and the About sheet's row table, once the workbook reads as a decision sheet of this
    version and quarter with its headers in place. Raises Problems."""
    from helpers.base.workbook_reader import read_workbook

    def fail(message: str) -> Problems:
        return Problems([InputError(message, path)])

    try:  # the forms' checked loader: a password-protected, .xls, .ods or damaged file is named for what it is
        book = read_workbook(path, "decision sheet", read_only=False)
    except InputError as err:
        raise Problems([err]) from None
    for name in (DECISIONS_SHEET, ABOUT_SHEET):
        if name not in book.sheetnames:
            raise fail(f"{name}: sheet missing; this is not a decision sheet made by `make decisions`")
    about, table = _about(book)
    if about.get("sheet_version") != SHEET_VERSION:
        raise fail(f"{ABOUT_SHEET}: not a decision sheet of version {SHEET_VERSION}: run `make decisions` again")
    if about.get("quarter") != quarters.label(quarter):
        raise fail(f"{ABOUT_SHEET}: this sheet is for {about.get('quarter')!r}, not {quarters.label(quarter)}")
    sheet = book[DECISIONS_SHEET]
    for n, want in enumerate(HEADERS, start=1):
        cell = sheet.cell(row=HEADER_ROW, column=n)
        if " ".join(cell_text(cell.value).split()) != want:
            raise fail(f"{DECISIONS_SHEET}!{cell.coordinate}: header should be {want!r}; do not move columns")
    return sheet, table


def _row_problem(
    sheet,
    r: int,
    entry: dict[str, str],
    fill: dict[str, str],
    meeting: dt.date | None,
    unreadable: str,
    today: dt.date,
    path: Path,
) -> InputError | None:
    """The first problem with a filled request row: its decision, the meeting date, or its amended target."""
    from helpers.base.targets import DATED, UnreadableTarget, parse_target

    def where(key: str) -> str:
        return f"{DECISIONS_SHEET}!{sheet.cell(row=r, column=FILL_AT[key]).column_letter}{r}"

    kind = entry["kind"]
    decision = fill["decision"].casefold()
    if decision not in OUTCOMES[kind]:
        shown = ", ".join(o.capitalize() for o in OUTCOMES[kind])
        return InputError(f"{where('decision')}: choose a decision ({shown}) for this row", path)
    if meeting is None:
        problem = f"meeting date: {unreadable}" if unreadable else "no meeting date: write it like 12 September 2024"
        return InputError(f"{DECISIONS_SHEET}!{MEETING_CELL}: {problem}", path)
    if meeting > today:
        return InputError(f"{DECISIONS_SHEET}!{MEETING_CELL}: the meeting date {meeting} is in the future", path)
    amended = fill["amended_target"]
    if amended:
        try:
            target = parse_target(amended, meeting)
            ok = target.kind in DATED and target.date is not None
        except UnreadableTarget:
            ok = False
        if not ok or kind != REVISION or decision != "agreed":
            return InputError(
                f"{where('amended_target')}: an amended target is a date (March 2025, 31/03/2025) "
                "for an agreed revised target only",
                path,
            )
    return None


def _decision(
    entry: dict[str, str],
    fill: dict[str, str],
    meeting: dt.date,
    decided_by: str,
    path: Path,
    quarter: pd.Period,
    r: int,
    today: dt.date,
) -> dict[str, str]:
    """The decision row a filled request row records, naming its cell."""
    return {
        "review_id": entry["review_id"],
        "action_ref": entry["action_ref"],
        "kind": entry["kind"],
        "requested_on": entry["requested_on"],
        "lead": entry["lead"],
        "decision": fill["decision"].casefold(),
        "decided_on": meeting.isoformat(),
        "decided_by": decided_by,
        "minute": fill["minute"],
        "amended_target": fill["amended_target"],
        "note": fill["note"],
        "source": f"{SOURCE_PREFIX}{quarters.slug(quarter)}/{path.name}:{DECISIONS_SHEET}!{r}",
        "recorded_on": today.isoformat(),
    }
