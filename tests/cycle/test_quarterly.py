"""The quarterly update cycle on the real data: forms out (helpers.cycle.forms), returns in (helpers.cycle.collect).

A copy of data/ (as the data_copy fixture makes, here once per module, with the
committed processed tables) and a temporary reports folder; forms are made once
for 2024/25 Q1 and each test works on its own copy of both.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from conftest import PROJECT
from helpers.base.errors import InputError
from helpers.base.readers import read_csv
from helpers.cycle.quarterly import FIRST_ROW, HEADER_ROW, HEADERS, column_letter
from helpers.tracking.updates import FILE_COLUMNS, OPTIONAL_COLUMNS

QUARTER = "2024/25 Q1"
SLUG = "2024-25-Q1"
SLT = "Senior-Leadership-Team-SLT--Dorset-Council--2024-25-Q1.xlsx"
CABINET = "Cabinet--Dorset-Council--2024-25-Q1.xlsx"
FINANCE_TEAM = "Finance-Team--Dorset-Council--2024-25-Q1.xlsx"
HYPERLINK = '=HYPERLINK("https://example.org/mtfp","MTFP report")'
TODAY = dt.date.today().isoformat()
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


@pytest.fixture(scope="module")
def made(tmp_path_factory) -> Path:
    """data/ (with processed tables) and reports/ holding the 2024/25 Q1 forms."""
    root = tmp_path_factory.mktemp("cycle")
    shutil.copytree(PROJECT / "data", root / "data")
    (root / "reports").mkdir()
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("PEER_REVIEW_DATA", str(root / "data"))
        mp.setenv("PEER_REVIEW_REPORTS", str(root / "reports"))
        mp.setenv("QUARTER", QUARTER)
        from helpers.cycle import forms

        assert forms.main(["--from-env"]) == 0
    return root


@pytest.fixture
def space(made: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """This test's own copy of data/ and reports/ (forms made), used by in-process helpers too."""
    shutil.copytree(made / "data", tmp_path / "data")
    shutil.copytree(made / "reports", tmp_path / "reports")
    (tmp_path / "data" / "updates" / "returns" / SLUG).mkdir(parents=True)
    monkeypatch.setenv("PEER_REVIEW_DATA", str(tmp_path / "data"))
    monkeypatch.setenv("PEER_REVIEW_REPORTS", str(tmp_path / "reports"))
    return tmp_path


def run(root: Path, module: str, *args: str) -> subprocess.CompletedProcess:
    """`python -m <module>` as a user runs it, on this workspace (as conftest.run_module)."""
    env = {**os.environ, "PEER_REVIEW_DATA": str(root / "data"), "PEER_REVIEW_REPORTS": str(root / "reports")}
    return subprocess.run(
        [sys.executable, "-m", module, *args],
        capture_output=True,
        text=True,
        cwd=PROJECT,
        env=env,
        timeout=300,
    )


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


# --- Forms out ----------------------------------------------------------------------


