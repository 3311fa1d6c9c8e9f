"""Update forms out: one Excel workbook per lead with their open actions, and a chase list.

    python -m helpers.forms --quarter "2024/25 Q1"
    python -m helpers.forms --from-env              # QUARTER from the environment (make forms QUARTER=...)
    python -m helpers.forms --quarter "2024/25 Q1" --chase-list   # refresh the chase list only
    python -m helpers.forms --quarter "2024/25 Q1" --return-by 2024-07-19

Writes reports/<2024-25-Q1>/forms/<Lead>--<Council>--<2024-25-Q1>.xlsx (the
folder is replaced as a whole), plus chase-list.csv and README.md there: every
lead, their number of open actions, their file, and whether a return has come
back in data/updates/returns/<2024-25-Q1>/ (same file name, or the same lead in
its About sheet).

Each workbook has three sheets: "Updates" (reference cells locked, fill-in
cells unlocked, the sheet protected without a password), "Instructions", and a
hidden "About" sheet that `helpers.collect` uses to check the return. Text is
always written as text: a comment beginning "=HYPERLINK(" is never a formula.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import tempfile
from pathlib import Path

import pandas as pd

from helpers import config, quarters
from helpers.cycle import (
    ABOUT_KEYS,
    ABOUT_SHEET,
    COLUMNS,
    FILL,
    FIRST_FILL_COLUMN,
    FORM_VERSION,
    HEADERS,
    INSTRUCTIONS_SHEET,
    REFERENCE,
    ROW_TABLE_HEADER,
    UPDATES_SHEET,
    Lead,
    check,
    column_letter,
    form_file_name,
    form_rows,
    forms_dir,
    quarter_from_args,
    read_about,
    return_by,
    returns_dir,
    source_prefix,
    unled_open_actions,
)
from helpers.errors import ArgumentParser, InputError, run_cli
from helpers.tables import to_csv_text, write_atomically
from helpers.vocabulary import update_statuses, vocabulary
from helpers.workspace import Workspace

CHASE_COLUMNS = ["council", "lead", "open_actions", "form", "returned", "return_file", "rows_collected"]


# --- Writing cells ----------------------------------------------------------------


def put(cell, value: object) -> None:
    """Write a value; text stays text (never a formula), illegal XML characters dropped."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if isinstance(value, str):
        cell.value = ILLEGAL_CHARACTERS_RE.sub("", value)
        cell.data_type = "s"
    else:
        cell.value = value


