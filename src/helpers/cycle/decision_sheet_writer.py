"""Decision sheets out: one workbook per council and committee listing exactly the requests of the quarter's report.

The request cells are locked; the analyst fills the meeting date once, and for each request the decision (a
drop-down), a minute reference, an amended target where the committee set another date, and a note. A hidden
About sheet keeps a hash of each request row, which the reader (helpers.cycle.decision_sheet_reader) checks.

Where a paper has been issued to the committee for the quarter (helpers.tracking.issued_papers), the sheet lists
exactly what that paper asked (an interim paper's requests as at its "progress known on" day) and gives its
meeting date.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from helpers.base import quarters
from helpers.cycle.decision_sheet_layout import (
    ABOUT_KEYS,
    ABOUT_SHEET,
    COLUMNS_OUT,
    DECIDED_BY_CELL,
    DECISIONS_SHEET,
    HEADER_ROW,
    MEETING_CELL,
    REFERENCE,
    ROW_TABLE_HEADER,
    SHEET_VERSION,
    sheet_name,
    sheets_out_dir,
)
from helpers.cycle.form_layout import check
from helpers.cycle.workbook_cells import put, write_about
from helpers.plans.tables import folder_replaced
from helpers.tracking.decisions import CLOSURE, ESCALATION, KIND_LABELS, OUTCOMES, REVISION
from helpers.tracking.issued_papers import IssuedPaper

GREY, YELLOW = "EDEDED", "FFF7D6"  # request cells, and the cells the analyst fills in


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


def sheet_rows(quarter: pd.Period, meeting: Meeting, paper: IssuedPaper | None = None) -> pd.DataFrame:
    """One row per request the meeting's report asks it to decide, in table order (as the report shows them).
    With the paper issued to it: exactly what that paper asked (an interim one's, as at its "progress known on"
    day, as notebook 04 made it)."""
    from helpers.base.dates import show_date
    from helpers.tracking.requests import for_quarter, table_letters
    from helpers.tracking.workspace import load_workspace

    as_of = paper.progress_known_on if paper is not None and paper.interim else None
    ws = load_workspace(list(meeting.review_ids), as_of=as_of)
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


def write_sheet(
    path: Path, quarter: pd.Period, meeting: Meeting, rows: pd.DataFrame, paper: IssuedPaper | None = None
) -> None:
    """One meeting's decision sheet: Decisions (protected but for the fill-in cells) and a hidden About sheet;
    the meeting date is the issued paper's, where it names one."""
    from openpyxl import Workbook
    from openpyxl.workbook.protection import WorkbookProtection

    book = Workbook()
    sheet = book.active
    sheet.title = DECISIONS_SHEET
    _write_meeting_cells(sheet, quarter, meeting, paper.meeting_date if paper is not None else None)
    put(sheet["A2"], f"Records decisions on the paper: {issued_paper(quarter, meeting)}")
    _write_headers(sheet)
    checks = _write_request_rows(sheet, rows)
    _print_and_protect(sheet)
    _write_about(book.create_sheet(ABOUT_SHEET), quarter, meeting, checks)
    book.active = 0
    book.security = WorkbookProtection(lockStructure=True)
    book.properties.title = f"Committee decisions on the {quarters.label(quarter)} report"
    book.save(path)


def _write_meeting_cells(sheet, quarter: pd.Period, meeting: Meeting, meeting_date: str | None = None) -> None:
    """The title, and the meeting date and who decided, which the analyst fills in once (the meeting date given
    where the issued paper names it: "2 July 2024")."""
    from openpyxl.styles import Font, PatternFill, Protection

    yellow = PatternFill("solid", fgColor=YELLOW)
    who = meeting.committee or "the committee"
    title = f"Decisions of {who} on the {quarters.label(quarter)} peer review progress report ({meeting.council})"
    put(sheet["A1"], title)
    sheet["A1"].font = Font(bold=True, size=13)
    put(sheet["A3"], "Meeting date")
    put(sheet["A4"], "Decided by")
    day = quarters.long_date(dt.date.fromisoformat(meeting_date)) if meeting_date else ""
    for ref, value in ((MEETING_CELL, day), (DECIDED_BY_CELL, meeting.committee)):
        put(sheet[ref], value)
        sheet[ref].number_format = "@"  # typed as text and read by our rules: "12/09/2024" is never a US date
        sheet[ref].protection = Protection(locked=False)
        sheet[ref].fill = yellow
    put(sheet["C3"], "The day of the meeting, e.g. 12 September 2024 (or 12/09/2024, day first).")