def test_one_form_per_lead_with_open_actions(made: Path, monkeypatch: pytest.MonkeyPatch):
    from helpers.base import quarters
    from helpers.base.vocabulary import OPEN, update_statuses
    from helpers.tracking.workspace import load_workspace

    monkeypatch.setenv("PEER_REVIEW_DATA", str(made / "data"))
    ws = load_workspace()
    status = ws.status(quarters.parse_quarter(QUARTER))
    open_ = status[status["status"].isin(OPEN)][["review_id", "action_ref"]]
    expected = ws.action_leads.merge(open_, on=["review_id", "action_ref"])
    folder = made / "reports" / SLUG / "forms"
    books = sorted(p.name for p in folder.glob("*.xlsx"))
    assert len(books) == expected.groupby(["council", "lead"]).ngroups  # one per lead with open actions
    assert all(re.fullmatch(r"[A-Za-z0-9-]+--[A-Za-z0-9-]+--2024-25-Q1\.xlsx", b) for b in books)
    assert SLT in books and "Childrens-Services--Dorset-Council--2024-25-Q1.xlsx" in books
    assert not any(b.startswith("All-managers") for b in books)  # its one action (23) is complete in the plan

    book = form(made, SLT)
    assert book.sheetnames == ["Updates", "Instructions", "About"]
    assert book["About"].sheet_state == "hidden" and book.security.lockStructure
    sheet = book["Updates"]
    assert [c.value for c in sheet[HEADER_ROW]] == HEADERS
    assert sheet["A1"].value == "Return by 12 July 2024"  # on the sheet the lead fills in, printed on every page
    assert (sheet.print_title_rows, sheet.print_title_cols) == ("$1:$2", "$A:$C")
    assert (sheet.page_setup.paperSize, sheet.page_setup.orientation) == (9, "landscape")  # 9: A4
    slt = expected[expected["lead"] == "Senior Leadership Team (SLT)"]
    assert sheet.max_row - HEADER_ROW == len(slt) > 0
    # The 2021 finance plan's SLT actions: 2 (October 2021, nothing reported since) is open; 26 is complete.
    r = row_of(sheet, "2021-finance", "2")
    # Text cells: what a lead types stays as typed ("March 2025", "06/05/2024", "=..."), read by collect's rules.
    assert all(
        sheet[f"{L[k]}{r}"].number_format == "@" for k in ("comment", "updated_on", "revised_target", "evidence")
    )
    assert sheet[f"G{r}"].value == "October 2021" and sheet[f"I{r}"].value == "Target passed, no update"
    assert sheet[f"F{r}"].value == "Lead"
    assert not any(
        sheet[f"A{n}"].value == "2021-finance" and sheet[f"C{n}"].value == "26" for n in range(2, sheet.max_row + 1)
    )
    assert sheet.protection.sheet and sheet.freeze_panes == f"D{FIRST_ROW}"
    assert sheet[f"A{r}"].protection.locked and not sheet[f"{L['status']}{r}"].protection.locked
    assert all(
        not sheet[f"{L[k]}{r}"].protection.locked
        for k in ("comment", "updated_on", "revised_target", "revision_reason", "evidence")
    )
    assert sheet[f"D{r}"].alignment.wrap_text
    lists = [v for v in sheet.data_validations.dataValidation if v.type == "list"]
    assert lists[0].formula1 == '"' + ",".join(update_statuses()) + '"'
    assert f"{L['status']}{FIRST_ROW}:{L['status']}{len(slt) + HEADER_ROW}" in str(lists[0].sqref)
    instructions = "\n".join(str(c.value) for c in book["Instructions"]["A"])
    assert "by 12 July 2024" in instructions  # 30 June 2024 + 10 working days
    assert all(f"{name}:" in instructions for name in update_statuses())
    assert "request until the committee agrees" in instructions and "Do not" in instructions
    about = {row[0].value: row[1].value for row in book["About"].iter_rows(max_row=8)}
    assert about["quarter"] == QUARTER and about["lead"] == "Senior Leadership Team (SLT)"
    assert about["council"] == "Dorset Council" and about["form_version"] == "3"

    chase = list(csv.DictReader((folder / "chase-list.csv").read_text(encoding="utf-8").splitlines()))
    assert len(chase) == len(books) and {c["returned"] for c in chase} == {"no"}
    assert {c["form"] for c in chase} == set(books)
    assert f"| Senior Leadership Team (SLT) | Dorset Council | {len(slt)} |" in (folder / "README.md").read_text()


# --- The round trip ---------------------------------------------------------------------


