"""The chase list (helpers.cycle.chase_list): whose return each file is, what has come back and what was collected
from it, and the forms folder's README.md, word for word.
"""

from __future__ import annotations

import csv
import datetime as dt
import html
import re
import shutil
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from made_up_form import DUE, LEAD, ROWS, Q
from real_forms import FINANCE_TEAM, QUARTER, SLUG, collect_errors, form, forms_made, own_copy, send_back

from conftest import PROJECT
from helpers.base import quarters
from helpers.cycle import chase_list, form_workbook, forms
from helpers.cycle.form_rows import Lead


@pytest.fixture(scope="module")
def made(tmp_path_factory) -> Path:
    """data/ (with processed tables) and reports/ holding the 2024/25 Q1 forms (made by `forms --from-env`)."""
    return forms_made(tmp_path_factory, "--from-env")


@pytest.fixture
def space(made: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """This test's own copy of data/ and reports/ (forms made), used by in-process helpers too."""
    return own_copy(made, tmp_path, monkeypatch)


def test_the_chase_list_counts_every_file_collect_names_as_a_return(space: Path, capsys: pytest.CaptureFixture):

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
    errors = collect_errors(capsys)
    assert len(errors) == 2 and "Cabinet--Dorset-Council--2024-25-Q1.ods" in errors[0]
    assert "notes from the meeting.docx: not an Excel workbook (.xlsx)" in errors[1]


def test_the_chase_readme_shows_hostile_names_as_text():
    import pandas as pd

    from helpers.cycle.chase_list import CHASE_COLUMNS, chase_readme

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


def test_the_chase_readme_word_for_word():
    chase = pd.DataFrame(
        [
            ["C", "A lead", 2, "A.xlsx", "yes", "A.xlsx", 2, ""],
            ["C", "B lead", 1, "B.xlsx", "yes", "b (1).ods", 0, "not .xlsx: collect cannot read it"],
            ["C", "D lead", 3, "D.xlsx", "no", "", 0, ""],
        ],
        columns=chase_list.CHASE_COLUMNS,
    )
    unled = pd.DataFrame({"review_id": ["r", "s"], "action_ref": ["1", "2"]})
    text = chase_list.chase_readme(Q, chase, unled, DUE, ["stray.docx", "x_y.pdf"])
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
    assert "file(s) in the returns folder" not in chase_list.chase_readme(Q, chase, unled.iloc[:0], DUE)
    assert "name no lead, so are in nobody's form" not in chase_list.chase_readme(Q, chase, unled.iloc[:0], DUE, [])


def test_markdown_cells_show_their_text():
    assert chase_list._md("a|b *c* _d_ `e` [f](g) ~h~ \\ <i> & j\nk") == (
        r"a\|b \*c\* \_d\_ \`e\` \[f\](g) \~h\~ \\ &lt;i&gt; & j k"
    )
    assert chase_list._md(3) == "3"
    # A lead's "&" reads as "&" in the file too; only an "&" that would start an entity is escaped.
    assert chase_list._md("Finance & Commercial") == "Finance & Commercial"
    assert chase_list._md("R&D &amp; &#38;") == r"R&D \&amp; \&#38;"


def test_markdown_cells_render_as_their_text():
    from markdown_it import MarkdownIt

    texts = ["Finance & Commercial", "a|b *c* _d_ `e` [f](g) ~h~ \\ <i> & j", "R&D &amp; &#38; &lt;"]
    table = "| x |\n|---|\n" + "".join(f"| {chase_list._md(text)} |\n" for text in texts)
    page = MarkdownIt("commonmark").enable("table").render(table)
    cells = re.findall(r"<td>(.*?)</td>", page)
    assert [html.unescape(cell) for cell in cells] == texts


@pytest.fixture
def bare(tmp_path, monkeypatch) -> Path:
    """A copy of data/ only: no forms made, no returns folder."""
    shutil.copytree(PROJECT / "data", tmp_path / "data")
    monkeypatch.setenv("PEER_REVIEW_DATA", str(tmp_path / "data"))
    monkeypatch.setenv("PEER_REVIEW_REPORTS", str(tmp_path / "reports"))
    return tmp_path


def test_the_return_by_date_of_existing_forms(tmp_path):
    assert chase_list.due_from_forms(tmp_path) is None
    (tmp_path / "a.xlsx").write_bytes(b"damaged")
    no_about = openpyxl.Workbook()
    no_about.save(tmp_path / "b.xlsx")
    bad_date = openpyxl.Workbook()
    about = bad_date.create_sheet("About")
    about["A6"], about["B6"] = "return_by", "soon"
    bad_date.save(tmp_path / "c.xlsx")
    assert chase_list.due_from_forms(tmp_path) is None
    good = openpyxl.Workbook()
    about = good.create_sheet("About")
    about["A6"], about["B6"] = "return_by", "2024-07-19"
    good.save(tmp_path / "d.xlsx")
    assert chase_list.due_from_forms(tmp_path) == dt.date(2024, 7, 19)


def test_whose_return_a_file_is(tmp_path, monkeypatch):
    monkeypatch.setenv("PEER_REVIEW_DATA", str(PROJECT / "data"))
    form = tmp_path / "form.xlsx"
    form_workbook.write_form(form, LEAD, Q, ROWS, DUE)
    assert chase_list.identify(form) == LEAD
    assert chase_list.identify(tmp_path / "form.ods") is None  # not opened: not a workbook name
    (tmp_path / "bad.xlsx").write_bytes(b"PK\x03\x04broken")
    assert chase_list.identify(tmp_path / "bad.xlsx") is None
    openpyxl.Workbook().save(tmp_path / "plain.xlsx")
    assert chase_list.identify(tmp_path / "plain.xlsx") is None
    book = openpyxl.load_workbook(form)
    book["About"]["B5"] = None
    book.save(tmp_path / "no-lead.xlsx")
    assert chase_list.identify(tmp_path / "no-lead.xlsx") is None
    book["About"]["B5"], book["About"]["B4"] = "Head of Policy", None
    book.save(tmp_path / "no-council.xlsx")
    assert chase_list.identify(tmp_path / "no-council.xlsx") is None
    # A form whose lead row is gone altogether (key and value) is no one's return either.
    book["About"]["B4"], book["About"]["A5"], book["About"]["B5"] = "Vale DC", None, None
    book.save(tmp_path / "no-lead-row.xlsx")
    assert chase_list.identify(tmp_path / "no-lead-row.xlsx") is None


def test_returned_files_and_rows_collected(bare):
    returns = bare / "data" / "updates" / "returns" / "2024-25-Q1"
    returns.mkdir(parents=True)
    form_workbook.write_form(returns / "one.xlsx", LEAD, Q, ROWS, DUE)
    form_workbook.write_form(returns / "two.xlsx", LEAD, Q, ROWS, DUE)  # the same lead twice: the first counts
    (returns / "note.ods").write_bytes(b"x")
    (returns / "folder").mkdir()
    back = chase_list.returned(Q)
    assert back == {"files": ["note.ods", "one.xlsx", "two.xlsx"], "leads": {LEAD: "one.xlsx"}}
    assert chase_list.returned(Q, {"note.ods": LEAD}) == {
        "files": ["note.ods", "one.xlsx", "two.xlsx"],
        "leads": {LEAD: "note.ods"},
    }
    log = bare / "data" / "updates" / "2024-25-Q1.csv"
    assert chase_list._collected_rows(Q).empty
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
    assert chase_list._collected_rows(Q).to_dict() == {"one.xlsx": 2, "two.xlsx": 1}
    chase = chase_list.chase_list(Q, {LEAD: ("Head-of-Policy.xlsx", ROWS)})
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
            "email": "",  # data/leads.csv gives this lead no address
        }
    ]
    other = Lead(LEAD.council, "Cabinet")
    by_name = chase_list.chase_list(Q, {other: ("NOTE.xlsx", ROWS), Lead("X", "Y"): ("Y.xlsx", ROWS)}, back)
    assert by_name[["return_file", "returned", "rows_collected", "note"]].values.tolist() == [
        ["note.ods", "yes", 0, "not .xlsx: collect cannot read it until it is saved as .xlsx"],
        ["", "no", 0, ""],
    ]


def test_no_returns_folder_means_nothing_returned(bare):
    assert chase_list.returned(Q) == {"files": [], "leads": {}}
    assert (bare / "data").is_dir()
