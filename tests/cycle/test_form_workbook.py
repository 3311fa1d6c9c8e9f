"""One lead's form workbook, to the letter (helpers.cycle.form_workbook): its sheets, the title and header rows, the
action rows, the drop-down and prompts, protection and printing, and the About sheet, as
data/updates/returns/README.md and the README describe them. Made-up leads and actions.
"""

from __future__ import annotations

import openpyxl
import pytest
from made_up_form import DUE, LEAD, ROWS, Q

from conftest import PROJECT
from helpers.base.errors import InputError
from helpers.cycle import form_workbook
from helpers.cycle.form_layout import (
    ABOUT_KEYS,
    COLUMNS,
    FIRST_FILL_COLUMN,
    FIRST_ROW,
    HEADER_ROW,
    HEADERS,
    REFERENCE,
    ROW_TABLE_HEADER,
    TEXT_CELLS,
    check,
    column_letter,
)

GREY, YELLOW = "00EDEDED", "00FFF7D6"


@pytest.fixture
def book(tmp_path, monkeypatch) -> openpyxl.Workbook:
    monkeypatch.setenv("PEER_REVIEW_DATA", str(PROJECT / "data"))
    path = tmp_path / "form.xlsx"
    form_workbook.write_form(path, LEAD, Q, ROWS, DUE)
    return openpyxl.load_workbook(path)


def test_the_workbook_has_its_three_sheets_locked_in_place(book):
    assert book.sheetnames == ["Updates", "Instructions", "About"]
    assert book.active.title == "Updates"
    assert book.security.lockStructure
    assert book.properties.title == "Peer review actions: update for 2024/25 Q1"
    assert book.properties.subject == "Head of Policy, Wessex Vale District Council"
    assert book.properties.creator == "peer-review tracker (helpers.cycle.forms)"


def test_the_title_row_says_whose_form_it_is_and_when_it_is_due(book):
    sheet = book["Updates"]
    TITLE_ROW = 1
    assert sheet.cell(TITLE_ROW, 1).value == "Return by 12 July 2024"
    assert sheet.cell(TITLE_ROW, 4).value == (
        "Peer review actions: update for 2024/25 Q1 from Head of Policy, Wessex Vale District Council"
    )
    assert sheet.cell(TITLE_ROW, FIRST_FILL_COLUMN).value == (
        "Your update: fill in the yellow columns (the Instructions sheet says how)"
    )
    sizes = [(sheet.cell(TITLE_ROW, c).font.b, sheet.cell(TITLE_ROW, c).font.sz) for c in (1, 4, FIRST_FILL_COLUMN)]
    assert sizes == [(True, 12), (True, 12), (True, 11)]
    assert sheet.row_dimensions[TITLE_ROW].height == 22
    assert [sheet.cell(TITLE_ROW, c).value for c in (2, 3, 5, len(HEADERS))] == [None] * 4


def test_headers_reference_and_fill_cells(book):
    sheet = book["Updates"]
    assert [c.value for c in sheet[HEADER_ROW]] == HEADERS
    assert sheet.row_dimensions[HEADER_ROW].height == 45
    for n, (_, _, width) in enumerate(COLUMNS, start=1):
        header = sheet.cell(HEADER_ROW, n)
        assert header.font.b and header.alignment.wrap_text, n
        assert header.fill.fgColor.rgb == (YELLOW if n >= FIRST_FILL_COLUMN else GREY), n
        assert header.border.left.style == "thin" and header.border.bottom.color.rgb == "00BFBFBF"
        assert sheet.column_dimensions[header.column_letter].width == width
    for r in (FIRST_ROW, FIRST_ROW + 1):
        for n, (key, _, _) in enumerate(COLUMNS, start=1):
            cell = sheet.cell(r, n)
            assert cell.alignment.wrap_text and cell.alignment.vertical == "top", (r, key)
            assert cell.border.top.style == "thin" and cell.border.right.style == "thin", (r, key)
            if n < FIRST_FILL_COLUMN:
                assert cell.protection.locked and cell.data_type == "s", (r, key)
            else:
                assert not cell.protection.locked and cell.fill.fgColor.rgb == YELLOW and cell.value is None
                assert cell.number_format == ("@" if key in TEXT_CELLS else "General"), key
    assert sheet[f"{column_letter('latest_comment')}{FIRST_ROW}"].value == "=SUM(A1:A2)"  # text, never a formula
    assert sheet[f"{column_letter('recommendation')}{FIRST_ROW + 1}"].value == "R" * 100  # the bell is dropped
    assert sheet.max_row == FIRST_ROW + 1 and sheet.max_column == len(HEADERS)


