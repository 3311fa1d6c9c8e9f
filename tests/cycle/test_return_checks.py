"""Is a return the form as sent (helpers.cycle.return_checks)? Rows deleted, added or sorted, a locked cell changed,
a header renamed, a sheet or the About sheet's row table damaged, a form of another version or quarter: each one
line naming the cell, with whole messages worked out from the rules in data/updates/returns/README.md.

Each test fills a copy of a form made by `make forms` for 2024/25 Q1 from the real data.
"""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from real_forms import (
    CABINET,
    SLT,
    SLUG,
    L,
    collect_errors,
    fill,
    form,
    forms_made,
    forms_of,
    own_copy,
    problems,
    read_one,
    rows_in,
    send_back,
)
from real_forms import send_back as returned

from helpers.cycle import return_checks
from helpers.cycle.form_layout import FIRST_ROW, HEADER_ROW, HEADERS, column_letter


@pytest.fixture(scope="module")
def made(tmp_path_factory) -> Path:
    """data/ (with processed tables) and reports/ holding the 2024/25 Q1 forms (made by `forms --from-env`)."""
    return forms_made(tmp_path_factory, "--from-env")


@pytest.fixture
def space(made: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """This test's own copy of data/ and reports/ (forms made), used by in-process helpers too."""
    return own_copy(made, tmp_path, monkeypatch)


def _action_at(sheet, row: int) -> str:
    ref = sheet[L["action_ref"] + str(row)].value
    return f"{sheet[f'A{row}'].value} action {ref}"


def test_a_deleted_row_is_one_line_saying_so(space: Path, capsys: pytest.CaptureFixture):
    book = form(space, SLT)
    sheet = book["Updates"]
    gone = _action_at(sheet, FIRST_ROW + 2)
    fill(sheet, {"status": "Complete"}, FIRST_ROW + 5)  # a real update below the deleted row
    sheet.delete_rows(FIRST_ROW + 2)
    send_back(space, book, SLT)
    errors = collect_errors(capsys)
    assert len(errors) == 1, errors  # not a "locked cell was changed" line for every row below it
    assert errors[0].endswith(
        f"returns/{SLUG}/{SLT}: Updates!A{FIRST_ROW + 2}: row {FIRST_ROW + 2} of the form as sent ({gone}) was "
        "deleted; rows must not be deleted: ask the lead to fill in the form as sent"
    )


def test_two_deleted_rows_together_and_the_last_row_deleted(space: Path, capsys: pytest.CaptureFixture):
    book = form(space, SLT)
    sheet = book["Updates"]
    last = sheet.max_row
    first_two = [_action_at(sheet, FIRST_ROW), _action_at(sheet, FIRST_ROW + 1)]
    final = _action_at(sheet, last)
    sheet.delete_rows(last)
    sheet.delete_rows(FIRST_ROW, 2)
    send_back(space, book, SLT)
    errors = collect_errors(capsys)
    assert len(errors) == 2, errors
    assert errors[0].endswith(
        f"Updates!A{FIRST_ROW}: rows {FIRST_ROW} to {FIRST_ROW + 1} of the form as sent ({', '.join(first_two)}) "
        "were deleted; rows must not be deleted: ask the lead to fill in the form as sent"
    )
    assert errors[1].endswith(
        f"Updates!A{last - 2}: row {last} of the form as sent ({final}) was deleted; rows must not be deleted: ask "
        "the lead to fill in the form as sent"
    )


def test_an_inserted_row_is_one_line_saying_so(space: Path, capsys: pytest.CaptureFixture):
    book = form(space, SLT)
    sheet = book["Updates"]
    sheet.insert_rows(FIRST_ROW + 3)
    sheet[f"{L['comment']}{FIRST_ROW + 3}"] = "A note of my own"
    send_back(space, book, SLT)
    errors = collect_errors(capsys)
    assert len(errors) == 1 and errors[0].endswith(
        f"{SLT}: Updates!{L['comment']}{FIRST_ROW + 3}: row {FIRST_ROW + 3} was added (not in the form as sent); "
        "rows must not be added or moved"
    )


def test_sorted_rows_are_one_line_saying_so(space: Path, capsys: pytest.CaptureFixture):
    book = form(space, SLT)
    sheet = book["Updates"]
    first, second = FIRST_ROW, FIRST_ROW + 1
    moved = _action_at(sheet, second)
    for column in range(1, len(HEADERS) + 1):  # as a sort by a column would leave them: two rows swapped
        a, b = sheet.cell(row=first, column=column), sheet.cell(row=second, column=column)
        a.value, b.value = b.value, a.value
    send_back(space, book, SLT)
    errors = collect_errors(capsys)
    assert len(errors) == 1 and errors[0].endswith(
        f"{SLT}: Updates!A{first}: the rows were sorted or moved (row {first} now holds {moved}, sent in row "
        f"{second}); put them back in the order they were sent (undo the sort), or ask the lead to fill in the form "
        "as sent"
    )


def test_a_form_of_the_previous_version_is_refused_with_what_to_do(space: Path, capsys: pytest.CaptureFixture):
    book = form(space, CABINET)
    book["About"]["B2"] = "1"
    send_back(space, book, CABINET)
    errors = collect_errors(capsys)
    assert len(errors) == 1 and errors[0].endswith(
        f"returns/{SLUG}/{CABINET}: About!B2: form version '1'; this collect reads versions 2 and 3: send the "
        "lead a new form (make forms)"
    )


@pytest.fixture
def root(made: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """This test's own copy of data/ and reports/ (forms made): `space`, by the name the returns tests use."""
    return own_copy(made, tmp_path, monkeypatch)


def action_at(sheet, r: int) -> str:
    """How a message names the action in row r of a form: "2021-finance action 12"."""
    return f"{sheet['A' + str(r)].value} action {sheet[L['action_ref'] + str(r)].value}"


def test_a_locked_cell_changed_names_the_first_one_and_its_new_text(root):
    book = openpyxl.load_workbook(forms_of(root)[0])
    sheet = book["Updates"]
    sheet[f"{L['recommendation']}{FIRST_ROW + 1}"] = "A" * 70
    sheet[f"{column_letter('latest_comment')}{FIRST_ROW + 1}"] = "also changed"
    sheet[f"{L['status']}{FIRST_ROW + 1}"] = "Complete"
    sheet[f"{L['status']}{FIRST_ROW}"] = "Complete"
    assert problems(returned(root, book, "l.xlsx")) == [
        f"Updates!{L['recommendation']}{FIRST_ROW + 1}: a locked cell was changed (Recommendation (peers' wording): "
        f"now '{'A' * 60}'); put back what the form said"
    ]


@pytest.mark.parametrize(
    "spoil, message",
    [
        (lambda b: setattr(b["Updates"], "title", "Mine"), "Updates: sheet missing (the workbook has Mine, "),
        (lambda b: b.remove(b["About"]), "About: sheet missing (the workbook has Updates, Instructions); sheets must"),
        (lambda b: b["About"].__setitem__("B2", None), "About: no form_version recorded; this is not a form made by"),
        (lambda b: b["About"].__setitem__("B3", ""), "About: no quarter recorded; this is not a form made by `make"),
        (lambda b: b["About"].__setitem__("B4", None), "About: no council recorded; this is not a form made by"),
        (lambda b: b["About"].__setitem__("B5", None), "About: no lead recorded; this is not a form made by"),
        (
            lambda b: b["About"].__setitem__("B2", "1"),
            "About!B2: form version '1'; this collect reads versions 2 and 3: send the lead a new form (make forms)",
        ),
        (
            lambda b: b["About"].__setitem__("B3", "2024/25 Q2"),
            "About!B3: this form is for 2024/25 Q2, not 2024/25 Q1 (it belongs in data/updates/returns/2024-25-Q2/)",
        ),
        (
            lambda b: b["About"].__setitem__("B3", "next quarter"),
            "About!B3: this form is for next quarter, not 2024/25 Q1",
        ),
        (
            lambda b: b["Updates"].__setitem__(f"{column_letter('comment')}{HEADER_ROW}", None),
            f"Updates!{column_letter('comment')}{HEADER_ROW}: header is empty, should be 'Progress comment'; columns "
            "must not be renamed, moved or removed",
        ),
        (
            lambda b: b["Updates"].__setitem__(f"A{HEADER_ROW}", "Review"),
            f"Updates!A{HEADER_ROW}: header is 'Review', should be 'Review id'; columns must not be renamed",
        ),
        (
            lambda b: b["Updates"].cell(row=HEADER_ROW, column=len(HEADERS) + 1, value="My notes"),
            f"Updates!{chr(ord('A') + len(HEADERS))}{HEADER_ROW}: a column was added ('My notes'); columns must not "
            "be added, renamed, moved or removed",
        ),
        (
            lambda b: b["About"].__setitem__("A11", "x"),
            "About!A11: the About sheet's row table is damaged: send the lead a new form",
        ),
    ],
)
def test_a_return_that_is_not_the_form_as_sent(root, spoil, message):
    book = openpyxl.load_workbook(forms_of(root)[0])
    spoil(book)
    lines = problems(returned(root, book, "s.xlsx"))
    assert len(lines) == 1 and lines[0].startswith(message), lines


def test_a_header_with_extra_spaces_or_a_line_break_is_the_same_header(root):
    book = openpyxl.load_workbook(forms_of(root)[0])
    book["Updates"][f"{column_letter('comment')}{HEADER_ROW}"] = " Progress\n  comment "
    book["Updates"][f"{L['status']}{FIRST_ROW}"] = "Complete"
    assert read_one(returned(root, book, "h.xlsx")).filled_rows == 1


def test_a_damaged_row_table_in_the_about_sheet(root):
    book = openpyxl.load_workbook(forms_of(root)[0])
    book["About"]["A11"] = str(FIRST_ROW + 5)  # the second row of the table no longer follows the first
    assert problems(returned(root, book, "t.xlsx")) == [
        "About!A11: the About sheet's row table is damaged: send the lead a new form"
    ]
    book["About"]["A11"] = str(FIRST_ROW + 1)
    book["About"]["E10"] = book["About"]["E10"].value.rsplit(" ", 1)[0]  # one hash short
    lines = problems(returned(root, book, "t.xlsx"))
    assert lines[0].startswith(f"Updates!A{FIRST_ROW}: a locked cell was changed (Review id: now ")


def test_rows_deleted_at_the_end_and_added_at_the_end(root):
    form = forms_of(root)[0]
    n = rows_in(form)
    book = openpyxl.load_workbook(form)
    last = FIRST_ROW + n - 1
    gone = action_at(book["Updates"], last)
    book["Updates"].delete_rows(last)
    assert problems(returned(root, book, "d.xlsx")) == [
        f"Updates!A{last}: row {last} of the form as sent ({gone}) was deleted; rows must not be deleted: ask the "
        "lead to fill in the form as sent"
    ]
    book = openpyxl.load_workbook(form)
    book["Updates"][f"{L['evidence']}{last + 3}"] = "extra"
    assert problems(returned(root, book, "a.xlsx")) == [
        f"Updates!{L['evidence']}{last + 3}: rows {last + 1} to {last + 3} were added (not in the form as sent); "
        "rows must not be added or moved"
    ]


def test_four_deleted_rows_name_three_actions_and_how_many_more(root):
    form = forms_of(root)[0]
    if rows_in(form) < 5:
        pytest.skip("needs a lead with five open actions")
    book = openpyxl.load_workbook(form)
    sheet = book["Updates"]
    names = [action_at(sheet, r) for r in range(FIRST_ROW + 1, FIRST_ROW + 4)]
    sheet.delete_rows(FIRST_ROW + 1, 4)
    assert problems(returned(root, book, "f.xlsx")) == [
        f"Updates!A{FIRST_ROW + 1}: rows {FIRST_ROW + 1} to {FIRST_ROW + 4} of the form as sent ({', '.join(names)} "
        "and 1 more) were deleted; rows must not be deleted: ask the lead to fill in the form as sent"
    ]


def test_a_deleted_row_and_a_changed_row_elsewhere(root):
    form = forms_of(root)[0]
    if rows_in(form) < 4:
        pytest.skip("needs a lead with four open actions")
    book = openpyxl.load_workbook(form)
    sheet = book["Updates"]
    gone = action_at(sheet, FIRST_ROW)
    sheet[f"{L['recommendation']}{FIRST_ROW + 3}"] = "changed"
    sheet.delete_rows(FIRST_ROW)
    assert problems(returned(root, book, "c.xlsx")) == [
        f"Updates!A{FIRST_ROW}: row {FIRST_ROW} of the form as sent ({gone}) was deleted; rows must not be deleted: "
        "ask the lead to fill in the form as sent"
    ]


def test_three_deleted_rows_are_named_without_a_count_of_more(root):
    form = forms_of(root)[0]
    if rows_in(form) < 4:
        pytest.skip("needs a lead with four open actions")
    book = openpyxl.load_workbook(form)
    sheet = book["Updates"]
    names = [action_at(sheet, r) for r in range(FIRST_ROW, FIRST_ROW + 3)]
    sheet.delete_rows(FIRST_ROW, 3)
    assert problems(returned(root, book, "three.xlsx")) == [
        f"Updates!A{FIRST_ROW}: rows {FIRST_ROW} to {FIRST_ROW + 2} of the form as sent ({', '.join(names)}) were "
        "deleted; rows must not be deleted: ask the lead to fill in the form as sent"
    ]


def test_the_header_check_alone_passes_the_header_as_sent_and_names_a_missing_last_column(tmp_path):
    from helpers.cycle.problems import Problems

    path = tmp_path / "return.xlsx"
    from helpers.cycle.form_layout import CURRENT

    assert return_checks.check_headers(list(HEADERS), path, CURRENT) is None  # as sent: nothing to say
    with pytest.raises(Problems) as info:
        return_checks.check_headers(list(HEADERS[:-1]), path, CURRENT)  # the last column removed
    [error] = info.value.errors
    from openpyxl.utils import get_column_letter

    last = get_column_letter(len(HEADERS))  # the sheet's last column, where the header should be
    assert (error.file, error.message) == (
        path,
        f"Updates!{last}{HEADER_ROW}: header is empty, should be {HEADERS[-1]!r}; "
        "columns must not be renamed, moved or removed",
    )
