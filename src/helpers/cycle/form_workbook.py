"""One lead's update form as an Excel workbook: the Updates sheet, step by step, and the hidden About sheet.

Each workbook has three sheets: "Updates" (a title row with the return-by date, the header row, then one row per
action: reference cells locked, fill-in cells unlocked, the sheet protected without a password), "Instructions"
(helpers.cycle.form_instructions), and a hidden "About" sheet that `helpers.cycle.collect` uses to check the
return. Text is always written as text: a comment beginning "=HYPERLINK(" is never a formula.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd

from helpers.base import config, quarters
from helpers.base.errors import InputError
from helpers.base.vocabulary import update_statuses
from helpers.cycle.form_instructions import write_instructions
from helpers.cycle.form_layout import (
    ABOUT_KEYS,
    ABOUT_SHEET,
    COLUMNS,
    DECISION,
    FILL,
    FIRST_FILL_COLUMN,
    FIRST_ROW,
    FORM_VERSION,
    HEADER_ROW,
    HEADERS,
    INSTRUCTIONS_SHEET,
    REFERENCE,
    ROW_TABLE_HEADER,
    TEXT_CELLS,
    TITLE_ROW,
    UPDATES_SHEET,
    check,
    column_letter,
)
from helpers.cycle.form_rows import DecisionWindow, Lead
from helpers.cycle.workbook_cells import print_setup, put, storable, write_about

DECISION_COLUMN = [key for key, _, _ in REFERENCE].index(DECISION[0]) + 1  # 1-based: the committee's decision
PRINT_SCALE = 68  # percent: the Updates sheet's columns A-K (and A-C with L-R) fit an A4 landscape page
GREY, YELLOW = "EDEDED", "FFF7D6"  # reference cells, and the cells a lead fills in


def _row_height(values: list[str], widths: list[int]) -> float:
    """A row's height in points for its wrapped text (15 pt a line, at most 25 lines)."""
    lines = 1
    for value, width in zip(values, widths, strict=False):
        if value:
            lines = max(lines, sum(-(-max(len(part), 1) // max(width - 2, 1)) for part in value.split("\n")))
    return 15.0 * min(lines, 25)


def _statuses_formula(names: list[str]) -> str:
    """The status drop-down's list formula, or InputError where Excel cannot hold the statuses."""
    if any("," in n or '"' in n for n in names):
        raise InputError(
            "an update status contains a comma or a quote, which an Excel drop-down list cannot hold; rename it",
            config.rules_file("vocabulary.yaml"),
        )
    formula = '"' + ",".join(names) + '"'
    if len(formula) > 257:
        raise InputError(
            "the update statuses are too long together for an Excel drop-down list (255 characters)",
            config.rules_file("vocabulary.yaml"),
        )
    return formula


def write_form(
    path: Path, lead: Lead, quarter: pd.Period, rows: pd.DataFrame, due: dt.date, window: DecisionWindow | None = None
) -> None:
    """One lead's workbook: Updates (a title row with the return-by date, then one row per action), Instructions,
    and the hidden About sheet that collect checks the return against. `window` is which decisions the form tells
    (form_rows.decision_window; default: those after the previous quarter's end, up to this one's)."""
    from openpyxl import Workbook
    from openpyxl.workbook.protection import WorkbookProtection

    book = Workbook()
    sheet = book.active
    sheet.title = UPDATES_SHEET
    _write_title_row(sheet, lead, quarter, due)
    _write_header_row(sheet)
    checks = _write_action_rows(sheet, rows)
    if len(rows):
        _add_validations(sheet, quarter, last=FIRST_ROW + len(rows) - 1)
    sheet.freeze_panes = f"D{FIRST_ROW}"
    _set_up_printing(sheet)
    _protect(sheet)

    n_open = int(rows["open"].sum()) if "open" in rows else len(rows)
    window = window or DecisionWindow(quarters.end(quarter - 1), quarters.end(quarter))
    write_instructions(
        book.create_sheet(INSTRUCTIONS_SHEET), lead, quarter, n_open, len(rows) - n_open, due, window=window
    )
    _write_about(book.create_sheet(ABOUT_SHEET), path, lead, quarter, due, checks)

    book.active = 0
    book.security = WorkbookProtection(lockStructure=True)  # sheets cannot be renamed, removed or unhidden
    book.properties.title = f"Peer review actions: update for {quarters.label(quarter)}"
    book.properties.subject = f"{lead.lead}, {lead.council}"
    book.properties.creator = "peer-review tracker (helpers.cycle.forms)"
    book.save(path)


def _write_title_row(sheet, lead: Lead, quarter: pd.Period, due: dt.date) -> None:
    """The title row: the return-by date over the reference columns every printed page repeats (A:C), what the
    form is over the first page, and what to do over the lead's columns."""
    from openpyxl.styles import Alignment, Font

    for column, text, size in (
        (1, f"Return by {quarters.long_date(due)}", 12),
        (4, f"Peer review actions: update for {quarters.label(quarter)} from {lead.lead}, {lead.council}", 12),
        (FIRST_FILL_COLUMN, "Your update: fill in the yellow columns (the Instructions sheet says how)", 11),
    ):
        cell = sheet.cell(row=TITLE_ROW, column=column)
        put(cell, text)
        cell.font = Font(bold=True, size=size)
        if column > 1:  # a space after the return-by date, which fills A:C when printed
            cell.alignment = Alignment(horizontal="left", indent=1)
    sheet.row_dimensions[TITLE_ROW].height = 22


def _border():
    """The thin grey border round every header and action cell."""
    from openpyxl.styles import Border, Side

    thin = Side(style="thin", color="BFBFBF")
    return Border(left=thin, right=thin, top=thin, bottom=thin)


def _write_header_row(sheet) -> None:
    """The header row: reference headers grey, the lead's yellow; each column's width."""
    from openpyxl.styles import Alignment, Font, PatternFill

    wrap, border = Alignment(wrap_text=True, vertical="top"), _border()
    grey, yellow = PatternFill("solid", fgColor=GREY), PatternFill("solid", fgColor=YELLOW)
    widths = [w for _, _, w in COLUMNS]
    for n, (header, width) in enumerate(zip(HEADERS, widths, strict=False), start=1):
        cell = sheet.cell(row=HEADER_ROW, column=n)
        put(cell, header)
        cell.font = Font(bold=True)
        cell.alignment = wrap
        cell.fill = yellow if n >= FIRST_FILL_COLUMN else grey
        cell.border = border
        sheet.column_dimensions[cell.column_letter].width = width
    sheet.row_dimensions[HEADER_ROW].height = 45


def _write_action_rows(sheet, rows: pd.DataFrame) -> list[list[object]]:
    """One row per action: reference cells locked, fill-in cells open where the action takes an update; returns
    the About sheet's row table (sheet row, review, action, role, hashes of the reference cells)."""
    from openpyxl.styles import Alignment, Font, PatternFill, Protection

    wrap, border = Alignment(wrap_text=True, vertical="top"), _border()
    grey, yellow = PatternFill("solid", fgColor=GREY), PatternFill("solid", fgColor=YELLOW)
    widths = [w for _, _, w in COLUMNS]
    checks = []
    for r, item in enumerate(rows.to_dict("records"), start=FIRST_ROW):
        values = [storable(str(item[key])) for key, _, _ in REFERENCE]  # as stored, so the return's hashes match
        for n, value in enumerate(values, start=1):
            cell = sheet.cell(row=r, column=n)
            put(cell, value)
            cell.alignment = wrap
            cell.border = border
            cell.protection = Protection(locked=True)
        if values[DECISION_COLUMN - 1]:
            sheet.cell(row=r, column=DECISION_COLUMN).font = Font(bold=True)
        takes_update = bool(item.get("open", True))  # a closed action is here only to tell its decision
        for n, (key, _, _) in enumerate(FILL, start=FIRST_FILL_COLUMN):
            cell = sheet.cell(row=r, column=n)
            cell.protection = Protection(locked=not takes_update)
            cell.alignment = wrap
            cell.fill = yellow if takes_update else grey
            cell.border = border
            if key in TEXT_CELLS:
                # Text cells keep what is typed: "=..." is not a formula, "March 2025" is not 1 March 2025,
                # and "06/05/2024" is not read by the spreadsheet's locale (collect reads it, day first).
                cell.number_format = "@"
        sheet.row_dimensions[r].height = _row_height(values, widths)
        checks.append([r, item["review_id"], item["action_ref"], item["role"], check(values)])
    return checks


def _add_validations(sheet, quarter: pd.Period, last: int) -> None:
    """The status drop-down, and the prompts on the date of update and the revised target, down to row `last`."""
    from openpyxl.worksheet.datavalidation import DataValidation

    start, end = quarters.start(quarter), quarters.end(quarter)
    status = DataValidation(
        type="list",
        formula1=_statuses_formula(list(update_statuses())),
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="Status",
        error="Choose a status from the list (or leave it blank).",
        promptTitle="Status",
        prompt="Choose from the list.",
        showInputMessage=True,
    )
    updated = DataValidation(
        allow_blank=True,
        showInputMessage=True,
        promptTitle="Date of update",
        prompt=f"Between {quarters.long_date(start)} and {quarters.long_date(end)}, written like "
        f"{quarters.long_date(end)}. Blank means {quarters.long_date(end)}.",
    )
    revised = DataValidation(
        allow_blank=True,
        showInputMessage=True,
        promptTitle="Revised target date",
        prompt="Only if the target must move: a month (March 2025) or a date (31 March 2025). "
        "Give the reason in the next column.",
    )
    for validation, key in ((status, "status"), (updated, "updated_on"), (revised, "revised_target")):
        validation.add(f"{column_letter(key)}{FIRST_ROW}:{column_letter(key)}{last}")
        sheet.add_data_validation(validation)


def _set_up_printing(sheet) -> None:
    """Printed two A4 landscape pages across: what is known, then the committee's decision and the lead's update.

    Each page repeats the title and header rows and the review and action reference (A:C), at 68% (7.5 pt). All 18
    columns fitted to one page width would print at 3 pt; spreadsheets ignore a page break inside "fit to", so
    the scale is fixed.
    """
    from openpyxl.worksheet.pagebreak import Break

    print_setup(sheet, landscape=True, title_rows=f"{TITLE_ROW}:{HEADER_ROW}")
    sheet.sheet_properties.pageSetUpPr.fitToPage = False
    sheet.page_setup.scale = PRINT_SCALE
    sheet.print_title_cols = "A:C"
    sheet.col_breaks.append(Break(id=DECISION_COLUMN - 1))  # the committee's decision starts the lead's page


def _protect(sheet) -> None:
    """The Updates sheet protected without a password: only the unlocked cells take typing."""
    sheet.protection.sheet = True
    sheet.protection.formatColumns = False  # people may widen columns and rows
    sheet.protection.formatRows = False
    sheet.protection.selectLockedCells = False
    sheet.protection.selectUnlockedCells = False


def _write_about(about, path: Path, lead: Lead, quarter: pd.Period, due: dt.date, checks: list[list[object]]) -> None:
    """The hidden, protected About sheet: the form's keys, then the row table collect checks the return against."""
    put(about.cell(row=1, column=1), "About this form: used to check the return. Do not edit.")
    pairs = {
        "form_version": FORM_VERSION,
        "quarter": quarters.label(quarter),
        "council": lead.council,
        "lead": lead.lead,
        "return_by": due.isoformat(),
        "file": path.name,
    }
    write_about(about, 2, {key: pairs[key] for key in ABOUT_KEYS}, ROW_TABLE_HEADER, checks)
    about.column_dimensions["A"].width = 14
    about.column_dimensions["B"].width = 40
    about.column_dimensions["E"].width = 130
    about.protection.sheet = True
    about.sheet_state = "hidden"
