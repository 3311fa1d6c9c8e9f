"""Decision sheets: what a report asks the committee to decide, out as a workbook, back in as data.

    python -m helpers.cycle.decision_sheets --quarter "2024/25 Q1"            # make decisions QUARTER=...
    python -m helpers.cycle.decision_sheets --quarter "2024/25 Q1" --record   # make record-decisions QUARTER=...

Out: reports/<2024-25-Q1>/decisions/<Committee>--<Council>--<2024-25-Q1>.xlsx,
one per council and committee, listing exactly the requests of that quarter's
report (helpers.tracking.decisions.requests): revised targets, closures on evidence and
escalations, lettered as in the report. The request cells are locked; the
analyst fills the meeting date once, and for each request the decision (a
drop-down), a minute reference, an amended target where the committee set
another date, and a note. A row left blank records nothing: the request stays
open and comes back in the next report.

In: save the filled workbook in data/decisions/sheets/<2024-25-Q1>/ and run
--record. Every filled cell is checked (one line per problem naming the
workbook, sheet and cell; nothing written while any is wrong), then the
decisions are written to data/decisions/<2024-25-Q1>.csv atomically, each
naming its cell. Rows typed by hand into that file are kept. Recording again
changes nothing; a sheet that changes a decision already recorded is a conflict
unless REPLACE=1 (--replace).
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from helpers.base import config, quarters
from helpers.base.errors import ArgumentParser, InputError, run_cli
from helpers.cycle.quarterly import TypedDateError, cell_text, check, quarter_from_args, safe_name, typed_date
from helpers.tracking.decisions import (
    CLOSURE,
    ESCALATION,
    FILE_COLUMNS,
    KIND_LABELS,
    OPTIONAL_COLUMNS,
    OUTCOMES,
    REVISION,
    decision_file,
    decisions_dir,
    read_decision_file,
)

SHEET_VERSION = "1"
DECISIONS_SHEET, ABOUT_SHEET = "Decisions", "About"
MEETING_CELL, DECIDED_BY_CELL = "B3", "B4"
HEADER_ROW = 6
# Reference cells (locked), then the cells the analyst fills in. Widths in characters.
REFERENCE = [
    ("table", "Table", 8),
    ("kind", "Request", 16),
    ("review_id", "Review id", 14),
    ("action_ref", "Action ref", 9),
    ("action", "Action", 45),
    ("asked_by", "Asked by", 22),
    ("asked_on", "Asked on", 13),
    ("asked", "What is asked", 40),
    ("why", "Reason, evidence or why escalated", 40),
]
FILL = [
    ("decision", "Decision", 12),
    ("amended_target", "Amended target (if the committee set another date)", 18),
    ("minute", "Minute reference", 14),
    ("note", "Note", 35),
]
COLUMNS_OUT = REFERENCE + FILL
HEADERS = [header for _, header, _ in COLUMNS_OUT]
ABOUT_KEYS = ["sheet_version", "quarter", "council", "committee"]
ROW_TABLE_HEADER = ["sheet_row", "review_id", "action_ref", "kind", "requested_on", "lead", "check"]
SOURCE_PREFIX = "sheets/"
MAX_LINES = 50


def sheets_out_dir(quarter: pd.Period) -> Path:
    """reports/2024-25-Q1/decisions/: where the blank decision sheets are written."""
    return config.reports_dir() / quarters.slug(quarter) / "decisions"


def sheets_in_dir(quarter: pd.Period) -> Path:
    """data/decisions/sheets/2024-25-Q1/: where the filled decision sheets are saved."""
    return decisions_dir() / "sheets" / quarters.slug(quarter)


def sheet_name(council: str, committee: str, quarter: pd.Period) -> str:
    """A decision sheet's file name: "<Committee>--<Council>--<2024-25-Q1>.xlsx"."""
    return f"{safe_name(committee or 'Committee')}--{safe_name(council)}--{quarters.slug(quarter)}.xlsx"


@dataclass(frozen=True)
class Meeting:
    """The council and committee one decision sheet is for, and the reviews it covers."""

    council: str
    committee: str
    review_ids: tuple[str, ...]


