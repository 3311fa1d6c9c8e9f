"""Slippage on a made-up status table (helpers.tracking.slippage): each action's outcome and slip worked out from the
rules in the module's docstring (measured from the plan's own target, in calendar months and days), for any dates.

The scripted history's slippage (a real plan's targets) is in tests/tracking/test_status_history.py.
"""

from __future__ import annotations

import datetime as dt
import os

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers.base import quarters
from helpers.base.vocabulary import COMPLETE, INCOMPLETE_SOURCE, NO_ACTION, NOT_REPORTED, NOT_YET_DUE, OVERDUE
from helpers.tracking.durations import add_months
from helpers.tracking.slippage import LATE, NOT_JUDGED, NOT_YET, ON_TIME, PAST, slippage, slippage_summary

# Under `make mutants` the cases are the same every run, so a mutant is killed or not for what it does.
settings.register_profile("slippage", deadline=None, derandomize="MUTANT_UNDER_TEST" in os.environ)
settings.load_profile("slippage")

QUARTER = quarters.parse_quarter("2024/25 Q2")  # ends 30 September 2024
END = quarters.end(QUARTER)


def status_table(rows: list[dict]) -> pd.DataFrame:
    """A status table as helpers.tracking.status gives it, with only the columns slippage reads."""
    base = {
        "review_id": "made-up",
        "lead": "Finance Team",
        "target_kind": "day",
        "target_date": pd.NaT,
        "current_target_date": pd.NaT,
        "target_revisions": 0,
        "completed_on": pd.NaT,
    }
    table = pd.DataFrame([{**base, "action_ref": str(n + 1), **row} for n, row in enumerate(rows)])
    for column in ("target_date", "current_target_date", "completed_on"):
        table[column] = pd.to_datetime(table[column])
    return table


def later(day: dt.date, slip) -> dt.date:
    """The day `slip` (calendar months, then days) after `day`: the inverse of calendar_span."""
    return add_months(day, slip.months) + dt.timedelta(days=slip.days)


targets = st.dates(dt.date(2019, 1, 1), dt.date(2026, 12, 31))


@given(target=targets, completed=st.dates(dt.date(2019, 1, 1), END))
def test_a_completed_action_s_slip_leads_from_its_target_to_the_day_it_was_completed(target, completed):
    row = slippage(status_table([{"status": COMPLETE, "target_date": target, "completed_on": completed}]), QUARTER)
    outcome, slip = row.loc[0, "outcome"], row.loc[0, "slip"]
    if completed <= target:  # complete on or before the plan's target: on time, no slip
        assert (outcome, slip) == (ON_TIME, None)
    else:
        assert outcome == LATE
        assert later(target, slip) == completed and slip.months >= 0 and 0 <= slip.days < 31
        assert slip > (0, 0)


@given(target=targets, status=st.sampled_from([OVERDUE, NOT_REPORTED, NOT_YET_DUE]))
def test_an_open_action_past_its_target_slips_to_the_quarter_end(target, status):
    # Whether a lead said it was not complete or nothing was reported: counted to the quarter end, 30 September 2024.
    row = slippage(status_table([{"status": status, "target_date": target}]), QUARTER)
    outcome, slip = row.loc[0, "outcome"], row.loc[0, "slip"]
    if target >= END:
        assert (outcome, slip) == (NOT_YET, None)
    else:
        assert outcome == PAST and later(target, slip) == END


def test_actions_with_no_dated_target_or_no_action_are_not_judged_and_stay_out_of_the_share():
    table = status_table(
        [
            {"status": COMPLETE, "target_date": "2024-03-31", "completed_on": "2024-03-31"},  # on the day: on time
            {"status": COMPLETE, "target_date": "2024-03-31", "completed_on": "2024-05-15", "target_revisions": 2},
            {"status": OVERDUE, "target_date": "2024-06-30", "target_revisions": 1},  # 3 months to 30 September
            {"status": "ongoing", "target_kind": "ongoing"},
            {"status": NO_ACTION, "target_date": "2024-01-31"},  # a dated target, but the plan gives no action
            {"status": INCOMPLETE_SOURCE, "target_date": "2024-01-31"},
        ]
    )
    result = slippage(table, "2024/25 Q2")
    assert list(result["outcome"]) == [ON_TIME, LATE, PAST, NOT_JUDGED, NOT_JUDGED, NOT_JUDGED]
    assert [None if s is None else tuple(s) for s in result["slip"]] == [None, (1, 15), (3, 0), None, None, None]
    row = slippage_summary(result).iloc[0]
    # Six actions, three with a dated target that is judged; two targets moved, three moves agreed in all.
    assert (row["actions"], row["with a dated target"], row["targets moved"], row["moves agreed"]) == (6, 3, 2, 3)
    assert row["share complete by original target"] == 1 / 3
    assert tuple(row["median slip"]) == (1, 15)  # of 1 month 15 days and 3 months, the shorter
