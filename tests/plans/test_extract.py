"""Back-tests: the extracted table against the published documents, cell for cell."""

from __future__ import annotations

import pandas as pd
import pytest

from helpers.base import config
from helpers.plans.extract import extract, stale_tables
from helpers.plans.plan_tables import clean_text


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