def test_round_trip_forms_returns_log_status_and_report(space: Path):
    from helpers.base import quarters
    from helpers.committee.action_tables import action_table
    from helpers.committee.presentation import table_html
    from helpers.tracking.workspace import load_workspace

    log = space / "data" / "updates" / f"{SLUG}.csv"
    log.write_text(
        "review_id,action_ref,status,comment,updated_on\n"
        "2022-progress,4,In progress,Typed by hand from an email.,2024-05-20\n",
        encoding="utf-8",
    )

    book = form(space, SLT)
    sheet = book["Updates"]
    done, commented, revised = (row_of(sheet, "2021-finance", ref) for ref in ("2", "9", "41"))
    sheet[f"{L['status']}{done}"] = "Complete"
    sheet[f"{L['comment']}{done}"] = "Budget principles refreshed and agreed by Cabinet."
    sheet[f"{L['updated_on']}{done}"] = dt.datetime(2024, 6, 10)
    text_cell(sheet[f"{L['comment']}{commented}"], HYPERLINK)  # a comment only: not complete, past target
    sheet[f"{L['status']}{revised}"] = "In progress"
    sheet[f"{L['comment']}{revised}"] = "Savings plan drafted."
    sheet[f"{L['updated_on']}{revised}"] = "14/06/2024"
    sheet[f"{L['revised_target']}{revised}"] = "March 2025"
    sheet[f"{L['revision_reason']}{revised}"] = "Waiting for the 2025/26 budget round."
    sheet[f"{L['evidence']}{revised}"] = "https://example.org/cabinet/2024-06"
    send_back(space, book, "SLT return.xlsx")  # renamed by the lead: still theirs (About sheet)

    book = form(space, CABINET)
    sheet = book["Updates"]
    r = row_of(sheet, "2021-finance", "5")
    sheet[f"{L['status']}{r}"] = "Behind schedule"
    text_cell(sheet[f"{L['comment']}{r}"], "+ new timetable to Cabinet in July")
    send_back(space, book, CABINET)
    send_back(space, form(space, FINANCE_TEAM), FINANCE_TEAM)  # nothing filled: no update, no error

    first = run(space, "helpers.cycle.collect", "--quarter", QUARTER)
    assert first.returncode == 0, first.stderr
    assert "3 return(s) read (2 with updates, 1 empty)" in first.stdout
    with open(log, encoding="utf-8", newline="") as f:
        assert next(csv.reader(f)) == [
            "review_id",
            "action_ref",
            "status",
            "comment",
            "updated_on",
            "revised_target",
            "revision_reason",
            "revision_approved_by",
            "revision_approved_on",
            "evidence",
            "lead",
            "source",
            "collected_on",
        ]
    rows = read_log(space)
    assert rows[0]["comment"] == "Typed by hand from an email." and rows[0]["source"] == ""  # kept as typed
    got = {(r["action_ref"], r["source"]): r for r in rows[1:]}
    assert len(rows) == 5
    slt = f"returns/{SLUG}/SLT return.xlsx:Updates!"
    assert got[("2", f"{slt}{done}")]["status"] == "Complete"
    assert got[("2", f"{slt}{done}")]["updated_on"] == "2024-06-10"
    assert got[("9", f"{slt}{commented}")]["comment"] == HYPERLINK
    assert got[("9", f"{slt}{commented}")]["updated_on"] == "2024-06-30"  # blank date: as at the quarter end
    rev = got[("41", f"{slt}{revised}")]
    assert (rev["revised_target"], rev["revision_reason"], rev["evidence"], rev["updated_on"]) == (
        "March 2025",
        "Waiting for the 2025/26 budget round.",
        "https://example.org/cabinet/2024-06",
        "2024-06-14",
    )
    assert rev["revision_approved_on"] == "" and rev["lead"] == "Senior Leadership Team (SLT)"
    cab = got[("5", f"returns/{SLUG}/{CABINET}:Updates!{r}")]
    assert (cab["status"], cab["comment"], cab["lead"]) == (
        "Behind schedule",
        "+ new timetable to Cabinet in July",
        "Cabinet",
    )
    assert {r["collected_on"] for r in rows[1:]} == {TODAY}

    # Status at the quarter end: complete closes; a status saying not complete makes a passed target Overdue,
    # a comment without a status changes nothing (status.OVERDUE_RULE) but is shown.
    q1 = quarters.parse_quarter(QUARTER)
    status = load_workspace().status(q1).set_index(["review_id", "action_ref"])
    assert status.loc[("2021-finance", "2"), "status"] == "complete"
    assert status.loc[("2021-finance", "9"), "status"] == "not-reported"
    assert status.loc[("2021-finance", "9"), "latest_comment"] == HYPERLINK
    assert status.loc[("2021-finance", "41"), "status"] == "overdue"  # the revision is only requested
    assert status.loc[("2021-finance", "41"), "revision_requested"]
    assert str(status.loc[("2021-finance", "41"), "current_target_date"].date()) == "2022-02-28"
    assert status.loc[("2021-finance", "5"), "status"] == "overdue"
    assert status.loc[("2021-finance", "4"), "status"] == "not-reported"  # no return from its lead
    html = table_html(action_table(status.reset_index().query("action_ref == '9' and review_id == '2021-finance'")))
    assert f">{HYPERLINK}</td>" in html and "<a " not in html  # shown as the text it is, not a link

    # Collecting again changes nothing, byte for byte (collected_on is the first collection's).
    before = log.read_bytes()
    again = run(space, "helpers.cycle.collect", "--quarter", QUARTER)
    assert again.returncode == 0, again.stderr
    assert log.read_bytes() == before and "unchanged" in again.stdout
    chase_text = (space / "reports" / SLUG / "forms" / "chase-list.csv").read_text(encoding="utf-8")
    chase = {c["lead"]: c for c in csv.DictReader(chase_text.splitlines())}
    assert chase["Senior Leadership Team (SLT)"]["returned"] == "yes"
    assert chase["Senior Leadership Team (SLT)"]["return_file"] == "SLT return.xlsx"
    assert chase["Senior Leadership Team (SLT)"]["rows_collected"] == "3"
    assert chase["Finance Team"]["returned"] == "yes" and chase["Children's Services"]["returned"] == "no"

    # The committee agrees the revision in July: the analyst fills the approval; collect keeps it.
    text = before.decode("utf-8").replace(
        "Waiting for the 2025/26 budget round.,,,", "Waiting for the 2025/26 budget round.,Cabinet,2024-07-16,"
    )
    log.write_text(text, encoding="utf-8")
    kept = run(space, "helpers.cycle.collect", "--quarter", QUARTER)
    assert kept.returncode == 0, kept.stderr
    assert log.read_text(encoding="utf-8") == text
    ws = load_workspace()
    assert ws.status(q1).set_index(["review_id", "action_ref"]).loc[("2021-finance", "41"), "status"] == "overdue"
    q2 = ws.status(q1 + 1).set_index(["review_id", "action_ref"]).loc[("2021-finance", "41")]
    assert q2["status"] == "not-yet-due" and str(q2["current_target_date"].date()) == "2025-03-31"

    # Next quarter's form shows the comment as text, never a formula; the completed action is gone.
    from helpers.cycle import forms

    assert forms.main(["--quarter", "2024/25 Q2"]) == 0
    book = openpyxl.load_workbook(
        space / "reports" / "2024-25-Q2" / "forms" / "Senior-Leadership-Team-SLT--Dorset-Council--2024-25-Q2.xlsx"
    )
    sheet = book["Updates"]
    cell = sheet[f"{L['latest_comment']}{row_of(sheet, '2021-finance', '9')}"]
    assert (cell.value, cell.data_type) == (HYPERLINK, "s")
    with pytest.raises(AssertionError):
        row_of(sheet, "2021-finance", "2")


