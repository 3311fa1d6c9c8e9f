"""What an update form is: its sheets, rows and columns (per form version), its file name, and its About sheet.

The form's layout is defined here once, so forms, collect and the chase list cannot drift apart. Each form
carries a hidden, protected About sheet: the quarter, council, lead, form version, and per row the action's
key and a short hash of each reference cell, which collect uses to tell that a return is the form that was
sent, unchanged where it was locked.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass

import pandas as pd

from helpers.base import quarters
from helpers.cycle.typed_values import cell_text

# Version 2: a title row above the headers (with the return-by date), and text cells for every date a lead types.
# Version 3: a locked column saying what the committee decided on requests about each action since the last form.
FORM_VERSION = "3"
UPDATES_SHEET, INSTRUCTIONS_SHEET, ABOUT_SHEET = "Updates", "Instructions", "About"
TITLE_ROW, HEADER_ROW, FIRST_ROW = 1, 2, 3  # on the Updates sheet

# Reference cells (locked), then the cells a lead fills in (unlocked). Widths in characters, chosen so the sheet
# prints two A4 landscape pages across (A-K, then A-C with L-R: the committee's decision beside the lead's update)
# at form_workbook.PRINT_SCALE (see form_workbook.write_form).
REFERENCE_V2 = [
    ("review_id", "Review id", 10),
    ("review_title", "Review", 10),
    ("action_ref", "Action ref", 6),
    ("recommendation", "Recommendation (peers' wording)", 24),
    ("action", "Council's action", 28),
    ("role", "Your role", 9),
    ("original_target", "Original target", 10),
    ("current_target", "Current target", 12),
    ("latest_status", "Status at quarter end", 11),
    ("latest_comment", "Latest comment", 21),
    ("latest_comment_on", "Latest comment dated", 9),
]
DECISION = ("committee_decision", "Committee's decision since the last form", 24)
REFERENCE = [*REFERENCE_V2, DECISION]
FILL = [
    ("status", "Status", 13),
    ("comment", "Progress comment", 30),
    ("updated_on", "Date of update", 11),
    ("revised_target", "Revised target date", 11),
    ("revision_reason", "Reason for revision", 22),
    ("evidence", "Evidence (link or document reference)", 22),
]
TEXT_CELLS = {"comment", "updated_on", "revised_target", "revision_reason", "evidence"}  # kept exactly as typed


@dataclass(frozen=True)
class Layout:
    """One form version's Updates sheet: its reference (locked) columns, then the columns a lead fills in."""

    version: str
    reference: tuple[tuple[str, str, int], ...]
    fill: tuple[tuple[str, str, int], ...]

    @property
    def columns(self) -> list[tuple[str, str, int]]:
        """Every column, (key, header, width), in sheet order."""
        return [*self.reference, *self.fill]

    @property
    def headers(self) -> list[str]:
        """The header row's texts, in sheet order."""
        return [header for _, header, _ in self.columns]

    @property
    def first_fill_column(self) -> int:
        """The 1-based column number of the first cell a lead fills in ("Status")."""
        return len(self.reference) + 1

    def column_letter(self, name: str) -> str:
        """The column letter of a column by its key ("status" -> "M" in version 3)."""
        from openpyxl.utils import get_column_letter

        return get_column_letter([key for key, _, _ in self.columns].index(name) + 1)


# Every form version collect still reads, by the About sheet's form_version: a form sent before an upgrade can be
# returned after it.
LAYOUTS = {
    "2": Layout("2", tuple(REFERENCE_V2), tuple(FILL)),
    FORM_VERSION: Layout(FORM_VERSION, tuple(REFERENCE), tuple(FILL)),
}
CURRENT = LAYOUTS[FORM_VERSION]
COLUMNS = CURRENT.columns
HEADERS = CURRENT.headers
FIRST_FILL_COLUMN = CURRENT.first_fill_column  # 1-based column number of "Status"
# About sheet: key/value pairs, then the row table under ROW_TABLE_HEADER.
ABOUT_KEYS = ["form_version", "quarter", "council", "lead", "return_by", "file"]
ROW_TABLE_HEADER = ["sheet_row", "review_id", "action_ref", "role", "check"]


def column_letter(name: str) -> str:
    """The column letter of a column of the current form by its key ("status" -> "M")."""
    return CURRENT.column_letter(name)


def updates_cell(layout: Layout, key: str, row: int) -> str:
    """A cell of the Updates sheet by its column's key: "Updates!M7"."""
    return f"{UPDATES_SHEET}!{layout.column_letter(key)}{row}"


def safe_name(text: str) -> str:
    """Letters, digits and single hyphens only: "Senior Leadership Team (SLT)" -> "Senior-Leadership-Team-SLT"."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    ascii_text = re.sub(r"['\u2019]", "", ascii_text).replace("&", " and ")
    return re.sub(r"[^A-Za-z0-9]+", "-", ascii_text).strip("-") or "lead"


def form_file_name(council: str, lead: str, quarter: pd.Period) -> str:
    """A lead's form's file name: "<Lead>--<Council>--<2024-25-Q1>.xlsx"."""
    return f"{safe_name(lead)}--{safe_name(council)}--{quarters.slug(quarter)}.xlsx"


def check(values: list[str]) -> str:
    """Short hashes of the reference cells, one per column, space-separated (whitespace-insensitive)."""
    return " ".join(hashlib.sha256(" ".join(v.split()).encode("utf-8")).hexdigest()[:10] for v in values)


def read_about(sheet) -> tuple[dict[str, tuple[str, str]], list[dict[str, str]]]:
    """A form's About sheet: {key: (value, cell)}, and the row table as dicts (with "_cell" naming the row's cell)."""
    values: dict[str, tuple[str, str]] = {}
    rows: list[dict[str, str]] = []
    in_table = False
    for number, row in enumerate(sheet.iter_rows(min_row=1, max_col=len(ROW_TABLE_HEADER), values_only=True), 1):
        cells = [cell_text(v) for v in row] + [""] * (len(ROW_TABLE_HEADER) - len(row))
        if not in_table and cells[: len(ROW_TABLE_HEADER)] == ROW_TABLE_HEADER:
            in_table = True
            continue
        if in_table:
            if any(cells):
                cells_by_name = dict(zip(ROW_TABLE_HEADER, cells, strict=False))
                rows.append({**cells_by_name, "_cell": f"{ABOUT_SHEET}!A{number}"})
        elif cells[0] in ABOUT_KEYS:
            values[cells[0]] = (cells[1], f"{ABOUT_SHEET}!B{number}")
    return values, rows
