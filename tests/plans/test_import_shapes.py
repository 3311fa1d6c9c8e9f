"""Hand-made plans in the shapes councils publish, imported; each expected table worked out by hand.

Merged recommendation cells over several actions, bullet lists in a cell, blank, totals and notes rows, a
second table that is not the plan, several plan-like tables (TABLE=n), an unmatched heading mapped in the
review's metadata, and a table running over pages with its heading repeated and a row split by a break.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from conftest import error
from helpers.plans.import_plan import import_plan
from helpers.plans.importing.cells import Cell, Row, Table
from helpers.plans.importing.shape import shape

REVIEW = "2025-shapes"


def transcription(data: Path, review: str = REVIEW) -> list[dict[str, str]]:
    """The transcription the import wrote."""
    with (data / "transcriptions" / f"{review}.csv").open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def pick(rows: list[dict[str, str]], *keys: str) -> list[tuple[str, ...]]:
    """The named columns of each row."""
    return [tuple(r[k] for k in keys) for r in rows]


def merged_plan(path: Path) -> Path:
    """A Word plan: a meetings table first (not the plan), then the plan with R2 merged over three actions,
    a bullet list in a cell, a blank row and a totals row."""
    import docx

    document = docx.Document()
    document.add_paragraph("Wessex Vale District Council, Cabinet 4 March 2024")
    meetings = document.add_table(rows=2, cols=2)
    for cell, text in zip(
        meetings.rows[0].cells + meetings.rows[1].cells, ["Meeting", "Date", "Cabinet", "4 March 2024"], strict=True
    ):
        cell.text = text
    plan = document.add_table(rows=7, cols=6)
    rows = [
        ["Ref", "Recommendation", "Action", "Owner", "By when", "RAG"],
        ["R1", "Agree priorities", "Draft a council plan", "Chief Executive", "Oct 24", ""],
        ["R2", "Strengthen budget monitoring", "Monthly reports", "Head of Finance", "Dec 2024", ""],
        ["", "", "Train budget holders:", "Head of HR", "March 2025", ""],
        ["", "", "Publish figures", "Head of Finance", "June 2025", ""],
        ["", "", "", "", "", ""],
        ["Total: 4 actions", "", "", "", "", ""],
    ]
    for tr, texts in zip(plan.rows, rows, strict=True):
        for cell, text in zip(tr.cells, texts, strict=True):
            cell.text = text
    cell = plan.rows[3].cells[2]
    for item in ("managers", "members"):
        cell.add_paragraph(item, style="List Bullet")
    for col in (0, 1):
        plan.cell(2, col).merge(plan.cell(4, col))
    plan.rows[6].cells[0].merge(plan.rows[6].cells[5])
    document.save(str(path))
    return path


def test_a_merged_recommendation_gives_each_of_its_actions_and_a_totals_row_is_set_aside(data_copy, tmp_path):
    screen = import_plan(merged_plan(tmp_path / "Plan.docx"), REVIEW, None)
    rows = transcription(data_copy)
    assert pick(rows, "rec_ref", "recommendation", "action", "lead", "target") == [
        ("R1", "Agree priorities", "Draft a council plan", "Chief Executive", "Oct 24"),
        ("R2", "Strengthen budget monitoring", "Monthly reports", "Head of Finance", "Dec 2024"),
        ("R2", "", "Train budget holders:\nmanagers\nmembers", "Head of HR", "March 2025"),
        ("R2", "", "Publish figures", "Head of Finance", "June 2025"),
    ]
    assert "found 2 recommendations, 4 actions" in screen
    assert "'Total: 4 actions' (a totals or notes row)" in screen
    assert "1 blank rows" in screen
    assert "other tables, not read: table 1" in screen  # the meetings table
    assert "RAG" in screen and "-> status" in screen and "By when" in screen and "-> target" in screen
    assert pick(rows, "source") == [("table 2, row 2",), ("table 2, row 3",), ("table 2, row 4",), ("table 2, row 5",)]


def test_the_draft_metadata_says_what_the_document_states_and_leaves_the_rest_unknown(data_copy, tmp_path):
    import yaml

    import_plan(merged_plan(tmp_path / "Plan.docx"), REVIEW, None)
    text = (data_copy / "reviews" / f"{REVIEW}.yaml").read_text(encoding="utf-8")
    meta = yaml.safe_load(text)
    assert meta["council"] == "Wessex Vale District Council"
    assert meta["action_plan"] == {"approved_on": "unknown", "approved_by": "unknown"}
    assert meta["recommendations_expected"] == "unknown"
    # What the analyst should check is a comment above the value it is about, never a note: notes are printed
    # in the committee paper (recommendations_note in its summary), so the draft writes none.
    lines = text.splitlines()
    above = {lines[n + 1].split(":")[0]: line for n, line in enumerate(lines[:-1]) if line.startswith("# check: ")}
    assert "Cabinet" in above["action_plan"] and "4 March 2024" in above["action_plan"]
    assert "2 recommendations" in above["recommendations_expected"] and "feedback report" in above["visit"]
    assert not [k for k in meta if k.endswith("note")] and "note" not in meta["visit"]
    assert "draft" not in meta["title"] and "give" not in meta["title"]  # the title heads the paper's columns
    assert meta["transcription"] == {"file": f"transcriptions/{REVIEW}.csv", "document": "plan.docx", "imported": True}
    manifest = (data_copy / "raw" / "manifest.csv").read_text(encoding="utf-8")
    assert f"plan.docx,Plan.docx,{REVIEW},source," in manifest
    with (data_copy / "transcriptions" / f"{REVIEW}.provenance.csv").open(encoding="utf-8") as f:
        cells = list(csv.DictReader(f))
    # Row 4 of the transcription (R2's third action, "Publish figures") is row 5, cell 3 of table 2.
    assert {"csv_row": "5", "field": "action", "table": "2", "row": "5", "cell": "3"}.items() <= next(
        c for c in cells if c["csv_row"] == "5" and c["field"] == "action"
    ).items()


def two_plans(path: Path) -> Path:
    """A Word document with two plan-like tables."""
    import docx

    document = docx.Document()
    for n in (1, 2):
        table = document.add_table(rows=2, cols=3)
        for cell, text in zip(
            table.rows[0].cells + table.rows[1].cells,
            ["Recommendation", "Action", "Lead", f"Rec {n}", f"Act {n}", "Chief Executive"],
            strict=True,
        ):
            cell.text = text
    document.save(str(path))
    return path


def test_several_plan_like_tables_are_listed_and_table_n_takes_one(data_copy, tmp_path):
    path = two_plans(tmp_path / "two.docx")
    err = error(import_plan, path, REVIEW, None)
    assert "2 tables look like action plans, choose one with TABLE=n: 1: table 1" in err.message
    assert "2: table 2" in err.message
    assert not (data_copy / "transcriptions" / f"{REVIEW}.csv").exists()  # nothing written
    import_plan(path, REVIEW, 2)
    assert pick(transcription(data_copy), "rec_ref", "recommendation", "action") == [("", "Rec 2", "Act 2")]
    assert "TABLE=3" in error(import_plan, path, REVIEW, 3).message


WEB_PLAN = """<html><body><h2>Housing peer review: our action plan</h2>
<table><tr><th>Ref</th><th>Recommendation</th><th>Action</th><th>Sponsor</th><th>Timescale</th></tr>
<tr><td rowspan="2">1</td><td rowspan="2">Publish a housing strategy</td>
<td>Consult tenants:<ul><li>survey</li><li>meetings</li></ul></td><td>Head of Housing</td><td>Oct 24</td></tr>
<tr><td>Adopt the strategy</td><td>Head of Housing</td><td>March 2025</td></tr>
<tr><td colspan="5">Note: timescales agreed at Cabinet.</td></tr>
</table></body></html>"""


def test_an_unmatched_heading_is_listed_then_mapped_by_a_line_in_the_metadata(data_copy, tmp_path):
    page = tmp_path / "plan.html"
    page.write_text(WEB_PLAN, encoding="utf-8")
    screen = import_plan(page, REVIEW, None)
    assert "unmatched: Sponsor" in screen
    assert "(under 'Sponsor'): 'Head of Housing'" in screen
    assert "'Note: timescales agreed at Cabinet.' (a totals or notes row)" in screen
    assert pick(transcription(data_copy), "rec_ref", "recommendation", "action", "lead", "target") == [
        ("1", "Publish a housing strategy", "Consult tenants:\nsurvey\nmeetings", "", "Oct 24"),
        ("1", "", "Adopt the strategy", "", "March 2025"),
    ]
    meta = data_copy / "reviews" / f"{REVIEW}.yaml"
    meta.write_text(meta.read_text(encoding="utf-8") + 'import_columns: {"Sponsor": lead}\n', encoding="utf-8")
    screen = import_plan(page, REVIEW, None)
    assert "already filed" in screen and "unmatched" not in screen
    assert pick(transcription(data_copy), "lead") == [("Head of Housing",), ("Head of Housing",)]
    assert 'import_columns: {"Sponsor": lead}' in meta.read_text(encoding="utf-8")  # the analyst's line kept


def test_a_workbook_plan_without_references_numbers_none_and_names_sheet_and_cell(data_copy, tmp_path):
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Tracker"
    for row in (
        ["Peer review action tracker"],
        ["Recommendation", "Action", "Lead officer", "Deadline", "Progress"],
        ["Refresh the workforce plan", "Survey staff", "Head of HR", None, "Survey sent"],
        [None, "Agree the plan", "Head of HR", None, None],
        [None, None, None, None, None],
        ["Review scrutiny", "Hold a workshop", "Monitoring Officer", None, None],
    ):
        sheet.append(row)
    sheet["D3"] = __import__("datetime").date(2024, 10, 31)
    sheet.merge_cells("A3:A4")
    book.save(str(tmp_path / "tracker.xlsx"))
    import_plan(tmp_path / "tracker.xlsx", REVIEW, None)
    rows = transcription(data_copy)
    assert pick(rows, "rec_ref", "recommendation", "action", "target", "progress", "source") == [
        ("", "Refresh the workforce plan", "Survey staff", "31 October 2024", "Survey sent", "sheet Tracker, row 3"),
        ("", "", "Agree the plan", "", "", "sheet Tracker, row 4"),
        ("", "Review scrutiny", "Hold a workshop", "", "", "sheet Tracker, row 6"),
    ]
    with (data_copy / "transcriptions" / f"{REVIEW}.provenance.csv").open(encoding="utf-8") as f:
        cells = [(c["csv_row"], c["field"], c["sheet"], c["address"]) for c in csv.DictReader(f)]
    assert ("2", "target", "Tracker", "D3") in cells and ("4", "action", "Tracker", "B6") in cells


def page_rows(pages: list[tuple[int, list[str | None]]]) -> Table:
    """A PDF-like table from (page, cells) rows (None: a covered cell)."""
    rows = [
        Row([Cell("", True) if t is None else Cell(t) for t in cells], table=1, row=n, page=page)
        for n, (page, cells) in enumerate(pages, start=1)
    ]
    return Table(1, rows, "table 1, p. 1-2")


HEAD = ["Ref", "Recommendation", "Response", "Timescale", "Lead"]
FIELDS = ["rec_ref", "recommendation", "response", "target", "lead"]


@pytest.mark.parametrize(
    "page_two",
    [
        # The split row's rest first, under the repeated heading; then a section heading and the next row.
        [HEAD, [None, None, "agreed by Cabinet.", None, None], ["Governance", None, None, None, None]],
        # The heading is not repeated; the rest of the recommendation runs on too.
        [[None, "and partners.", "agreed by Cabinet.", None, None], ["Governance", None, None, None, None]],
    ],
)
def test_a_table_over_pages_drops_its_repeated_heading_and_joins_a_row_split_by_the_break(page_two):
    table = page_rows(
        [(1, HEAD), (1, ["1.", "Share the plan with staff", "A plan will be", "Oct 24", "Chief Executive"])]
        + [(2, cells) for cells in page_two]
        + [(2, ["2.", "Review the constitution", "Agreed.", "March 2025", "Monitoring Officer"])]
    )
    shaped = shape(table, 0, FIELDS, ["total", "note"])
    runs_on = page_two[0] != HEAD  # the second layout's split row carries the recommendation's last words
    recommendation = "Share the plan with staff" + (" and partners." if runs_on else "")
    assert [(a.cells.get("recommendation"), a.cells.get("response"), a.section) for a in shaped.actions] == [
        (recommendation, "A plan will be agreed by Cabinet.", ""),  # a wrapped line joined as the text it was
        ("Review the constitution", "Agreed.", "Governance"),
    ]
    assert len(shaped.joined) == 1 and shaped.joined[0].startswith("p. 2 row")
    assert shaped.dropped.get("repeated headers", 0) == (1 if page_two[0] == HEAD else 0)


def test_a_further_action_at_the_top_of_a_page_is_not_joined_to_the_row_before():
    # A full row (its own response, target and lead) under a merged recommendation: a further action.
    table = page_rows(
        [
            (1, HEAD),
            (1, ["1.", "Share the plan", "Brief staff", "Oct 24", "Chief Executive"]),
            (2, [None, None, "Brief members", "Dec 24", "Monitoring Officer"]),
        ]
    )
    shaped = shape(table, 0, FIELDS, [])
    assert [(a.cells["rec_ref"], a.cells["response"], a.continues) for a in shaped.actions] == [
        ("1.", "Brief staff", False),
        ("1.", "Brief members", True),
    ]
    assert shaped.joined == []


def test_an_action_holds_only_text_read_under_a_field_s_heading():
    # A blank Action cell gives the action no text (not an empty one), and text under an unmatched heading is no
    # field's: it is listed as not placed, and the provenance names only the cells read.
    header = Row([Cell("Ref"), Cell("Recommendation"), Cell("Action"), Cell("Notes")], 1, 1)
    row = Row([Cell("R1"), Cell("Improve the budget"), Cell(""), Cell("stray")], 1, 2)
    shaped = shape(Table(1, [header, row], "table 1"), 0, ["rec_ref", "recommendation", "action", None], [])
    [action] = shaped.actions
    assert action.cells == {"rec_ref": "R1", "recommendation": "Improve the budget"}
    assert set(action.where) == {"rec_ref", "recommendation"}
    assert shaped.not_placed == [f"{row.where(3)} (under 'Notes'): 'stray'"]
