"""How long, in calendar months as a reader counts them (status.DURATION_RULE): spans, months past target and
how late a completed action finished."""

from __future__ import annotations

import datetime as dt
import itertools

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers.base import quarters
from helpers.base.quarters import parse_quarter
from helpers.tracking.durations import Span, add_months, calendar_span, finished_late, past_target

QUARTERS = [parse_quarter(f"{y}/{str(y + 1)[2:]} Q{q}") for y in (2021, 2022, 2023, 2024) for q in (1, 2, 3, 4)]


@pytest.mark.parametrize(
    "start, end, months, days",
    [
        (dt.date(2023, 10, 31), dt.date(2024, 3, 31), 5, 0),  # October 2023 target, at 31 March 2024
        (dt.date(2023, 11, 30), dt.date(2024, 3, 31), 4, 0),  # month end to month end: whole months
        (dt.date(2023, 1, 31), dt.date(2023, 2, 28), 1, 0),
        (dt.date(2024, 1, 15), dt.date(2024, 3, 14), 1, 28),  # 15 Jan to 15 Feb, then 15 Feb to 14 Mar (leap year)
        (dt.date(2021, 7, 2), dt.date(2021, 10, 5), 3, 3),  # the 2021 visit's end to Cabinet's approval
        (dt.date(2024, 3, 31), dt.date(2024, 3, 31), 0, 0),
    ],
)
def test_calendar_spans_are_whole_months_and_days_left_over(start, end, months, days):
    assert calendar_span(start, end) == Span(months, days)


def test_span_text_names_its_units():
    assert (str(Span(5, 0)), str(Span(1, 3)), str(Span(0, 12)), str(Span(0, 1))) == (
        "5 months",
        "1 month and 3 days",
        "12 days",
        "1 day",
    )


def test_an_action_that_finished_late_says_how_late_against_the_target_in_force():
    # Due 31 October 2023; reported complete on 12 March 2024: 4 months and 12 days late. On time: nothing.
    assert finished_late(pd.Timestamp("2024-03-12"), pd.Timestamp("2023-10-31")) == Span(4, 12)
    assert finished_late(pd.Timestamp("2023-10-31"), pd.Timestamp("2023-10-31")) is None
    assert finished_late(pd.Timestamp("2024-03-12"), pd.NaT) is None  # no target: not late


@settings(max_examples=200, deadline=None)
@given(target=st.dates(dt.date(2019, 1, 1), dt.date(2026, 12, 31)), first=st.sampled_from(QUARTERS))
def test_months_past_target_never_falls_as_the_quarter_end_moves_on(target, first):
    spans = [past_target(target, quarters.end(first + k)) for k in range(6)]
    known = [s for s in spans if s is not None]
    assert known == sorted(known)  # (months, days) only grow
    assert all(a < b for a, b in itertools.pairwise(known))
    assert spans[: len(spans) - len(known)] == [None] * (len(spans) - len(known))  # none until it has passed


@settings(max_examples=200, deadline=None)
@given(day=st.dates(dt.date(2019, 1, 1), dt.date(2030, 12, 31)), months=st.integers(0, 60))
def test_a_span_of_n_calendar_months_reads_as_n_months(day, months):
    assert calendar_span(day, add_months(day, months)) == Span(months, 0)


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
