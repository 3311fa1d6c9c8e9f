"""Forms made by `make forms` from the real data for 2024/25 Q1, and how a test fills one in and sends it back.

A copy of data/ (with the committed processed tables) and a temporary reports folder; the forms are made once per
test module (`forms_made`) and each test works on its own copy of both (`own_copy`). Shared by the tests of the
forms command, the chase list, the checks on a return, reading a return and the collect command.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import openpyxl
import pytest

from conftest import PROJECT
from helpers.base import quarters
from helpers.base.readers import read_csv
from helpers.cycle.form_layout import FIRST_ROW, HEADER_ROW, column_letter
from helpers.tracking.updates import FILE_COLUMNS, OPTIONAL_COLUMNS

QUARTER = "2024/25 Q1"
SLUG = "2024-25-Q1"
Q = quarters.parse_quarter(QUARTER)
READ_ON = dt.date(2024, 7, 9)  # the day a return is read by read_return in-process (problems, read_one)
SLT = "Senior-Leadership-Team-SLT--Dorset-Council--2024-25-Q1.xlsx"
CABINET = "Cabinet--Dorset-Council--2024-25-Q1.xlsx"
FINANCE_TEAM = "Finance-Team--Dorset-Council--2024-25-Q1.xlsx"
L = {
    key: column_letter(key)
    for key in (
        "review_id",
        "action_ref",
        "recommendation",
        "latest_comment",
        "status",
        "comment",
        "updated_on",
        "revised_target",
        "revision_reason",
        "evidence",
    )
}


def forms_made(tmp_path_factory: pytest.TempPathFactory, *argv: str) -> Path:
    """data/ (with processed tables) and reports/ holding the 2024/25 Q1 forms, made by `forms.main(argv)`
    (QUARTER is set, for --from-env)."""
    root = tmp_path_factory.mktemp("cycle")
    shutil.copytree(PROJECT / "data", root / "data")
    (root / "reports").mkdir()
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("PEER_REVIEW_DATA", str(root / "data"))
        mp.setenv("PEER_REVIEW_REPORTS", str(root / "reports"))
        mp.setenv("QUARTER", QUARTER)
        from helpers.cycle import forms

        assert forms.main(list(argv)) == 0
    return root


def own_copy(made: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """This test's own copy of data/ and reports/ (forms made), used by in-process helpers too."""
    shutil.copytree(made / "data", tmp_path / "data")
    shutil.copytree(made / "reports", tmp_path / "reports")
    (tmp_path / "data" / "updates" / "returns" / SLUG).mkdir(parents=True)
    monkeypatch.setenv("PEER_REVIEW_DATA", str(tmp_path / "data"))
    monkeypatch.setenv("PEER_REVIEW_REPORTS", str(tmp_path / "reports"))
    return tmp_path


def form(root: Path, name: str) -> openpyxl.Workbook:
    return openpyxl.load_workbook(root / "reports" / SLUG / "forms" / name)


def row_of(sheet, review_id: str, action_ref: str) -> int:
    for r in range(FIRST_ROW, sheet.max_row + 1):
        if (sheet[f"A{r}"].value, sheet[f"{L['action_ref']}{r}"].value) == (review_id, action_ref):
            return r
    raise AssertionError(f"{review_id} {action_ref} not in the form")


def text_cell(cell, value: str) -> None:
    """What Excel stores when a lead types into a Text-formatted cell: a string, even "=..."."""
    cell.value = value
    cell.data_type = "s"


def send_back(root: Path, book: openpyxl.Workbook, name: str) -> Path:
    path = root / "data" / "updates" / "returns" / SLUG / name
    book.save(path)
    return path


def read_log(root: Path) -> list[dict[str, str]]:
    """The quarter's update file as the project reads it (spreadsheet-safe cells back to what was typed)."""
    path = root / "data" / "updates" / f"{SLUG}.csv"
    return read_csv(path, FILE_COLUMNS, OPTIONAL_COLUMNS).drop(columns="_row").to_dict("records")


def fill(sheet, values: dict[str, object], row: int = FIRST_ROW) -> None:
    for key, value in values.items():
        sheet[f"{L[key]}{row}"] = value


def collect_errors(capsys: pytest.CaptureFixture, *args: str) -> list[str]:
    from helpers.cycle import collect

    assert collect.main(["--quarter", QUARTER, *args]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err[-1] == "nothing written"
    return [line for line in err if line.startswith("error: ")]


def forms_of(root: Path) -> list[Path]:
    """The forms, the lead with the most open actions first."""
    return sorted((root / "reports" / SLUG / "forms").glob("*.xlsx"), key=lambda p: (-rows_in(p), p.name))


def rows_in(path: Path) -> int:
    return openpyxl.load_workbook(path)["Updates"].max_row - HEADER_ROW


def problems(path: Path) -> list[str]:
    """The lines return_reader.read_return gives for one workbook (without the file: each names it)."""
    from helpers.cycle.problems import Problems
    from helpers.cycle.return_reader import read_return

    with pytest.raises(Problems) as err:
        read_return(path, Q, _open_actions(), READ_ON)
    assert all(e.file == path and e.line is None for e in err.value.errors)
    return [e.message for e in err.value.errors]


def read_one(path: Path):
    from helpers.cycle.return_reader import read_return

    return read_return(path, Q, _open_actions(), READ_ON)


def _open_actions() -> set[tuple[str, str, str, str]]:
    """(council, lead, review, action) for every row of the quarter's forms, as collect works them out."""
    from helpers.cycle.form_rows import form_rows
    from helpers.tracking.workspace import load_workspace

    rows = form_rows(load_workspace(), Q)
    return set(zip(rows["council"], rows["lead"], rows["review_id"], rows["action_ref"], strict=True))