def _write_headers(sheet) -> None:
    """The header row: request headers grey, the analyst's yellow; each column's width."""
    from openpyxl.styles import Alignment, Font, PatternFill

    wrap = Alignment(wrap_text=True, vertical="top")
    grey, yellow = PatternFill("solid", fgColor=GREY), PatternFill("solid", fgColor=YELLOW)
    for n, (_, header, width) in enumerate(COLUMNS_OUT, start=1):
        cell = sheet.cell(row=HEADER_ROW, column=n)
        put(cell, header)
        cell.font, cell.alignment = Font(bold=True), wrap
        cell.fill = yellow if n > len(REFERENCE) else grey
        sheet.column_dimensions[cell.column_letter].width = width


def _write_request_rows(sheet, rows: pd.DataFrame) -> list[list[object]]:
    """One row per request: its cells locked, the decision cells open with a drop-down of the outcomes its kind
    allows; returns the About sheet's row table."""
    from openpyxl.styles import Alignment, PatternFill, Protection
    from openpyxl.worksheet.datavalidation import DataValidation

    wrap, yellow = Alignment(wrap_text=True, vertical="top"), PatternFill("solid", fgColor=YELLOW)
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
    return checks


def _print_and_protect(sheet) -> None:
    """Frozen under the header row; A4 landscape, one page wide, the header row on every page; the sheet protected
    but for the fill-in cells."""
    sheet.freeze_panes = f"A{HEADER_ROW + 1}"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    sheet.protection.sheet = True
    sheet.protection.formatColumns = sheet.protection.formatRows = False


def _write_about(about, quarter: pd.Period, meeting: Meeting, checks: list[list[object]]) -> None:
    """The hidden, protected About sheet: the sheet's keys, then the row table the reader checks against."""
    pairs = {
        "sheet_version": SHEET_VERSION,
        "quarter": quarters.label(quarter),
        "council": meeting.council,
        "committee": meeting.committee,
        "issued_paper": issued_paper(quarter, meeting),
    }
    write_about(about, 1, {key: pairs[key] for key in ABOUT_KEYS}, ROW_TABLE_HEADER, checks)
    about.protection.sheet = True
    about.sheet_state = "hidden"


def issued_paper(quarter: pd.Period, meeting: Meeting) -> str:
    """The paper the committee's decisions are on (helpers.tracking.issued_papers), or why none is named: a paper
    issued later is not this sheet's (an interim and a final one: the latest issued)."""
    paper = paper_issued(quarter, meeting)
    if paper is None:
        return f'none issued yet (make issue QUARTER="{quarters.label(quarter)}" COUNCIL="{meeting.council}")'
    return paper.describe()


def paper_issued(quarter: pd.Period, meeting: Meeting) -> IssuedPaper | None:
    """The paper issued to the meeting for the quarter (of an interim and a final one, the latest issued)."""
    from helpers.tracking.issued_papers import issued_to

    papers = issued_to(quarters.label(quarter), meeting.council, meeting.committee)
    return max(papers, key=lambda p: p.issued_on) if papers else None


def make_sheets(quarter: pd.Period) -> list[tuple[Path, int]]:
    """Write one decision sheet per meeting with something to decide (the folder replaced as a whole);
    [(path, requests)], where 0 requests means the meeting has nothing to decide and no sheet was written."""

    target = sheets_out_dir(quarter)
    written = []
    with folder_replaced(target) as staging:
        for meeting in meetings(quarter):
            paper = paper_issued(quarter, meeting)
            rows = sheet_rows(quarter, meeting, paper)
            name = sheet_name(meeting.council, meeting.committee, quarter)
            if rows.empty:  # an empty sheet would ask the clerk to record decisions nobody is asked to make
                written.append((target / name, 0))
                continue
            write_sheet(staging / name, quarter, meeting, rows, paper)
            written.append((target / name, len(rows)))
    return written
