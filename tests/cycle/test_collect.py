"""The collect command (helpers.cycle.collect, `make collect`), end to end on the real data: forms out, returns in,
the update file, status and the report; bad returns giving one line each and nothing written; conflicts and
REPLACE; what the command prints; and `make` passing REPLACE as data.

A copy of data/ (with the committed processed tables) and a temporary reports folder; forms are made once per
module for 2024/25 Q1 and each test works on its own copy of both.
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
from real_forms import (
    CABINET,
    FINANCE_TEAM,
    QUARTER,
    SLT,
    SLUG,
    L,
    Q,
    collect_errors,
    fill,
    form,
    forms_made,
    forms_of,
    own_copy,
    read_log,
    row_of,
    send_back,
    text_cell,
)
from real_forms import send_back as returned

from conftest import PROJECT
from conftest import run_on as run
from helpers.base import quarters
from helpers.base.errors import InputError
from helpers.base.readers import read_csv
from helpers.cycle.form_layout import FIRST_ROW
from helpers.tracking.updates import FILE_COLUMNS, OPTIONAL_COLUMNS

HYPERLINK = '=HYPERLINK("https://example.org/mtfp","MTFP report")'


TODAY = dt.date.today().isoformat()


@pytest.fixture(scope="module")
def made(tmp_path_factory) -> Path:
    """data/ (with processed tables) and reports/ holding the 2024/25 Q1 forms (made by `forms --from-env`)."""
    return forms_made(tmp_path_factory, "--from-env")


@pytest.fixture
def space(made: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """This test's own copy of data/ and reports/ (forms made), used by in-process helpers too."""
    return own_copy(made, tmp_path, monkeypatch)


def test_round_trip_forms_returns_log_status_and_report(space: Path):
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


BAD = {
    # case: (form, how it is spoilt, the message (after "error: .../returns/2024-25-Q1/"))
    "unknown status": (
        SLT,
        lambda b: fill(b["Updates"], {"status": "Nearly done"}),
        f"{SLT}: Updates!M3: unknown status 'Nearly done'; use one of Complete, In progress, "
        "Not started, On hold, Behind schedule, or leave it blank",
    ),
    "date outside the quarter": (
        CABINET,
        lambda b: fill(b["Updates"], {"status": "In progress", "updated_on": dt.datetime(2024, 7, 5)}),
        f"{CABINET}: Updates!O3: date of update 2024-07-05 is outside 2024/25 Q1 (2024-04-01 to 2024-06-30)",
    ),
    "revised target without a reason": (
        "Corporate-Director-Finance-and-Commercial--Dorset-Council--2024-25-Q1.xlsx",
        lambda b: fill(b["Updates"], {"comment": "Slipping.", "revised_target": "March 2025"}),
        "Corporate-Director-Finance-and-Commercial--Dorset-Council--2024-25-Q1.xlsx: Updates!Q3: a revised target "
        "date needs a reason for the revision",
    ),
    "revised target not a date": (
        "Childrens-Services--Dorset-Council--2024-25-Q1.xlsx",
        lambda b: fill(b["Updates"], {"revised_target": "when the budget allows", "revision_reason": "Funding"}),
        "Childrens-Services--Dorset-Council--2024-25-Q1.xlsx: Updates!P3: revised target 'when the budget allows' "
        "is not a date",
    ),
    "locked cell changed": (
        "Budget-Holders--Dorset-Council--2024-25-Q1.xlsx",
        lambda b: fill(b["Updates"], {"recommendation": "Something easier.", "status": "Complete"}),
        "Budget-Holders--Dorset-Council--2024-25-Q1.xlsx: Updates!D3: a locked cell was changed "
        "(Recommendation (peers' wording): now 'Something easier.')",
    ),
    "not an open action of that lead": (
        "Executive-Director-Place--Dorset-Council--2024-25-Q1.xlsx",
        lambda b: (
            fill(b["Updates"], {"status": "In progress"}),
            b["About"].__setitem__("B5", "All managers"),
        ),  # a form passed to the wrong person
        "Executive-Director-Place--Dorset-Council--2024-25-Q1.xlsx: Updates!C3: 2021-finance action 37 is not an "
        "open action of All managers at Dorset Council on 30 June 2024",
    ),
    "row added": (
        "Head-of-Human-Resources--Dorset-Council--2024-25-Q1.xlsx",
        lambda b: (b["Updates"].__setitem__("A4", "2022-progress"), fill(b["Updates"], {"status": "Complete"}, 4)),
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
    fill(good["Updates"], {"status": "Complete", "comment": "Done."})
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


def test_a_changed_return_is_a_conflict_unless_replace(space: Path):
    book = form(space, CABINET)
    fill(book["Updates"], {"status": "In progress", "comment": "Timetable agreed."})
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
    errors = collect_errors(capsys)
    assert len(errors) == len(NOT_FORMS), errors
    for _, message in NOT_FORMS.values():
        assert sum(f"returns/{SLUG}/{message}" in line for line in errors) == 1, "\n".join([message, *errors])
    assert not any(word in line for line in errors for word in ("Error", "zip", "Exception", "Traceback"))


def test_replace_comes_from_the_environment_with_from_env(space: Path, capsys, monkeypatch):
    from helpers.cycle import collect

    book = form(space, CABINET)
    fill(book["Updates"], {"status": "In progress", "comment": "Timetable agreed."})
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


@pytest.fixture
def root(made: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """This test's own copy of data/ and reports/ (forms made): `space`, by the name the returns tests use."""
    return own_copy(made, tmp_path, monkeypatch)


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


def test_collecting_before_the_quarter_ends_says_so_in_one_line(capsys):
    from helpers.base import quarters
    from helpers.cycle.collect import say_not_ended

    # 2026/27 Q3 runs October-December 2026: on 7 December it has not ended, on 1 January 2027 it has.
    say_not_ended(quarters.parse_quarter("2026/27 Q3"), dt.date(2026, 12, 7))
    lines = capsys.readouterr().err.strip().splitlines()
    assert lines == [
        "note: 2026/27 Q3 has not ended (it ends on 31 December 2026): these returns are the progress known today; "
        "collect again after it ends to take later ones"
    ]
    say_not_ended(quarters.parse_quarter("2026/27 Q3"), dt.date(2027, 1, 1))
    assert capsys.readouterr().err == ""
