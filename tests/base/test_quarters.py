import calendar
import datetime as dt
import itertools
import os

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers.base import quarters
from helpers.base.quarters import (
    BadQuarter,
    end,
    label,
    latest_completed,
    long_date,
    parse_quarter,
    quarter_of,
    slug,
    start,
)

# No deadline: on a busy shared machine a case can take a second, and that is not a failure. Under `make mutants`
# the cases are the same every run, so a mutant is killed or not for what it does, not for what was drawn.
settings.register_profile("project", deadline=None, derandomize="MUTANT_UNDER_TEST" in os.environ)
settings.load_profile("project")


@pytest.mark.parametrize(
    "text, first, last",
    [
        ("2023/24 Q1", dt.date(2023, 4, 1), dt.date(2023, 6, 30)),
        ("2023/24 Q3", dt.date(2023, 10, 1), dt.date(2023, 12, 31)),
        ("2023/24 Q4", dt.date(2024, 1, 1), dt.date(2024, 3, 31)),
        ("2023-24 Q4", dt.date(2024, 1, 1), dt.date(2024, 3, 31)),
        ("1999/00 Q2", dt.date(1999, 7, 1), dt.date(1999, 9, 30)),
    ],
)
def test_labels_name_financial_year_quarters(text, first, last):
    q = parse_quarter(text)
    assert (start(q), end(q)) == (first, last)


def test_label_round_trips_and_slug_is_a_folder_name():
    q = parse_quarter("2023-24 Q4")
    assert label(q) == "2023/24 Q4"
    assert slug(q) == "2023-24-Q4"
    assert parse_quarter(label(q + 1)) == q + 1
    assert label(q + 1) == "2024/25 Q1"


@pytest.mark.parametrize(
    "bad, message",
    [
        ("2023 Q4", "quarter '2023 Q4' is not like '2023/24 Q4' (financial year, then Q1-Q4)"),
        ("2023/24 Q5", "quarter '2023/24 Q5' is not like '2023/24 Q4' (financial year, then Q1-Q4)"),
        ("Q4 2023/24", "quarter 'Q4 2023/24' is not like '2023/24 Q4' (financial year, then Q1-Q4)"),
        ("", "quarter '' is not like '2023/24 Q4' (financial year, then Q1-Q4)"),
        ("2023/25 Q1", "quarter '2023/25 Q1': a financial year runs from one year to the next (e.g. 2023/24)"),
        ("2023-2025 Q1", "quarter '2023-2025 Q1': a financial year runs from one year to the next (e.g. 2023/24)"),
        ("2023/2024 Q1 x", "quarter '2023/2024 Q1 x' is not like '2023/24 Q4'"),
    ],
)
def test_bad_labels_are_refused_saying_why(bad, message):
    with pytest.raises(BadQuarter) as err:
        parse_quarter(bad)
    assert str(err.value).startswith(message)


def test_a_four_digit_end_year_names_the_same_quarter():
    assert parse_quarter("2023/2024 Q4") == parse_quarter("2023/24 Q4") == parse_quarter("2023-2024 q4")
    assert (start(parse_quarter("1999/2000 Q4")), end(parse_quarter("1999/00 Q4"))) == (
        dt.date(2000, 1, 1),
        dt.date(2000, 3, 31),
    )


def test_dates_fall_in_their_quarter_and_latest_completed_is_the_one_before():
    assert label(quarter_of(dt.date(2021, 10, 5))) == "2021/22 Q3"
    assert label(latest_completed(dt.date(2026, 11, 23))) == "2026/27 Q2"
    assert label(latest_completed(dt.date(2024, 4, 1))) == "2023/24 Q4"
    assert long_date(dt.date(2024, 3, 31)) == "31 March 2024"


FIRST = quarters.parse_quarter("2020/21 Q1")


TODAY = dt.date(2026, 11, 23)


def test_check_reportable_accepts_completed_quarters():
    assert quarters.label(quarters.check_reportable("2026/27 Q2", FIRST, TODAY)) == "2026/27 Q2"
    assert quarters.check_reportable(FIRST, FIRST, TODAY) == FIRST
    assert (
        quarters.label(quarters.check_reportable(quarters.parse_quarter("2023/24 Q4"), FIRST, dt.date(2024, 4, 1)))
        == "2023/24 Q4"
    )


def test_check_reportable_refuses_a_quarter_not_yet_ended_unless_interim():
    with pytest.raises(quarters.BadQuarter) as info:
        quarters.check_reportable("2099/00 Q1", FIRST, TODAY)
    assert str(info.value) == (
        "2099/00 Q1 has not ended yet: the latest completed quarter is 2026/27 Q2; "
        'run it as an interim report: make report QUARTER="2099/00 Q1" INTERIM=1'
    )
    with pytest.raises(quarters.BadQuarter, match="2023/24 Q4 has not ended yet"):
        quarters.check_reportable("2023/24 Q4", FIRST, dt.date(2024, 3, 31))
    assert quarters.label(quarters.check_reportable("2026/27 Q3", FIRST, TODAY, interim=True)) == "2026/27 Q3"


def test_a_quarter_has_ended_the_day_after_its_last_day():
    # 2026/27 Q3 runs October-December 2026: on 7 December and on 31 December it has not ended; on 1 January it has.
    assert not quarters.has_ended("2026/27 Q3", dt.date(2026, 12, 7))
    assert not quarters.has_ended("2026/27 Q3", dt.date(2026, 12, 31))
    assert quarters.has_ended("2026/27 Q3", dt.date(2027, 1, 1))
    assert quarters.has_ended(quarters.parse_quarter("2023/24 Q4"), dt.date(2024, 4, 1))


