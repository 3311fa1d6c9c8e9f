"""Back-tests: the extracted table against the published documents, cell for cell."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from conftest import edit_file, run_module
from helpers.base import config
from helpers.plans.extract import extract, stale_tables
from helpers.plans.plan_tables import clean_text
from made_up_reviews import add_both_reviews, extract_refuses


@pytest.fixture(scope="module")
def result():
    return extract()


@pytest.fixture(scope="module")
def recs(result) -> pd.DataFrame:
    """Actions with their recommendation's text and section, by (review, reference as written)."""
    merged = result.actions.merge(
        result.recommendations[["review_id", "rec_ref", "section", "recommendation", "response"]],
        on=["review_id", "rec_ref"],
    )
    leads = result.action_leads.groupby(["review_id", "action_ref"])["lead"].agg("; ".join)
    merged["leads"] = leads.reindex(pd.MultiIndex.from_frame(merged[["review_id", "action_ref"]])).fillna("").values
    merged["lead"] = merged["lead_as_written"]
    return merged.set_index(["review_id", "action_ref"])


def test_dorset_plans_are_one_action_per_recommendation_numbered_as_in_the_documents(result):
    finance = result.actions.query("review_id == '2021-finance'")
    assert list(finance["action_ref"]) == [str(n) for n in range(1, 49)]  # "1." ... "48." in Appendix 1
    assert (finance["action_ref"] == finance["rec_ref"]).all()
    assert not finance["ref_generated"].any()  # the plan's own numbers
    progress = result.actions.query("review_id == '2022-progress'")
    assert list(progress["action_ref"]) == [str(n) for n in range(1, 9)]  # unnumbered: table order
    # The 2022 table has no reference column: its numbers are ours, and marked so.
    assert progress["ref_generated"].all()
    assert result.recommendations.query("review_id == '2022-progress'")["ref_generated"].all()


def test_a_month_only_visit_is_kept_as_a_month(result):
    # The 2022 progress review visit was "September 2022": no day is invented.
    row = result.reviews.set_index("review_id").loc["2022-progress"]
    assert row["visit_month_only"]
    assert (row["visit_start"], row["visit_end"]) == (pd.Timestamp("2022-09-01"), pd.Timestamp("2022-09-30"))
    assert not result.reviews.set_index("review_id").loc["2021-finance", "visit_month_only"]


def test_2019_review_is_kept_with_nothing_invented(result):
    row = result.reviews.set_index("review_id").loc["2019-cpc"]
    assert row["recommendations_expected"] == 9
    assert row["recommendations_transcribed"] == 0
    assert row["transcribed_note"].startswith("0 of 9 recommendations transcribed")
    # The Cabinet report says the plan is its Appendix 2: it exists, and we do not hold it.
    assert "the action plan is not obtained (Appendix 2" in row["transcribed_note"]
    assert "no action plan" not in row["transcribed_note"]
    # The progress review came in September 2022; the day is not given, so only the month is kept.
    assert row["progress_review_visit"] == "2022-09"
    assert "Governance" in row["recorded_themes"] and "Learning and Challenge" in row["recorded_themes"]
    assert "2019-cpc" not in set(result.recommendations["review_id"])


# (rec_no, section, target as written, lead as written) typed from Appendix 1 of the 2021 Cabinet report.
FINANCE_2021 = [
    (1, "Key recommendations", "October 2021", "Corporate Director Finance & Commercial"),
    (3, "Key recommendations", "December 2021", "Executive Director Corporate Development"),
    (10, "Key recommendations", "Ongoing", "SLT"),
    (11, "Financial leadership", "Ongoing", "SLT"),
    (13, "Financial leadership", "", ""),
    (14, "Financial leadership", "Ongoing", "SLT, Cabinet and Budget Holders"),
    (18, "Financial planning, strategy and forecasting", "Ongoing", "All"),
    (20, "Financial planning, strategy and forecasting", "December 2022", "All budget holders and finance team"),
    (23, "Decision making and governance", "Complete", "All managers"),
    (27, "Decision making and governance", "December 2021", "CSAMG"),
    (31, "Financial outcomes and reporting", "March 2022", "Corporate Services Leadership Team"),
    (34, "Partnerships and innovation", "Ongoing", "Cabinet and SLT"),
    (38, "Partnerships and innovation", "", ""),
    (40, "DSG deficit and high needs block review", "Autumn 2021", "Children's Services"),
    (
        44,
        "DSG deficit and high needs block review",
        "Ongoing",
        "Children's Accountancy Team working with other council colleagues.",
    ),
    (
        46,
        "DSG deficit and high needs block review",
        "Children's Services, Children's Accountancy Team",
        "Children's Services, Children's Accountancy Team",
    ),
    (48, "DSG deficit and high needs block review", "Ongoing", "Children's Services"),
]


