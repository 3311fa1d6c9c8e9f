"""Workbook helper for capture.sh: fill returned forms and a decision sheet deterministically, dump workbooks.

Uses openpyxl and the standard library only (never the project's `helpers` package), so it works on
the code before and after a restructure. Run it with the project's venv python:

    fill.py updates  FORMS_DIR RETURNS_DIR     # fill the first 3 forms (sorted by name) as leads would
    fill.py decisions SHEETS_DIR FILLED_DIR    # fill the decision sheet(s) as after the meeting
    fill.py dump WORKBOOK OUT_JSON             # every cell value, sheet by sheet, sorted

Cells are found by their header text and by the drop-down lists in the workbook, not by fixed letters.
A saved workbook has fixed zip timestamps and document dates, so the same fill gives the same bytes
(the reports digest the returned files).
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import sys
import zipfile
from pathlib import Path

import openpyxl

FIXED_ZIP_TIME = (2024, 1, 1, 0, 0, 0)
FIXED_DOC_TIME = "2024-01-01T00:00:00Z"


def fail(message: str) -> None:
    sys.exit(f"fill.py: {message}")


def save_deterministic(wb: openpyxl.Workbook, path: Path) -> None:
    """Save with fixed zip entry times and fixed dcterms:created/modified, so the bytes do not depend on the clock."""
    buffer = io.BytesIO()
    wb.save(buffer)
    buffer.seek(0)
    out = io.BytesIO()
    with zipfile.ZipFile(buffer) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                text = data.decode("utf-8")
                text = re.sub(
                    r"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)",
                    lambda m: m.group(1) + FIXED_DOC_TIME + m.group(2),
                    text,
                )
                data = text.encode("utf-8")
            entry = zipfile.ZipInfo(info.filename, date_time=FIXED_ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o600 << 16
            dst.writestr(entry, data)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(out.getvalue())


def header_row(ws, required: list[str]) -> tuple[int, dict[str, int]]:
    """The row holding every header in `required`, and {header: column number} for that row."""
    for row in ws.iter_rows(min_row=1, max_row=min(ws.max_row, 30)):
        names = {str(c.value).strip(): c.column for c in row if c.value is not None}
        if all(name in names for name in required):
            return row[0].row, names
    fail(f"{ws.title}: no header row with {required}")
    raise AssertionError


def allowed(ws, coordinate: str) -> list[str]:
    """The values of the list drop-down that covers a cell."""
    for dv in ws.data_validations.dataValidation:
        if dv.type == "list" and coordinate in dv.sqref:
            return [v.strip() for v in dv.formula1.strip('"').split(",")]
    fail(f"{ws.title}!{coordinate}: no drop-down list")
    raise AssertionError


def choose(ws, coordinate: str, value: str) -> str:
    options = allowed(ws, coordinate)
    if value not in options:
        fail(f"{ws.title}!{coordinate}: {value!r} is not in the drop-down {options}")
    return value


def put(ws, row: int, column: int, value: object) -> None:
    cell = ws.cell(row=row, column=column)
    if cell.protection.locked:
        fail(f"{ws.title}!{cell.coordinate} is locked: the fill plan does not match the form")
    cell.value = value


# --- The leads' returns -------------------------------------------------------------------------

STATUS, COMMENT, UPDATED, REVISED, REASON, EVIDENCE = (
    "Status",
    "Progress comment",
    "Date of update",
    "Revised target date",
    "Reason for revision",
    "Evidence (link or document reference)",
)

# Per workbook (the first three forms by file name), per data row in order: what the lead types.
# Dates of update: a real date (typed as a date), then text with the month as a word, then ISO text.
UPDATE_PLAN = [
    [
        {
            STATUS: "In progress",
            COMMENT: "Budget planning workshops held with every directorate.",
            UPDATED: dt.datetime(2024, 6, 20),
            REVISED: "Q3 2024/25",
            REASON: "Workshops extended to schools.",
        },
    ],
    [
        {
            STATUS: "Complete",
            COMMENT: "Savings tracker in use at every Leadership Performance Group.",
            UPDATED: "20 June 2024",
            EVIDENCE: "LPG minutes, 18 June 2024, item 4",
        },
        {
            STATUS: "In progress",
            COMMENT: "Accountability framework drafted.\nConsultation with budget holders in July.",
            UPDATED: "20 June 2024",
        },
        {
            STATUS: "Behind schedule",
            COMMENT: "Forecasting model delayed by the new finance system.",
            UPDATED: "20 June 2024",
            REVISED: "March 2025",
            REASON: "Finance system go-live moved to January 2025.",
        },
    ],
    [
        {
            STATUS: "On hold",
            COMMENT: "Paused while the town and parish charter is refreshed.",
            UPDATED: "2024-06-20",
            REVISED: "31 March 2025",
            REASON: "Waiting for the charter refresh.",
        },
    ],
]


def fill_updates(forms_dir: Path, returns_dir: Path) -> None:
    forms = sorted(p for p in forms_dir.glob("*.xlsx") if not p.name.startswith(("~$", ".")))
    if len(forms) < len(UPDATE_PLAN):
        fail(f"{forms_dir}: {len(forms)} form(s), the plan fills {len(UPDATE_PLAN)}")
    for path, plan in zip(forms[: len(UPDATE_PLAN)], UPDATE_PLAN, strict=False):
        wb = openpyxl.load_workbook(path)
        ws = wb["Updates"]
        top, columns = header_row(ws, [STATUS, COMMENT, UPDATED, REVISED, REASON, EVIDENCE])
        rows = [r for r in range(top + 1, ws.max_row + 1) if ws.cell(row=r, column=1).value not in (None, "")]
        if len(rows) < len(plan):
            fail(f"{path.name}: {len(rows)} action row(s), the plan fills {len(plan)}")
        for r, values in zip(rows, plan, strict=False):
            for header, value in values.items():
                column = columns[header]
                if header == STATUS:
                    value = choose(ws, ws.cell(row=r, column=column).coordinate, value)
                put(ws, r, column, value)
        save_deterministic(wb, returns_dir / path.name)
        print(f"filled {len(plan)} row(s) of {path.name} -> {returns_dir / path.name}")


# --- The committee's decision sheet -------------------------------------------------------------

MEETING = "12 September 2024"
# By request kind, in sheet order: (decision, amended target, minute, note); rows beyond a list stay blank.
DECISION_PLAN = {
    "Revised target": [
        ("Agreed", "", "45/24", ""),
        ("Refused", "", "46/24", "Report back in December."),
        ("Agreed", "31 December 2024", "47/24", "The committee set an earlier date."),
    ],
    "Closure": [
        ("Refused", "", "48/24", "Evidence does not show the tracker in use; the action is open again."),
    ],
    "Escalation": [
        ("Noted", "", "49/24", ""),
        ("Agreed", "", "49/24", "Lead to report progress to the next meeting."),
        ("Deferred", "", "", "To the December meeting."),
    ],
}


def kind_key(text: str) -> str | None:
    folded = text.casefold()
    for key in DECISION_PLAN:
        if folded.startswith(key.casefold().split()[0]):
            return key
    return None


def fill_decisions(sheets_dir: Path, filled_dir: Path) -> None:
    sheets = sorted(p for p in sheets_dir.glob("*.xlsx") if not p.name.startswith(("~$", ".")))
    if not sheets:
        fail(f"{sheets_dir}: no decision sheet")
    for path in sheets:
        wb = openpyxl.load_workbook(path)
        ws = wb["Decisions"]
        top, columns = header_row(ws, ["Request", "Decision", "Minute reference", "Note"])
        amended = next((c for h, c in columns.items() if h.startswith("Amended target")), None)
        rows = [r for r in range(top + 1, ws.max_row + 1) if ws.cell(row=r, column=columns["Request"]).value]
        if not rows:
            print(f"{path.name}: no requests, not filled")
            continue
        meeting = next(
            (r for r in range(1, top) if str(ws.cell(row=r, column=1).value or "").strip() == "Meeting date"), None
        )
        if meeting is None:
            fail(f"{path.name}: no 'Meeting date' label above the header row")
        put(ws, meeting, 2, MEETING)
        used = dict.fromkeys(DECISION_PLAN, 0)
        filled = 0
        for r in rows:
            key = kind_key(str(ws.cell(row=r, column=columns["Request"]).value))
            if key is None or used[key] >= len(DECISION_PLAN[key]):
                continue
            decision, target, minute, note = DECISION_PLAN[key][used[key]]
            used[key] += 1
            put(ws, r, columns["Decision"], choose(ws, ws.cell(row=r, column=columns["Decision"]).coordinate, decision))
            if target:
                if amended is None:
                    fail(f"{path.name}: no 'Amended target' column")
                put(ws, r, amended, target)
            if minute:
                put(ws, r, columns["Minute reference"], minute)
            if note:
                put(ws, r, columns["Note"], note)
            filled += 1
        save_deterministic(wb, filled_dir / path.name)
        print(f"filled {filled} of {len(rows)} request(s) of {path.name} ({used}) -> {filled_dir / path.name}")


# --- Dump ---------------------------------------------------------------------------------------


def as_json(value: object) -> object:
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return {"date": value.isoformat()}
    if isinstance(value, (str, int, float, bool)):
        return value
    return {type(value).__name__: str(getattr(value, "text", value))}


def dump(path: Path, out: Path) -> None:
    wb = openpyxl.load_workbook(path)
    sheets = []
    for ws in wb.worksheets:
        cells = [
            [cell.coordinate, as_json(cell.value)] for row in ws.iter_rows() for cell in row if cell.value is not None
        ]
        cells.sort(key=lambda item: (int(re.sub(r"\D", "", item[0])), len(re.sub(r"\d", "", item[0])), item[0]))
        sheets.append({"sheet": ws.title, "state": ws.sheet_state, "cells": cells})
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(sheets, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def main(argv: list[str]) -> None:
    if len(argv) != 3 or argv[0] not in ("updates", "decisions", "dump"):
        sys.exit(__doc__)
    command, a, b = argv[0], Path(argv[1]), Path(argv[2])
    {"updates": fill_updates, "decisions": fill_decisions, "dump": dump}[command](a, b)


if __name__ == "__main__":
    main(sys.argv[1:])
