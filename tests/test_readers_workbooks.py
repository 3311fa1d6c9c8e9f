"""read_workbook: a return that is not a readable .xlsx is named for what it is, in one line with no internal names.

The files in tests/data/workbooks/ are real ones, made by Excel-compatible tools (see its README).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
import pytest

from helpers.errors import InputError
from helpers.readers import read_workbook

WORKBOOKS = Path(__file__).parent / "data" / "workbooks"
INTERNAL = ("Error", "Exception", "zip", "Traceback", "openpyxl", "KeyError")


def refused(path: Path) -> str:
    with pytest.raises(InputError) as err:
        read_workbook(path)
    assert err.value.file == path and "\n" not in err.value.message
    assert not any(word in err.value.message for word in INTERNAL), err.value.message
    return err.value.message


@pytest.mark.parametrize(
    "made, saved_as, message",
    [
        (
            "password-protected.xlsx",
            "return.xlsx",
            "the workbook is password-protected (encrypted), so it cannot be checked: ask for it without the password",
        ),
        ("excel-97-2003.xls", "return.xlsx", "an Excel 97-2003 workbook (.xls), not .xlsx: open it and save it as an"),
        ("calc.ods", "return.xlsx", "an OpenDocument spreadsheet (.ods), not .xlsx: open it and save it as an"),
    ],
)
def test_a_workbook_in_another_format_under_an_xlsx_name_is_named(tmp_path, made, saved_as, message):
    path = tmp_path / saved_as
    shutil.copyfile(WORKBOOKS / made, path)
    assert refused(path).startswith(message)


def test_a_cut_short_or_damaged_workbook_is_named(tmp_path):
    whole = tmp_path / "whole.xlsx"
    book = openpyxl.Workbook()
    book.active["A1"] = "x" * 5000
    book.save(whole)
    data = whole.read_bytes()
    cut = tmp_path / "cut.xlsx"
    cut.write_bytes(data[: len(data) // 2])
    assert refused(cut).startswith("the workbook is damaged (cut short, or its parts are not a workbook's)")
    empty = tmp_path / "empty.xlsx"
    empty.write_bytes(b"")
    assert refused(empty).startswith("not an Excel workbook (.xlsx): the file is not a workbook, or is damaged")


def test_missing_folder_and_too_large(tmp_path):
    assert refused(tmp_path / "nowhere.xlsx") == "workbook not found"
    assert refused(tmp_path) == "is not a file, expected a workbook"
    path = tmp_path / "big.xlsx"
    openpyxl.Workbook().save(path)
    with pytest.raises(InputError, match=r"workbook is too large \(.* the limit is 1,000 bytes\)"):
        read_workbook(path, max_bytes=1000)


def test_a_good_workbook_opens_read_only_and_formulas_stay_text(tmp_path):
    path = tmp_path / "good.xlsx"
    book = openpyxl.Workbook()
    book.active["A1"] = '=HYPERLINK("http://example.org","x")'
    book.save(path)
    opened = read_workbook(path)
    try:
        assert opened.read_only
        assert next(opened.active.iter_rows(values_only=True))[0] == '=HYPERLINK("http://example.org","x")'
    finally:
        opened.close()