@pytest.mark.parametrize("rec_no, section, target, lead", FINANCE_2021)
def test_2021_cells_match_the_action_plan(recs, rec_no, section, target, lead):
    row = recs.loc[("2021-finance", str(rec_no))]
    assert (row["section"], row["target"], row["lead"]) == (section, target, lead)


# Action 4 wraps over a page break; its progress cell also holds <p> tags.
PROGRESS_2022 = [
    (
        1,
        "Council/Corporate plan",
        "On-going",
        "ongoing",
        "Chief Executive; Service Manager Change, Transformation, Innovation and Digital",
    ),
    (
        2,
        "Council/Corporate plan",
        "Complete",
        "complete",
        "Service Manager Change, Transformation, Innovation and Digital",
    ),
    (3, "Place leadership", "On-going", "ongoing", "Business Partner \u2013 Communities and Partnerships"),
    (
        4,
        "Learning and development",
        "April 2023",
        "month",
        "Head of Human Resources; Head of Organisational Development",
    ),
    (5, "One Council", "October 2023", "month", "Executive Director Corporate Development"),
    (
        6,
        "Financial control",
        "On-going",
        "ongoing",
        "Executive Director Corporate Development; Corporate Director Finance & Commercial",
    ),
    (
        7,
        "Governance/Scrutiny",
        "October 2023",
        "month",
        "Director of Legal and Democratic Services; Service Manager for Democratic and Electoral Services",
    ),
    (8, "Local Plan", "On-going", "ongoing", "Corporate Director for Economic Growth and Infrastructure"),
]


@pytest.mark.parametrize("rec_no, section, target, kind, leads", PROGRESS_2022)
def test_2022_actions_match_the_document(recs, rec_no, section, target, kind, leads):
    row = recs.loc[("2022-progress", str(rec_no))]
    assert (row["section"], row["target"], row["target_kind"], row["leads"]) == (section, target, kind, leads)


def test_rows_wrapped_across_page_breaks_are_joined(recs):
    row3 = recs.loc[("2021-finance", "3")]
    assert row3["recommendation"].endswith("and the Financial Strategic Narrative.")
    assert row3["lead"] == "Executive Director Corporate Development"
    assert row3["source_lines"] == "109-111"
    induction = recs.loc[("2022-progress", "4")]
    assert "<p>" not in induction["progress"]
    assert induction["progress"].endswith(
        "been completed, with amendments being implemented in the February 2023 event."
    )
    assert induction["source_lines"] == "64-66"


def test_provenance_points_at_the_source_lines(recs):
    lines = (config.raw_dir() / "2021-10-05-cabinet-finance-peer-challenge-action-plan.txt").read_text().split("\n")
    for rec_no in (1, 17, 38, 48):
        row = recs.loc[("2021-finance", str(rec_no))]
        first = int(row["source_lines"].split("-")[0])
        assert lines[first - 1].startswith(f"{rec_no}.\t")
        assert clean_text(lines[first - 1].split("\t")[1]) in row["recommendation"]


def test_only_rows_with_no_target_of_their_own_follow_another(recs):
    # 13 "See 7", 36 "See 35." and 43 "As 41." give no target; 10 "See 6" and 47 "See 40." say Ongoing,
    # so they keep their own; 46 says more than "See 40." (and its target is corrected to none).
    finance = recs.loc["2021-finance"]
    follows = finance.loc[finance["follows"] != "", "follows"].to_dict()
    assert follows == {"13": "7", "36": "35", "43": "41"}
    assert finance.loc["46", "see_also"] == "40" and finance.loc["47", "see_also"] == "40"


def test_source_errors_are_corrected_as_data_and_listed(recs):
    row = recs.loc[("2021-finance", "46")]
    assert row["target"] == "Children's Services, Children's Accountancy Team"  # raw cell kept
    assert row["target_corrected"] == ""  # the value used, shown with the note
    assert row["target_kind"] == "none" and pd.isna(row["target_date"])
    assert "Timeline cell repeats the Lead cell" in row["correction"]


def test_wording_differences_against_the_reports_own_lists_are_reported(result):
    diffs = result.wording_differences.set_index("rec_ref")["difference"].to_dict()
    assert diffs == {
        "12": "plan '(DART board)' / report '(DARTboard)'",
        "15": "plan ''one team'' / report 'Oneteam'",
        "30": "plan 'self-help' / report 'self help'",
    }


def test_joint_actions_count_once_per_lead(result):
    long = result.action_leads
    rec14 = long[(long.review_id == "2021-finance") & (long.action_ref == "14")]
    assert list(rec14["lead"]) == ["Senior Leadership Team (SLT)", "Cabinet", "Budget Holders"]
    assert rec14["joint"].all() and set(rec14["role"]) == {"lead"}  # one lead column: role "lead"
    assert set(rec14["council"]) == {"Dorset Council"}  # the review's council, from its metadata
    assert long[(long.review_id == "2021-finance") & (long.action_ref == "38")].empty


