"""Update forms out: one Excel workbook per lead with their open actions, and a chase list.

    python -m helpers.cycle.forms --quarter "2024/25 Q1"
    python -m helpers.cycle.forms --from-env              # QUARTER from the environment (make forms QUARTER=...)
    python -m helpers.cycle.forms --quarter "2024/25 Q1" --chase-list   # refresh the chase list only
    python -m helpers.cycle.forms --quarter "2024/25 Q1" --return-by 2024-07-19

Writes reports/<2024-25-Q1>/forms/<Lead>--<Council>--<2024-25-Q1>.xlsx (the
folder is replaced as a whole), plus chase-list.csv and README.md there: every
lead, their number of open actions, their file, and whether a return has come
back in data/updates/returns/<2024-25-Q1>/ (same file name, or the same lead in
its About sheet).

Each workbook has three sheets: "Updates" (reference cells locked, fill-in
cells unlocked, the sheet protected without a password), "Instructions", and a
hidden "About" sheet that `helpers.cycle.collect` uses to check the return. Text is
always written as text: a comment beginning "=HYPERLINK(" is never a formula.
"""

from __future__ import annotations

import datetime as dt
import html
import os
import re
import shutil
import tempfile
from pathlib import Path

import pandas as pd

from helpers.base import config, quarters
from helpers.base.errors import ArgumentParser, InputError, run_cli
from helpers.base.vocabulary import update_statuses, vocabulary
from helpers.cycle.quarterly import (
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
    Lead,
    check,
    column_letter,
    form_file_name,
    form_rows,
    forms_dir,
    is_collected,
    is_workbook_name,
    quarter_from_args,
    read_about,
    return_by,
    return_entries,
    returns_dir,
    source_prefix,
    unled_open_actions,
)
from helpers.plans.tables import to_csv_text, write_atomically
from helpers.tracking.workspace import Workspace

DECISION_COLUMN = [key for key, _, _ in REFERENCE].index(DECISION[0]) + 1  # 1-based: the committee's decision
PRINT_SCALE = 68  # percent: the Updates sheet's columns A-K (and A-C with L-R) fit an A4 landscape page
CHASE_COLUMNS = ["council", "lead", "open_actions", "form", "returned", "return_file", "rows_collected", "note"]


# --- Writing cells ----------------------------------------------------------------


def storable(text: str) -> str:
    """Text as a workbook can store it: characters XML cannot hold (control characters) dropped."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    return ILLEGAL_CHARACTERS_RE.sub("", text)


def put(cell, value: object) -> None:
    """Write a value; text stays text (never a formula), illegal XML characters dropped."""
    if isinstance(value, str):
        cell.value = storable(value)
        cell.data_type = "s"
    else:
        cell.value = value


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


def status_meanings() -> dict[str, str]:
    """{update status: what it means}: the vocabulary's `meaning`, else whether it closes the action."""
    specs = vocabulary()["update_statuses"]
    return {
        name: str(
            (specs[name] or {}).get("meaning")
            or ("the action is finished (this closes it)" if closes else "the action is still open")
        )
        for name, closes in update_statuses().items()
    }


# --- One workbook -----------------------------------------------------------------


def _print_setup(sheet, landscape: bool, title_rows: str | None = None) -> None:
    """A4, fitted to the page width only (as many pages down as it needs), header rows repeated on each page."""
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = "landscape" if landscape else "portrait"
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_margins.left = sheet.page_margins.right = 0.4
    sheet.page_margins.top = sheet.page_margins.bottom = 0.5
    if title_rows:
        sheet.print_title_rows = title_rows


