"""Collect, to the letter: every check on a return, the merge with what was collected before, and the command's
output, run in-process with whole messages worked out from the rules in helpers/cycle/collect.py's docstring and
data/updates/returns/README.md.

Each test fills a copy of a form made by `make forms` for 2024/25 Q1 (the lead with the most open actions, chosen
at run time, so no test depends on who leads what today). Written against the survivors of `make mutants`.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from conftest import PROJECT
from helpers.base import quarters
from helpers.base.errors import InputError
from helpers.base.readers import read_csv
from helpers.cycle.quarterly import FIRST_ROW, HEADER_ROW, HEADERS, column_letter
from helpers.tracking.updates import FILE_COLUMNS, OPTIONAL_COLUMNS

QUARTER = "2024/25 Q1"
SLUG = "2024-25-Q1"
Q = quarters.parse_quarter(QUARTER)
TODAY = dt.date(2024, 7, 9)
L = {key: column_letter(key) for key in ("action_ref", "recommendation", "status", "comment", "updated_on")}
L |= {key: column_letter(key) for key in ("revised_target", "revision_reason", "evidence")}


@pytest.fixture(scope="module")
def sent(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("sent")
    shutil.copytree(PROJECT / "data", root / "data")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("PEER_REVIEW_DATA", str(root / "data"))
        mp.setenv("PEER_REVIEW_REPORTS", str(root / "reports"))
        from helpers.cycle import forms

        assert forms.main(["--quarter", QUARTER]) == 0
    return root


@pytest.fixture
def root(sent: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copytree(sent / "data", tmp_path / "data")
    shutil.copytree(sent / "reports", tmp_path / "reports")
    (tmp_path / "data" / "updates" / "returns" / SLUG).mkdir(parents=True)
    monkeypatch.setenv("PEER_REVIEW_DATA", str(tmp_path / "data"))
    monkeypatch.setenv("PEER_REVIEW_REPORTS", str(tmp_path / "reports"))
    return tmp_path


def forms_of(root: Path) -> list[Path]:
    """The forms, the lead with the most open actions first."""
    return sorted((root / "reports" / SLUG / "forms").glob("*.xlsx"), key=lambda p: (-rows_in(p), p.name))


def action_at(sheet, r: int) -> str:
    """How a message names the action in row r of a form: "2021-finance action 12"."""
    return f"{sheet['A' + str(r)].value} action {sheet[L['action_ref'] + str(r)].value}"


def rows_in(path: Path) -> int:
    return openpyxl.load_workbook(path)["Updates"].max_row - HEADER_ROW


def returned(root: Path, book: openpyxl.Workbook, name: str) -> Path:
    path = root / "data" / "updates" / "returns" / SLUG / name
    book.save(path)
    return path


def text(cell, value: str) -> None:
    cell.value = value
    cell.data_type = "s"


def problems(path: Path) -> list[str]:
    """The lines collect.read_return gives for one workbook (without the file: each names it)."""
    from helpers.cycle.collect import Problems, read_return
    from helpers.cycle.quarterly import form_rows
    from helpers.tracking.workspace import load_workspace

    rows = form_rows(load_workspace(), Q)
    open_actions = set(zip(rows["council"], rows["lead"], rows["review_id"], rows["action_ref"], strict=True))
    with pytest.raises(Problems) as err:
        read_return(path, Q, open_actions, TODAY)
    assert all(e.file == path and e.line is None for e in err.value.errors)
    return [e.message for e in err.value.errors]


def read_one(path: Path):
    from helpers.cycle.collect import read_return
    from helpers.cycle.quarterly import form_rows
    from helpers.tracking.workspace import load_workspace

    rows = form_rows(load_workspace(), Q)
    open_actions = set(zip(rows["council"], rows["lead"], rows["review_id"], rows["action_ref"], strict=True))
    return read_return(path, Q, open_actions, TODAY)


# --- One return: what is checked, and what each problem says -------------------------------------------------------


def test_a_good_return_gives_one_update_per_filled_row(root):
    form = forms_of(root)[0]
    book = openpyxl.load_workbook(form)
    sheet = book["Updates"]
    about = {r[0].value: r[1].value for r in book["About"].iter_rows(min_row=2, max_row=7)}
    first, second, third = FIRST_ROW, FIRST_ROW + 1, FIRST_ROW + 2
    text(sheet[f"{L['status']}{first}"], "  completed ")  # another spelling of Complete
    text(sheet[f"{L['comment']}{first}"], " Done.\r\nSigned off. ")
    text(sheet[f"{L['updated_on']}{first}"], "1 April 2024")  # the quarter's first day
    text(sheet[f"{L['updated_on']}{second}"], "30/06/2024")  # its last
    text(sheet[f"{L['comment']}{second}"], "x")
    text(sheet[f"{L['revised_target']}{third}"], "Q4 2024/25")
    text(sheet[f"{L['revision_reason']}{third}"], " Waiting   for\nthe budget ")
    text(sheet[f"{L['evidence']}{third}"], " https://example.org/a \n https://example.org/b ")
    got = read_one(returned(root, book, "mine.xlsx"))
    assert (got.lead.council, got.lead.lead, got.filled_rows) == (about["council"], about["lead"], 3)
    refs = [(sheet[f"A{r}"].value, sheet[f"{L['action_ref']}{r}"].value) for r in (first, second, third)]
    base = {"revision_approved_by": "", "revision_approved_on": "", "lead": about["lead"], "collected_on": "2024-07-09"}
    assert got.rows == [
        {
            "review_id": refs[0][0],
            "action_ref": refs[0][1],
            "status": "Complete",
            "comment": "Done.\nSigned off.",
            "updated_on": "2024-04-01",
            "revised_target": "",
            "revision_reason": "",
            "evidence": "",
            "source": f"returns/{SLUG}/mine.xlsx:Updates!{first}",
            "_row": first,
            **base,
        },
        {
            "review_id": refs[1][0],
            "action_ref": refs[1][1],
            "status": "",
            "comment": "x",
            "updated_on": "2024-06-30",
            "revised_target": "",
            "revision_reason": "",
            "evidence": "",
            "source": f"returns/{SLUG}/mine.xlsx:Updates!{second}",
            "_row": second,
            **base,
        },
        {
            "review_id": refs[2][0],
            "action_ref": refs[2][1],
            "status": "",
            "comment": "",
            "updated_on": "2024-06-30",  # blank: as at the quarter end
            "revised_target": "Q4 2024/25",
            "revision_reason": "Waiting for\nthe budget",
            "evidence": "https://example.org/a\nhttps://example.org/b",
            "source": f"returns/{SLUG}/mine.xlsx:Updates!{third}",
            "_row": third,
            **base,
        },
    ]
    assert got.path == root / "data" / "updates" / "returns" / SLUG / "mine.xlsx"


def test_every_problem_in_a_row_is_reported_and_each_row_is_checked(root):
    form = forms_of(root)[0]
    book = openpyxl.load_workbook(form)
    sheet = book["Updates"]
    r1, r2, r3, r4 = FIRST_ROW, FIRST_ROW + 1, FIRST_ROW + 2, FIRST_ROW + 3
    text(sheet[f"{L['status']}{r1}"], "Nearly done")
    text(sheet[f"{L['updated_on']}{r1}"], "31 March 2024")  # the day before the quarter
    text(sheet[f"{L['revised_target']}{r1}"], "Ongoing")  # a target word, but not a date
    text(sheet[f"{L['updated_on']}{r2}"], "1 July 2024")  # the day after
    text(sheet[f"{L['status']}{r2}"], "On hold")
    text(sheet[f"{L['revision_reason']}{r3}"], "Because")  # a reason with no revised target
    text(sheet[f"{L['evidence']}{r4}"], "https://example.org")  # evidence alone is not an update
    text(sheet[f"{L['updated_on']}{r4}"], "next week")
    lines = problems(returned(root, book, "bad.xlsx"))
    statuses = "Complete, In progress, Not started, On hold, Behind schedule"
    assert lines == [
        f"Updates!{L['status']}{r1}: unknown status 'Nearly done'; use one of {statuses}, or leave it blank",
        f"Updates!{L['updated_on']}{r1}: date of update 2024-03-31 is outside 2024/25 Q1 (2024-04-01 to 2024-06-30)",
        f"Updates!{L['revised_target']}{r1}: revised target 'Ongoing' is not a date: use a month (March 2025), a "
        "quarter (Q4 2024/25) or a date (31 March 2025)",
        f"Updates!{L['revision_reason']}{r1}: a revised target date needs a reason for the revision",
        f"Updates!{L['updated_on']}{r2}: date of update 2024-07-01 is outside 2024/25 Q1 (2024-04-01 to 2024-06-30)",
        f"Updates!{L['revised_target']}{r3}: a reason for revision is given but no revised target date",
        f"Updates!{L['status']}{r3}: an update needs a status, a progress comment or a revised target date (this "
        "row has only: Reason for revision)",
        f"Updates!{L['updated_on']}{r4}: date of update: cannot read 'next week' as a date: write it like 6 May 2024",
        f"Updates!{L['status']}{r4}: an update needs a status, a progress comment or a revised target date (this "
        "row has only: Date of update, Evidence (link or document reference))",
    ]


def test_a_revised_target_that_is_not_a_target_at_all(root):
    book = openpyxl.load_workbook(forms_of(root)[0])
    sheet = book["Updates"]
    text(sheet[f"{L['revised_target']}{FIRST_ROW}"], "when the budget allows")
    text(sheet[f"{L['revision_reason']}{FIRST_ROW}"], "Money")
    assert problems(returned(root, book, "r.xlsx")) == [
        f"Updates!{L['revised_target']}{FIRST_ROW}: revised target 'when the budget allows' is not a date: use a "
        "month (March 2025), a quarter (Q4 2024/25) or a date (31 March 2025)"
    ]


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


def test_a_row_that_is_not_the_leads_open_action(root):
    book = openpyxl.load_workbook(forms_of(root)[0])
    sheet = book["Updates"]
    book["About"]["B5"] = "Somebody Else"
    sheet[f"{L['status']}{FIRST_ROW}"] = "Complete"
    review, ref = sheet[f"A{FIRST_ROW}"].value, sheet[f"{L['action_ref']}{FIRST_ROW}"].value
    council = book["About"]["B4"].value
    assert problems(returned(root, book, "w.xlsx")) == [
        f"Updates!{L['action_ref']}{FIRST_ROW}: {review} action {ref} is not an open action of Somebody Else at "
        f"{council} on 30 June 2024; leave this row blank, or record the update by hand"
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


def test_an_unreadable_file_says_what_it_is_and_what_to_do(root):
    path = root / "data" / "updates" / "returns" / SLUG / "x.xlsx"
    path.write_bytes(b"")
    assert problems(path) == [
        "not an Excel workbook (.xlsx): the file is not a workbook, or is damaged; open it and save it as an Excel "
        "workbook (.xlsx); or move it out of the returns folder"
    ]


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


# --- The returns folder ------------------------------------------------------------------------------------------


def test_each_kind_of_file_in_the_returns_folder(root):
    from helpers.cycle.collect import _return_files

    folder = root / "data" / "updates" / "returns" / SLUG
    for name in ("a.xlsm", "b.xlsb", "c.csv", "d.pdf", "e.docx", "f.XLSX", "g.xlsx", ".hidden.xlsx", "~$g.xlsx"):
        (folder / name).write_bytes(b"x")
    (folder / "README.md").write_text("notes")
    (folder / "sub").mkdir()
    files, errors = _return_files(folder)
    assert [p.name for p in files] == ["f.XLSX", "g.xlsx"]
    tail = "collect reads .xlsx only; open it and save it as an Excel workbook (.xlsx), or move it out of the returns folder"
    assert [(e.file.name, e.message) for e in errors] == [
        ("a.xlsm", f"a macro-enabled workbook (.xlsm): {tail}"),
        ("b.xlsb", f"a binary Excel workbook (.xlsb): {tail}"),
        ("c.csv", f"a CSV file: {tail}"),
        ("d.pdf", f"a PDF: {tail}"),
        ("e.docx", f"not an Excel workbook (.xlsx): {tail}"),
        ("sub", "a folder inside the returns folder: returns are .xlsx files, side by side"),
    ]


# --- Merging with what was collected before ---------------------------------------------------------------------


def row(source: str, **cells) -> dict[str, str]:
    base = dict.fromkeys([*FILE_COLUMNS, *OPTIONAL_COLUMNS], "")
    return base | {"review_id": "r", "action_ref": "1", "updated_on": "2024-06-30", "source": source} | cells


def existing(*rows: dict[str, str]) -> pd.DataFrame:
    frame = pd.DataFrame(list(rows), columns=[*FILE_COLUMNS, *OPTIONAL_COLUMNS])
    return frame.assign(_row=range(2, len(frame) + 2))


def test_merge_keeps_hand_rows_first_and_orders_collected_rows_by_file_and_row(tmp_path):
    from helpers.cycle.collect import merge

    hand = row("", comment="typed", action_ref="9")
    ten, nine = f"returns/{SLUG}/a.xlsx:Updates!10", f"returns/{SLUG}/a.xlsx:Updates!9"
    other = f"returns/{SLUG}/B.xlsx:Updates!3"
    new = [row(ten, comment="ten", _row=10), row(other, comment="b", _row=3), row(nine, comment="nine", _row=9)]
    frame, counts = merge(existing(hand), new, False, tmp_path / "log.csv", Q)
    assert frame["source"].tolist() == ["", other, nine, ten]  # "B" sorts before "a"; row 9 before row 10
    assert counts == {"new": 3, "unchanged": 0, "replaced": 0, "dropped": 0}
    assert list(frame.columns) == [*FILE_COLUMNS, *OPTIONAL_COLUMNS] and not frame.isna().any().any()


def test_merge_keeps_an_unchanged_row_as_first_collected(tmp_path):
    from helpers.cycle.collect import merge

    source = f"returns/{SLUG}/a.xlsx:Updates!3"
    old = row(source, comment="same", collected_on="2024-07-01", revision_approved_by="Cabinet")
    frame, counts = merge(
        existing(old), [row(source, comment="same", collected_on="2024-07-09", _row=3)], False, tmp_path, Q
    )
    assert counts == {"new": 0, "unchanged": 1, "replaced": 0, "dropped": 0}
    assert frame.iloc[0][["collected_on", "revision_approved_by"]].tolist() == ["2024-07-01", "Cabinet"]


def test_merge_conflicts_say_what_changed_and_how_to_take_it(tmp_path):
    from helpers.cycle.collect import Problems, merge

    a = f"returns/{SLUG}/a.xlsx:Updates!3"
    b = f"returns/{SLUG}/b.xlsx:Updates!4"
    gone = f"returns/{SLUG}/c.xlsx:Updates!5"
    before = existing(
        row(a, comment="old", collected_on="2024-07-01"),
        row(b, lead="Cabinet", collected_on=""),
        row(gone, status="Complete", collected_on="2024-07-02"),
    )
    new = [row(a, comment="new", _row=3), row(b, lead="Chief Executive", _row=4)]
    with pytest.raises(Problems) as err:
        merge(before, new, False, tmp_path / "2024-25-Q1.csv", Q)
    fix = 'make collect QUARTER="2024/25 Q1" REPLACE=1'
    got = [(e.file.name if e.file else None, e.line, e.message) for e in err.value.errors]
    assert got == [
        (
            "a.xlsx",
            None,
            f"Updates!{L['comment']}3: conflicts with the row collected on 2024-07-01 (comment: was 'old', now "
            f"'new'); to take the new return, run {fix}",
        ),
        (
            "b.xlsx",
            None,
            "Updates!4: conflicts with the row collected on an earlier day (lead: was 'Cabinet', now 'Chief "
            f"Executive'); to take the new return, run {fix}",
        ),
        (
            "2024-25-Q1.csv",
            4,
            f"{gone} was collected on 2024-07-02 but is no longer in the returns (its file removed or renamed, or the "
            f"row cleared); put it back, or run {fix} to drop it",
        ),
    ]


def test_merge_with_replace_takes_the_new_row_and_keeps_an_approval_only_for_the_same_request(tmp_path):
    from helpers.cycle.collect import merge

    same = f"returns/{SLUG}/a.xlsx:Updates!3"
    moved = f"returns/{SLUG}/a.xlsx:Updates!4"
    comment_only = f"returns/{SLUG}/a.xlsx:Updates!5"
    gone = f"returns/{SLUG}/a.xlsx:Updates!6"
    approved = {"revision_approved_by": "Cabinet", "revision_approved_on": "2024-07-16"}
    before = existing(
        row(same, revised_target="March 2025", comment="a", **approved),
        row(moved, revised_target="March 2025", **approved),
        row(comment_only, comment="x", **approved),
        row(gone, comment="gone"),
    )
    new = [
        row(same, revised_target="March 2025", comment="b", _row=3),
        row(moved, revised_target="June 2025", _row=4),
        row(comment_only, comment="y", _row=5),
    ]
    frame, counts = merge(before, new, True, tmp_path, Q)
    assert counts == {"new": 0, "unchanged": 0, "replaced": 3, "dropped": 1}
    assert frame[["comment", "revised_target", "revision_approved_by", "revision_approved_on"]].values.tolist() == [
        ["b", "March 2025", "Cabinet", "2024-07-16"],  # the same request: its approval stands
        ["", "June 2025", "", ""],  # a new date: a new request, not yet agreed
        ["y", "", "", ""],  # no revised target at all: nothing to keep
    ]


# --- The command ----------------------------------------------------------------------------------------------------


def test_no_returns_folder(root):
    from helpers.cycle.collect import collect

    shutil.rmtree(root / "data" / "updates" / "returns" / SLUG)
    with pytest.raises(InputError) as err:
        collect(Q)
    assert (err.value.file, err.value.message) == (
        root / "data" / "updates" / "returns" / SLUG,
        "no returns folder for 2024/25 Q1: save the returned forms in it",
    )


def test_an_update_file_with_columns_collect_does_not_know(root):
    from helpers.cycle.collect import collect

    log = root / "data" / "updates" / f"{SLUG}.csv"
    log.write_text("review_id,action_ref,status,comment,updated_on,my_note,other\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        collect(Q)  # refused as the report would refuse it, before any return is read
    assert (err.value.file, err.value.line) == (log, 1)
    assert err.value.message.startswith("unknown column(s) my_note, other; the header must be: review_id, ")


def test_nothing_returned_and_nothing_typed_writes_no_file(root, capsys):
    from helpers.cycle import collect

    assert collect.main(["--quarter", QUARTER]) == 0
    out = capsys.readouterr().out.splitlines()
    log = root / "data" / "updates" / f"{SLUG}.csv"
    assert not log.exists()
    assert out[0].startswith("0 return(s) read (0 with updates, 0 empty); unchanged: ")
    assert out[0].endswith(f"{SLUG}.csv: 0 new, 0 already collected, 0 replaced, 0 dropped, 0 typed by hand")
    n = len(forms_of(root))
    assert out[1].startswith(f"{n} of {n} lead(s) not yet returned; chase list: ")


def test_the_summary_counts_returns_rows_and_hand_typed_rows(root, capsys):
    from helpers.cycle import collect

    forms = forms_of(root)
    book = openpyxl.load_workbook(forms[0])
    book["Updates"][f"{L['status']}{FIRST_ROW}"] = "Complete"
    returned(root, book, "one.xlsx")
    returned(root, openpyxl.load_workbook(forms[1]), "two.xlsx")  # nothing filled in
    log = root / "data" / "updates" / f"{SLUG}.csv"
    log.write_text("review_id,action_ref,status,comment,updated_on\n", encoding="utf-8")
    assert collect.main(["--quarter", QUARTER]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("2 return(s) read (1 with updates, 1 empty); wrote ")
    assert out[0].endswith(": 1 new, 0 already collected, 0 replaced, 0 dropped, 0 typed by hand")
    n = len(forms)
    assert out[1].startswith(f"{n - 2} of {n} lead(s) not yet returned; chase list: ")
    rows = read_csv(log, FILE_COLUMNS, OPTIONAL_COLUMNS)
    assert len(rows) == 1 and rows.iloc[0]["status"] == "Complete"
    chase = read_csv(
        root / "reports" / SLUG / "forms" / "chase-list.csv", ["lead", "returned", "return_file"], allow_extra=True
    )
    assert sorted(chase.loc[chase["returned"] == "yes", "return_file"]) == ["one.xlsx", "two.xlsx"]
    assert collect.main(["--quarter", QUARTER]) == 0
    assert ": 0 new, 1 already collected, 0 replaced" in capsys.readouterr().out
    assert collect.main(["--quarter", QUARTER]) == 0
    assert "unchanged: " in capsys.readouterr().out


def test_more_problems_than_fit_are_counted(root, capsys):
    from helpers.cycle import collect

    folder = root / "data" / "updates" / "returns" / SLUG
    for n in range(collect.MAX_LINES + 2):
        (folder / f"note {n:02d}.txt").write_text("x")
    assert collect.main(["--quarter", QUARTER]) == 1
    err = capsys.readouterr().err.splitlines()
    assert len(err) == collect.MAX_LINES + 2
    assert err[collect.MAX_LINES - 1].startswith("error: ") and "note 49.txt" in err[collect.MAX_LINES - 1]
    assert err[-2:] == ["error: ... and 2 more problem(s)", "nothing written"]


@pytest.mark.parametrize(
    "value, replace",
    [("", False), ("0", False), (" No ", False), ("false", False), ("1", True), ("YES", True), ("true ", True)],
)
def test_replace_values(monkeypatch, value, replace):
    from helpers.cycle.collect import replace_from_env

    monkeypatch.setenv("REPLACE", value)
    assert replace_from_env() is replace


def test_replace_unset_is_no(monkeypatch):
    from helpers.cycle.collect import replace_from_env

    monkeypatch.delenv("REPLACE", raising=False)
    assert replace_from_env() is False


def test_a_collected_row_that_repeats_a_hand_typed_one_is_named_by_its_cell(root, capsys):
    from helpers.cycle import collect

    book = openpyxl.load_workbook(forms_of(root)[0])
    sheet = book["Updates"]
    review, ref = sheet[f"A{FIRST_ROW}"].value, sheet[f"{L['action_ref']}{FIRST_ROW}"].value
    lead = book["About"]["B5"].value
    sheet[f"{L['status']}{FIRST_ROW}"] = "In progress"
    sheet[f"{L['comment']}{FIRST_ROW}"] = "Same words."
    path = returned(root, book, "dup.xlsx")
    log = root / "data" / "updates" / f"{SLUG}.csv"
    log.write_text(  # the analyst typed the lead's emailed update before the form came back
        f"review_id,action_ref,status,comment,updated_on,lead\n{review},{ref},In progress,Same words.,2024-06-30,"
        f"{lead}\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError) as err:
        collect.main(["--quarter", QUARTER])  # run_cli prints it as one line, exit 1
    assert (err.value.file, err.value.line) == (path, None)
    assert err.value.message == f"Updates!{FIRST_ROW}: this update repeats an earlier row of the same file"
    assert log.read_text(encoding="utf-8").count("Same words.") == 1  # nothing written


def test_the_written_file_is_checked_as_the_report_will_read_it(root):
    from helpers.cycle.collect import _check_written
    from helpers.plans.tables import read as read_table

    actions = read_table("actions")
    known = pd.MultiIndex.from_arrays([actions["review_id"], actions["action_ref"]])
    review, ref = actions["review_id"].iloc[0], actions["action_ref"].iloc[0]
    log = root / "data" / "updates" / f"{SLUG}.csv"
    good = pd.DataFrame([row("", review_id=review, action_ref=ref, comment="fine")])[[*FILE_COLUMNS, *OPTIONAL_COLUMNS]]
    text = _check_written(good, log, known)
    assert text.splitlines()[1].startswith(f"{review},{ref},,fine,2024-06-30,") and not log.exists()
    hand = good.assign(action_ref="no-such-action")
    with pytest.raises(InputError) as err:
        _check_written(pd.concat([good, hand], ignore_index=True), log, known)
    assert (err.value.file, err.value.line) == (log, 3)
    assert err.value.message == f"review {review} has no action 'no-such-action'"
    collected = hand.assign(source=f"returns/{SLUG}/Return: SLT.xlsx:Updates!7")  # a colon in the file name
    with pytest.raises(InputError) as err:
        _check_written(pd.concat([good, collected], ignore_index=True), log, known)
    assert err.value.file == root / "data" / "updates" / "returns" / SLUG / "Return: SLT.xlsx"
    assert (err.value.line, err.value.message) == (None, f"Updates!7: review {review} has no action 'no-such-action'")


def test_a_revised_target_a_spreadsheet_turned_into_a_date_is_read_by_its_format(root):
    book = openpyxl.load_workbook(forms_of(root)[0])
    sheet = book["Updates"]
    for offset, shown in ((0, "mmm-yy"), (1, "dd/mm/yyyy")):
        cell = sheet[f"{L['revised_target']}{FIRST_ROW + offset}"]
        cell.value = dt.datetime(2025, 3, 1)
        cell.number_format = shown
        text(sheet[f"{L['revision_reason']}{FIRST_ROW + offset}"], "Budget")
    got = read_one(returned(root, book, "dates.xlsx"))
    assert [r["revised_target"] for r in got.rows] == ["March 2025", "1 March 2025"]


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


def test_a_conflict_in_a_return_whose_name_has_a_colon(tmp_path):
    from helpers.cycle.collect import Problems, merge

    source = f"returns/{SLUG}/Return: SLT.xlsx:Updates!3"
    with pytest.raises(Problems) as err:
        merge(existing(row(source, comment="old")), [row(source, comment="new", _row=3)], False, tmp_path, Q)
    (problem,) = err.value.errors
    assert problem.file.name == "Return: SLT.xlsx"
    assert problem.message.startswith(f"Updates!{L['comment']}3: conflicts with the row collected on an earlier day")


def test_the_header_check_alone_passes_the_header_as_sent_and_names_a_missing_last_column(tmp_path):
    from helpers.cycle import collect

    path = tmp_path / "return.xlsx"
    from helpers.cycle.quarterly import CURRENT

    assert collect._check_headers(list(HEADERS), path, CURRENT) is None  # as sent: nothing to say
    with pytest.raises(collect.Problems) as info:
        collect._check_headers(list(HEADERS[:-1]), path, CURRENT)  # the last column removed
    [error] = info.value.errors
    from openpyxl.utils import get_column_letter

    last = get_column_letter(len(HEADERS))  # the sheet's last column, where the header should be
    assert (error.file, error.message) == (
        path,
        f"Updates!{last}{HEADER_ROW}: header is empty, should be {HEADERS[-1]!r}; "
        "columns must not be renamed, moved or removed",
    )
