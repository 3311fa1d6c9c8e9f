import datetime as dt

import pytest

from helpers.quarters import BadQuarter, end, label, latest_completed, long_date, parse_quarter, quarter_of, slug, start


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


@pytest.mark.parametrize("bad", ["2023 Q4", "2023/25 Q1", "2023/24 Q5", "Q4 2023/24", ""])
def test_bad_labels_are_refused(bad):
    with pytest.raises(BadQuarter):
        parse_quarter(bad)


def test_dates_fall_in_their_quarter_and_latest_completed_is_the_one_before():
    assert label(quarter_of(dt.date(2021, 10, 5))) == "2021/22 Q3"
    assert label(latest_completed(dt.date(2026, 11, 23))) == "2026/27 Q2"
    assert label(latest_completed(dt.date(2024, 4, 1))) == "2023/24 Q4"
    assert long_date(dt.date(2024, 3, 31)) == "31 March 2024"