# --- Bad returns: one line each, naming workbook, sheet and cell; nothing written -------


def _fill(sheet, values: dict[str, object], row: int = FIRST_ROW) -> None:
    for key, value in values.items():
        sheet[f"{L[key]}{row}"] = value


BAD = {
    # case: (form, how it is spoilt, the message (after "error: .../returns/2024-25-Q1/"))
    "unknown status": (
        SLT,
        lambda b: _fill(b["Updates"], {"status": "Nearly done"}),
        f"{SLT}: Updates!M3: unknown status 'Nearly done'; use one of Complete, In progress, "
        "Not started, On hold, Behind schedule, or leave it blank",
    ),
    "date outside the quarter": (
        CABINET,
        lambda b: _fill(b["Updates"], {"status": "In progress", "updated_on": dt.datetime(2024, 7, 5)}),
        f"{CABINET}: Updates!O3: date of update 2024-07-05 is outside 2024/25 Q1 (2024-04-01 to 2024-06-30)",
    ),
    "revised target without a reason": (
        "Corporate-Director-Finance-and-Commercial--Dorset-Council--2024-25-Q1.xlsx",
        lambda b: _fill(b["Updates"], {"comment": "Slipping.", "revised_target": "March 2025"}),
        "Corporate-Director-Finance-and-Commercial--Dorset-Council--2024-25-Q1.xlsx: Updates!Q3: a revised target "
        "date needs a reason for the revision",
    ),
    "revised target not a date": (
        "Childrens-Services--Dorset-Council--2024-25-Q1.xlsx",
        lambda b: _fill(b["Updates"], {"revised_target": "when the budget allows", "revision_reason": "Funding"}),
        "Childrens-Services--Dorset-Council--2024-25-Q1.xlsx: Updates!P3: revised target 'when the budget allows' "
        "is not a date",
    ),
    "locked cell changed": (
        "Budget-Holders--Dorset-Council--2024-25-Q1.xlsx",
        lambda b: _fill(b["Updates"], {"recommendation": "Something easier.", "status": "Complete"}),
        "Budget-Holders--Dorset-Council--2024-25-Q1.xlsx: Updates!D3: a locked cell was changed "
        "(Recommendation (peers' wording): now 'Something easier.')",
    ),
    "not an open action of that lead": (
        "Executive-Director-Place--Dorset-Council--2024-25-Q1.xlsx",
        lambda b: (
            _fill(b["Updates"], {"status": "In progress"}),
            b["About"].__setitem__("B5", "All managers"),
        ),  # a form passed to the wrong person
        "Executive-Director-Place--Dorset-Council--2024-25-Q1.xlsx: Updates!C3: 2021-finance action 37 is not an "
        "open action of All managers at Dorset Council on 30 June 2024",
    ),
    "row added": (
        "Head-of-Human-Resources--Dorset-Council--2024-25-Q1.xlsx",
        lambda b: (b["Updates"].__setitem__("A4", "2022-progress"), _fill(b["Updates"], {"status": "Complete"}, 4)),
        "Head-of-Human-Resources--Dorset-Council--2024-25-Q1.xlsx: Updates!A4: row 4 was added (not in the form as "
        "sent); rows must not be added or moved",
    ),
    "sheet renamed": (
        "Executive-Director-Corporate-Development--Dorset-Council--2024-25-Q1.xlsx",
        lambda b: setattr(b["Updates"], "title", "Progress"),
        "Executive-Director-Corporate-Development--Dorset-Council--2024-25-Q1.xlsx: Updates: sheet missing (the "
        "workbook has Progress, Instructions, About)",
    ),
    "header renamed": (
        FINANCE_TEAM,
        lambda b: b["Updates"].__setitem__("N2", "Comments"),
        f"{FINANCE_TEAM}: Updates!N2: header is 'Comments', should be 'Progress comment'",
    ),
    "column removed": (
        "Childrens-Accountancy-Team--Dorset-Council--2024-25-Q1.xlsx",
        lambda b: b["Updates"].delete_cols(14),
        "Childrens-Accountancy-Team--Dorset-Council--2024-25-Q1.xlsx: Updates!N2: header is 'Date of update', "
        "should be 'Progress comment'",
    ),
    "form for another quarter": (
        "Chief-Executive--Dorset-Council--2024-25-Q1.xlsx",
        lambda b: b["About"].__setitem__("B3", "2024/25 Q2"),
        "Chief-Executive--Dorset-Council--2024-25-Q1.xlsx: About!B3: this form is for 2024/25 Q2, not 2024/25 Q1",
    ),
    "not an xlsx": ("notes.txt", None, "notes.txt: not an Excel workbook (.xlsx)"),
    "corrupt xlsx": ("broken.xlsx", None, "broken.xlsx: the workbook is damaged (cut short, or its parts are not"),
}
HAND_TYPED = "review_id,action_ref,status,comment,updated_on\n2021-finance,31,In progress,By hand.,2024-05-02\n"


