"""Reading one return (helpers.cycle.return_reader): the updates a good return gives, and every problem in a filled
row (status, dates, revised targets and reasons, a row that is not the lead's open action), one line each.

Each test fills a copy of a form made by `make forms` for 2024/25 Q1 from the real data (the lead with the most
open actions, chosen at run time, where a test needs any lead), or of the next quarter's forms after the
committee's decisions.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from decided_forms import (
    DECISION,
    Q2,
    decision_cells,
    forms_after_decisions,
    forms_by_lead,
    slug,
)
from real_forms import (
    QUARTER,
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
    read_log,
    read_one,
    send_back,
    text_cell,
)
from real_forms import send_back as returned

from helpers.cycle.form_layout import ABOUT_SHEET, FIRST_ROW, check, column_letter
from helpers.cycle.typed_values import cell_text


@pytest.fixture(scope="module")
def made(tmp_path_factory) -> Path:
    """data/ (with processed tables) and reports/ holding the 2024/25 Q1 forms (made by `forms --from-env`)."""
    return forms_made(tmp_path_factory, "--from-env")


@pytest.fixture
def space(made: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """This test's own copy of data/ and reports/ (forms made), used by in-process helpers too."""
    return own_copy(made, tmp_path, monkeypatch)


def test_typed_cells_reach_the_update_file_as_the_lead_meant_them(space: Path, capsys: pytest.CaptureFixture):
    from helpers.cycle import collect
    from helpers.tracking.updates import target_revisions
    from helpers.tracking.workspace import load_workspace

    book = form(space, SLT)
    sheet = book["Updates"]
    first, second = FIRST_ROW, FIRST_ROW + 1
    text_cell(sheet[f"{L['comment']}{first}"], "Budget principles drafted.  \r\n\r\n\r\n  Cabinet\tdecides in July. ")
    text_cell(sheet[f"{L['updated_on']}{first}"], "6 May 2024")
    sheet[f"{L['revised_target']}{first}"] = dt.datetime(2025, 3, 1)  # a cell that lost its text format
    sheet[f"{L['revised_target']}{first}"].number_format = "mmm-yy"
    text_cell(sheet[f"{L['revision_reason']}{first}"], "Waiting for the\nbudget round")
    text_cell(sheet[f"{L['comment']}{second}"], "-2+3 are the savings in £m")
    text_cell(sheet[f"{L['revised_target']}{second}"], "Q4 2024/25")
    text_cell(sheet[f"{L['revision_reason']}{second}"], "@Finance: new timetable")
    send_back(space, book, SLT)
    assert collect.main(["--quarter", QUARTER]) == 0, capsys.readouterr().err
    rows = read_log(space)
    assert [(r["comment"], r["updated_on"], r["revised_target"], r["revision_reason"]) for r in rows] == [
        (
            "Budget principles drafted.\n\nCabinet decides in July.",
            "2024-05-06",
            "March 2025",
            "Waiting for the\nbudget round",
        ),
        ("-2+3 are the savings in £m", "2024-06-30", "Q4 2024/25", "@Finance: new timetable"),
    ]
    raw = (space / "data" / "updates" / f"{SLUG}.csv").read_text(encoding="utf-8")
    assert "'-2+3 are the savings" in raw and "'@Finance" in raw  # safe to open in a spreadsheet
    ws = load_workspace()
    mine = ws.updates[ws.updates["source"].str.contains("SLT", regex=False)]
    assert mine["comment"].tolist()[0] == "Budget principles drafted.\n\nCabinet decides in July."
    asked = target_revisions(mine).set_index("revised_target")["new_target_date"]
    assert asked["March 2025"] == pd_timestamp("2025-03-31") and asked["Q4 2024/25"] == pd_timestamp("2025-03-31")


def pd_timestamp(text: str):

    return pd.Timestamp(text)


def test_dates_that_read_both_ways_are_sent_back(space: Path, capsys: pytest.CaptureFixture):
    book = form(space, SLT)
    sheet = book["Updates"]
    fill(sheet, {"status": "In progress"})
    text_cell(sheet[f"{L['updated_on']}{FIRST_ROW}"], "06/05/2024")
    text_cell(sheet[f"{L['revised_target']}{FIRST_ROW}"], "05/03/2025")
    text_cell(sheet[f"{L['revision_reason']}{FIRST_ROW}"], "Budget")
    send_back(space, book, SLT)
    errors = collect_errors(capsys)
    assert len(errors) == 2, errors
    assert errors[0].endswith(
        f"{SLT}: Updates!{L['updated_on']}{FIRST_ROW}: date of update: '06/05/2024' could be 6 May 2024 or 5 June 2024 "
        "(spreadsheets set to US English read it month first): write the month as a word, e.g. 6 May 2024"
    )
    assert errors[1].endswith(
        f"Updates!{L['revised_target']}{FIRST_ROW}: revised target: '05/03/2025' could be 5 March 2025 or 3 May 2025 "
        "(spreadsheets set to US English read it month first): write the month as a word, e.g. 5 March 2025"
    )