def test_the_first_reportable_quarter_is_that_of_the_earliest_plan():
    # Plans tracked from 28 January 2020 (Q4 of 2019/20: January-March) and 31 October 2018 (Q3 of 2018/19).
    assert quarters.label(quarters.first_reportable([dt.date(2020, 1, 28)])) == "2019/20 Q4"
    assert quarters.label(quarters.first_reportable([dt.date(2020, 1, 28), dt.date(2018, 10, 31)])) == "2018/19 Q3"


def test_check_reportable_refuses_a_quarter_before_the_first_plan():
    with pytest.raises(quarters.BadQuarter) as info:
        quarters.check_reportable("2019/20 Q4", FIRST, TODAY)
    assert str(info.value) == "2019/20 Q4: no action plan is tracked before 2020/21 Q1 (the first quarter with a plan)"
    with pytest.raises(quarters.BadQuarter, match="before 2020/21 Q1"):
        quarters.check_reportable("2019/20 Q1", FIRST, TODAY, interim=True)
    assert issubclass(quarters.BadQuarter, ValueError)


# --- For any quarter (Hypothesis): labels, slugs, starts and ends round-trip, and every day belongs to exactly one
# financial-year quarter (Q1 = April-June).

periods = st.builds(
    lambda year, q: pd.Period(year=year, quarter=q, freq=quarters.FREQ),
    st.integers(min_value=1001, max_value=9998),
    st.integers(min_value=1, max_value=4),
)


days = st.dates(min_value=dt.date(1001, 1, 1), max_value=dt.date(9998, 12, 31))


@given(periods)
def test_a_quarter_label_reads_back_as_the_same_quarter_in_each_spelling(q):
    text = quarters.label(q)
    first, second = int(text[:4]), text[5:7]
    assert second == f"{(first + 1) % 100:02d}"  # a financial year runs from one year to the next
    assert quarters.parse_quarter(text) == q
    assert quarters.parse_quarter(f"{first}-{first + 1} q{q.quarter}") == q
    assert quarters.parse_quarter(f"  {first} / {second}   Q{q.quarter} ") == q


@given(periods)
def test_a_quarter_starts_the_day_after_the_previous_one_ends_and_holds_three_months(q):
    start, end = quarters.start(q), quarters.end(q)
    assert quarters.end(q - 1) + dt.timedelta(days=1) == start
    assert start.day == 1 and end.day == calendar.monthrange(end.year, end.month)[1]
    assert (end.month - start.month) % 12 == 2
    assert start.month == {1: 4, 2: 7, 3: 10, 4: 1}[q.quarter]  # Q1 = April-June ... Q4 = January-March
    assert quarters.quarter_of(start) == q == quarters.quarter_of(end)


@given(days)
def test_every_day_is_in_one_quarter_of_its_financial_year(day):
    q = quarters.quarter_of(day)
    assert quarters.start(q) <= day <= quarters.end(q)
    financial_year_start = day.year if day.month >= 4 else day.year - 1
    assert quarters.label(q).startswith(f"{financial_year_start}/")
    assert quarters.latest_completed(day) == q - 1
    assert quarters.long_date(day) == f"{day.day} {calendar.month_name[day.month]} {day.year}"


@given(periods, periods)
def test_slugs_are_folder_names_that_sort_as_the_quarters_do(a, b):
    sa, sb = quarters.slug(a), quarters.slug(b)
    assert sa.replace("-", "").replace("Q", "").isdigit()
    assert (sa < sb) == (a < b) and (sa == sb) == (a == b)


@given(periods, st.integers(min_value=0, max_value=40))
def test_quarters_between_counts_every_quarter_once_in_order(first, extra):
    last = first + extra
    span = quarters.quarters_between(first, last)
    assert len(span) == extra + 1 and span[0] == first and span[-1] == last
    assert all(later == earlier + 1 for earlier, later in itertools.pairwise(span))


@given(periods, days)
def test_a_quarter_has_ended_on_a_day_exactly_when_that_day_falls_in_a_later_quarter(q, day):
    # has_ended compares with the quarter's last day; quarter_of places the day by pandas' own calendar.
    assert quarters.has_ended(q, day) == (quarters.quarter_of(day) > q)
    assert quarters.has_ended(quarters.label(q), day) == quarters.has_ended(q, day)  # a label reads the same


@given(periods, st.one_of(st.none(), days))
def test_a_report_is_as_at_its_quarter_end_or_an_earlier_day_it_is_made(q, made):
    # An interim report made inside (or before) its quarter is as at that day; one made after, at the quarter end.
    day = quarters.as_at(q, made)
    if made is None or quarters.has_ended(q, made):
        assert day == quarters.end(q)
    else:
        assert day == made and quarters.quarter_of(day) <= q


@given(st.lists(days, min_size=1, max_size=6))
def test_the_first_reportable_quarter_holds_the_earliest_plan_and_none_is_earlier(tracked_from):
    first = quarters.first_reportable(tracked_from)
    assert any(quarters.start(first) <= day <= quarters.end(first) for day in tracked_from)
    assert all(quarters.quarter_of(day) >= first for day in tracked_from)