def _row_height(values: list[str], widths: list[int]) -> float:
    lines = 1
    for value, width in zip(values, widths, strict=False):
        if value:
            lines = max(lines, sum(-(-max(len(part), 1) // max(width - 2, 1)) for part in value.split("\n")))
    return 15.0 * min(lines, 25)


def _statuses_formula(names: list[str]) -> str:
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


def write_form(path: Path, lead: Lead, quarter: pd.Period, rows: pd.DataFrame, due: dt.date) -> None:
    """One lead's workbook: Updates (protected), Instructions, About (hidden)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
    from openpyxl.workbook.protection import WorkbookProtection
    from openpyxl.worksheet.datavalidation import DataValidation

    start, end = quarters.start(quarter), quarters.end(quarter)
    book = Workbook()
    sheet = book.active
    sheet.title = UPDATES_SHEET
    wrap = Alignment(wrap_text=True, vertical="top")
    grey, yellow = PatternFill("solid", fgColor="EDEDED"), PatternFill("solid", fgColor="FFF7D6")
    thin = Side(style="thin", color="BFBFBF")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    widths = [w for _, _, w in COLUMNS]
    for n, (header, width) in enumerate(zip(HEADERS, widths, strict=False), start=1):
        cell = sheet.cell(row=1, column=n)
        put(cell, header)
        cell.font = Font(bold=True)
        cell.alignment = wrap
        cell.fill = yellow if n >= FIRST_FILL_COLUMN else grey
        cell.border = border
        sheet.column_dimensions[cell.column_letter].width = width
    sheet.row_dimensions[1].height = 45

    text_columns = {"status", "comment", "revision_reason", "evidence"}
    date_columns = {"updated_on", "revised_target"}
    checks = []
    for r, item in enumerate(rows.to_dict("records"), start=2):
        values = [str(item[key]) for key, _, _ in REFERENCE]
        for n, value in enumerate(values, start=1):
            cell = sheet.cell(row=r, column=n)
            put(cell, value)
            cell.alignment = wrap
            cell.border = border
            cell.protection = Protection(locked=True)
        for n, (key, _, _) in enumerate(FILL, start=FIRST_FILL_COLUMN):
            cell = sheet.cell(row=r, column=n)
            cell.protection = Protection(locked=False)
            cell.alignment = wrap
            cell.fill = yellow
            cell.border = border
            if key in text_columns:
                cell.number_format = "@"  # Excel keeps what is typed as text: "=..." is not a formula
            elif key in date_columns:
                cell.number_format = "DD/MM/YYYY"
        sheet.row_dimensions[r].height = _row_height(values, widths)
        checks.append([r, item["review_id"], item["action_ref"], item["role"], check(values)])
    last = len(rows) + 1

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
        status.add(f"{column_letter('status')}2:{column_letter('status')}{last}")
        updated = DataValidation(
            type="date",
            operator="between",
            formula1=f"DATE({start.year},{start.month},{start.day})",
            formula2=f"DATE({end.year},{end.month},{end.day})",
            allow_blank=True,
            showErrorMessage=True,
            errorTitle="Date of update",
            error=f"The date your update is as at: between {quarters.long_date(start)} and {quarters.long_date(end)}.",
            promptTitle="Date of update",
            showInputMessage=True,
            prompt=f"Between {start:%d/%m/%Y} and {end:%d/%m/%Y}. Blank means {end:%d/%m/%Y}.",
        )
        updated.add(f"{column_letter('updated_on')}2:{column_letter('updated_on')}{last}")
        revised = DataValidation(
            allow_blank=True,
            showInputMessage=True,
            promptTitle="Revised target date",
            prompt="Only if the target must move: a date (31/03/2025) or a month (March 2025). "
            "Give the reason in the next column.",
        )
        revised.add(f"{column_letter('revised_target')}2:{column_letter('revised_target')}{last}")
        for validation in (status, updated, revised):
            sheet.add_data_validation(validation)
    sheet.freeze_panes = "D2"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = "1:1"
    sheet.protection.sheet = True
    sheet.protection.formatColumns = False  # people may widen columns and rows
    sheet.protection.formatRows = False
    sheet.protection.selectLockedCells = False
    sheet.protection.selectUnlockedCells = False

    _write_instructions(book.create_sheet(INSTRUCTIONS_SHEET), lead, quarter, len(rows), due)

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
    book.properties.creator = "peer-review tracker (helpers.forms)"
    book.save(path)


def _write_instructions(sheet, lead: Lead, quarter: pd.Period, n_actions: int, due: dt.date) -> None:
    from openpyxl.styles import Alignment, Font

    start, end = quarters.start(quarter), quarters.end(quarter)
    statuses = status_meanings()
    lines: list[tuple[str, str]] = [
        ("title", f"Peer review actions: your update for {quarters.label(quarter)}"),
        (
            "",
            f"For: {lead.lead}, {lead.council}. This form lists the {n_actions} peer review action(s) you are "
            f"named for that were still open on {quarters.long_date(end)}.",
        ),
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
            f"{quarters.long_date(end)}. Leave it blank to mean {quarters.long_date(end)}.",
        ),
        (
            "",
            "Revised target date: only if the action cannot be finished by its current target. A date "
            "(31/03/2025) or a month (March 2025). A revised target is a request until the committee agrees "
            "it; until then reports keep the current target and show your request.",
        ),
        ("", "Reason for revision: required whenever you give a revised target date."),
        ("", "Evidence: a link or a document reference that shows the progress (optional)."),
        ("", "Leave a row blank if you have nothing new to report on that action."),
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
    sheet.column_dimensions["A"].width = 110
    for r, (kind, text) in enumerate(lines, start=1):
        cell = sheet.cell(row=r, column=1)
        put(cell, text)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        if kind == "title":
            cell.font = Font(bold=True, size=14)
        elif kind == "head":
            cell.font = Font(bold=True, size=12)
        sheet.row_dimensions[r].height = 15.0 * max(1, -(-len(text) // 100)) + (6 if kind else 0)
    sheet.protection.sheet = True


# --- All forms, and the chase list ------------------------------------------------


def lead_forms(
    quarter: pd.Period, ws: Workspace | None = None
) -> tuple[pd.DataFrame, dict[Lead, tuple[str, pd.DataFrame]], pd.DataFrame]:
    """(all form rows, {lead: (file name, rows)}, open actions with no lead) for the quarter."""
    from helpers.workspace import load_workspace

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


def returned(quarter: pd.Period) -> dict[str, object]:
    """What has come back: {"files": {file name}, "leads": {Lead: file name}} from the returns folder."""
    from openpyxl import load_workbook

    folder = returns_dir(quarter)
    files: set[str] = set()
    leads: dict[Lead, str] = {}
    if folder.is_dir():
        for path in sorted(folder.iterdir()):
            if path.suffix.lower() != ".xlsx" or path.name.startswith(("~$", ".")):
                continue
            files.add(path.name)
            try:
                book = load_workbook(path, read_only=False)
                values, _ = read_about(book)
                leads[Lead(values["council"][0], values["lead"][0])] = path.name
            except Exception:  # noqa: S112 - an unreadable return is reported by collect, not here
                continue
    return {"files": files, "leads": leads}


def chase_list(quarter: pd.Period, forms: dict[Lead, tuple[str, pd.DataFrame]]) -> pd.DataFrame:
    """Every lead with a form: open actions, file, whether a return is in, and rows collected from it."""
    from helpers.updates import quarter_file

    back = returned(quarter)
    collected = pd.Series(dtype=int)
    log = quarter_file(quarter)
    if log.exists():
        frame = pd.read_csv(log, dtype=str, keep_default_na=False)
        if "source" in frame:
            src = frame["source"]
            mine = src[src.str.startswith(source_prefix(quarter))]
            collected = mine.str.slice(len(source_prefix(quarter))).str.rsplit(":", n=1).str[0].value_counts()
    records = []
    for lead, (name, rows) in forms.items():
        file = name if name in back["files"] else back["leads"].get(lead, "")
        records.append(
            {
                "council": lead.council,
                "lead": lead.lead,
                "open_actions": len(rows),
                "form": name,
                "returned": "yes" if file else "no",
                "return_file": file,
                "rows_collected": int(collected.get(file, 0)) if file else 0,
            }
        )
    return pd.DataFrame(records, columns=CHASE_COLUMNS)


def chase_readme(quarter: pd.Period, chase: pd.DataFrame, unled: pd.DataFrame, due: dt.date) -> str:
    waiting = chase[chase["returned"] == "no"]
    lines = [
        f"# Update forms for {quarters.label(quarter)}",
        "",
        f"One workbook per lead with their actions open on {quarters.long_date(quarters.end(quarter))}. "
        f"Send each to its lead; returns are due by {quarters.long_date(due)}. Save each returned file, as it "
        f"comes, in `data/updates/returns/{quarters.slug(quarter)}/`, then run "
        f'`make collect QUARTER="{quarters.label(quarter)}"`.',
        "",
        f"Chase list ({len(chase) - len(waiting)} of {len(chase)} returned; refresh with "
        f'`python -m helpers.forms --quarter "{quarters.label(quarter)}" --chase-list`):',
        "",
        "| lead | council | open actions | form | returned | rows collected |",
        "|---|---|---|---|---|---|",
    ]
    for row in chase.to_dict("records"):
        back = (
            f"yes ({row['return_file']})"
            if row["returned"] == "yes" and row["return_file"] != row["form"]
            else row["returned"]
        )
        lines.append(
            f"| {_md(row['lead'])} | {_md(row['council'])} | {row['open_actions']} | `{row['form']}` | {back} | "
            f"{row['rows_collected']} |"
        )
    if len(unled):
        lines += [
            "",
            f"{len(unled)} open action(s) name no lead, so are in nobody's form: "
            + ", ".join(f"{r} {a}" for r, a in zip(unled["review_id"], unled["action_ref"], strict=False))
            + ".",
        ]
    return "\n".join(lines) + "\n"


def _md(text: str) -> str:
    return str(text).replace("|", "\\|")


def write_chase_list(
    quarter: pd.Period, forms: dict[Lead, tuple[str, pd.DataFrame]], unled: pd.DataFrame, due: dt.date, folder: Path
) -> pd.DataFrame:
    chase = chase_list(quarter, forms)
    write_atomically(
        {folder / "chase-list.csv": to_csv_text(chase), folder / "README.md": chase_readme(quarter, chase, unled, due)}
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
    parser = ArgumentParser(prog="python -m helpers.forms", description=__doc__.split("\n")[0])
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
            f"Chase list: {(chase['returned'] == 'yes').sum()} of {len(chase)} leads have returned "
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
    from openpyxl import load_workbook

    for path in sorted(folder.glob("*.xlsx")):
        try:
            return dt.date.fromisoformat(read_about(load_workbook(path))[0]["return_by"][0])
        except Exception:  # noqa: S112 - a damaged form just gives no date; the default is used
            continue
    return None


if __name__ == "__main__":
    run_cli(main)
