"""A filled decision sheet read back (helpers.cycle.decision_sheet_reader): what a clerk's mistakes give.

A sheet of made-up requests is written as `make decisions` writes it (decision_sheet_writer.write_sheet), then
changed as a clerk might change it. Expectations follow the forms' stated rules (one line for a row added, deleted
or moved; a file that is not a workbook named for what it is), worked out from the rows below.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from helpers.base import quarters
from helpers.cycle.decision_sheet_layout import HEADER_ROW
from helpers.cycle.decision_sheet_reader import read_sheet
from helpers.cycle.decision_sheet_writer import Meeting, write_sheet
from helpers.cycle.problems import Problems

Q = quarters.parse_quarter("2024/25 Q1")
TODAY = dt.date(2024, 10, 1)
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _request(n: int) -> dict[str, str]:
    """A made-up escalation of action n."""
    return {
        "table": "A",
        "kind": "Escalation",
        "review_id": "2023-cpc",
        "action_ref": str(n),
        "action": f"Action {n}",
        "asked_by": "the escalation rules",
        "asked_on": "",
        "asked": "escalation",
        "why": "nothing reported for 2 quarters",
        "_kind": "escalation",
        "_requested_on": "",
        "_lead": "",
    }


@pytest.fixture
def sheet(tmp_path: Path) -> Path:
    """A decision sheet of 25 requests, as made."""
    path = tmp_path / "Cabinet--Wessex-Vale-District-Council--2024-25-Q1.xlsx"
    rows = pd.DataFrame([_request(n) for n in range(1, 26)])
    write_sheet(path, Q, Meeting("Wessex Vale District Council", "Cabinet", ("2023-cpc",)), rows)
    return path


def _problems(path: Path) -> list[str]:
    with pytest.raises(Problems) as caught:
        read_sheet(path, Q, TODAY)
    return [str(err) for err in caught.value.errors]


def test_a_duplicated_row_is_one_line_naming_the_row(sheet: Path):
    book = openpyxl.load_workbook(sheet)
    decisions = book["Decisions"]
    decisions.protection.sheet = False
    first = HEADER_ROW + 1  # the first request (action 1)
    decisions.insert_rows(first + 1)  # a copy of it below: the 24 requests after it each one row lower
    for column in range(1, 14):
        decisions.cell(row=first + 1, column=column).value = decisions.cell(row=first, column=column).value
    decisions.cell(row=first, column=10).value = "Noted"
    book.save(sheet)
    (problem,) = _problems(sheet)  # one line, not one for each of the 24 requests below the copy
    # The two rows are the same request, so either is the one added.
    assert problem in {
        f"{sheet}: Decisions!A{row}: row {row} was added (not in the sheet as made); rows must not be added or moved"
        for row in (first, first + 1)
    }


def test_a_deleted_row_is_one_line_naming_the_request(sheet: Path):
    book = openpyxl.load_workbook(sheet)
    book["Decisions"].delete_rows(HEADER_ROW + 3)  # the third request: action 3
    book.save(sheet)
    (problem,) = _problems(sheet)
    assert (
        f"Decisions!A{HEADER_ROW + 3}: row {HEADER_ROW + 3} of the sheet as made (2023-cpc action 3) was deleted"
        in (problem)
    )


def test_a_password_protected_sheet_is_named_as_one(sheet: Path):
    sheet.write_bytes(OLE2 + b"\0" * 500 + "EncryptedPackage".encode("utf-16-le"))
    (problem,) = _problems(sheet)
    assert problem.startswith(f"{sheet}: the workbook is password-protected (encrypted), so it cannot be checked")


def test_a_sheet_as_made_with_one_decision_reads_as_that_decision(sheet: Path):
    book = openpyxl.load_workbook(sheet)
    decisions = book["Decisions"]
    decisions["B3"] = "12 September 2024"
    decisions.cell(row=HEADER_ROW + 2, column=10).value = "Noted"  # action 2
    book.save(sheet)
    (row,) = read_sheet(sheet, Q, TODAY)
    assert (row["action_ref"], row["decision"], row["decided_on"]) == ("2", "noted", "2024-09-12")
