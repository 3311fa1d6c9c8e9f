"""Counts and lists from a quarter's status table, to the letter, on made-up frames: counts by review, actions
due next quarter, recommendations followed, the last report of each review."""

from __future__ import annotations

import numpy as np
import pandas as pd

from helpers.base.quarters import parse_quarter
from helpers.base.vocabulary import COMPLETE, NOT_TRANSCRIBED, NOT_YET_DUE, OVERDUE, STATUS_IDS, TOTAL_ACTIONS
from helpers.tracking.status_counts import (
    counts_from_codes,
    due_next_quarter,
    following_counts,
    last_reported,
    status_counts,
)

Q4 = parse_quarter("2023/24 Q4")  # 1 January to 31 March 2024


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