def write_form(path: Path, lead: Lead, quarter: pd.Period, rows: pd.DataFrame, due: dt.date) -> None:
    """One lead's workbook: Updates (a title row with the return-by date, then one row per action), Instructions,
    and the hidden About sheet that collect checks the return against."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
    from openpyxl.workbook.protection import WorkbookProtection
    from openpyxl.worksheet.datavalidation import DataValidation
    from openpyxl.worksheet.pagebreak import Break

    start, end = quarters.start(quarter), quarters.end(quarter)
    book = Workbook()
    sheet = book.active
    sheet.title = UPDATES_SHEET
    wrap = Alignment(wrap_text=True, vertical="top")
    grey, yellow = PatternFill("solid", fgColor="EDEDED"), PatternFill("solid", fgColor="FFF7D6")
    thin = Side(style="thin", color="BFBFBF")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    widths = [w for _, _, w in COLUMNS]

    # The title row: the return-by date over the reference columns every printed page repeats (A:C), what the
    # form is over the first page, and what to do over the lead's columns.
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
    for n, (header, width) in enumerate(zip(HEADERS, widths, strict=False), start=1):
        cell = sheet.cell(row=HEADER_ROW, column=n)
        put(cell, header)
        cell.font = Font(bold=True)
        cell.alignment = wrap
        cell.fill = yellow if n >= FIRST_FILL_COLUMN else grey
        cell.border = border
        sheet.column_dimensions[cell.column_letter].width = width
    sheet.row_dimensions[HEADER_ROW].height = 45

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
    last = FIRST_ROW + len(rows) - 1

    if len(rows):
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
    sheet.freeze_panes = f"D{FIRST_ROW}"
    # Printed two A4 landscape pages across: what is known, then the committee's decision and the lead's update,
    # each repeating the title and header rows and the review and action reference (A:C), at 68% (7.5 pt). All 18
    # columns fitted to one page width would print at 3 pt; spreadsheets ignore a page break inside "fit to", so
    # the scale is fixed.
    _print_setup(sheet, landscape=True, title_rows=f"{TITLE_ROW}:{HEADER_ROW}")
    sheet.sheet_properties.pageSetUpPr.fitToPage = False
    sheet.page_setup.scale = PRINT_SCALE
    sheet.print_title_cols = "A:C"
    sheet.col_breaks.append(Break(id=DECISION_COLUMN - 1))  # the committee's decision starts the lead's page
    sheet.protection.sheet = True
    sheet.protection.formatColumns = False  # people may widen columns and rows
    sheet.protection.formatRows = False
    sheet.protection.selectLockedCells = False
    sheet.protection.selectUnlockedCells = False

    n_open = int(rows["open"].sum()) if "open" in rows else len(rows)
    _write_instructions(book.create_sheet(INSTRUCTIONS_SHEET), lead, quarter, n_open, len(rows) - n_open, due)

    about = book.create_sheet(ABOUT_SHEET)
    put(about.cell(row=1, column=1), "About this form: used to check the return. Do not edit.")
    pairs = {
        "form_version": FORM_VERSION,
        "quarter": quarters.label(quarter),
        "council": lead.council,
        "lead": lead.lead,
        "return_by": due.isoformat(),
        "file": path.name,
    }
    for r, key in enumerate(ABOUT_KEYS, start=2):
        put(about.cell(row=r, column=1), key)
        put(about.cell(row=r, column=2), pairs[key])
    first = len(ABOUT_KEYS) + 3
    for n, header in enumerate(ROW_TABLE_HEADER, start=1):
        put(about.cell(row=first, column=n), header)
    for r, values in enumerate(checks, start=first + 1):
        for n, value in enumerate(values, start=1):
            put(about.cell(row=r, column=n), str(value))
    about.column_dimensions["A"].width = 14
    about.column_dimensions["B"].width = 40
    about.column_dimensions["E"].width = 130
    about.protection.sheet = True
    about.sheet_state = "hidden"

    book.active = 0
    book.security = WorkbookProtection(lockStructure=True)  # sheets cannot be renamed, removed or unhidden
    book.properties.title = f"Peer review actions: update for {quarters.label(quarter)}"
    book.properties.subject = f"{lead.lead}, {lead.council}"
    book.properties.creator = "peer-review tracker (helpers.cycle.forms)"
    book.save(path)


def _write_instructions(sheet, lead: Lead, quarter: pd.Period, n_actions: int, n_closed: int, due: dt.date) -> None:
    """The Instructions sheet: what to fill in, what the committee's decision column says, each status, how to
    return the form."""
    from openpyxl.styles import Alignment, Font

    start, end = quarters.start(quarter), quarters.end(quarter)
    previous_end = quarters.end(quarter - 1)
    statuses = status_meanings()
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
    lines: list[tuple[str, str]] = [
        ("title", f"Peer review actions: your update for {quarters.label(quarter)}"),
        (
            "",
            f"For: {lead.lead}, {lead.council}. This form lists the {n_actions} peer review action(s) you are "
            f"named for that were still open on {quarters.long_date(end)}.",
        ),
        *closed,
        ("", f"Please return it by {quarters.long_date(due)}."),
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
            f"{quarters.long_date(end)}. Leave it blank to mean {quarters.long_date(end)}. Write the month as a "
            f"word ({quarters.long_date(end)}): a date in figures such as 06/05/2024 reads as 6 May in the UK but "
            "5 June in the US, so one that could be either is sent back to you.",
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
        ("head", "What the committee decided"),
        (
            "",
            f'The column "{DECISION[1]}" says what the committee decided between '
            f"{quarters.long_date(previous_end + dt.timedelta(days=1))} and {quarters.long_date(end)} on requests "
            "about each action (a revised target asked for, a closure on evidence, an escalation): the meeting, its "
            "minute, and whether the request was agreed, refused or deferred to a later meeting, with any note. "
            '"Asked by" names the lead who asked when it was not you. It is blank where nothing was decided. An '
            "agreed revised target is already the current target; a deferred request goes back to the committee "
            "without your asking again.",
        ),
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
    sheet.column_dimensions["A"].width = 75  # fits A4 portrait at full size (LibreOffice does not shrink it)
    _print_setup(sheet, landscape=False)
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


# --- All forms, and the chase list ------------------------------------------------


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


def identify(path: Path) -> Lead | None:
    """Whose return a file is, from its About sheet; None for a file that is not a readable form."""
    from helpers.base.workbook_reader import read_workbook

    if not is_workbook_name(path):
        return None
    try:
        book = read_workbook(path)
    except InputError:
        return None
    try:
        if ABOUT_SHEET not in book.sheetnames:
            return None
        values, _ = read_about(book[ABOUT_SHEET])
        council, lead = values.get("council", ("", ""))[0], values.get("lead", ("", ""))[0]
        return Lead(council, lead) if council and lead else None
    finally:
        book.close()


def returned(quarter: pd.Period, identified: dict[str, Lead] | None = None) -> dict[str, object]:
    """What has come back: {"files": [file names], "leads": {Lead: file name}} from the returns folder.

    Every file that `cycle.return_entries` counts is a return, whatever its format (collect names the ones it
    cannot read). `identified` ({file name: lead}) is what collect has just read, so no file is opened twice;
    without it each .xlsx file's About sheet says whose it is.
    """
    files = [path for path in return_entries(returns_dir(quarter)) if path.is_file()]
    leads: dict[Lead, str] = {}
    for path in files:
        lead = identified.get(path.name) if identified is not None else identify(path)
        if lead is not None:
            leads.setdefault(lead, path.name)
    return {"files": [path.name for path in files], "leads": leads}


def return_of(lead: Lead, form_name: str, back: dict[str, object]) -> str:
    """The file that is this lead's return ("" if none): any file whose About sheet names the lead, else the
    form's own file name in any format ("Cabinet--...--2024-25-Q1.ods" counts). `back` is `returned(quarter)`."""
    by_stem = {Path(name).stem.casefold(): name for name in back["files"]}
    return back["leads"].get(lead) or by_stem.get(Path(form_name).stem.casefold(), "")