def test_row_heights_follow_the_longest_cell():
    # Characters per line: the column width less 2; a line break starts a line; at most 25 lines of 15 points.
    assert form_workbook._row_height(["", "x" * 28], [10, 30]) == 15.0
    assert form_workbook._row_height(["x" * 29, ""], [30, 10]) == 30.0
    assert form_workbook._row_height(["a\n\nb", "c"], [10, 10]) == 45.0
    assert form_workbook._row_height(["x" * 1000], [3]) == 375.0
    assert form_workbook._row_height(["xy"], [1]) == 30.0  # a column narrower than 3: one character a line
    assert form_workbook._row_height([], []) == 15.0


def test_the_rows_are_the_actions_given_with_their_heights(book):
    sheet = book["Updates"]
    widths = [w for _, _, w in COLUMNS]
    for r, item in zip((FIRST_ROW, FIRST_ROW + 1), ROWS.to_dict("records"), strict=True):
        values = [item[key] for key, _, _ in REFERENCE]
        assert [sheet.cell(r, n).value for n in range(1, len(REFERENCE) + 1)] == [v.replace("\x07", "") for v in values]
        assert sheet.row_dimensions[r].height == form_workbook._row_height(
            [v.replace("\x07", "") for v in values], widths
        )
    assert sheet.row_dimensions[FIRST_ROW].height == 45.0  # three lines of the action
    assert sheet.row_dimensions[FIRST_ROW + 1].height == 75.0  # 100 characters in a width of 24: 5 lines


def test_drop_down_and_prompts(book):
    sheet = book["Updates"]
    validations = {str(v.sqref): v for v in sheet.data_validations.dataValidation}
    last = FIRST_ROW + 1
    status = validations[f"{column_letter('status')}{FIRST_ROW}:{column_letter('status')}{last}"]
    assert (status.type, status.formula1) == ("list", '"Complete,In progress,Not started,On hold,Behind schedule"')
    assert status.allow_blank and status.showErrorMessage and status.showInputMessage
    assert (status.errorTitle, status.error) == ("Status", "Choose a status from the list (or leave it blank).")
    assert (status.promptTitle, status.prompt) == ("Status", "Choose from the list.")
    updated = validations[f"{column_letter('updated_on')}{FIRST_ROW}:{column_letter('updated_on')}{last}"]
    assert updated.type is None and updated.allow_blank and updated.showInputMessage  # a prompt, not a check
    assert (updated.promptTitle, updated.prompt) == (
        "Date of update",
        "Between 1 April 2024 and 30 June 2024, written like 30 June 2024. Blank means 30 June 2024.",
    )
    revised = validations[f"{column_letter('revised_target')}{FIRST_ROW}:{column_letter('revised_target')}{last}"]
    assert revised.type is None and revised.allow_blank and revised.showInputMessage
    assert (revised.promptTitle, revised.prompt) == (
        "Revised target date",
        "Only if the target must move: a month (March 2025) or a date (31 March 2025). Give the reason in the "
        "next column.",
    )
    assert len(validations) == 3


