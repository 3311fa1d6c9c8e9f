"""Forms out, to the letter: one workbook's layout as data/updates/returns/README.md and the README describe it,
the Instructions sheet, the chase list and the command. Made-up leads and actions where a test does not need the
real plans. Written against the survivors of `make mutants` (MODULES=forms).
"""

from __future__ import annotations

import datetime as dt
import shutil
import stat
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from conftest import PROJECT
from helpers.base import quarters
from helpers.base.errors import InputError
from helpers.cycle import forms
from helpers.cycle.quarterly import (
    ABOUT_KEYS,
    ABOUT_SHEET,
    COLUMNS,
    FIRST_FILL_COLUMN,
    FIRST_ROW,
    HEADER_ROW,
    HEADERS,
    REFERENCE,
    ROW_TABLE_HEADER,
    TEXT_CELLS,
    Lead,
    cell_text,
    check,
    column_letter,
)

Q = quarters.parse_quarter("2024/25 Q1")
DUE = dt.date(2024, 7, 12)
LEAD = Lead("Wessex Vale District Council", "Head of Policy")
GREY, YELLOW = "00EDEDED", "00FFF7D6"


def reference_row(n: int, **cells: str) -> dict[str, str]:
    row = {key: f"{key} {n}" for key, _, _ in REFERENCE}
    return row | {"council": LEAD.council, "lead": LEAD.lead, "review_id": "2023-cpc", "action_ref": str(n)} | cells


ROWS = pd.DataFrame(
    [
        reference_row(1, role="Lead", action="Line one\nLine two\nLine three", latest_comment="=SUM(A1:A2)"),
        reference_row(2, role="Accountable, Responsible", recommendation="R" * 100 + "\x07"),
    ]
)


@pytest.fixture
def book(tmp_path, monkeypatch) -> openpyxl.Workbook:
    monkeypatch.setenv("PEER_REVIEW_DATA", str(PROJECT / "data"))
    path = tmp_path / "form.xlsx"
    forms.write_form(path, LEAD, Q, ROWS, DUE)
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
    assert forms._row_height(["", "x" * 28], [10, 30]) == 15.0
    assert forms._row_height(["x" * 29, ""], [30, 10]) == 30.0
    assert forms._row_height(["a\n\nb", "c"], [10, 10]) == 45.0
    assert forms._row_height(["x" * 1000], [3]) == 375.0
    assert forms._row_height(["xy"], [1]) == 30.0  # a column narrower than 3: one character a line
    assert forms._row_height([], []) == 15.0


def test_the_rows_are_the_actions_given_with_their_heights(book):
    sheet = book["Updates"]
    widths = [w for _, _, w in COLUMNS]
    for r, item in zip((FIRST_ROW, FIRST_ROW + 1), ROWS.to_dict("records"), strict=True):
        values = [item[key] for key, _, _ in REFERENCE]
        assert [sheet.cell(r, n).value for n in range(1, len(REFERENCE) + 1)] == [v.replace("\x07", "") for v in values]
        assert sheet.row_dimensions[r].height == forms._row_height([v.replace("\x07", "") for v in values], widths)
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
    forms.write_form(path, LEAD, Q, ROWS.iloc[:0], DUE)
    book = openpyxl.load_workbook(path)
    assert not book["Updates"].data_validations.dataValidation
    assert book["Updates"].max_row == HEADER_ROW
    assert "lists the 0 peer review action(s)" in book["Instructions"]["A2"].value