def _collected_rows(quarter: pd.Period) -> pd.Series:
    """Rows collected so far from each returned file (by file name), from the quarter's update file."""
    from helpers.base.readers import read_csv
    from helpers.tracking.updates import FILE_COLUMNS, OPTIONAL_COLUMNS, quarter_file

    log = quarter_file(quarter)
    if not log.exists():
        return pd.Series(dtype=int)
    source = read_csv(log, required=FILE_COLUMNS, optional=OPTIONAL_COLUMNS, what="update file")["source"]
    mine = source[source.str.startswith(source_prefix(quarter)) & is_collected(source)]
    return mine.str.slice(len(source_prefix(quarter))).str.rsplit(":", n=1).str[0].value_counts()


def _note(name: str) -> str:
    """What collect will make of a returned file it cannot read, by its name ("" for an .xlsx)."""
    return "" if is_workbook_name(Path(name)) else "not .xlsx: collect cannot read it until it is saved as .xlsx"


def chase_list(
    quarter: pd.Period, forms: dict[Lead, tuple[str, pd.DataFrame]], back: dict[str, object] | None = None
) -> pd.DataFrame:
    """Every lead with a form: open actions, file, whether a return is in, and rows collected from it.

    A return is the form's own file name (in any format: "Cabinet--...--2024-25-Q1.ods" counts), or any file
    whose About sheet names the lead. `back` is `returned(quarter)`, when the caller has it already.
    """
    back = back if back is not None else returned(quarter)
    collected = _collected_rows(quarter)
    records = []
    for lead, (name, rows) in forms.items():
        file = return_of(lead, name, back)
        n_open = int(rows["open"].sum()) if "open" in rows else len(rows)
        note = _note(file) if file else ""
        if not n_open and not file:  # a form that only tells the committee's decisions asks for nothing back
            note = "no open actions: the form only tells the committee's decisions"
        records.append(
            {
                "council": lead.council,
                "lead": lead.lead,
                "open_actions": n_open,
                "form": name,
                "returned": "yes" if file else ("no" if n_open else "not needed"),
                "return_file": file,
                "rows_collected": int(collected.get(file, 0)) if file else 0,
                "note": note,
            }
        )
    return pd.DataFrame(records, columns=CHASE_COLUMNS)