def test_protection_freeze_and_printing(book):
    sheet = book["Updates"]
    assert sheet.freeze_panes == f"D{FIRST_ROW}"
    protection = sheet.protection
    assert protection.sheet and not protection.formatColumns and not protection.formatRows
    assert not protection.selectLockedCells and not protection.selectUnlockedCells
    setup = sheet.page_setup
    assert (setup.paperSize, setup.orientation, setup.scale, setup.fitToHeight) == (9, "landscape", 68, 0)
    assert not sheet.sheet_properties.pageSetUpPr.fitToPage  # a fixed scale: page breaks are kept
    assert (sheet.print_title_rows, sheet.print_title_cols) == ("$1:$2", "$A:$C")
    # The second page starts at the committee's decision, the last reference column, beside the lead's columns.
    assert [b.id for b in sheet.col_breaks.brk] == [FIRST_FILL_COLUMN - 2]
    margins = sheet.page_margins
    assert (margins.left, margins.right, margins.top, margins.bottom) == (0.4, 0.4, 0.5, 0.5)


def test_the_about_sheet_records_the_form_and_each_row(book):
    about = book["About"]
    assert about.sheet_state == "hidden" and about.protection.sheet
    assert about["A1"].value == "About this form: used to check the return. Do not edit."
    pairs = {about.cell(r, 1).value: about.cell(r, 2).value for r in range(2, 2 + len(ABOUT_KEYS))}
    assert pairs == {
        "form_version": "3",
        "quarter": "2024/25 Q1",
        "council": "Wessex Vale District Council",
        "lead": "Head of Policy",
        "return_by": "2024-07-12",
        "file": "form.xlsx",
    }
    table = len(ABOUT_KEYS) + 3
    assert [c.value for c in about[table]] == ROW_TABLE_HEADER
    rows = [[c.value for c in about[table + n]] for n in (1, 2)]
    assert rows == [
        [str(FIRST_ROW + n), "2023-cpc", str(n + 1), role, check([str(v).replace("\x07", "") for v in values])]
        for n, (role, values) in enumerate(
            (item["role"], [item[key] for key, _, _ in REFERENCE]) for item in ROWS.to_dict("records")
        )
    ]
    assert all(about.cell(r, n).data_type == "s" for r in (table + 1, table + 2) for n in range(1, 6))
    assert [about.column_dimensions[c].width for c in "ABE"] == [14, 40, 130]
    assert about.max_row == table + 2


def test_a_form_with_no_rows_has_no_drop_downs(tmp_path, monkeypatch):
    monkeypatch.setenv("PEER_REVIEW_DATA", str(PROJECT / "data"))
    path = tmp_path / "empty.xlsx"
    form_workbook.write_form(path, LEAD, Q, ROWS.iloc[:0], DUE)
    book = openpyxl.load_workbook(path)
    assert not book["Updates"].data_validations.dataValidation
    assert book["Updates"].max_row == HEADER_ROW
    assert "lists the 0 peer review action(s)" in book["Instructions"]["A2"].value


def test_the_drop_down_list_must_fit_excel(tmp_path, monkeypatch):
    monkeypatch.setenv("PEER_REVIEW_DATA", str(tmp_path))
    vocabulary = tmp_path / "vocabulary.yaml"
    for names in (["Done, mostly"], ['Say "done"']):
        with pytest.raises(InputError) as err:
            form_workbook._statuses_formula(names)
        assert (err.value.file, err.value.message) == (
            vocabulary,
            "an update status contains a comma or a quote, which an Excel drop-down list cannot hold; rename it",
        )
    fits = ["x" * 127, "y" * 126]  # quotes and comma: 127 + 1 + 126 + 2 = 256 characters
    assert form_workbook._statuses_formula(fits) == '"' + "x" * 127 + "," + "y" * 126 + '"'
    assert len(form_workbook._statuses_formula(["x" * 127, "y" * 127])) == 257  # the most Excel takes
    with pytest.raises(InputError) as err:
        form_workbook._statuses_formula(["x" * 127, "y" * 128])
    assert (err.value.file, err.value.message) == (
        vocabulary,
        "the update statuses are too long together for an Excel drop-down list (255 characters)",
    )