def test_committed_processed_tables_equal_a_fresh_extraction(result):
    assert stale_tables(result) == []


# --- Bad input: raw documents, their manifest, recorded themes and a plan cut short.
# Extraction stops with one plain line naming the file and line, and keeps the tables it made before
# (these cases were in tests/test_bad_input.py).

FINANCE = "raw/2021-10-05-cabinet-finance-peer-challenge-action-plan.txt"
PROGRESS = "raw/2022-09-progress-review-summary-and-action-plan.txt"


def cut_document(data: Path, name: str, before: str) -> None:
    """Cut a raw document just inside the row that starts `before` (as a truncated download would), and re-sign
    its manifest line, so extraction reads the cut-off text rather than refusing a changed document."""
    import hashlib

    path = data / name
    text = path.read_text(encoding="utf-8")
    at = text.index(before) + len(before) // 2
    old_sha = hashlib.sha256(text.encode("utf-8")).hexdigest()
    path.write_text(text[:at], encoding="utf-8")
    manifest = data / "raw" / "manifest.csv"
    new_sha = hashlib.sha256(path.read_bytes()).hexdigest()
    manifest.write_text(manifest.read_text(encoding="utf-8").replace(old_sha, new_sha), encoding="utf-8")


# The 2022 plan's last row (line 70) begins "Maintain focus on the Local Development Plan" (44 characters):
# cut half way, the line reads "Maintain focus on the " with no tab, so the table ends there.
LAST_2022_ROW = "Maintain focus on the Local Development Plan"


def test_a_shortfall_the_review_states_as_known_is_extracted_and_said(data_copy: Path):
    cut_document(data_copy, PROGRESS, LAST_2022_ROW)
    edit_file(
        data_copy,
        "reviews/2022-progress.yaml",
        "recommendations_expected: 8",
        "recommendations_expected: 8\nrecommendations_note: the copy we hold is cut off inside the eighth row",
    )
    done = run_module("helpers.plans.extract", data=data_copy)
    assert done.returncode == 0, done.stderr
    assert "7 of 8 recommendations transcribed (the copy we hold is cut off inside the eighth row)" in done.stdout


def test_a_transcription_with_fewer_rows_than_expected_names_its_last_row(data_copy: Path):
    add_both_reviews(data_copy)
    edit_file(
        data_copy, "reviews/2024-wessex-planning.yaml", "recommendations_expected: 3", "recommendations_expected: 4"
    )
    bad = run_module("helpers.plans.extract", data=data_copy)
    assert bad.returncode == 1
    assert "transcriptions/2024-wessex-planning.csv:5: the action plan ends here, at its last row (5)" in bad.stderr
    assert "after 3 recommendations" in bad.stderr and "expects 4" in bad.stderr


BAD_INPUT = {
    "missing raw document": (
        lambda d: (d / PROGRESS).unlink(),
        "2022-09-progress-review-summary-and-action-plan.txt",
        "is listed but is not a file",
    ),
    "a folder where a raw document should be": (
        lambda d: ((d / PROGRESS).unlink(), (d / PROGRESS).mkdir()),
        "2022-09-progress-review-summary-and-action-plan.txt",
        "folder",
    ),
    "raw document cut short": (
        lambda d: (d / FINANCE).write_text((d / FINANCE).read_text(encoding="utf-8")[:40000], encoding="utf-8"),
        "2021-10-05-cabinet-finance-peer-challenge-action-plan.txt",
        "differs from the one recorded",
    ),
    "unknown recorded theme": (
        lambda d: edit_file(d, "reviews/2019-cpc.yaml", "theme: governance-scrutiny", "theme: governance"),
        "reviews/2019-cpc.yaml",
        "theme 'governance' is not in data/themes.csv",
    ),
    # Nothing dropped silently: the 2022 plan cut inside its last row reads 7 rows where the metadata says 8.
    "cut-off plan": (
        lambda d: cut_document(d, PROGRESS, LAST_2022_ROW),
        "2022-09-progress-review-summary-and-action-plan.txt:70",
        "ends here, at a line without a tab ('Maintain focus on the'), after 7 recommendations, but",
    ),
    "cut-off plan, the count too": (
        lambda d: cut_document(d, PROGRESS, LAST_2022_ROW),
        "2022-progress.yaml expects 8 (recommendations_expected)",
        "say why in recommendations_note",
    ),
}


@pytest.mark.parametrize("case", BAD_INPUT)
def test_bad_input_gives_one_line_error_and_keeps_previous_tables(data_copy: Path, case: str):
    extract_refuses(data_copy, *BAD_INPUT[case])