@pytest.fixture(scope="module")
def bad_run(made: Path, tmp_path_factory) -> tuple[subprocess.CompletedProcess, Path]:
    """One collect over a returns folder holding every bad case (each from a different lead's form)."""
    root = tmp_path_factory.mktemp("bad")
    shutil.copytree(made / "data", root / "data")
    shutil.copytree(made / "reports", root / "reports")
    folder = root / "data" / "updates" / "returns" / SLUG
    folder.mkdir(parents=True)
    (root / "data" / "updates" / f"{SLUG}.csv").write_text(HAND_TYPED, encoding="utf-8")
    for name, spoil, _ in BAD.values():
        if spoil is None:
            (folder / name).write_bytes(
                b"PK\x03\x04 this is not really a workbook"
                if name.endswith(".xlsx")
                else b"Notes from the lead's email\n"
            )
            continue
        book = form(root, name)
        spoil(book)
        book.save(folder / name)
    good = form(root, "Service-Manager-for-Commercial-and-Procurement--Dorset-Council--2024-25-Q1.xlsx")
    _fill(good["Updates"], {"status": "Complete", "comment": "Done."})
    send_back(root, good, "good.xlsx")  # a good return alongside: still nothing is written
    return run(root, "helpers.cycle.collect", "--quarter", QUARTER), root


@pytest.mark.parametrize("case", list(BAD))
def test_bad_return_gives_one_line_naming_the_cell(bad_run, case: str):
    result, _ = bad_run
    _, _, message = BAD[case]
    lines = [line for line in result.stderr.splitlines() if message in line]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ") and f"returns/{SLUG}/{message}" in lines[0]


def test_bad_returns_exit_1_and_write_nothing(bad_run):
    result, root = bad_run
    assert result.returncode == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    assert len(errors) == len(BAD), result.stderr
    assert result.stderr.splitlines()[-1] == "nothing written"
    assert (root / "data" / "updates" / f"{SLUG}.csv").read_text(encoding="utf-8") == HAND_TYPED


# --- Conflicts ----------------------------------------------------------------------------


def test_a_changed_return_is_a_conflict_unless_replace(space: Path):
    book = form(space, CABINET)
    _fill(book["Updates"], {"status": "In progress", "comment": "Timetable agreed."})
    path = send_back(space, book, CABINET)
    assert run(space, "helpers.cycle.collect", "--quarter", QUARTER).returncode == 0
    log = space / "data" / "updates" / f"{SLUG}.csv"
    log.write_text(log.read_text(encoding="utf-8").replace(TODAY, "2024-07-08"), encoding="utf-8")
    before = log.read_bytes()

    book = openpyxl.load_workbook(path)
    book["Updates"][f"{L['comment']}{FIRST_ROW}"] = "Timetable agreed; report in July."
    book.save(path)
    clash = run(space, "helpers.cycle.collect", "--quarter", QUARTER)
    assert clash.returncode == 1 and log.read_bytes() == before
    assert (
        f"returns/{SLUG}/{CABINET}: Updates!N3: conflicts with the row collected on 2024-07-08 (comment: was "
        "'Timetable agreed.', now 'Timetable agreed; report in July.'); to take the new return, run make collect "
        'QUARTER="2024/25 Q1" REPLACE=1'
    ) in clash.stderr

    replaced = run(space, "helpers.cycle.collect", "--quarter", QUARTER, "--replace")
    assert replaced.returncode == 0, replaced.stderr
    (row,) = read_log(space)
    assert (row["comment"], row["collected_on"]) == ("Timetable agreed; report in July.", TODAY)

    path.unlink()
    gone = run(space, "helpers.cycle.collect", "--quarter", QUARTER)
    assert gone.returncode == 1
    assert f"returns/{SLUG}/{CABINET}:Updates!3 was collected on {TODAY} but is no longer in the returns" in gone.stderr


def test_two_returns_from_one_lead_are_refused(space: Path, capsys: pytest.CaptureFixture):
    from helpers.cycle import collect

    send_back(space, form(space, CABINET), CABINET)
    send_back(space, form(space, CABINET), "Cabinet (1).xlsx")
    assert collect.main(["--quarter", QUARTER]) == 1
    err = capsys.readouterr().err
    assert f"returns/{SLUG}/{CABINET}: About: another return for Cabinet (Dorset Council) is Cabinet (1).xlsx" in err
    assert not (space / "data" / "updates" / f"{SLUG}.csv").exists()


# --- Messages that say the cause: rows deleted, added or sorted; files that are not a readable form ----------