def chase_readme(
    quarter: pd.Period, chase: pd.DataFrame, unled: pd.DataFrame, due: dt.date, unclaimed: list[str] = ()
) -> str:
    """The forms folder's README.md: what to do, and the chase list. Every value from data is escaped."""
    waiting = chase[chase["returned"] == "no"]
    expected = chase[chase["returned"] != "not needed"]
    lines = [
        f"# Update forms for {quarters.label(quarter)}",
        "",
        f"One workbook per lead with their actions open on {quarters.long_date(quarters.end(quarter))}. "
        f"Send each to its lead; returns are due by {quarters.long_date(due)}. Save each returned file, as it "
        f"comes, in `data/updates/returns/{quarters.slug(quarter)}/`, then run "
        f'`make collect QUARTER="{quarters.label(quarter)}"`.',
        "",
        f"Chase list ({len(expected) - len(waiting)} of {len(expected)} returned; refresh with "
        f'`.venv/bin/python -m helpers.cycle.forms --quarter "{quarters.label(quarter)}" --chase-list`):',
        "",
        "| lead | council | open actions | form | returned | rows collected |",
        "|---|---|---|---|---|---|",
    ]
    for row in chase.to_dict("records"):
        back = row["returned"]
        if row["returned"] == "yes" and row["return_file"] != row["form"]:
            back = f"yes ({_md(row['return_file'])})"
        if row["note"]:
            back += f"; {_md(row['note'])}"
        lines.append(
            f"| {_md(row['lead'])} | {_md(row['council'])} | {row['open_actions']} | {_md(row['form'])} | {back} | "
            f"{row['rows_collected']} |"
        )
    if len(unclaimed):
        lines += [
            "",
            f"{len(unclaimed)} file(s) in the returns folder name no lead (not a form's file name, and no About "
            "sheet that can be read): " + ", ".join(_md(name) for name in unclaimed) + ".",
        ]
    if len(unled):
        lines += [
            "",
            f"{len(unled)} open action(s) name no lead, so are in nobody's form: "
            + ", ".join(f"{_md(r)} {_md(a)}" for r, a in zip(unled["review_id"], unled["action_ref"], strict=False))
            + ".",
        ]
    return "\n".join(lines) + "\n"


# Markdown that would change what a cell shows: emphasis, code, links and images, tables, strikethrough.
_MARKDOWN = re.compile(r"([\\`*_\[\]|~])")


def _md(text: object) -> str:
    """Text from data as one Markdown table cell that shows exactly that text: line breaks made spaces,
    Markdown punctuation backslash-escaped, and <, > and & as HTML entities (GitHub renders raw HTML)."""
    flat = " ".join(str(text).split())
    return html.escape(_MARKDOWN.sub(r"\\\1", flat), quote=False)


