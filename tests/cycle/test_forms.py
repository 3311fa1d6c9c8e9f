"""The forms command (helpers.cycle.forms, `make forms`): the quarter's forms on the real data, the folder replaced
whole, the chase-list refresh, and what the command says. Written against the survivors of `make mutants`
(MODULES=forms).
"""

from __future__ import annotations

import csv
import datetime as dt
import re
import shutil
import stat
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from real_forms import QUARTER, SLT, SLUG, L, form, forms_made, row_of

from conftest import PROJECT
from helpers.base import quarters
from helpers.base.errors import InputError
from helpers.cycle import chase_list, forms
from helpers.cycle.form_layout import FIRST_ROW, HEADER_ROW, HEADERS


@pytest.fixture(scope="module")
def made(tmp_path_factory) -> Path:
    """data/ (with processed tables) and reports/ holding the 2024/25 Q1 forms (made by `forms --from-env`)."""
    return forms_made(tmp_path_factory, "--from-env")


def test_one_form_per_lead_with_open_actions(made: Path, monkeypatch: pytest.MonkeyPatch):
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
    assert chase_list.due_from_forms(folder) == dt.date(2024, 7, 19)


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


def test_the_command_says_its_name_and_what_each_option_does(capsys):
    with pytest.raises(SystemExit) as done:
        forms.main(["--help"])
    assert done.value.code == 0
    shown = " ".join(capsys.readouterr().out.split())
    assert shown.startswith("usage: python -m helpers.cycle.forms")
    assert "only refresh the chase list (which leads have returned) next to existing forms" in shown
