"""The quarter-to-quarter changes, to the letter, on made-up frames: what counts as a change, what as a target
revised, which comments are the quarter's own."""

from __future__ import annotations

import pandas as pd

from helpers.base.quarters import parse_quarter
from helpers.base.vocabulary import COMPLETE, NOT_REPORTED, NOT_YET_DUE, ONGOING, OVERDUE
from helpers.tracking.changes import changes_since

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