def _collect_errors(capsys: pytest.CaptureFixture, *args: str) -> list[str]:
    from helpers.cycle import collect

    assert collect.main(["--quarter", QUARTER, *args]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err[-1] == "nothing written"
    return [line for line in err if line.startswith("error: ")]


def _action_at(sheet, row: int) -> str:
    ref = sheet[L["action_ref"] + str(row)].value
    return f"{sheet[f'A{row}'].value} action {ref}"


def test_a_deleted_row_is_one_line_saying_so(space: Path, capsys: pytest.CaptureFixture):
    book = form(space, SLT)
    sheet = book["Updates"]
    gone = _action_at(sheet, FIRST_ROW + 2)
    _fill(sheet, {"status": "Complete"}, FIRST_ROW + 5)  # a real update below the deleted row
    sheet.delete_rows(FIRST_ROW + 2)
    send_back(space, book, SLT)
    errors = _collect_errors(capsys)
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
    errors = _collect_errors(capsys)
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
    errors = _collect_errors(capsys)
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
    errors = _collect_errors(capsys)
    assert len(errors) == 1 and errors[0].endswith(
        f"{SLT}: Updates!A{first}: the rows were sorted or moved (row {first} now holds {moved}, sent in row "
        f"{second}); put them back in the order they were sent (undo the sort), or ask the lead to fill in the form "
        "as sent"
    )


# Files that are not a readable .xlsx form: what collect says about each (worked from how each format starts).
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
NOT_FORMS = {
    "password.xlsx": (
        OLE2 + b"\0" * 500 + "EncryptionInfo".encode("utf-16-le") + b"\0" * 50 + "EncryptedPackage".encode("utf-16-le"),
        "password.xlsx: the workbook is password-protected (encrypted), so it cannot be checked: ask for it without "
        "the password",
    ),
    "old-format.xlsx": (
        OLE2 + b"\0" * 500 + "Workbook".encode("utf-16-le"),
        "old-format.xlsx: an Excel 97-2003 workbook (.xls), not .xlsx: open it and save it as an Excel workbook "
        "(.xlsx); or move it out of the returns folder",
    ),
    "calc.xlsx": (
        b"PK\x03\x04" + b"\0" * 26 + b"mimetypeapplication/vnd.oasis.opendocument.spreadsheetPK",
        "calc.xlsx: an OpenDocument spreadsheet (.ods), not .xlsx: open it and save it as an Excel workbook (.xlsx)",
    ),
    "cut-short.xlsx": (
        None,  # the first half of a real form
        "cut-short.xlsx: the workbook is damaged (cut short, or its parts are not a workbook's) and cannot be read",
    ),
    "email.xlsx": (
        b"From: lead@example.org\nSubject: my update\n",
        "email.xlsx: not an Excel workbook (.xlsx): the file is not a workbook, or is damaged",
    ),
    "Cabinet--Dorset-Council--2024-25-Q1.ods": (
        b"PK\x03\x04",
        "Cabinet--Dorset-Council--2024-25-Q1.ods: an OpenDocument spreadsheet (.ods): collect reads .xlsx only; open "
        "it and save it as an Excel workbook (.xlsx), or move it out of the returns folder",
    ),
    "update.xls": (
        OLE2,
        "update.xls: an Excel 97-2003 workbook (.xls): collect reads .xlsx only",
    ),
}


def test_each_file_that_is_not_a_readable_form_is_named_for_what_it_is(space: Path, capsys: pytest.CaptureFixture):
    folder = space / "data" / "updates" / "returns" / SLUG
    whole = (space / "reports" / SLUG / "forms" / SLT).read_bytes()
    for name, (content, _) in NOT_FORMS.items():
        (folder / name).write_bytes(whole[: len(whole) // 2] if content is None else content)
    errors = _collect_errors(capsys)
    assert len(errors) == len(NOT_FORMS), errors
    for _, message in NOT_FORMS.values():
        assert sum(f"returns/{SLUG}/{message}" in line for line in errors) == 1, "\n".join([message, *errors])
    assert not any(word in line for line in errors for word in ("Error", "zip", "Exception", "Traceback"))


def test_the_chase_list_counts_every_file_collect_names_as_a_return(space: Path, capsys: pytest.CaptureFixture):
    from helpers.cycle import forms

    folder = space / "data" / "updates" / "returns" / SLUG
    (folder / "Cabinet--Dorset-Council--2024-25-Q1.ods").write_bytes(b"PK\x03\x04")  # saved in Calc's own format
    (folder / "notes from the meeting.docx").write_bytes(b"PK\x03\x04")
    (folder / "~$Cabinet--Dorset-Council--2024-25-Q1.xlsx").write_bytes(b"lock")  # Excel's lock file: not a return
    send_back(space, form(space, FINANCE_TEAM), "finance.xlsx")  # renamed: known by its About sheet
    assert forms.main(["--quarter", QUARTER, "--chase-list"]) == 0
    chase = {
        row["lead"]: row
        for row in csv.DictReader(
            (space / "reports" / SLUG / "forms" / "chase-list.csv").read_text(encoding="utf-8").splitlines()
        )
    }
    assert (chase["Cabinet"]["returned"], chase["Cabinet"]["return_file"]) == (
        "yes",
        "Cabinet--Dorset-Council--2024-25-Q1.ods",
    )
    assert chase["Cabinet"]["note"] == "not .xlsx: collect cannot read it until it is saved as .xlsx"
    assert (chase["Finance Team"]["returned"], chase["Finance Team"]["return_file"]) == ("yes", "finance.xlsx")
    assert sum(row["returned"] == "yes" for row in chase.values()) == 2
    readme = (space / "reports" / SLUG / "forms" / "README.md").read_text(encoding="utf-8")
    assert "1 file(s) in the returns folder name no lead" in readme and "notes from the meeting.docx" in readme
    assert "2 of " in readme
    # collect names the same two files as problems (the lock file is ignored by both)
    errors = _collect_errors(capsys)
    assert len(errors) == 2 and "Cabinet--Dorset-Council--2024-25-Q1.ods" in errors[0]
    assert "notes from the meeting.docx: not an Excel workbook (.xlsx)" in errors[1]


def test_the_chase_readme_shows_hostile_names_as_text():
    import pandas as pd

    from helpers.base import quarters
    from helpers.cycle.forms import CHASE_COLUMNS, chase_readme

    hostile = "<script>alert(7)</script>"
    chase = pd.DataFrame(
        [[hostile, "**Bold** | [link](http://x) `code` <b>", 2, "x.xlsx", "yes", "a_b*c.xlsx", 1, ""]],
        columns=CHASE_COLUMNS,
    )
    unled = pd.DataFrame({"review_id": ["<img src=x>"], "action_ref": ["1"]})
    text = chase_readme(quarters.parse_quarter(QUARTER), chase, unled, dt.date(2024, 7, 12), ["<i>.ods"])
    assert "<script>" not in text and "<b>" not in text and "<img" not in text and "<i>" not in text
    assert "&lt;script&gt;alert(7)&lt;/script&gt;" in text
    row = next(line for line in text.splitlines() if "alert" in line)
    assert row.count(" | ") == 5  # the "|" inside a name does not add a column
    assert r"\*\*Bold\*\* \| \[link\](http://x) \`code\` &lt;b&gt;" in row
    assert r"yes (a\_b\*c.xlsx)" in row
    assert "&lt;img src=x&gt; 1" in text and "&lt;i&gt;.ods" in text


def test_a_form_of_the_previous_version_is_refused_with_what_to_do(space: Path, capsys: pytest.CaptureFixture):
    book = form(space, CABINET)
    book["About"]["B2"] = "1"
    send_back(space, book, CABINET)
    errors = _collect_errors(capsys)
    assert len(errors) == 1 and errors[0].endswith(
        f"returns/{SLUG}/{CABINET}: About!B2: form version '1'; this collect reads versions 2 and 3: send the "
        "lead a new form (make forms)"
    )


# --- What a lead types: dates read day first, ambiguous ones refused; revised targets as typed ----------------


@pytest.mark.parametrize(
    "typed, day",
    [
        ("6 May 2024", dt.date(2024, 5, 6)),
        ("6th May 24", dt.date(2024, 5, 6)),
        ("30 june 2024", dt.date(2024, 6, 30)),
        ("14/06/2024", dt.date(2024, 6, 14)),  # 14 cannot be a month: day first, as the form says
        ("14.6.24", dt.date(2024, 6, 14)),
        ("06/06/2024", dt.date(2024, 6, 6)),  # the same either way round
        ("2024-05-06", dt.date(2024, 5, 6)),  # ISO: year, month, day
        (dt.datetime(2024, 5, 6, 0, 0), dt.date(2024, 5, 6)),  # a spreadsheet date cell
    ],
)
def test_a_typed_date_is_read_day_first(typed, day):
    from helpers.cycle.quarterly import typed_date

    assert typed_date(typed) == day


@pytest.mark.parametrize(
    "typed, message",
    [
        (
            "06/05/2024",
            "'06/05/2024' could be 6 May 2024 or 5 June 2024 (spreadsheets set to US English read it month first): "
            "write the month as a word, e.g. 6 May 2024",
        ),
        ("1/2/25", "'1/2/25' could be 1 February 2025 or 2 January 2025"),
        ("06/25/2024", "'06/25/2024' is not a real date (day, then month, then year): write it like 6 May 2024"),
        ("31 June 2024", "'31 June 2024' is not a real date"),
        ("June 2024", "cannot read 'June 2024' as a date: write it like 6 May 2024"),
        ("last Friday", "cannot read 'last Friday' as a date"),
    ],
)
def test_a_typed_date_that_reads_both_ways_or_not_at_all_is_refused(typed, message):
    from helpers.cycle.quarterly import TypedDateError, typed_date

    with pytest.raises(TypedDateError) as err:
        typed_date(typed)
    assert str(err.value).startswith(message)


@pytest.mark.parametrize(
    "value, number_format, kept",
    [
        ("March 2025", "@", "March 2025"),  # a text cell: as typed, which the target rules read as 31 March 2025
        (" Q4 2024/25 ", "@", "Q4 2024/25"),
        (dt.datetime(2025, 3, 1), "mmm-yy", "March 2025"),  # Excel's date for a typed "March 2025", shown "Mar-25"
        (dt.datetime(2025, 3, 1), "MMMM YYYY", "March 2025"),
        (dt.datetime(2025, 3, 1), "dd/mm/yyyy", "1 March 2025"),  # a day was shown, so a day was meant
        (dt.datetime(2025, 3, 1), '[$-809]d"th" mmmm', "1 March 2025"),
        (dt.datetime(2025, 3, 1), '"Due" mmmm yyyy', "March 2025"),  # the "d" in quoted text is not a day
    ],
)
def test_a_revised_target_is_kept_as_typed(value, number_format, kept):
    from helpers.cycle.quarterly import typed_target

    assert typed_target(value, number_format) == kept


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
    import pandas as pd

    return pd.Timestamp(text)


def test_dates_that_read_both_ways_are_sent_back(space: Path, capsys: pytest.CaptureFixture):
    book = form(space, SLT)
    sheet = book["Updates"]
    _fill(sheet, {"status": "In progress"})
    text_cell(sheet[f"{L['updated_on']}{FIRST_ROW}"], "06/05/2024")
    text_cell(sheet[f"{L['revised_target']}{FIRST_ROW}"], "05/03/2025")
    text_cell(sheet[f"{L['revision_reason']}{FIRST_ROW}"], "Budget")
    send_back(space, book, SLT)
    errors = _collect_errors(capsys)
    assert len(errors) == 2, errors
    assert errors[0].endswith(
        f"{SLT}: Updates!{L['updated_on']}{FIRST_ROW}: date of update: '06/05/2024' could be 6 May 2024 or 5 June 2024 "
        "(spreadsheets set to US English read it month first): write the month as a word, e.g. 6 May 2024"
    )
    assert errors[1].endswith(
        f"Updates!{L['revised_target']}{FIRST_ROW}: revised target: '05/03/2025' could be 5 March 2025 or 3 May 2025 "
        "(spreadsheets set to US English read it month first): write the month as a word, e.g. 5 March 2025"
    )


# --- REPLACE=1: a changed return taken through make, with the value passed as data ---------------------------


def test_replace_comes_from_the_environment_with_from_env(space: Path, capsys, monkeypatch):
    from helpers.cycle import collect

    book = form(space, CABINET)
    _fill(book["Updates"], {"status": "In progress", "comment": "Timetable agreed."})
    path = send_back(space, book, CABINET)
    assert collect.main(["--quarter", QUARTER]) == 0
    book = openpyxl.load_workbook(path)
    book["Updates"][f"{L['comment']}{FIRST_ROW}"] = "Timetable agreed; report in July."
    book.save(path)
    monkeypatch.setenv("QUARTER", QUARTER)
    monkeypatch.setenv("REPLACE", "")
    assert collect.main(["--from-env"]) == 1  # blank: a conflict, as without REPLACE
    assert 'run make collect QUARTER="2024/25 Q1" REPLACE=1' in capsys.readouterr().err
    monkeypatch.setenv("REPLACE", "please")
    with pytest.raises(InputError, match="REPLACE='please' is not understood: use REPLACE=1 to take changed returns"):
        collect.main(["--from-env"])  # run_cli prints it as one line and exits 1
    monkeypatch.setenv("REPLACE", "1")
    assert collect.main(["--from-env"]) == 0
    assert "1 replaced" in capsys.readouterr().out
    assert [r["comment"] for r in read_log(space)] == ["Timetable agreed; report in July."]


needs_make = pytest.mark.skipif(shutil.which("make") is None, reason="GNU make is not installed")


@needs_make
@pytest.mark.parametrize(
    "target, argv",
    [
        ("collect", ["-m", "helpers.cycle.collect", "--from-env"]),
        ("mutants", ["-m", "tools.mutation", "--from-env"]),
    ],
)
def test_make_passes_replace_and_modules_as_data_never_into_a_recipe(tmp_path, target, argv):
    makefile = (PROJECT / "Makefile").read_text(encoding="utf-8")
    recipes = [line for line in makefile.splitlines() if line.startswith("\t")]
    assert not any(re.search(r"\$[({](REPLACE|MODULES)\b", line) for line in recipes)
    fake_python = tmp_path / "python"
    fake_python.write_text(
        f"#!{sys.executable}\nimport json, os, sys\n"
        "print(json.dumps({'argv': sys.argv[1:], 'env': {k: os.environ.get(k) for k in ('REPLACE', 'MODULES')}}))\n",
        encoding="utf-8",
    )
    fake_python.chmod(0o755)
    hostile = {"REPLACE": f"1; touch {tmp_path}/pwned", "MODULES": f"quarters $(shell touch {tmp_path}/pwned-make)"}
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", *hostile)}
    result = subprocess.run(
        ["make", "--no-print-directory", "-s", "-o", ".venv/.installed-stamp", target, f"PY={fake_python}"]
        + [f"{k}={v}" for k, v in hostile.items()],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        check=True,
        env=env,
    )
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    assert seen == {"argv": argv, "env": hostile}
    assert not list(tmp_path.glob("pwned*"))
