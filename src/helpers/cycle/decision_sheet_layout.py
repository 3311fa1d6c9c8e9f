"""What a decision sheet is: its sheets, cells and columns, its About sheet, its file name and its folders.

Out: reports/<2024-25-Q1>/decisions/<Committee>--<Council>--<2024-25-Q1>.xlsx; in: the filled sheet saved in
data/decisions/sheets/<2024-25-Q1>/. Each recorded decision's source names its cell ("sheets/2024-25-Q1/...").
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from helpers.base import config, quarters
from helpers.cycle.form_layout import safe_name
from helpers.tracking.decisions import decisions_dir

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
ABOUT_KEYS = ["sheet_version", "quarter", "council", "committee", "issued_paper"]
ROW_TABLE_HEADER = ["sheet_row", "review_id", "action_ref", "kind", "requested_on", "lead", "check"]
SOURCE_PREFIX = "sheets/"


def sheets_out_dir(quarter: pd.Period) -> Path:
    """reports/2024-25-Q1/decisions/: where the blank decision sheets are written."""
    return config.reports_dir() / quarters.slug(quarter) / "decisions"


def sheets_in_dir(quarter: pd.Period) -> Path:
    """data/decisions/sheets/2024-25-Q1/: where the filled decision sheets are saved."""
    return decisions_dir() / "sheets" / quarters.slug(quarter)


def sheet_name(council: str, committee: str, quarter: pd.Period) -> str:
    """A decision sheet's file name: "<Committee>--<Council>--<2024-25-Q1>.xlsx"."""
    return f"{safe_name(committee or 'Committee')}--{safe_name(council)}--{quarters.slug(quarter)}.xlsx"