def test_the_instructions_sheet(book):
    sheet = book["Instructions"]
    lines = [c.value for c in sheet["A"]]
    assert lines[:4] == [
        "Peer review actions: your update for 2024/25 Q1",
        "For: Head of Policy, Wessex Vale District Council. This form lists the 2 peer review action(s) you are "
        "named for that were still open on 30 June 2024.",
        "Please return it by 12 July 2024.",
        "What to fill in",
    ]
    assert (
        "Date of update: the date your update is as at, between 1 April 2024 and 30 June 2024. Leave it blank to "
        "mean 30 June 2024. Write the month as a word (30 June 2024)" in lines[7]
    )
    assert lines.index("What each status means") + 6 == lines.index("How to return this form")
    assert lines.index("What the committee decided") + 2 == lines.index("What each status means")
    assert "Complete: the action is finished; this closes it in the reports." in lines
    assert (
        lines[-1]
        == "If an action is not yours, or one is missing, say so in the covering email rather than in the form."
    )
    fonts = {c.value: (c.font.b, c.font.sz) for c in sheet["A"]}
    assert fonts["Peer review actions: your update for 2024/25 Q1"] == (True, 14)
    assert fonts["What to fill in"] == fonts["How to return this form"] == (True, 12)
    assert fonts["Please return it by 12 July 2024."] == (False, 11)
    for r, text in enumerate(lines, start=1):
        extra = (
            6
            if text
            in (
                "Peer review actions: your update for 2024/25 Q1",
                "What to fill in",
                "What the committee decided",
                "What each status means",
                "How to return this form",
            )
            else 0
        )
        assert sheet.row_dimensions[r].height == 15.0 * max(1, -(-len(text) // 68)) + extra, r
        assert sheet.cell(r, 1).alignment.wrap_text and sheet.cell(r, 1).alignment.vertical == "top"
    assert sheet.column_dimensions["A"].width == 75
    setup = sheet.page_setup
    assert (setup.paperSize, setup.orientation, setup.fitToWidth, setup.fitToHeight) == (9, "portrait", 1, 0)
    assert sheet.sheet_properties.pageSetUpPr.fitToPage and sheet.protection.sheet
    assert (sheet.page_margins.left, sheet.page_margins.top) == (0.4, 0.5)
    assert sheet.print_title_rows is None


def test_status_meanings_fall_back_to_whether_a_status_closes(tmp_path, monkeypatch):
    data = tmp_path / "data"
    shutil.copytree(PROJECT / "data", data)
    vocabulary = data / "vocabulary.yaml"
    text = vocabulary.read_text(encoding="utf-8")
    for meaning in (
        "the action is finished; this closes it in the reports",
        "work has started and is on course for the current target",
    ):
        text = text.replace(f"    meaning: {meaning}\n", "")
    vocabulary.write_text(text, encoding="utf-8")
    monkeypatch.setenv("PEER_REVIEW_DATA", str(data))
    meanings = forms.status_meanings()
    assert meanings["Complete"] == "the action is finished (this closes it)"
    assert meanings["In progress"] == "the action is still open"
    assert meanings["On hold"] == "work has been paused on purpose (say why in the comment)"


def test_the_drop_down_list_must_fit_excel(tmp_path, monkeypatch):
    monkeypatch.setenv("PEER_REVIEW_DATA", str(tmp_path))
    vocabulary = tmp_path / "vocabulary.yaml"
    for names in (["Done, mostly"], ['Say "done"']):
        with pytest.raises(InputError) as err:
            forms._statuses_formula(names)
        assert (err.value.file, err.value.message) == (
            vocabulary,
            "an update status contains a comma or a quote, which an Excel drop-down list cannot hold; rename it",
        )
    fits = ["x" * 127, "y" * 126]  # quotes and comma: 127 + 1 + 126 + 2 = 256 characters
    assert forms._statuses_formula(fits) == '"' + "x" * 127 + "," + "y" * 126 + '"'
    assert len(forms._statuses_formula(["x" * 127, "y" * 127])) == 257  # the most Excel takes
    with pytest.raises(InputError) as err:
        forms._statuses_formula(["x" * 127, "y" * 128])
    assert (err.value.file, err.value.message) == (
        vocabulary,
        "the update statuses are too long together for an Excel drop-down list (255 characters)",
    )


def test_put_keeps_text_as_text_and_other_values_as_they_are(tmp_path):
    sheet = openpyxl.Workbook().active
    forms.put(sheet["A1"], "=1+1")
    forms.put(sheet["A2"], 3)
    forms.put(sheet["A3"], "a\x00b\x1fc")
    assert (sheet["A1"].value, sheet["A1"].data_type) == ("=1+1", "s")
    assert (sheet["A2"].value, sheet["A2"].data_type) == (3, "n")
    assert sheet["A3"].value == "abc"


# --- All forms, the chase list and the command ---------------------------------------------------------------------


def test_two_leads_whose_names_make_the_same_file_name_get_two_files(monkeypatch):
    rows = pd.DataFrame(
        [
            reference_row(1, lead="Head of Policy"),
            reference_row(2, lead="Head of Policy."),
            reference_row(3, lead="head of policy"),
        ]
    )
    monkeypatch.setattr(forms, "form_rows", lambda ws, quarter: rows)
    monkeypatch.setattr(forms, "unled_open_actions", lambda ws, quarter: pd.DataFrame())
    _, made, _ = forms.lead_forms(Q, ws=object())
    names = {lead.lead: (name, len(group)) for lead, (name, group) in made.items()}
    stem = "Head-of-Policy--Wessex-Vale-District-Council--2024-25-Q1"
    assert names == {
        "Head of Policy": (f"{stem}.xlsx", 1),
        "Head of Policy.": (f"{stem}-2.xlsx", 1),
        "head of policy": (f"{stem.replace('Head', 'head').replace('Policy', 'policy')}-3.xlsx", 1),
    }
    assert all(list(group.index) == [0] for _, group in made.values())


def test_the_chase_readme_word_for_word():
    chase = pd.DataFrame(
        [
            ["C", "A lead", 2, "A.xlsx", "yes", "A.xlsx", 2, ""],
            ["C", "B lead", 1, "B.xlsx", "yes", "b (1).ods", 0, "not .xlsx: collect cannot read it"],
            ["C", "D lead", 3, "D.xlsx", "no", "", 0, ""],
        ],
        columns=forms.CHASE_COLUMNS,
    )
    unled = pd.DataFrame({"review_id": ["r", "s"], "action_ref": ["1", "2"]})
    text = forms.chase_readme(Q, chase, unled, DUE, ["stray.docx", "x_y.pdf"])
    assert text == (
        "# Update forms for 2024/25 Q1\n"
        "\n"
        "One workbook per lead with their actions open on 30 June 2024. Send each to its lead; returns are due by "
        "12 July 2024. Save each returned file, as it comes, in `data/updates/returns/2024-25-Q1/`, then run "
        '`make collect QUARTER="2024/25 Q1"`.\n'
        "\n"
        "Chase list (2 of 3 returned; refresh with "
        '`.venv/bin/python -m helpers.cycle.forms --quarter "2024/25 Q1" --chase-list`):\n'
        "\n"
        "| lead | council | open actions | form | returned | rows collected |\n"
        "|---|---|---|---|---|---|\n"
        "| A lead | C | 2 | A.xlsx | yes | 2 |\n"
        "| B lead | C | 1 | B.xlsx | yes (b (1).ods); not .xlsx: collect cannot read it | 0 |\n"
        "| D lead | C | 3 | D.xlsx | no | 0 |\n"
        "\n"
        "2 file(s) in the returns folder name no lead (not a form's file name, and no About sheet that can be "
        r"read): stray.docx, x\_y.pdf."
        "\n"
        "\n"
        "2 open action(s) name no lead, so are in nobody's form: r 1, s 2.\n"
    )
    assert "file(s) in the returns folder" not in forms.chase_readme(Q, chase, unled.iloc[:0], DUE)
    assert "name no lead, so are in nobody's form" not in forms.chase_readme(Q, chase, unled.iloc[:0], DUE, [])


def test_markdown_cells_show_their_text():
    assert forms._md("a|b *c* _d_ `e` [f](g) ~h~ \\ <i> & j\nk") == (
        r"a\|b \*c\* \_d\_ \`e\` \[f\](g) \~h\~ \\ &lt;i&gt; &amp; j k"
    )
    assert forms._md(3) == "3"


@pytest.fixture
def space(tmp_path, monkeypatch) -> Path:
    shutil.copytree(PROJECT / "data", tmp_path / "data")
    monkeypatch.setenv("PEER_REVIEW_DATA", str(tmp_path / "data"))
    monkeypatch.setenv("PEER_REVIEW_REPORTS", str(tmp_path / "reports"))
    return tmp_path


def test_making_forms_replaces_the_folder_whole_and_everyone_may_read_it(space, capsys):
    folder = space / "reports" / "2024-25-Q1" / "forms"
    folder.mkdir(parents=True)
    (folder / "old-form.xlsx").write_bytes(b"from an earlier run")
    assert forms.main(["--quarter", "2024/25 Q1", "--return-by", "2024-07-19"]) == 0
    made = sorted(p.name for p in folder.iterdir())
    assert "old-form.xlsx" not in made and {"README.md", "chase-list.csv"} <= set(made)
    assert stat.S_IMODE(folder.stat().st_mode) == 0o755
    assert all(stat.S_IMODE(p.stat().st_mode) == 0o644 for p in folder.iterdir())
    assert not [p for p in folder.parent.iterdir() if p.name.startswith(".forms")]  # no staging left behind
    workbooks = list(folder.glob("*.xlsx"))
    chase = pd.read_csv(folder / "chase-list.csv", dtype=str, keep_default_na=False)
    out = capsys.readouterr().out.strip()
    assert out.startswith(f"Wrote {len(workbooks)} form(s) for 2024/25 Q1 to ")
    assert out.endswith(
        f"forms/ ({chase['open_actions'].astype(int).sum()} action rows); chase list: "
        f"{space / 'reports' / '2024-25-Q1' / 'forms' / 'README.md'}"
    )
    assert openpyxl.load_workbook(workbooks[0])["About"]["B6"].value == "2024-07-19"
    assert "returns are due by 19 July 2024" in (folder / "README.md").read_text(encoding="utf-8")
    assert forms._due_from_forms(folder) == dt.date(2024, 7, 19)


def test_the_chase_list_command(space, capsys):
    with pytest.raises(InputError) as err:
        forms.main(["--quarter", "2024/25 Q1", "--chase-list"])
    assert err.value.message == "no forms yet for 2024/25 Q1: run without --chase-list first"
    assert err.value.file == space / "reports" / "2024-25-Q1" / "forms"
    with pytest.raises(InputError, match=r"^--return-by '19/07/2024' is not a date like 2024-07-12$"):
        forms.main(["--quarter", "2024/25 Q1", "--return-by", "19/07/2024"])
    assert forms.main(["--quarter", "2024/25 Q1", "--return-by", "2024-07-19"]) == 0
    folder = space / "reports" / "2024-25-Q1" / "forms"
    first = sorted(folder.glob("*.xlsx"))[0]
    returns = space / "data" / "updates" / "returns" / "2024-25-Q1"
    returns.mkdir(parents=True)
    shutil.copyfile(first, returns / "back.xlsx")
    capsys.readouterr()
    assert forms.main(["--quarter", "2024/25 Q1", "--chase-list"]) == 0
    n = len(list(folder.glob("*.xlsx")))
    assert capsys.readouterr().out.strip() == f"Chase list: 1 of {n} leads have returned ({folder / 'README.md'})"
    assert "returns are due by 19 July 2024" in (folder / "README.md").read_text(encoding="utf-8")  # kept
    assert forms.main(["--quarter", "2024/25 Q1", "--chase-list", "--return-by", "2024-07-26"]) == 0
    assert "returns are due by 26 July 2024" in (folder / "README.md").read_text(encoding="utf-8")


def test_the_return_by_date_of_existing_forms(tmp_path):
    assert forms._due_from_forms(tmp_path) is None
    (tmp_path / "a.xlsx").write_bytes(b"damaged")
    no_about = openpyxl.Workbook()
    no_about.save(tmp_path / "b.xlsx")
    bad_date = openpyxl.Workbook()
    about = bad_date.create_sheet("About")
    about["A6"], about["B6"] = "return_by", "soon"
    bad_date.save(tmp_path / "c.xlsx")
    assert forms._due_from_forms(tmp_path) is None
    good = openpyxl.Workbook()
    about = good.create_sheet("About")
    about["A6"], about["B6"] = "return_by", "2024-07-19"
    good.save(tmp_path / "d.xlsx")
    assert forms._due_from_forms(tmp_path) == dt.date(2024, 7, 19)


def test_whose_return_a_file_is(tmp_path, monkeypatch):
    monkeypatch.setenv("PEER_REVIEW_DATA", str(PROJECT / "data"))
    form = tmp_path / "form.xlsx"
    forms.write_form(form, LEAD, Q, ROWS, DUE)
    assert forms.identify(form) == LEAD
    assert forms.identify(tmp_path / "form.ods") is None  # not opened: not a workbook name
    (tmp_path / "bad.xlsx").write_bytes(b"PK\x03\x04broken")
    assert forms.identify(tmp_path / "bad.xlsx") is None
    openpyxl.Workbook().save(tmp_path / "plain.xlsx")
    assert forms.identify(tmp_path / "plain.xlsx") is None
    book = openpyxl.load_workbook(form)
    book["About"]["B5"] = None
    book.save(tmp_path / "no-lead.xlsx")
    assert forms.identify(tmp_path / "no-lead.xlsx") is None
    book["About"]["B5"], book["About"]["B4"] = "Head of Policy", None
    book.save(tmp_path / "no-council.xlsx")
    assert forms.identify(tmp_path / "no-council.xlsx") is None
    # A form whose lead row is gone altogether (key and value) is no one's return either.
    book["About"]["B4"], book["About"]["A5"], book["About"]["B5"] = "Vale DC", None, None
    book.save(tmp_path / "no-lead-row.xlsx")
    assert forms.identify(tmp_path / "no-lead-row.xlsx") is None


def test_returned_files_and_rows_collected(space):
    returns = space / "data" / "updates" / "returns" / "2024-25-Q1"
    returns.mkdir(parents=True)
    forms.write_form(returns / "one.xlsx", LEAD, Q, ROWS, DUE)
    forms.write_form(returns / "two.xlsx", LEAD, Q, ROWS, DUE)  # the same lead twice: the first counts
    (returns / "note.ods").write_bytes(b"x")
    (returns / "folder").mkdir()
    back = forms.returned(Q)
    assert back == {"files": ["note.ods", "one.xlsx", "two.xlsx"], "leads": {LEAD: "one.xlsx"}}
    assert forms.returned(Q, {"note.ods": LEAD}) == {
        "files": ["note.ods", "one.xlsx", "two.xlsx"],
        "leads": {LEAD: "note.ods"},
    }
    log = space / "data" / "updates" / "2024-25-Q1.csv"
    assert forms._collected_rows(Q).empty
    log.write_text(
        "review_id,action_ref,status,comment,updated_on,source\n"
        "2021-finance,2,Complete,,2024-06-30,returns/2024-25-Q1/one.xlsx:Updates!3\n"
        "2021-finance,6,Complete,,2024-06-30,returns/2024-25-Q1/one.xlsx:Updates!4\n"
        "2021-finance,7,Complete,,2024-06-30,returns/2024-25-Q1/two.xlsx:Updates!3\n"
        "2021-finance,9,,typed,2024-06-30,\n"
        "2021-finance,10,,typed,2024-06-30,returns/2024-25-Q2/one.xlsx:Updates!3\n"
        "2021-finance,11,,typed,2024-06-30,returns/2024-25-Q1/notes.txt:4\n",
        encoding="utf-8",
    )
    assert forms._collected_rows(Q).to_dict() == {"one.xlsx": 2, "two.xlsx": 1}
    chase = forms.chase_list(Q, {LEAD: ("Head-of-Policy.xlsx", ROWS)})
    assert chase.to_dict("records") == [
        {
            "council": LEAD.council,
            "lead": LEAD.lead,
            "open_actions": 2,
            "form": "Head-of-Policy.xlsx",
            "returned": "yes",
            "return_file": "one.xlsx",
            "rows_collected": 2,
            "note": "",
        }
    ]
    other = Lead(LEAD.council, "Cabinet")
    by_name = forms.chase_list(Q, {other: ("NOTE.xlsx", ROWS), Lead("X", "Y"): ("Y.xlsx", ROWS)}, back)
    assert by_name[["return_file", "returned", "rows_collected", "note"]].values.tolist() == [
        ["note.ods", "yes", 0, "not .xlsx: collect cannot read it until it is saved as .xlsx"],
        ["", "no", 0, ""],
    ]


def test_no_returns_folder_means_nothing_returned(space):
    assert forms.returned(Q) == {"files": [], "leads": {}}
    assert (space / "data").is_dir()


def test_a_run_that_fails_half_way_leaves_the_old_forms_and_no_staging_folder(space, monkeypatch):
    folder = space / "reports" / "2024-25-Q1" / "forms"
    folder.mkdir(parents=True)
    (folder / "old-form.xlsx").write_bytes(b"from an earlier run")

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(forms, "write_chase_list", broken)
    with pytest.raises(OSError, match="disk full"):
        forms.main(["--quarter", "2024/25 Q1", "--return-by", "2024-07-19"])
    assert sorted(p.name for p in folder.iterdir()) == ["old-form.xlsx"]
    assert not [p for p in folder.parent.iterdir() if p.name.startswith(".forms")]


def test_the_instructions_tell_the_lead_what_to_fill_in(tmp_path, monkeypatch):
    monkeypatch.setenv("PEER_REVIEW_DATA", str(PROJECT / "data"))
    form = tmp_path / "form.xlsx"
    forms.write_form(form, LEAD, Q, ROWS, DUE)
    sheet = openpyxl.load_workbook(form)["Instructions"]
    text = "\n".join(str(c.value) for row in sheet.iter_rows() for c in row if c.value)
    # What README ("The quarterly cycle") says a lead is asked to do, as the form says it to the lead.
    assert (
        'Use the sheet "Updates": one row per action. The grey columns are for reference and are locked. '
        "Fill in the yellow columns for each action you have news on:"
    ) in text.split("\n")
    assert "until then reports keep the current target and show your request." in text
    assert "Do not rename, add or remove sheets or columns, do not change the grey cells, and do not add rows" in text


def test_the_command_says_its_name_and_what_each_option_does(capsys):
    with pytest.raises(SystemExit) as done:
        forms.main(["--help"])
    assert done.value.code == 0
    shown = " ".join(capsys.readouterr().out.split())
    assert shown.startswith("usage: python -m helpers.cycle.forms")
    assert "only refresh the chase list (which leads have returned) next to existing forms" in shown


# From test_forms_decisions.py: The next quarter's form tells each lead what the committee decided on requests about their actions.

Q1, Q2, Q3 = "2024/25 Q1", "2024/25 Q2", "2024/25 Q3"
COMMITTEE = "Audit and Governance Committee"
DECISION = column_letter("committee_decision")
UPDATES = """review_id,action_ref,status,comment,updated_on,revised_target,revision_reason,evidence,lead
2021-finance,31,In progress,Survey designed.,2024-06-20,March 2025,Fieldwork delayed.,,Corporate Services Leadership Team
2021-finance,41,Behind schedule,Delayed.,2024-06-28,Q4 2024/25,Budget cycle.,,Senior Leadership Team (SLT)
2021-finance,42,In progress,Strategy drafted.,2024-06-28,December 2024,Consultation.,,Senior Leadership Team (SLT)
2021-finance,44,In progress,Dashboards built.,2024-06-25,March 2025,Data late.,,Children's Accountancy Team
2021-finance,33,Complete,Training delivered.,2024-06-14,,,https://example.org/log,Corporate Director Finance & Commercial
2021-finance,45,Complete,Done.,2024-06-30,,,,Children's Services
"""
DECISIONS_Q1 = f"""review_id,action_ref,kind,requested_on,lead,decision,decided_on,decided_by,minute,amended_target,note
2021-finance,31,revision,2024-06-20,Corporate Services Leadership Team,agreed,2024-09-12,{COMMITTEE},45/24,,
2021-finance,41,revision,2024-06-28,Senior Leadership Team (SLT),refused,2024-09-12,{COMMITTEE},46/24,,Report back in December.
2021-finance,42,revision,2024-06-28,Senior Leadership Team (SLT),deferred,2024-09-12,{COMMITTEE},,,
2021-finance,44,revision,2024-06-25,Children's Accountancy Team,agreed,2024-09-12,{COMMITTEE},47/24,December 2024,
2021-finance,33,closure,2024-06-14,Corporate Director Finance & Commercial,agreed,2024-09-12,{COMMITTEE},48/24,,
2021-finance,45,closure,2024-06-30,Children's Services,refused,2024-09-12,{COMMITTEE},49/24,,No evidence given.
2021-finance,39,escalation,,,agreed,2024-09-12,{COMMITTEE},50/24,,
"""
DECISIONS_Q2 = f"""review_id,action_ref,kind,requested_on,lead,decision,decided_on,decided_by,minute
2021-finance,42,revision,2024-06-28,Senior Leadership Team (SLT),agreed,2024-10-03,{COMMITTEE},61/24
"""
MEETING = f"{COMMITTEE}, 12 September 2024"
# (lead, action): what the Q2 form's decision cell says, worked out from the rows above.
EXPECTED_Q2 = {
    ("Corporate Services Leadership Team", "31"): f"{MEETING} (minute 45/24): revised target 31 March 2025 agreed",
    ("Senior Leadership Team (SLT)", "41"): (
        f"{MEETING} (minute 46/24): revision to 31 March 2025 refused. Report back in December."
    ),
    ("Senior Leadership Team (SLT)", "42"): f"{MEETING}: revision to 31 December 2024 deferred to a later meeting",
    ("Children's Accountancy Team", "44"): (
        f"{MEETING} (minute 47/24): revised target 31 December 2024 agreed, not the 31 March 2025 asked for"
    ),
    ("Corporate Director Finance & Commercial", "33"): f"{MEETING} (minute 48/24): closure agreed on your evidence",
    ("Children's Services", "45"): (
        f"{MEETING} (minute 49/24): closure refused: the action is open again. No evidence given."
    ),
    ("Children's Accountancy Team", "45"): (
        f"{MEETING} (minute 49/24): closure refused: the action is open again (asked by Children's Services). "
        "No evidence given."
    ),
    ("Children's Services", "39"): (
        f"{MEETING} (minute 50/24): escalation agreed: the committee asks for a report on this action"
    ),
    (
        "Finance Team",
        "39",
    ): f"{MEETING} (minute 50/24): escalation agreed: the committee asks for a report on this action",
}


def slug(quarter: str) -> str:
    return quarter.replace("/", "-").replace(" ", "-")


@pytest.fixture(scope="module")
def decided(tmp_path_factory) -> Path:
    """data/ with the Q1 updates and the decisions on them, and reports/ with the Q2 and Q3 forms."""
    root = tmp_path_factory.mktemp("forms-decisions")
    shutil.copytree(PROJECT / "data", root / "data")
    (root / "data" / "updates" / f"{slug(Q1)}.csv").write_text(UPDATES, encoding="utf-8")
    (root / "data" / "decisions" / f"{slug(Q1)}.csv").write_text(DECISIONS_Q1, encoding="utf-8")
    (root / "data" / "decisions" / f"{slug(Q2)}.csv").write_text(DECISIONS_Q2, encoding="utf-8")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("PEER_REVIEW_DATA", str(root / "data"))
        mp.setenv("PEER_REVIEW_REPORTS", str(root / "reports"))
        from helpers.cycle import forms

        for quarter in (Q2, Q3):
            assert forms.main(["--quarter", quarter]) == 0
    return root


@pytest.fixture
def decided_space(decided: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """This test's own copy of data/ and reports/, used by in-process helpers too."""
    shutil.copytree(decided / "data", tmp_path / "data")
    shutil.copytree(decided / "reports", tmp_path / "reports")
    monkeypatch.setenv("PEER_REVIEW_DATA", str(tmp_path / "data"))
    monkeypatch.setenv("PEER_REVIEW_REPORTS", str(tmp_path / "reports"))
    return tmp_path


def forms_of(root: Path, quarter: str) -> dict[str, Path]:
    """{lead: form} from each form's About sheet."""
    found = {}
    for path in sorted((root / "reports" / slug(quarter) / "forms").glob("*.xlsx")):
        about = openpyxl.load_workbook(path)[ABOUT_SHEET]
        found[next(row[1].value for row in about.iter_rows() if row[0].value == "lead")] = path
    return found


def decision_cells(path: Path) -> dict[str, tuple[str, int]]:
    """{action ref: (decision cell text, row)} for the 2021-finance rows of a form; other reviews' rows by
    "review action"."""
    sheet = openpyxl.load_workbook(path)["Updates"]
    cells = {}
    for r in range(FIRST_ROW, sheet.max_row + 1):
        review, ref = sheet[f"A{r}"].value, sheet[f"{column_letter('action_ref')}{r}"].value
        key = ref if review == "2021-finance" else f"{review} {ref}"
        cells[key] = (sheet[f"{DECISION}{r}"].value or "", r)
    return cells


def test_the_q2_form_tells_each_lead_what_was_decided_and_nothing_else(decided: Path):
    books = forms_of(decided, Q2)
    seen = {}
    for lead, path in books.items():
        for ref, (text, _) in decision_cells(path).items():
            want = EXPECTED_Q2.get((lead, ref), "")
            assert text == want, (lead, ref)
            seen[(lead, ref)] = text
    # Every decision reached every lead of its action (33 is closed, and is there only to say so).
    assert set(EXPECTED_Q2) <= set(seen)
    # A lead none of whose actions had a decision sees only blanks (Cabinet: no decided action is theirs).
    assert all(not text for text, _ in decision_cells(books["Cabinet"]).values())


def test_the_header_and_instructions_explain_the_column(decided: Path):
    book = openpyxl.load_workbook(forms_of(decided, Q2)["Senior Leadership Team (SLT)"])
    assert book["Updates"][f"{DECISION}{HEADER_ROW}"].value == "Committee's decision since the last form"
    text = " ".join(str(c.value) for c in book["Instructions"]["A"] if c.value)
    assert (
        "says what the committee decided between 1 July 2024 and 30 September 2024 on requests about each action"
    ) in text
    assert "It is blank where nothing was decided." in text


def test_a_closed_action_is_shown_for_its_decision_but_takes_no_update(decided: Path):
    book = openpyxl.load_workbook(forms_of(decided, Q2)["Corporate Director Finance & Commercial"])
    sheet = book["Updates"]
    _, r = decision_cells(forms_of(decided, Q2)["Corporate Director Finance & Commercial"])["33"]
    assert sheet[f"{column_letter('latest_status')}{r}"].value == "Complete"
    assert all(sheet[f"{column_letter(k)}{r}"].protection.locked for k in ("status", "comment", "revised_target"))
    text = " ".join(str(c.value) for c in book["Instructions"]["A"] if c.value)
    assert "only to tell you what the committee decided on them" in text
    # The chase list counts open actions only.
    chase = (decided / "reports" / slug(Q2) / "forms" / "chase-list.csv").read_text(encoding="utf-8")
    line = next(x for x in chase.splitlines() if x.startswith("Dorset Council,Corporate Director Finance"))
    opened = decision_cells(forms_of(decided, Q2)["Corporate Director Finance & Commercial"])
    assert line.split(",")[2] == str(len(opened) - 1)


def test_each_decision_is_on_the_first_form_after_it_only(decided: Path):
    books = forms_of(decided, Q3)
    slt = decision_cells(books["Senior Leadership Team (SLT)"])
    # 3 October 2024 is after the Q2 quarter end: the agreement is on the Q3 form; 12 September's are not.
    assert slt["42"][0] == f"{COMMITTEE}, 3 October 2024 (minute 61/24): revised target 31 December 2024 agreed"
    assert slt["41"][0] == ""
    assert all(text == "" for text, _ in decision_cells(books["Corporate Services Leadership Team"]).values())


def test_collect_refuses_a_changed_decision_cell_naming_it(decided_space: Path, capsys):
    from helpers.cycle import collect

    sent = forms_of(decided_space, Q2)["Senior Leadership Team (SLT)"]
    book = openpyxl.load_workbook(sent)
    _, r = decision_cells(sent)["41"]
    book["Updates"][f"{DECISION}{r}"] = "Agreed"
    book["Updates"][f"{column_letter('status')}{r}"] = "In progress"
    returns = decided_space / "data" / "updates" / "returns" / slug(Q2)
    returns.mkdir(parents=True)
    book.save(returns / sent.name)
    assert collect.main(["--quarter", Q2]) == 1
    err = capsys.readouterr().err
    assert (
        f"{sent.name}: Updates!{DECISION}{r}: a locked cell was changed (Committee's decision since the last form: "
        "now 'Agreed'); put back what the form said"
    ) in err
    assert not (decided_space / "data" / "updates" / f"{slug(Q2)}.csv").exists()


def test_collect_takes_the_form_as_sent_and_refuses_an_update_on_a_closed_row(decided_space: Path, capsys):
    from helpers.cycle import collect

    forms = forms_of(decided_space, Q2)
    returns = decided_space / "data" / "updates" / "returns" / slug(Q2)
    returns.mkdir(parents=True)
    slt = openpyxl.load_workbook(forms["Senior Leadership Team (SLT)"])
    _, r41 = decision_cells(forms["Senior Leadership Team (SLT)"])["41"]
    slt["Updates"][f"{column_letter('status')}{r41}"] = "In progress"
    slt.save(returns / forms["Senior Leadership Team (SLT)"].name)
    assert collect.main(["--quarter", Q2]) == 0, capsys.readouterr().err
    log = (decided_space / "data" / "updates" / f"{slug(Q2)}.csv").read_text(encoding="utf-8")
    assert "2021-finance,41,In progress,,2024-09-30" in log and f"Updates!{r41}" in log

    director = openpyxl.load_workbook(forms["Corporate Director Finance & Commercial"])
    _, r33 = decision_cells(forms["Corporate Director Finance & Commercial"])["33"]
    director["Updates"][f"{column_letter('comment')}{r33}"] = "Still done."
    director.save(returns / forms["Corporate Director Finance & Commercial"].name)
    assert collect.main(["--quarter", Q2]) == 1
    assert (
        f"Updates!{column_letter('action_ref')}{r33}: 2021-finance action 33 is not an open action of "
        "Corporate Director Finance & Commercial at Dorset Council on 30 September 2024"
    ) in capsys.readouterr().err


def test_a_version_2_form_sent_before_the_upgrade_is_still_collected(decided_space: Path, capsys):
    """A form of version 2 (no decision column) is read with its own layout: the status was in column L."""
    from helpers.cycle import collect

    sent = forms_of(decided_space, Q2)["Senior Leadership Team (SLT)"]
    book = openpyxl.load_workbook(sent)
    sheet, about = book["Updates"], book[ABOUT_SHEET]
    column = openpyxl.utils.column_index_from_string(DECISION)
    sheet.delete_cols(column)  # the version 2 layout: the reference columns A-K, then the lead's L-Q
    rows = {}
    for row in about.iter_rows(min_row=1):
        if row[0].value == "form_version":
            row[1].value = "2"
        elif str(row[0].value or "").isdigit():
            r = int(row[0].value)
            row[4].value = check([cell_text(sheet.cell(r, n).value) for n in range(1, column)])
            rows[(row[1].value, row[2].value)] = r
    r41 = rows[("2021-finance", "41")]
    sheet[f"L{r41}"] = "On hold"
    returns = decided_space / "data" / "updates" / "returns" / slug(Q2)
    returns.mkdir(parents=True)
    book.save(returns / sent.name)
    assert collect.main(["--quarter", Q2]) == 0, capsys.readouterr().err
    log = (decided_space / "data" / "updates" / f"{slug(Q2)}.csv").read_text(encoding="utf-8")
    assert "2021-finance,41,On hold," in log

    # In the version 2 layout, a changed locked cell is still named by its own column (K: Latest comment dated).
    sheet[f"K{r41}"] = "yesterday"
    book.save(returns / sent.name)
    assert collect.main(["--quarter", Q2, "--replace"]) == 1
    assert f"Updates!K{r41}: a locked cell was changed (Latest comment dated: now 'yesterday')" in (
        capsys.readouterr().err
    )


def test_an_approval_typed_into_an_update_file_is_told_as_an_agreed_revision(tmp_path, monkeypatch):
    """Before the decisions step, an analyst filled revision_approved_by / _on by hand: the next form still tells
    the lead (data/updates/README.md: read as an agreed decision, never ignored)."""
    from helpers.cycle import forms

    shutil.copytree(PROJECT / "data", tmp_path / "data")
    (tmp_path / "data" / "updates" / f"{slug(Q1)}.csv").write_text(
        "review_id,action_ref,status,comment,updated_on,revised_target,revision_reason,revision_approved_by,"
        "revision_approved_on,lead\n"
        f"2021-finance,31,In progress,Survey designed.,2024-06-20,March 2025,Fieldwork delayed.,{COMMITTEE},"
        "2024-09-12,Corporate Services Leadership Team\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("PEER_REVIEW_DATA", str(tmp_path / "data"))
    monkeypatch.setenv("PEER_REVIEW_REPORTS", str(tmp_path / "reports"))
    assert forms.main(["--quarter", Q2]) == 0
    cells = decision_cells(forms_of(tmp_path, Q2)["Corporate Services Leadership Team"])
    assert cells["31"][0] == (f"{MEETING}: revised target 31 March 2025 agreed. Approval recorded in the update file")