def meetings(quarter: pd.Period) -> list[Meeting]:
    """One meeting per (council, committee) the reviews counted by the quarter end report to."""
    from helpers.tracking.council_settings import audiences
    from helpers.tracking.workspace import load_workspace

    counted = load_workspace().counted_reviews(quarter)
    return [Meeting(council, committee, tuple(ids)) for (council, committee), ids in audiences(counted).items()]


def sheet_rows(quarter: pd.Period, meeting: Meeting) -> pd.DataFrame:
    """One row per request the meeting's report asks it to decide, in table order (as the report shows them)."""
    from helpers.base.dates import show_date
    from helpers.tracking.requests import for_quarter, table_letters
    from helpers.tracking.workspace import load_workspace

    ws = load_workspace(list(meeting.review_ids))
    asked = for_quarter(ws, quarter)
    letters = table_letters(asked)
    rows = []
    for kind, frame in ((REVISION, asked.revisions), (CLOSURE, asked.closures), (ESCALATION, asked.escalations)):
        for item in frame.to_dict("records"):
            if kind == ESCALATION:
                asked_for, why, by, on, lead = "escalation", item["escalation_reason"], "the escalation rules", "", ""
            else:
                lead, on = item["requested_by"], pd.Timestamp(item["updated_on"]).date().isoformat()
                by = lead or "no lead recorded"
                if kind == REVISION:
                    asked_for, why = f"move the target to {item['revised_target']}", item["revision_reason"]
                else:
                    asked_for = "close the action (reported complete)"
                    why = f"Evidence: {item['evidence'] or 'none given'}. {item['comment']}".strip()
            rows.append(
                {
                    "table": letters.get(kind, "").replace("Table ", ""),
                    "kind": KIND_LABELS[kind],
                    "review_id": item["review_id"],
                    "action_ref": item["action_ref"],
                    "action": item["action"],
                    "asked_by": by,
                    "asked_on": show_date(pd.Timestamp(on)) if on else "",
                    "asked": asked_for,
                    "why": why,
                    "_kind": kind,
                    "_requested_on": on,
                    "_lead": lead,
                }
            )
    return pd.DataFrame(rows)


# --- Out --------------------------------------------------------------------------------------


