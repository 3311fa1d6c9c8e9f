"""The form's Instructions sheet (helpers.cycle.form_instructions): what it says, line by line, and what each status
means. Made-up leads and actions.
"""

from __future__ import annotations

import shutil

import openpyxl
import pytest
from made_up_form import DUE, LEAD, ROWS, Q

from conftest import PROJECT
from helpers.cycle import form_instructions, form_workbook


@pytest.fixture
def book(tmp_path, monkeypatch) -> openpyxl.Workbook:
    monkeypatch.setenv("PEER_REVIEW_DATA", str(PROJECT / "data"))
    path = tmp_path / "form.xlsx"
    form_workbook.write_form(path, LEAD, Q, ROWS, DUE)
    return openpyxl.load_workbook(path)


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
        "mean the day your return is collected (at the latest 30 June 2024). Write the month as a word (30 June 2024)"
        in lines[7]
    )
    assert lines.index("What each status means") + 6 == lines.index("How to return this form")
    assert lines.index("What the committee decided") + 2 == lines.index("What each status means")
    # The made-up council has no settings of its own: the default rule, a lead's "Complete" closes the action.
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
    for meaning in ("the action is finished", "work has started and is on course for the current target"):
        text = text.replace(f"    meaning: {meaning}\n", "")
    vocabulary.write_text(text, encoding="utf-8")
    monkeypatch.setenv("PEER_REVIEW_DATA", str(data))
    meanings = form_instructions.status_meanings()
    assert meanings["Complete"] == "the action is finished; this closes it in the reports"
    assert meanings["In progress"] == "the action is still open"
    assert meanings["On hold"] == "work has been paused on purpose (say why in the comment)"


def test_the_instructions_tell_the_lead_what_to_fill_in(tmp_path, monkeypatch):
    monkeypatch.setenv("PEER_REVIEW_DATA", str(PROJECT / "data"))
    form = tmp_path / "form.xlsx"
    form_workbook.write_form(form, LEAD, Q, ROWS, DUE)
    sheet = openpyxl.load_workbook(form)["Instructions"]
    text = "\n".join(str(c.value) for row in sheet.iter_rows() for c in row if c.value)
    # What README ("The quarterly cycle") says a lead is asked to do, as the form says it to the lead.
    assert (
        'Use the sheet "Updates": one row per action. The grey columns are for reference and are locked. '
        "Fill in the yellow columns for each action you have news on:"
    ) in text.split("\n")
    assert "until then reports keep the current target and show your request." in text
    assert "Do not rename, add or remove sheets or columns, do not change the grey cells, and do not add rows" in text


def test_the_instructions_follow_the_councils_closure_rule(tmp_path, monkeypatch):
    """A council that closes actions only on evidence its committee agrees (decisions.close_on_evidence: true)
    tells its leads so; its "Complete" never reads as closing the action outright."""
    from helpers.tracking import council_settings
    from made_up_reviews import add_both_reviews

    data = tmp_path / "data"
    shutil.copytree(PROJECT / "data", data)
    add_both_reviews(data)  # the form's council, known to the review metadata
    with (data / "report.yaml").open("a", encoding="utf-8") as f:
        f.write(f"  {LEAD.council}:\n    decisions:\n      close_on_evidence: true\n")
    monkeypatch.setenv("PEER_REVIEW_DATA", str(data))
    council_settings._load.cache_clear()
    try:
        form_workbook.write_form(tmp_path / "form.xlsx", LEAD, Q, ROWS, DUE)
    finally:
        council_settings._load.cache_clear()
    lines = [c.value for c in openpyxl.load_workbook(tmp_path / "form.xlsx")["Instructions"]["A"]]
    complete = next(line for line in lines if line and line.startswith("Complete: "))
    assert complete == (
        "Complete: the action is finished; this asks the committee to agree the closure on your evidence (give it in "
        "the Evidence column); until it decides, the reports show the action as reported complete, awaiting its "
        "agreement, and a closure it refuses reopens the action."
    )
    assert "closes it in the reports" not in " ".join(str(line) for line in lines)
