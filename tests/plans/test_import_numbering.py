"""A plan with no reference column whose recommendation (and action) cells start with their numbers: the numbers
become the references and leave the text. Each expected table is worked out by hand from the documents here."""

from __future__ import annotations

import csv
from pathlib import Path
from types import SimpleNamespace

import pytest

from helpers.plans.import_plan import import_plan
from helpers.plans.importing.numbering import label
from helpers.plans.transcriptions import read_transcription

REVIEW = "2025-made-up-cpc"


def numbered_plan(path: Path, recommendations: list[str], actions: list[str]) -> Path:
    """A Word plan with no Ref column: four actions, the second recommendation's cell merged over two of them."""
    import docx

    document = docx.Document()
    document.add_paragraph("Made-up Borough Council: corporate peer challenge action plan")
    table = document.add_table(rows=5, cols=4)
    leads = ["Chief Executive", "Director of Finance", "Head of HR", "Monitoring Officer"]
    targets = ["June 2024", "September 2024", "March 2025", "December 2024"]
    texts = [["Recommendation", "Action", "Lead officer", "Target date"]]
    texts += [[r, a, lead, t] for r, a, lead, t in zip(recommendations, actions, leads, targets, strict=True)]
    for tr, row in zip(table.rows, texts, strict=True):
        for cell, text in zip(tr.cells, row, strict=True):
            for n, line in enumerate(text.split("\n")):
                (cell.paragraphs[0] if n == 0 else cell.add_paragraph()).add_run(line)
    table.cell(2, 0).merge(table.cell(3, 0))
    document.save(str(path))
    return path


RECOMMENDATIONS = [
    "1. Develop a shared vision for the place",
    "2) Strengthen financial planning",
    "",  # covered by the merged cell above
    "Recommendation 3: Improve scrutiny\nwith more members taking part",
]
ACTIONS = ["1.1 Hold a members' workshop", "2.1 Publish a medium-term plan", "2.2 Train budget holders", "3.1 Review"]


def transcription(data: Path) -> list[dict[str, str]]:
    """The transcription the import wrote."""
    with (data / "transcriptions" / f"{REVIEW}.csv").open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def test_numbers_at_the_start_of_every_cell_become_the_references(data_copy, tmp_path):
    screen = import_plan(numbered_plan(tmp_path / "plan.docx", RECOMMENDATIONS, ACTIONS), REVIEW, None)
    rows = transcription(data_copy)
    assert [(r["rec_ref"], r["recommendation"], r["action_ref"], r["action"]) for r in rows] == [
        ("1", "Develop a shared vision for the place", "1.1", "Hold a members' workshop"),
        ("2", "Strengthen financial planning", "2.1", "Publish a medium-term plan"),
        ("2", "", "2.2", "Train budget holders"),
        ("3", "Improve scrutiny\nwith more members taking part", "3.1", "Review"),
    ]
    assert "recommendation numbers taken from the start of the recommendation cells: 1, 2, 3" in screen
    assert "action numbers taken from the start of the action cells: 1.1, 2.1, 2.2, 3.1" in screen
    # Extraction reads them as the plan's own numbers, not ours.
    review = SimpleNamespace(
        transcription=SimpleNamespace(file=f"transcriptions/{REVIEW}.csv", imported=True, document="plan.docx")
    )
    read = read_transcription(review)
    assert [(r.rec_ref, r.ref_generated, r.action_ref, r.action_ref_generated) for r in read] == [
        ("1", False, "1.1", False),
        ("2", False, "2.1", False),
        ("2", False, "2.2", False),
        ("3", False, "3.1", False),
    ]
    with (data_copy / "transcriptions" / f"{REVIEW}.provenance.csv").open(encoding="utf-8") as f:
        cells = [(c["csv_row"], c["field"], c["row"], c["cell"]) for c in csv.DictReader(f)]
    assert ("2", "rec_ref", "2", "1") in cells and ("4", "action_ref", "4", "2") in cells


@pytest.mark.parametrize(
    ("recommendations", "actions", "refs", "action_refs"),
    [
        # One recommendation without a number: no recommendation numbers taken; the actions' still are.
        (["1. Develop", "Strengthen", "", "3. Improve"], ACTIONS, ["", "", "", ""], ["1.1", "2.1", "2.2", "3.1"]),
        # The same number twice: not references.
        (["1. Develop", "2. Strengthen", "", "2. Improve"], ACTIONS, ["", "", "", ""], ["1.1", "2.1", "2.2", "3.1"]),
        # A numbered list inside the third cell: not a numbered recommendation.
        (
            ["1. Develop", "2. Strengthen", "", "3. Improve:\n4. more"],
            ACTIONS,
            ["", "", "", ""],
            ["1.1", "2.1", "2.2", "3.1"],
        ),
        # One action without a number: the actions keep their text whole.
        (RECOMMENDATIONS, [*ACTIONS[:3], "Review"], ["1", "2", "2", "3"], ["", "", "", ""]),
    ],
)
def test_numbers_are_taken_only_where_every_cell_has_its_own(
    data_copy, tmp_path, recommendations, actions, refs, action_refs
):
    import_plan(numbered_plan(tmp_path / "plan.docx", recommendations, actions), REVIEW, None)
    rows = transcription(data_copy)
    assert [r["rec_ref"] for r in rows] == refs
    assert [r["action_ref"] for r in rows] == action_refs
    if not refs[0]:
        assert rows[0]["recommendation"] == recommendations[0]  # the text kept as written, its number with it
    if not action_refs[0]:
        assert rows[0]["action"] == actions[0]


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("1. Develop a vision", ("1", "Develop a vision")),
        ("1) Develop", ("1", "Develop")),
        ("12: Develop", ("12", "Develop")),
        ("R1 Develop", ("R1", "Develop")),
        ("R 2. Develop", ("R2", "Develop")),
        ("Recommendation 1: Develop", ("1", "Develop")),
        ("Rec 4 \u2013 Develop", ("4", "Develop")),
        ("1.1 Develop", ("1.1", "Develop")),
        ("1.1. Develop\nand agree", ("1.1", "Develop\nand agree")),
        ("Develop a vision", None),
        ("100 days of action", None),  # a bare number needs its full stop or bracket
        ("2024/25 budget", None),
        ("1.", None),  # a number alone, no text
        ("1. Agree:\n2. Publish", None),  # a numbered list in the cell
    ],
)
def test_a_label_is_read_from_the_start_of_a_cell(cell, expected):
    assert label(cell) == expected