def test_a_date_whose_one_reading_is_in_the_quarter_is_taken(space: Path, capsys: pytest.CaptureFixture):
    """2024/25 Q1 is April-June 2024: "10/05/2024" is 10 May (in it) or 5 October (not), so 10 May; "06/04/2024"
    is 6 April or 4 June, both in it, so it is still sent back."""
    book = form(space, SLT)
    sheet = book["Updates"]
    fill(sheet, {"status": "In progress"})
    text_cell(sheet[f"{L['updated_on']}{FIRST_ROW}"], "10/05/2024")
    send_back(space, book, SLT)
    from helpers.cycle import collect

    assert collect.main(["--quarter", QUARTER]) == 0, capsys.readouterr().err
    assert [r["updated_on"] for r in read_log(space)] == ["2024-05-10"]
    text_cell(sheet[f"{L['updated_on']}{FIRST_ROW}"], "06/04/2024")
    send_back(space, book, SLT)
    errors = collect_errors(capsys, "--replace")
    assert len(errors) == 1 and "'06/04/2024' could be 6 April 2024 or 4 June 2024" in errors[0]


def test_a_blank_date_of_update_is_the_day_collected_never_later(space: Path, capsys: pytest.CaptureFixture):
    """Collected early, on 20 June 2024 (COLLECT_DATE), a blank date of update is 20 June, not the quarter end
    (30 June); collecting again on 25 June keeps 20 June (the day first collected). Collected after the quarter
    end, it is the quarter end. Collected before the quarter begins, it is sent back."""
    from helpers.cycle import collect

    book = form(space, SLT)
    fill(book["Updates"], {"status": "In progress"})
    send_back(space, book, SLT)
    assert collect.main(["--quarter", QUARTER, "--collected-on", "2024-06-20"]) == 0, capsys.readouterr().err
    assert [(r["updated_on"], r["collected_on"]) for r in read_log(space)] == [("2024-06-20", "2024-06-20")]
    capsys.readouterr()
    assert collect.main(["--quarter", QUARTER, "--collected-on", "2024-06-25"]) == 0, capsys.readouterr().err
    assert "unchanged" in capsys.readouterr().out
    assert [r["updated_on"] for r in read_log(space)] == ["2024-06-20"]
    (space / "data" / "updates" / f"{SLUG}.csv").unlink()
    assert collect.main(["--quarter", QUARTER, "--collected-on", "2024-07-03"]) == 0, capsys.readouterr().err
    assert [r["updated_on"] for r in read_log(space)] == ["2024-06-30"]
    (space / "data" / "updates" / f"{SLUG}.csv").unlink()
    errors = collect_errors(capsys, "--collected-on", "2024-03-28")
    assert len(errors) == 1 and "collected on 28 March 2024, before 2024/25 Q1 begins" in errors[0]


@pytest.fixture
def root(made: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """This test's own copy of data/ and reports/ (forms made): `space`, by the name the returns tests use."""
    return own_copy(made, tmp_path, monkeypatch)


def text(cell, value: str) -> None:
    cell.value = value
    cell.data_type = "s"


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


def test_an_unreadable_file_says_what_it_is_and_what_to_do(root):
    path = root / "data" / "updates" / "returns" / SLUG / "x.xlsx"
    path.write_bytes(b"")
    assert problems(path) == [
        "not an Excel workbook (.xlsx): the file is not a workbook, or is damaged; open it and save it as an Excel "
        "workbook (.xlsx); or move it out of the returns folder"
    ]


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


@pytest.fixture(scope="module")
def decided(tmp_path_factory) -> Path:
    """data/ with the Q1 updates and the decisions on them, and reports/ with the Q2 and Q3 forms."""
    return forms_after_decisions(tmp_path_factory)


@pytest.fixture
def decided_space(decided: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """This test's own copy of data/ and reports/, used by in-process helpers too."""
    shutil.copytree(decided / "data", tmp_path / "data")
    shutil.copytree(decided / "reports", tmp_path / "reports")
    monkeypatch.setenv("PEER_REVIEW_DATA", str(tmp_path / "data"))
    monkeypatch.setenv("PEER_REVIEW_REPORTS", str(tmp_path / "reports"))
    return tmp_path


def test_collect_refuses_a_changed_decision_cell_naming_it(decided_space: Path, capsys):
    from helpers.cycle import collect

    sent = forms_by_lead(decided_space, Q2)["Senior Leadership Team (SLT)"]
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

    forms = forms_by_lead(decided_space, Q2)
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

    sent = forms_by_lead(decided_space, Q2)["Senior Leadership Team (SLT)"]
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
