"""The status module's quarter-to-quarter rules, to the letter, on made-up frames: what counts as a change, what
is due next quarter, the counts by review and the spans a report states. Expectations are worked out by hand
from the rules in the docstring of helpers.status and README "Status rules".
Written against the survivors of `make mutants` (MODULES=status).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from helpers.quarters import parse_quarter
from helpers.status import (
    Span,
    add_months,
    calendar_span,
    changes_since,
    counts_from_codes,
    due_next_quarter,
    finished_late,
    following_counts,
    last_reported,
    past_target,
    status_counts,
)
from helpers.vocabulary import (
    COMPLETE,
    NOT_REPORTED,
    NOT_TRANSCRIBED,
    NOT_YET_DUE,
    ONGOING,
    OVERDUE,
    STATUS_IDS,
    TOTAL_ACTIONS,
)

Q4 = parse_quarter("2023/24 Q4")  # 1 January to 31 March 2024


def frame(rows: list[tuple]) -> pd.DataFrame:
    """Status rows: (action, status, current target, target revisions)."""
    return pd.DataFrame(
        [("vale", a, s, pd.Timestamp(t) if t else pd.NaT, n) for a, s, t, n in rows],
        columns=["review_id", "action_ref", "status", "current_target_date", "target_revisions"],
    )


def test_a_change_needs_a_before_and_past_target_means_overdue_or_not_known():
    previous = frame(
        [
            ("1", NOT_YET_DUE, "2024-03-31", 0),
            ("2", OVERDUE, "2023-06-30", 0),
            ("3", NOT_YET_DUE, "2024-02-29", 0),
            ("4", COMPLETE, "2023-06-30", 0),
            ("5", NOT_REPORTED, "2023-06-30", 0),
        ]
    )
    current = frame(
        [
            ("1", COMPLETE, "2024-03-31", 0),  # newly complete
            ("2", COMPLETE, "2023-06-30", 0),  # newly complete (was overdue)
            ("3", NOT_REPORTED, "2024-02-29", 0),  # newly past target: passed, nothing reported
            ("4", COMPLETE, "2023-06-30", 0),  # complete before: not a change
            ("5", OVERDUE, "2023-06-30", 0),  # past target before and now: not newly
            ("6", OVERDUE, "2023-06-30", 0),  # counted from this quarter: new, not a change
        ]
    )
    updates = pd.DataFrame(columns=["review_id", "action_ref", "updated_on", "comment", "origin"])
    found = changes_since(previous, current, updates, Q4)
    assert found["newly complete"]["action_ref"].tolist() == ["1", "2"]
    assert found["newly past target"]["action_ref"].tolist() == ["3"]
    assert found["targets revised"].empty and found["new progress comments"].empty


def test_a_target_revised_is_one_more_revision_or_a_date_that_moved():
    previous = frame(
        [
            ("1", NOT_YET_DUE, "2024-06-30", 1),
            ("2", NOT_YET_DUE, "2024-06-30", 0),
            ("3", ONGOING, None, 0),
            ("4", NOT_YET_DUE, "2024-06-30", 2),
        ]
    )
    current = frame(
        [
            ("1", NOT_YET_DUE, "2024-06-30", 2),  # agreed again, to the same date: a revision
            ("2", NOT_YET_DUE, "2024-09-30", 0),  # the date moved (a follower's target moved with its own)
            ("3", NOT_YET_DUE, "2024-06-30", 0),  # no date before: not "revised"
            ("4", NOT_YET_DUE, "2024-06-30", 2),  # unchanged
            ("5", NOT_YET_DUE, "2024-06-30", 1),  # new this quarter, with a revision: counts (none before)
        ]
    )
    updates = pd.DataFrame(columns=["review_id", "action_ref", "updated_on", "comment", "origin"])
    assert changes_since(previous, current, updates, Q4)["targets revised"]["action_ref"].tolist() == ["1", "2", "5"]


def test_new_comments_are_the_quarters_own_from_its_first_to_its_last_day():
    previous = frame([("1", NOT_YET_DUE, "2024-06-30", 0)])
    current = frame([("1", NOT_YET_DUE, "2024-06-30", 0), ("2", NOT_YET_DUE, "2024-06-30", 0)])
    updates = pd.DataFrame(
        {
            "review_id": ["vale"] * 7,
            "action_ref": ["1", "1", "1", "1", "2", "1", "9"],
            "updated_on": pd.to_datetime(
                ["2023-12-31", "2024-01-01", "2024-03-31", "2024-04-01", "2024-02-01", "2024-02-01", "2024-02-01"]
            ),
            "comment": ["before", "first day", "last day", "after", "new action", "", "not counted"],
            "origin": ["update", "update", "update", "update", "update", "update", "update"],
        }
    )
    plan = updates.iloc[[1]].assign(comment="the plan's own", origin="plan")
    found = changes_since(previous, current, pd.concat([updates, plan]), Q4)["new progress comments"]
    assert found["comment"].tolist() == ["first day", "last day", "new action"]


def test_due_next_quarter_runs_from_this_quarters_last_day_to_the_next_ones():
    status = pd.DataFrame(
        {
            "review_id": ["b", "a", "a", "a", "a", "a"],
            "action_order": [1, 2, 1, 3, 4, 5],
            "status": [NOT_YET_DUE] * 5 + [OVERDUE],
            "current_target_date": pd.to_datetime(
                ["2024-06-30", "2024-06-30", "2024-03-31", "2024-07-01", "2024-03-30", "2024-04-30"]
            ),
        }
    )
    due = due_next_quarter(status, Q4)
    # 31 March (due at this quarter end) first, then 30 June by review and plan order; 1 July is next-but-one.
    assert list(zip(due["review_id"], due["action_order"], strict=True)) == [("a", 1), ("a", 2), ("b", 1)]


def test_last_reported_is_each_reviews_latest_report():
    status = pd.DataFrame(
        {
            "review_id": ["a", "a", "b"],
            "last_reported_on": pd.to_datetime(["2024-01-05", "2024-03-01", None]),
        }
    )
    found = last_reported(status)
    assert found["a"] == pd.Timestamp("2024-03-01") and pd.isna(found["b"])


def test_following_counts_name_each_recommendation_followed():
    status = pd.DataFrame(
        {
            "status": [COMPLETE, COMPLETE, COMPLETE, OVERDUE, OVERDUE],
            "as_recommendation": ["41", "41", "", "7", "41"],
        }
    )
    assert following_counts(status) == {COMPLETE: {"41": 2}, OVERDUE: {"7": 1, "41": 1}}
    assert following_counts(status.drop(columns="as_recommendation")) == {}


def reviews(**columns) -> pd.DataFrame:
    base = {
        "review_id": ["a", "b", "c"],
        "tracked_from": pd.to_datetime(["2021-10-05", "2024-03-31", "2024-04-01"]),
        "recommendations_expected": [5, None, 2],
        "recommendations_transcribed": [3, 4, 2],
    }
    return pd.DataFrame({**base, **columns})


def test_counts_by_review_count_actions_and_untranscribed_recommendations_apart():
    status = pd.DataFrame({"review_id": ["a", "a", "b", "a"], "status": [COMPLETE, OVERDUE, COMPLETE, COMPLETE]})
    table = status_counts(status, reviews(), Q4)
    # c counts from 1 April 2024, after this quarter's end; b from its last day.
    assert table.index.tolist() == ["a", "b"]
    assert table.loc["a", COMPLETE] == 2 and table.loc["a", OVERDUE] == 1 and table.loc["a", TOTAL_ACTIONS] == 3
    assert table.loc["b", TOTAL_ACTIONS] == 1
    # a: 5 expected, 3 transcribed; b: the documents do not say how many, so no gap is counted.
    assert table[NOT_TRANSCRIBED].tolist() == [2, 0]
    assert list(table.columns[-2:]) == [TOTAL_ACTIONS, NOT_TRANSCRIBED]


def test_counts_from_codes_leave_out_actions_not_yet_counted_and_keep_a_review_with_none():
    codes = np.array([STATUS_IDS.index(COMPLETE), -1, STATUS_IDS.index(OVERDUE)])
    table = counts_from_codes(np.array([0, 0, 0]), ["a"], codes, reviews(), Q4)
    assert table.loc["a", TOTAL_ACTIONS] == 2
    assert table.loc["b", TOTAL_ACTIONS] == 0 and table.loc["b", NOT_TRANSCRIBED] == 0
    # More transcribed than expected is never a negative gap.
    over = counts_from_codes(
        np.array([], int), [], np.array([], int), reviews(recommendations_transcribed=[9, 9, 9]), Q4
    )
    assert over[NOT_TRANSCRIBED].tolist() == [0, 0] and over[TOTAL_ACTIONS].tolist() == [0, 0]


@pytest.mark.parametrize(
    "day, months, later",
    [
        (dt.date(2024, 1, 31), 1, dt.date(2024, 2, 29)),  # no 31 February: the month's last day
        (dt.date(2024, 2, 29), 12, dt.date(2025, 2, 28)),
        (dt.date(2023, 2, 28), 1, dt.date(2023, 3, 31)),  # a month's last day stays a month's last day
        (dt.date(2023, 11, 30), 1, dt.date(2023, 12, 31)),
        (dt.date(2023, 12, 15), 1, dt.date(2024, 1, 15)),  # across a year end
        (dt.date(2023, 12, 31), 0, dt.date(2023, 12, 31)),
        (dt.date(2024, 1, 15), 23, dt.date(2025, 12, 15)),
    ],
)
def test_adding_calendar_months(day, months, later):
    assert add_months(day, months) == later


def test_a_span_is_never_negative_and_takes_dates_in_any_form():
    with pytest.raises(ValueError, match=r"a span ends \(2024-03-30\) before it starts \(2024-03-31\)"):
        calendar_span(dt.date(2024, 3, 31), dt.date(2024, 3, 30))
    assert calendar_span(pd.Timestamp("2024-01-15"), np.datetime64("2024-03-14")) == Span(1, 28)
    assert calendar_span(dt.date(2023, 12, 31), dt.date(2024, 12, 31)) == Span(12, 0)


def test_past_target_and_finished_late_count_from_the_day_after_the_target():
    assert past_target(pd.Timestamp("2024-03-31"), dt.date(2024, 3, 31)) is None  # due, not passed
    assert past_target(pd.Timestamp("2024-03-30"), dt.date(2024, 3, 31)) == Span(0, 1)
    assert past_target(None, dt.date(2024, 3, 31)) is None and past_target(pd.NaT, dt.date(2024, 3, 31)) is None
    assert finished_late(pd.NaT, pd.Timestamp("2024-01-31")) is None
    assert finished_late(None, pd.Timestamp("2024-01-31")) is None
    assert finished_late(pd.Timestamp("2024-03-31"), pd.Timestamp("2024-01-31")) == Span(2, 0)
    assert finished_late(pd.Timestamp("2024-01-31"), pd.NaT) is None


def test_span_text():
    assert [str(Span(m, d)) for m, d in [(1, 0), (2, 1), (0, 0), (0, 2), (1, 1)]] == [
        "1 month",
        "2 months and 1 day",
        "0 days",
        "2 days",
        "1 month and 1 day",
    ]
