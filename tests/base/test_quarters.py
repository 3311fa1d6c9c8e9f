import datetime as dt

import pytest

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


def test_check_reportable_refuses_a_quarter_not_yet_ended_unless_forecast():
    with pytest.raises(quarters.BadQuarter) as info:
        quarters.check_reportable("2099/00 Q1", FIRST, TODAY)
    assert str(info.value) == (
        "2099/00 Q1 has not ended yet: the latest completed quarter is 2026/27 Q2; "
        "use --forecast to run it as a forecast"
    )
    with pytest.raises(quarters.BadQuarter, match="2023/24 Q4 has not ended yet"):
        quarters.check_reportable("2023/24 Q4", FIRST, dt.date(2024, 3, 31))
    assert quarters.label(quarters.check_reportable("2026/27 Q3", FIRST, TODAY, forecast=True)) == "2026/27 Q3"


def test_check_reportable_refuses_a_quarter_before_the_first_plan():
    with pytest.raises(quarters.BadQuarter) as info:
        quarters.check_reportable("2019/20 Q4", FIRST, TODAY)
    assert str(info.value) == "2019/20 Q4: no action plan is tracked before 2020/21 Q1 (the first quarter with a plan)"
    with pytest.raises(quarters.BadQuarter, match="before 2020/21 Q1"):
        quarters.check_reportable("2019/20 Q1", FIRST, TODAY, forecast=True)
    assert issubclass(quarters.BadQuarter, ValueError)
