"""What the committee report's summary says: headline, milestones, review summary and notes, to the letter.

Each expectation is worked out by hand from the stated rules (the docstrings of helpers.committee.summary, the status
rules in helpers.tracking.status, README "Status rules"), on made-up rows: no test depends on today's data. Labels come
from data/vocabulary.yaml through status_labels(), so an analyst may rename a status without editing a test.
Written against the survivors of `make mutants` (MODULES=committee).
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from committee_rows import Q4, Tables, reported_workspace

from helpers.base.vocabulary import COMPLETE, OVERDUE, status_labels
from helpers.committee import summary


@pytest.fixture
def reported(data_copy):
    """2021-finance as at 2023/24 Q4, with four updates dated in that quarter (committee_rows.reported_workspace)."""
    return reported_workspace(data_copy)


VISIT = (dt.date(2020, 1, 28), dt.date(2020, 1, 28), "28 Jan 2020")


class Reviews(Tables):
    def counted_reviews(self, quarter):
        return self.reviews


def test_a_list_of_parts_reads_as_a_sentence():
    assert summary._join(["3 complete"]) == "3 complete"
    assert summary._join(["3 complete", "2 overdue", "1 ongoing"]) == "3 complete, 2 overdue and 1 ongoing"


@pytest.mark.parametrize(
    "n, refs, text",
    [
        (1, {"41": 1}, "as recommendation 41"),
        (3, {"41": 3}, "all 3 as recommendation 41"),
        (3, {"41": 1, "7": 1}, "2 of them as recommendations 41 and 7"),
        (2, {"41": 1, "7": 1}, "all 2 as recommendations 41 and 7"),
    ],
)
def test_how_many_moved_only_by_following_is_said_in_words(n, refs, text):
    assert summary._followed(n, refs) == text


def test_a_milestone_date_is_a_day_or_a_month():
    assert summary._interval(None) is None
    assert summary._interval(float("nan")) is None
    assert summary._interval("") is None
    assert summary._interval("unknown") is None
    assert summary._interval("2022-09") == (dt.date(2022, 9, 1), dt.date(2022, 9, 30), "September 2022")
    assert summary._interval("2020-01-28") == (dt.date(2020, 1, 28), dt.date(2020, 1, 28), "28 Jan 2020")
    assert summary._interval("2020-02-14", month_only=True) == (
        dt.date(2020, 2, 1),
        dt.date(2020, 2, 29),
        "February 2020",
    )


@pytest.mark.parametrize(
    "done, verdict",
    [
        # 28 January to 28 June is 5 calendar months exactly: within "at most 5 months".
        ("2020-06-28", "met (28 Jun 2020, 5 months after the visit)"),
        ("2020-06-29", "missed (29 Jun 2020, 5 months and 1 day after the visit)"),
        ("2020-01-10", "met (10 Jan 2020, 0 days after the visit)"),  # before the visit ended: no negative span
        # Only the month known: 1 September is already past 5 months, so the month settles it.
        ("2020-09", "missed (September 2020, about 8 months after the visit)"),
        ("2020-05", "met (May 2020, about 4 months after the visit)"),
        # June: 1 June is 4 months and 4 days after, 30 June 5 months and 2 days: the day decides, and is unknown.
        # In whole months, the shorter rounded down and the longer up: 4 to 6 months.
        (
            "2020-06",
            "not known (June 2020; the action plan's day is not recorded, so 4 to 6 months after the visit, "
            "against 5 months)",
        ),
        (None, "not known (action plan date not recorded)"),
    ],
)
def test_a_milestone_is_met_missed_or_not_known(done, verdict):
    assert summary._judge(VISIT, done, 5, "action plan") == verdict


@pytest.mark.parametrize(
    "done, verdict",
    [
        # Visit ended 28 January 2020; expected within 3 months (28 April), at most 5 (28 June).
        ("2020-04-28", "met (28 Apr 2020, 3 months after the visit)"),
        (
            "2020-04-29",
            "later than the 3 months expected, within the 5-month limit (29 Apr 2020, 3 months and 1 day "
            "after the visit)",
        ),
        ("2020-06-29", "missed (29 Jun 2020, 5 months and 1 day after the visit)"),
        # April: 1 April is within 3 months, 30 April is not: only the 5-month limit is settled, so "met" alone.
        ("2020-04", "met (April 2020, about 3 months after the visit)"),
        # May: 1 May is already past 3 months (3 months and 3 days), 31 May within 5.
        (
            "2020-05",
            "later than the 3 months expected, within the 5-month limit (May 2020, about 4 months after the visit)",
        ),
    ],
)
def test_a_milestone_within_its_limit_but_surely_later_than_expected_says_so(done, verdict):
    assert summary._judge(VISIT, done, 5, "action plan", expected=3) == verdict


def test_a_milestone_without_a_visit_date_or_with_the_visits_month_only():
    assert summary._judge(None, "2020-06-28", 5, "action plan") == "not known (visit date unknown)"
    month = (dt.date(2020, 1, 1), dt.date(2020, 1, 31), "January 2020")
    # 31 January to 28 June is 4 months and 28 days; 1 January to 28 June 5 months and 27 days: 4 to 6 months.
    assert summary._judge(month, "2020-06-28", 5, "action plan") == (
        "not known (28 Jun 2020; the visit's day is not recorded, so 4 to 6 months after the visit, against 5 months)"
    )
    # A September 2022 visit, the plan approved on 28 February 2023: from 30 September exactly 5 months (the
    # month's last day to the month's last day), from 1 September 5 months and 27 days: 5 to 6 months.
    september = (dt.date(2022, 9, 1), dt.date(2022, 9, 30), "September 2022")
    assert summary._judge(september, "2023-02-28", 5, "action plan") == (
        "not known (28 Feb 2023; the visit's day is not recorded, so 5 to 6 months after the visit, against 5 months)"
    )
    assert summary._judge(month, "2020-05-31", 5, "action plan") == (
        "met (31 May 2020, about 4 months after the visit)"
    )


def test_counts_by_review_title_with_status_labels():
    labels = status_labels()
    counts = pd.DataFrame({COMPLETE: [2, 1], OVERDUE: [0, 3]}, index=pd.Index(["vale-2021", "other"], name="review"))
    shown = summary.counts_table(counts, {"vale-2021": "Vale peer challenge 2021"})
    assert list(shown.columns) == ["Review", labels[COMPLETE], labels[OVERDUE]]
    assert shown["Review"].tolist() == ["Vale peer challenge 2021", "other"]  # a review without a title keeps its id
    assert shown[labels[OVERDUE]].tolist() == [0, 3]


def test_notes_on_the_data_name_each_correction_and_count_approximate_dates_and_missing_updates():
    actions = pd.DataFrame(
        {
            "review_id": ["vale-2021", "vale-2021", "gone"],
            "action_ref": ["4", "5", "1"],
            "correction": ["target read as 'March 2024' (typing error)", "", "lead corrected"],
            "source_file": ["vale-2021.txt", "vale-2021.txt", "gone.txt"],
            "source_lines": ["12-14", "15", "3"],
        }
    )
    ws = Tables(actions=actions)
    status = pd.DataFrame(
        {
            "latest_date_approximate": [True, True, False],
            "update_note": ["no update this quarter", "", "no update this quarter"],
        }
    )
    assert summary.corrections(ws)["action_ref"].tolist() == ["4", "1"]
    assert summary.data_notes(ws, status) == [
        "Correction to Vale peer challenge 2021 action 4 (vale-2021.txt, line 12-14): target read as 'March 2024' "
        "(typing error)",
        "Correction to gone action 1 (gone.txt, line 3): lead corrected",
        "2 actions' latest comment comes from the plan's own progress column; the plan gives no exact date for it, "
        "so it is shown as 'about' the plan's date.",
        "2 open actions have no progress update recorded this quarter.",
    ]
    quiet = status.assign(latest_date_approximate=False, update_note="")
    assert summary.data_notes(Tables(actions=actions.iloc[:0]), quiet) == []


def test_the_index_summary_gives_the_counts_passed_in_and_no_gap_when_there_is_none(reported):
    labels = status_labels()
    from helpers.base.vocabulary import NOT_TRANSCRIBED, TOTAL_ACTIONS

    counts = pd.DataFrame(
        {COMPLETE: [2], OVERDUE: [0], TOTAL_ACTIONS: [2], NOT_TRANSCRIBED: [0]}, index=pd.Index(["2021-finance"])
    )
    data = summary.summary_json(reported, counts, Q4)
    assert data["reviews"] == [{"id": "2021-finance", "title": reported.titles["2021-finance"]}]
    assert data["counts"] == {labels[COMPLETE]: 2}  # a status no action has is left out
    assert (data["total"], data["total_unit"], data["data_gaps"]) == (2, "actions", {})
    gap = summary.summary_json(reported, counts.assign(**{NOT_TRANSCRIBED: 3}), Q4)
    assert gap["data_gaps"] == {f"{labels[NOT_TRANSCRIBED]} (recommendations)": 3} and gap["total"] == 2
    shown = summary.index_summary(reported, counts, Q4)
    assert shown._repr_mimebundle_() == {"application/json": data}
    assert " at 0x" not in repr(shown)  # the notebook's stored plain text is the same every run


def test_the_headline_has_no_gap_sentence_without_a_not_transcribed_column():
    from helpers.base.vocabulary import TOTAL_ACTIONS

    counts = pd.DataFrame({COMPLETE: [1], TOTAL_ACTIONS: [1]})
    assert summary.headline(counts, Q4) == (
        f"As at 31 March 2024, 1 action is tracked: 1 {status_labels()[COMPLETE].lower()}."
    )


def test_each_milestone_names_its_own_missing_date():
    review = pd.Series(
        {
            "visit_end": pd.Timestamp("2020-01-28"),
            "visit_month_only": False,
            "action_plan_published": "2020-06-28",
            "approved_on": pd.NaT,
            "kind": "corporate peer challenge",
            "progress_review_visit": "",
            "progress_review_report": None,
        }
    )
    verdicts = list(summary.milestones(review).values())
    assert verdicts == [
        "later than the 3 months expected, within the 5-month limit (28 Jun 2020, 5 months after the visit)",
        "not known (progress review date not recorded)",
        "not known (progress review report date not recorded)",
    ]
    # No publication date: the plan's approval stands in for it.
    approved = review.copy()
    approved["action_plan_published"], approved["approved_on"] = "", pd.Timestamp("2020-06-29")
    assert next(iter(summary.milestones(approved).values())) == (
        "missed (29 Jun 2020, 5 months and 1 day after the visit)"
    )


def test_the_review_summary_says_when_progress_was_last_reported_or_that_none_was():
    reviews = pd.DataFrame(
        {
            "review_id": ["a", "b", "c"],
            "title": ["Review A", "Review B", "Review C"],
            "approved_on": [pd.Timestamp("2021-10-05"), pd.NaT, pd.NaT],
            "tracked_from": [pd.Timestamp("2021-10-05"), pd.Timestamp("2022-03-01"), pd.Timestamp("2022-03-01")],
            "transcribed_note": ["all 2 transcribed", "all 1 transcribed", "not obtained"],
            "actions_transcribed": [True, True, False],
            "visit_end": [pd.NaT] * 3,
            "action_plan_published": [""] * 3,
            "kind": ["corporate peer challenge"] * 3,
            "progress_review_visit": [""] * 3,
            "progress_review_report": [""] * 3,
        }
    )
    from helpers.base.vocabulary import TOTAL_ACTIONS

    counts = pd.DataFrame({COMPLETE: [1, 0], OVERDUE: [0, 1], TOTAL_ACTIONS: [1, 1]}, index=["a", "b"])
    status = pd.DataFrame({"review_id": ["a", "b"], "last_reported_on": [pd.Timestamp("2024-02-28"), pd.NaT]})
    table = summary.review_summary(Reviews(reviews=reviews), status, counts, Q4)
    last = table.loc["Progress last reported"]
    assert last.tolist() == ["28 Feb 2024", "none since the plan (1 Mar 2022)", "no actions transcribed"]
    assert table.loc["Share complete"].tolist() == ["100%", "0%", "no actions transcribed"]
    assert table.loc["Actions tracked"].tolist() == ["1", "1", "0"]