def write_sheet(path: Path, quarter: pd.Period, meeting: Meeting, rows: pd.DataFrame) -> None:
    """One meeting's decision sheet: Decisions (protected but for the fill-in cells) and a hidden About sheet."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill, Protection
    from openpyxl.workbook.protection import WorkbookProtection
    from openpyxl.worksheet.datavalidation import DataValidation

    from helpers.cycle.forms import put

    book = Workbook()
    sheet = book.active
    sheet.title = DECISIONS_SHEET
    wrap = Alignment(wrap_text=True, vertical="top")
    grey, yellow = PatternFill("solid", fgColor="EDEDED"), PatternFill("solid", fgColor="FFF7D6")
    who = meeting.committee or "the committee"
    title = f"Decisions of {who} on the {quarters.label(quarter)} peer review progress report ({meeting.council})"
    put(sheet["A1"], title)
    sheet["A1"].font = Font(bold=True, size=13)
    put(sheet["A3"], "Meeting date")
    put(sheet["A4"], "Decided by")
    for ref, value in ((MEETING_CELL, ""), (DECIDED_BY_CELL, meeting.committee)):
        put(sheet[ref], value)
        sheet[ref].number_format = "@"  # typed as text and read by our rules: "12/09/2024" is never a US date
        sheet[ref].protection = Protection(locked=False)
        sheet[ref].fill = yellow
    put(sheet["C3"], "The day of the meeting, e.g. 12 September 2024 (or 12/09/2024, day first).")
    for n, (_, header, width) in enumerate(COLUMNS_OUT, start=1):
        cell = sheet.cell(row=HEADER_ROW, column=n)
        put(cell, header)
        cell.font, cell.alignment = Font(bold=True), wrap
        cell.fill = yellow if n > len(REFERENCE) else grey
        sheet.column_dimensions[cell.column_letter].width = width
    checks = []
    letter = {key: sheet.cell(row=1, column=n).column_letter for n, (key, _, _) in enumerate(COLUMNS_OUT, start=1)}
    for r, item in enumerate(rows.to_dict("records"), start=HEADER_ROW + 1):
        values = [str(item[key]) for key, _, _ in REFERENCE]
        for n, value in enumerate(values, start=1):
            cell = sheet.cell(row=r, column=n)
            put(cell, value)
            cell.alignment, cell.protection = wrap, Protection(locked=True)
        for n in range(len(REFERENCE) + 1, len(COLUMNS_OUT) + 1):
            cell = sheet.cell(row=r, column=n)
            cell.protection, cell.alignment, cell.fill, cell.number_format = Protection(locked=False), wrap, yellow, "@"
        choices = DataValidation(
            type="list",
            formula1='"' + ",".join(o.capitalize() for o in OUTCOMES[item["_kind"]]) + '"',
            allow_blank=True,
            showErrorMessage=True,
            error="Choose a decision from the list, or leave it blank if the committee made none.",
        )
        choices.add(f"{letter['decision']}{r}")
        sheet.add_data_validation(choices)
        checks.append(
            [
                r,
                item["review_id"],
                item["action_ref"],
                item["_kind"],
                item["_requested_on"],
                item["_lead"],
                check(values),
            ]
        )
    sheet.freeze_panes = f"A{HEADER_ROW + 1}"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    sheet.protection.sheet = True
    sheet.protection.formatColumns = sheet.protection.formatRows = False

    about = book.create_sheet(ABOUT_SHEET)
    pairs = {
        "sheet_version": SHEET_VERSION,
        "quarter": quarters.label(quarter),
        "council": meeting.council,
        "committee": meeting.committee,
    }
    for r, key in enumerate(ABOUT_KEYS, start=1):
        put(about.cell(row=r, column=1), key)
        put(about.cell(row=r, column=2), pairs[key])
    first = len(ABOUT_KEYS) + 2
    for n, header in enumerate(ROW_TABLE_HEADER, start=1):
        put(about.cell(row=first, column=n), header)
    for r, values in enumerate(checks, start=first + 1):
        for n, value in enumerate(values, start=1):
            put(about.cell(row=r, column=n), str(value))
    about.protection.sheet = True
    about.sheet_state = "hidden"
    book.active = 0
    book.security = WorkbookProtection(lockStructure=True)
    book.properties.title = f"Committee decisions on the {quarters.label(quarter)} report"
    book.save(path)


def make_sheets(quarter: pd.Period) -> list[tuple[Path, int]]:
    """Write one decision sheet per meeting (the folder replaced as a whole); [(path, requests)]."""
    import shutil

    target = sheets_out_dir(quarter)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".decisions-", dir=target.parent))
    written = []
    try:
        for meeting in meetings(quarter):
            rows = sheet_rows(quarter, meeting)
            name = sheet_name(meeting.council, meeting.committee, quarter)
            write_sheet(staging / name, quarter, meeting, rows)
            os.chmod(staging / name, 0o644)
            written.append((target / name, len(rows)))
        os.chmod(staging, 0o755)  # noqa: S103 - mkdtemp makes it private; sheets are for everyone to read
        if target.exists():
            old = Path(tempfile.mkdtemp(prefix=".decisions-old-", dir=target.parent))
            os.replace(target, old / "decisions")
            os.replace(staging, target)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(staging, target)
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    return written


# --- In ---------------------------------------------------------------------------------------


class Problems(Exception):
    """Several InputErrors, one line each."""

    def __init__(self, errors: list[InputError]):
        """Keep every error; the message is one line per error."""
        self.errors = errors
        super().__init__("\n".join(map(str, errors)))


def read_meeting_date(value: object) -> dt.date | None:
    """The meeting date as typed, by the forms' one rule (cycle.typed_date): a spreadsheet date, or text written
    day first ("12 September 2024", "12/09/2024", 2024-09-12); None if blank. A date in figures that reads both
    ways ("06/05/2024") or that cannot be read raises TypedDateError saying how to write it."""
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
    from openpyxl import load_workbook

    from helpers.base.targets import DATED, UnreadableTarget, parse_target

    def fail(message: str) -> Problems:
        return Problems([InputError(message, path)])

    try:
        book = load_workbook(path, data_only=False)
    except Exception:
        raise fail("not a readable Excel workbook (.xlsx): save the filled decision sheet as .xlsx") from None
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
    expected = {int(entry["sheet_row"]): entry for entry in table}
    errors: list[InputError] = []
    out: list[dict[str, str]] = []
    try:
        meeting, unreadable = read_meeting_date(sheet[MEETING_CELL].value), ""
    except TypedDateError as err:
        meeting, unreadable = None, str(err)
    decided_by = cell_text(sheet[DECIDED_BY_CELL].value)
    fill_at = {key: len(REFERENCE) + n for n, (key, _, _) in enumerate(FILL, start=1)}
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
        fill = {key: texts[at - 1] for key, at in fill_at.items()}
        if not any(fill.values()):
            continue

        def where(key: str, r: int = r) -> str:
            return f"{DECISIONS_SHEET}!{sheet.cell(row=r, column=fill_at[key]).column_letter}{r}"

        kind = entry["kind"]
        decision = fill["decision"].casefold()
        if decision not in OUTCOMES[kind]:
            shown = ", ".join(o.capitalize() for o in OUTCOMES[kind])
            errors.append(InputError(f"{where('decision')}: choose a decision ({shown}) for this row", path))
            continue
        if meeting is None:
            problem = (
                f"meeting date: {unreadable}" if unreadable else "no meeting date: write it like 12 September 2024"
            )
            error = InputError(f"{DECISIONS_SHEET}!{MEETING_CELL}: {problem}", path)
            if str(error) not in map(str, errors):  # one line for the one cell, however many rows are decided
                errors.append(error)
            continue
        if meeting > today:
            error = InputError(f"{DECISIONS_SHEET}!{MEETING_CELL}: the meeting date {meeting} is in the future", path)
            if str(error) not in map(str, errors):
                errors.append(error)
            continue
        amended = fill["amended_target"]
        if amended:
            try:
                target = parse_target(amended, meeting)
                ok = target.kind in DATED and target.date is not None
            except UnreadableTarget:
                ok = False
            if not ok or kind != REVISION or decision != "agreed":
                errors.append(
                    InputError(
                        f"{where('amended_target')}: an amended target is a date (March 2025, 31/03/2025) "
                        "for an agreed revised target only",
                        path,
                    )
                )
                continue
        out.append(
            {
                "review_id": entry["review_id"],
                "action_ref": entry["action_ref"],
                "kind": kind,
                "requested_on": entry["requested_on"],
                "lead": entry["lead"],
                "decision": decision,
                "decided_on": meeting.isoformat(),
                "decided_by": decided_by,
                "minute": fill["minute"],
                "amended_target": amended,
                "note": fill["note"],
                "source": f"{SOURCE_PREFIX}{quarters.slug(quarter)}/{path.name}:{DECISIONS_SHEET}!{r}",
                "recorded_on": today.isoformat(),
            }
        )
    if errors:
        raise Problems(errors)
    return out


def record(quarter: pd.Period, replace: bool = False, today: dt.date | None = None) -> dict[str, object]:
    """Read the quarter's filled decision sheets into data/decisions/<quarter>.csv. Raises Problems / InputError."""
    from helpers.base.readers import read_csv
    from helpers.plans.tables import to_csv_text, write_atomically
    from helpers.tracking.workspace import load_workspace

    today = today or dt.date.today()
    folder = sheets_in_dir(quarter)
    log = decision_file(quarter)
    if not folder.is_dir():
        raise InputError(f"no filled decision sheets for {quarters.label(quarter)}: save them in this folder", folder)
    ws = load_workspace()  # checks every update and decision file
    errors: list[InputError] = []
    rows: list[dict[str, str]] = []
    for path in sorted(folder.iterdir()):
        if path.name.startswith((".", "~$")) or path.name.casefold() == "readme.md":
            continue
        if path.suffix.casefold() != ".xlsx":
            errors.append(InputError("not an Excel workbook (.xlsx): save the decision sheet as .xlsx", path))
            continue
        try:
            rows.extend(read_sheet(path, quarter, today))
        except Problems as bad:
            errors.extend(bad.errors)
    if errors:
        raise Problems(errors)
    csv_columns = FILE_COLUMNS + OPTIONAL_COLUMNS
    existing = (
        read_csv(log, required=FILE_COLUMNS, optional=OPTIONAL_COLUMNS, what="decision file")
        if log.exists()
        else pd.DataFrame(columns=[*csv_columns, "_row"])
    )
    from_sheet = existing["source"].str.startswith(SOURCE_PREFIX)
    kept = existing[~from_sheet]
    before = {row["source"]: row for row in existing[from_sheet].to_dict("records")}
    conflicts, merged = [], []
    decided = ["decision", "decided_on", "decided_by", "minute", "amended_target", "note"]
    for new in rows:
        old = before.pop(new["source"], None)
        if old is not None and all(old[c] == new[c] for c in decided):
            merged.append({**new, "recorded_on": old["recorded_on"]})
        elif old is not None and not replace:
            column = next(c for c in decided if old[c] != new[c])
            conflicts.append(
                InputError(
                    f"{new['source'].rsplit(':', 1)[1]}: conflicts with the decision recorded on {old['recorded_on']} "
                    f"({column}: was {old[column]!r}, now {new[column]!r}); to take the sheet's, run "
                    f'make record-decisions QUARTER="{quarters.label(quarter)}" REPLACE=1',
                    folder / new["source"].split("/")[-1].rsplit(":", 1)[0],
                )
            )
        else:
            merged.append(new)
    if before and not replace:
        for source, old in before.items():
            conflicts.append(
                InputError(
                    f"{source} was recorded on {old['recorded_on']} but is no longer in the sheets; put it back, or "
                    f'run make record-decisions QUARTER="{quarters.label(quarter)}" REPLACE=1 to drop it',
                    log,
                    old["_row"],
                )
            )
    if conflicts:
        raise Problems(conflicts)
    frame = pd.concat([kept[csv_columns], pd.DataFrame(merged, columns=csv_columns)], ignore_index=True).fillna("")
    text = to_csv_text(frame[[*FILE_COLUMNS, *OPTIONAL_COLUMNS]])
    with tempfile.TemporaryDirectory() as tmp:  # checked exactly as every report will read it
        trial = Path(tmp) / log.name
        trial.write_text(text, encoding="utf-8", newline="")
        read_decision_file(trial, ws.updates, ws.actions)
    previous = log.read_text(encoding="utf-8") if log.exists() else None
    changed = text != previous and not (previous is None and frame.empty)
    if changed:
        write_atomically({log: text})
    return {"log": log, "changed": changed, "recorded": len(merged), "hand_rows": len(kept)}