def write_chase_list(
    quarter: pd.Period,
    forms: dict[Lead, tuple[str, pd.DataFrame]],
    unled: pd.DataFrame,
    due: dt.date,
    folder: Path,
    identified: dict[str, Lead] | None = None,
) -> pd.DataFrame:
    """chase-list.csv and README.md in the forms folder, written together (all or nothing).

    `identified` ({file name: lead}) is what collect has just read: given it, no return is opened again.
    """
    back = returned(quarter, identified)
    chase = chase_list(quarter, forms, back)
    claimed = set(chase["return_file"])
    unclaimed = [name for name in back["files"] if name not in claimed]
    write_atomically(
        {
            folder / "chase-list.csv": to_csv_text(chase),
            folder / "README.md": chase_readme(quarter, chase, unled, due, unclaimed),
        }
    )
    return chase


def make_forms(quarter: pd.Period, due: dt.date | None = None) -> tuple[Path, pd.DataFrame]:
    """Write every lead's form and the chase list; the forms folder is replaced as a whole."""
    due = due or return_by(quarter)
    _, forms, unled = lead_forms(quarter)
    target = forms_dir(quarter)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".forms-", dir=target.parent))
    try:
        for lead, (name, rows) in forms.items():
            write_form(staging / name, lead, quarter, rows, due)
        for path in staging.iterdir():
            os.chmod(path, 0o644)
        chase = write_chase_list(quarter, forms, unled, due, staging)
        os.chmod(staging, 0o755)  # noqa: S103 - mkdtemp makes it private; forms are for everyone to read
        old = None
        if target.exists():
            old = Path(tempfile.mkdtemp(prefix=".forms-old-", dir=target.parent))
            os.replace(target, old / "forms")
        os.replace(staging, target)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    return target, chase


def main(argv: list[str] | None = None) -> int:
    """The command line (`make forms`): write the quarter's forms and chase list, or refresh the chase list."""
    parser = ArgumentParser(prog="python -m helpers.cycle.forms", description=__doc__.split("\n")[0])
    which = parser.add_mutually_exclusive_group(required=True)
    which.add_argument("--quarter", help='the quarter the updates are for, e.g. "2024/25 Q1"')
    which.add_argument("--from-env", action="store_true", help="read the quarter from the QUARTER variable")
    parser.add_argument(
        "--return-by", help=f"the date returns are due (YYYY-MM-DD); default: the quarter end plus {10} working days"
    )
    parser.add_argument(
        "--chase-list",
        action="store_true",
        help="only refresh the chase list (which leads have returned) next to existing forms",
    )
    args = parser.parse_args(argv)
    quarter = quarter_from_args(args)
    due = None
    if args.return_by:
        try:
            due = dt.date.fromisoformat(args.return_by)
        except ValueError:
            raise InputError(f"--return-by {args.return_by!r} is not a date like 2024-07-12") from None
    if args.chase_list:
        folder = forms_dir(quarter)
        if not folder.is_dir():
            raise InputError(f"no forms yet for {quarters.label(quarter)}: run without --chase-list first", folder)
        _, forms, unled = lead_forms(quarter)
        if due is None:
            due = _due_from_forms(folder) or return_by(quarter)
        chase = write_chase_list(quarter, forms, unled, due, folder)
        print(
            f"Chase list: {(chase['returned'] == 'yes').sum()} of {(chase['returned'] != 'not needed').sum()} leads "
            "have returned "
            f"({config.relative(folder / 'README.md')})"
        )
        return 0
    folder, chase = make_forms(quarter, due)
    print(
        f"Wrote {len(chase)} form(s) for {quarters.label(quarter)} to {config.relative(folder)}/ "
        f"({int(chase['open_actions'].sum())} action rows); chase list: {config.relative(folder / 'README.md')}"
    )
    return 0


def _due_from_forms(folder: Path) -> dt.date | None:
    """The return-by date the existing forms were made with (from any form's About sheet)."""
    from helpers.base.workbook_reader import read_workbook

    for path in sorted(folder.glob("*.xlsx")):
        try:
            book = read_workbook(path)
        except InputError:
            continue
        try:
            return dt.date.fromisoformat(read_about(book[ABOUT_SHEET])[0]["return_by"][0])
        except (KeyError, ValueError):
            continue  # a damaged form gives no date; the next one, or the default, is used
        finally:
            book.close()
    return None


if __name__ == "__main__":
    run_cli(main)
