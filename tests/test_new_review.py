"""Adding a review is adding a text file and a metadata file: no code change."""
from __future__ import annotations

from pathlib import Path

from helpers.extract import extract

# A made-up planning peer challenge, laid out like the 2021 action plan
# (section rows, a row wrapped over a page break, <p> tags, a cross-reference).
TEXT = """Made-up council report

Planning Peer Challenge Action Plan

No\tRecommendation\tAction\tLead\tBy when
Speed and quality\t\t\t\t
1.\tSpeed up the validation of planning applications.\t<p>New validation checklist.</p>\tSLT\tMarch 2024
2.\tPublish monthly performance figures\tSee 1.\tCabinet and SLT\tOngoing

\tfor planning applications.\t\t\t
Local plan\t\t\t\t
3.\tAgree a timetable for the local plan.\t\tCorporate Director for Economic Growth and Infrastructure\tSpring 2024

Background papers
"""

META = """id: 2024-planning
title: Planning peer challenge 2024 (made up for a test)
council: Dorset Council
kind: planning peer challenge
visit: {start: 2024-01-15, end: 2024-01-18}
action_plan: {approved_on: 2024-02-20, approved_by: Cabinet}
source_date: 2024-02-20
recommendations_expected: 3
documents:
  - file: 2024-planning-peer-challenge.txt
action_plan_table:
  file: 2024-planning-peer-challenge.txt
  header: "No\\tRecommendation\\tAction\\tLead\\tBy when"
  columns: [rec_no, recommendation, response, lead, target]
  sections: header_rows
"""


def test_a_new_review_needs_only_a_text_file_and_a_metadata_file(data_copy: Path):
    (data_copy / "raw" / "2024-planning-peer-challenge.txt").write_text(TEXT, encoding="utf-8")
    (data_copy / "reviews" / "2024-planning.yaml").write_text(META, encoding="utf-8")

    result = extract()

    recs = result.recommendations[result.recommendations.review_id == "2024-planning"].set_index("rec_no")
    assert list(recs.index) == [1, 2, 3]
    assert list(recs["section"]) == ["Speed and quality", "Speed and quality", "Local plan"]
    assert recs.loc[2, "recommendation"] == "Publish monthly performance figures for planning applications."
    assert recs.loc[2, "source_lines"] == "8-10"
    assert recs.loc[2, "follows"] == 1
    assert recs.loc[1, "response"] == "New validation checklist."
    assert recs.loc[2, "leads"] == "Cabinet; Senior Leadership Team (SLT)"
    assert str(recs.loc[3, "target_date"].date()) == "2024-05-31"
    note = result.reviews.set_index("review_id").loc["2024-planning", "transcribed_note"]
    assert note == "3 of 3 transcribed"
    assert set(result.reviews["review_id"]) == {"2019-cpc", "2021-finance", "2022-progress", "2024-planning"}