# --- Command line -----------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    """The command line: write the decision sheets, or (--record) read the filled ones into data/decisions."""
    parser = ArgumentParser(prog="python -m helpers.cycle.decision_sheets", description=__doc__.split("\n")[0])
    which = parser.add_mutually_exclusive_group(required=True)
    which.add_argument("--quarter", help='the quarter whose report the committee considers, e.g. "2024/25 Q1"')
    which.add_argument("--from-env", action="store_true", help="read QUARTER (and REPLACE) from the environment")
    parser.add_argument("--record", action="store_true", help="read the filled sheets into data/decisions/")
    parser.add_argument("--replace", action="store_true", help="take sheets that change decisions already recorded")
    args = parser.parse_args(argv)
    quarter = quarter_from_args(args)
    replace = args.replace or (args.from_env and os.environ.get("REPLACE", "").strip() not in ("", "0"))
    if not args.record:
        written = make_sheets(quarter)
        for path, n in written:
            print(f"{config.relative(path)}: {n} request(s) for the committee to decide")
        print(
            f"after the meeting, save the filled sheet(s) in {config.relative(sheets_in_dir(quarter))}/ and run "
            f'make record-decisions QUARTER="{quarters.label(quarter)}"'
        )
        return 0
    try:
        result = record(quarter, replace=replace)
    except Problems as bad:
        for err in bad.errors[:MAX_LINES]:
            print(f"error: {err}", file=sys.stderr)
        if len(bad.errors) > MAX_LINES:
            print(f"error: ... and {len(bad.errors) - MAX_LINES} more problem(s)", file=sys.stderr)
        print("nothing written", file=sys.stderr)
        return 1
    state = "wrote" if result["changed"] else "unchanged:"
    print(
        f"{state} {config.relative(result['log'])}: {result['recorded']} decision(s) from the sheets, "
        f"{result['hand_rows']} typed by hand"
    )
    return 0


if __name__ == "__main__":
    run_cli(main)
