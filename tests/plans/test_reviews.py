"""Adding a review is adding data files, for plans shaped as councils publish them: no code change.

Made-up plans of another council, each in a shape the Dorset documents do
not have:
- a tab table with Ref, Recommendation, Position, Accountable, Responsible,
  Timescale ("Oct 24", "Business as Usual") and Status columns, references like
  "R1", and a cross-reference written without the letter ("through 2, above");
- a plan published as a web page, transcribed by hand into a CSV with several
  actions under one recommendation and a row cut off in the source;
- a page that numbers no recommendations, lists its timescales apart from its
  actions, and is cut off, so how many recommendations there are is unknown.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd
import pytest

from conftest import edit_file, run_module
from helpers.base import quarters
from helpers.plans.extract import extract, write
from helpers.tracking import workspace
from made_up_reviews import COUNCIL, TAB_META, TAB_PLAN, WEB_META, add_both_reviews, add_housing_review, extract_refuses


@pytest.fixture
def added(data_copy: Path):
    add_both_reviews(data_copy)
    result = extract()
    write(result)
    return result


def test_a_tab_table_with_lead_roles_and_a_status_column_loads_from_data_files_only(added):
    actions = added.actions.set_index(["review_id", "action_ref"]).loc["2024-wessex-cpc"]
    assert list(actions.index) == ["R1", "R2", "R3", "R4", "R5"]
    assert actions.loc["R1", "target_date"] == pd.Timestamp("2024-10-31")  # "Oct 24"
    assert actions.loc["R2", "plan_status"] == "Complete"
    # "To be addressed through 2, above" in a plan numbered R1..R5 means R2, and says so; it has no target of its own.
    assert actions.loc["R3", "follows"] == "R2" and actions.loc["R3", "see_also"] == "R2"
    assert "cross-reference '2' read as R2" in actions.loc["R3", "correction"]
    assert "R1, R2, R3, R4, R5" in actions.loc["R3", "correction"]
    # "Business as Usual" is ongoing through the vocabulary, and the plan's words are kept.
    assert (actions.loc["R5", "target"], actions.loc["R5", "target_kind"]) == ("Business as Usual", "ongoing")
    assert not actions["ref_generated"].any()  # the plan gives its own references
    assert actions.loc["R4", "target_kind"] == "ongoing"  # "June 2020 onwards"
    assert actions.loc["R4", "target_start"] == pd.Timestamp("2020-06-30")
    leads = added.action_leads.query("review_id == '2024-wessex-cpc' and action_ref == 'R1'")
    assert dict(zip(leads["role"], leads["lead"], strict=False)) == {
        "accountable": "Chief Executive",
        "responsible": "Head of Policy",
    }
    review = added.reviews.set_index("review_id").loc["2024-wessex-cpc"]
    assert pd.isna(review["approved_on"]) and pd.isna(review["visit_start"])  # unknown, not guessed
    assert review["tracked_from"] == pd.Timestamp("2024-03-04")


def test_a_transcribed_plan_keeps_several_actions_under_one_recommendation(added):
    recs = added.recommendations.query("review_id == '2024-wessex-planning'")
    actions = added.actions.query("review_id == '2024-wessex-planning'").set_index("action_ref")
    assert list(recs["rec_ref"]) == ["1", "2", "3"]  # counted once each, not once per action
    assert list(actions.index) == ["1.1", "1.2", "2", "3"]
    assert set(actions.loc[["1.1", "1.2"], "rec_ref"]) == {"1"}
    assert actions.loc["2", "target_date"] == pd.Timestamp("2025-03-31")  # "by end of March 2025"
    assert actions.loc["3", "source_incomplete"] == "the action text is cut off in the published page"
    assert actions.loc["1.2", "source_file"] == "2024-06-wessex-vale-planning-response.txt"
    assert actions.loc["1.2", "source_lines"] == "lines 2-3"
    note = added.reviews.set_index("review_id").loc["2024-wessex-planning", "transcribed_note"]
    assert note == "3 of 3 recommendations transcribed (4 actions)"


def test_statuses_and_workload_of_the_new_reviews(added):
    ws = workspace.load_workspace(["2024-wessex-cpc", "2024-wessex-planning"])
    status = ws.status(quarters.parse_quarter("2024/25 Q3")).set_index("action_ref")["status"]
    assert status["R2"] == "complete"  # the plan's own status column
    assert status["R3"] == "complete"  # follows R2
    assert status["R1"] == "not-reported"  # Oct 24 passed; "In progress" was said at the plan date only
    assert status["3"] == "incomplete-source"  # never "no action recorded"
    assert status["1.2"] == "not-yet-due"  # Dec 2024 = 31 December 2024, the quarter's last day: due, not passed
    assert status["2"] == "not-yet-due"  # 31 March 2025
    # Workload counts the responsible lead only, where a plan gives both roles.
    workload = ws.workload(quarters.parse_quarter("2024/25 Q3"))
    assert "Chief Executive" not in workload.index  # accountable only
    assert workload.loc["Head of Planning", "total"] == 2


def test_leads_with_the_same_title_at_two_councils_are_two_leads(data_copy):
    add_both_reviews(data_copy)
    extra = TAB_META.replace("Head of Policy", "Chief Executive")
    (data_copy / "reviews" / "2024-wessex-cpc.yaml").write_text(extra, encoding="utf-8")
    text = TAB_PLAN.replace("\tChief Executive\tHead of Policy\t", "\tChief Executive\tChief Executive\t")
    (data_copy / "raw" / "2024-03-04-wessex-vale-cpc-action-plan.txt").write_text(text, encoding="utf-8")
    manifest = data_copy / "raw" / "manifest.csv"
    manifest.write_text(
        manifest.read_text(encoding="utf-8").replace(
            hashlib.sha256(TAB_PLAN.encode()).hexdigest(), hashlib.sha256(text.encode()).hexdigest()
        ),
        encoding="utf-8",
    )
    write(extract())
    ws = workspace.load_workspace()
    table = ws.workload(quarters.parse_quarter("2024/25 Q3"))
    assert f"Chief Executive ({COUNCIL})" in table.index
    assert "Chief Executive (Dorset Council)" in table.index


def test_a_plan_that_is_not_a_tab_table_is_told_to_use_a_transcription(data_copy):
    add_both_reviews(data_copy)
    meta = WEB_META.replace(
        """transcription:
  file: transcriptions/2024-wessex-planning.csv
  document: 2024-06-wessex-vale-planning-response.txt""",
        """action_plan_table:
  file: 2024-06-wessex-vale-planning-response.txt
  header: "Ref\\tRecommendation"
  columns: [rec_ref, recommendation]""",
    )
    (data_copy / "reviews" / "2024-wessex-planning.yaml").write_text(meta, encoding="utf-8")
    result = run_module("helpers.plans.extract", data=data_copy)
    assert result.returncode == 1
    assert "no tab characters" in result.stderr and "use a transcription" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_a_transcription_row_without_a_source_names_the_csv_row(data_copy):
    add_both_reviews(data_copy)
    path = data_copy / "transcriptions" / "2024-wessex-planning.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(",lines 4-5,", ",,"), encoding="utf-8")
    result = run_module("helpers.plans.extract", data=data_copy)
    assert result.returncode == 1
    assert "2024-wessex-planning.csv:4: source '' should cite the document" in result.stderr


def test_a_plan_counted_from_this_quarter_is_new_not_a_change(added):
    # The Wessex Vale plan counts from 4 March 2024 (2023/24 Q4). R2 is complete in the plan itself: it did not
    # become complete since 2023/24 Q3, when the plan was not yet tracked, so it is not "newly complete".
    from helpers.tracking.changes import changes_since

    ws = workspace.load_workspace(["2024-wessex-cpc"])
    q = quarters.parse_quarter("2023/24 Q4")
    changes = changes_since(ws.status(q - 1), ws.status(q), ws.updates, q)
    assert changes["newly complete"].empty and changes["newly past target"].empty


# --- Plans as published: unnumbered recommendations, an unknown count, cross-references, action tables --------


@pytest.fixture
def housing(data_copy: Path):
    add_both_reviews(data_copy)
    add_housing_review(data_copy)
    result = extract()
    write(result)
    return result


def test_unnumbered_recommendations_get_references_in_document_order_marked_as_generated(housing):
    recs = housing.recommendations.query("review_id == '2024-wessex-housing'")
    actions = housing.actions.query("review_id == '2024-wessex-housing'").set_index("action_ref")
    # Three recommendations on the page, in this order; the second has two actions.
    assert list(recs["rec_ref"]) == ["1", "2", "3"] and recs["ref_generated"].all()
    assert list(recs["recommendation"]) == [
        "Publish a housing delivery plan.",
        "Bring empty homes back into use.",
        "Improve the housing register.",
    ]
    assert list(actions.index) == ["1", "2.1", "2.2", "3"] and actions["ref_generated"].all()
    assert list(actions["rec_ref"]) == ["1", "2", "2", "3"]
    # Timescales listed apart from the actions, each put on its action's row (data/README.md).
    assert actions.loc["2.1", "target_date"] == pd.Timestamp("2024-09-30")  # "Sept 2024"
    assert actions.loc["2.2", "target_kind"] == "ongoing"  # "Business as Usual"
    assert actions.loc["3", "target_date"] == pd.Timestamp("2024-12-31")  # Q3 2024/25
    # Where the plan does number them, nothing is marked.
    assert not housing.recommendations.query("review_id == '2024-wessex-planning'")["ref_generated"].any()


def test_an_unknown_number_of_recommendations_is_never_reported_as_n_of_n(housing):
    import re

    from helpers.committee import summary

    review = housing.reviews.set_index("review_id").loc["2024-wessex-housing"]
    assert pd.isna(review["recommendations_expected"]) and review["approved_by"] == "unknown"
    note = review["transcribed_note"]
    assert not re.search(r"\d+ of \d+", note)
    assert note.startswith("3 recommendations transcribed; how many the review made is not known (4 actions)")
    assert "cut off during a fourth recommendation" in note
    ws = workspace.load_workspace(["2024-wessex-housing"])
    quarter = quarters.parse_quarter("2024/25 Q2")
    counts = ws.counts(quarter)
    assert counts.loc["2024-wessex-housing", "not-transcribed"] == 0  # unknown: no gap is invented
    assert "not transcribed" not in summary.headline(counts, quarter)
    gaps = " ".join(summary.reporting_gaps(ws, ws.status(quarter), quarter))
    assert "do not say how many there are" in gaps and " of " not in note.split(";")[0]


def test_several_actions_of_one_recommendation_read_apart_in_every_action_table(housing):
    from helpers.committee import action_tables

    ws = workspace.load_workspace(["2024-wessex-planning", "2024-wessex-housing"])
    status = ws.status(quarters.parse_quarter("2024/25 Q3"))
    planning = action_tables.action_table(status.query("review_id == '2024-wessex-planning'"))
    first, second = planning.iloc[0], planning.iloc[1]
    assert (first["Ref"], second["Ref"]) == ("1.1", "1.2")
    assert first["Recommendation"] == "1: Speed up the determination of planning applications."
    assert second["Recommendation"] == "(recommendation 1, as above)"
    assert (first["Action"], second["Action"]) == ("New validation checklist", "Recruit two planning officers")
    housing_table = action_tables.action_table(status.query("review_id == '2024-wessex-housing'"), short=True)
    assert list(housing_table["Ref"]) == [f"{r} (our numbering)" for r in ("1", "2.1", "2.2", "3")]
    html = action_tables.grouped_actions(ws, status, "Every action", "None.").data
    assert "numbered in the order of the document, which numbers none" in html


def test_a_cross_reference_that_matches_no_recommendation_names_the_references_there_are(data_copy):
    add_both_reviews(data_copy)
    plan = data_copy / "raw" / "2024-03-04-wessex-vale-cpc-action-plan.txt"
    text = TAB_PLAN.replace("To be addressed through 2, above", "To be addressed through 7, above")
    plan.write_text(text, encoding="utf-8")
    manifest = data_copy / "raw" / "manifest.csv"
    manifest.write_text(
        manifest.read_text(encoding="utf-8").replace(
            hashlib.sha256(TAB_PLAN.encode()).hexdigest(), hashlib.sha256(text.encode()).hexdigest()
        ),
        encoding="utf-8",
    )
    result = run_module("helpers.plans.extract", data=data_copy)
    assert result.returncode == 1
    assert "2024-03-04-wessex-vale-cpc-action-plan.txt:7: action R3 refers to recommendation 7" in result.stderr
    assert "its references are R1, R2, R3, R4, R5" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


# --- Bad input: a review's metadata that does not hold together.
# Extraction stops with one plain line naming the file and line, and keeps the tables it made before
# (these cases were in tests/test_bad_input.py).

BAD_INPUT = {
    "impossible date in metadata": (
        lambda d: edit_file(d, "reviews/2021-finance.yaml", "start: 2021-06-21", "start: 2021-02-30"),
        "reviews/2021-finance.yaml:9",
        "'2021-02-30' is not a real date",
    ),
    "the same review under a second id": (
        lambda d: (d / "reviews/2021-finance-copy.yaml").write_text(
            (d / "reviews/2021-finance.yaml")
            .read_text(encoding="utf-8")
            .replace("id: 2021-finance", "id: 2021-finance-copy"),
            encoding="utf-8",
        ),
        "reviews/2021-finance",
        "reads the same action plan as review",
    ),
    # A status column declared on the 2021 plan's five-column header (Rec, Peer recommendation, Response,
    # Timeline, Lead): named both ways, never silently dropped.
    "declared column not in the header": (
        lambda d: edit_file(
            d,
            "reviews/2021-finance.yaml",
            "columns: [rec_no, recommendation, response, target, lead]",
            "columns: [rec_no, recommendation, response, target, lead, status]",
        ),
        "reviews/2021-finance.yaml:24",
        "declares 6 columns (rec_no, recommendation, response, target, lead, status) but the header has 5 cells "
        "(Rec | Peer recommendation | Response | Timeline | Lead): column(s) status are declared",
    ),
    "header cell without a declared column": (
        lambda d: edit_file(
            d,
            "reviews/2021-finance.yaml",
            "columns: [rec_no, recommendation, response, target, lead]",
            "columns: [rec_no, recommendation, response, target]",
        ),
        "reviews/2021-finance.yaml:24",
        "header cell(s) 'Lead' have no declared column",
    ),
    "header tabs in single quotes": (
        lambda d: edit_file(
            d,
            "reviews/2021-finance.yaml",
            'header: "Rec\\tPeer recommendation\\tResponse\\tTimeline\\tLead"',
            "header: 'Rec\\tPeer recommendation\\tResponse\\tTimeline\\tLead'",
        ),
        "reviews/2021-finance.yaml:23",
        "header has no tab characters: write each tab as \\t inside double quotes",
    ),
    "unknown count without a note": (
        lambda d: edit_file(
            d, "reviews/2022-progress.yaml", "recommendations_expected: 8", "recommendations_expected: unknown"
        ),
        "reviews/2022-progress.yaml:18",
        "recommendations_expected is unknown: say why in recommendations_note",
    ),
    "visit month without a note": (
        lambda d: edit_file(d, "reviews/2021-finance.yaml", "start: 2021-06-21", "start: 2021-06"),
        "reviews/2021-finance.yaml:9",
        "visit.start gives the month only: say why in visit.note",
    ),
}


@pytest.mark.parametrize("case", BAD_INPUT)
def test_bad_input_gives_one_line_error_and_keeps_previous_tables(data_copy: Path, case: str):
    extract_refuses(data_copy, *BAD_INPUT[case])
