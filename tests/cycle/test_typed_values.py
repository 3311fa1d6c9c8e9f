"""What a lead types (helpers.cycle.typed_values): dates read day first, dates that read both ways refused, revised
targets kept as typed.
"""

from __future__ import annotations

import datetime as dt

import pytest


@pytest.mark.parametrize(
    "typed, day",
    [
        ("6 May 2024", dt.date(2024, 5, 6)),
        ("6th May 24", dt.date(2024, 5, 6)),
        ("30 june 2024", dt.date(2024, 6, 30)),
        ("14/06/2024", dt.date(2024, 6, 14)),  # 14 cannot be a month: day first, as the form says
        ("14.6.24", dt.date(2024, 6, 14)),
        ("06/06/2024", dt.date(2024, 6, 6)),  # the same either way round
        ("2024-05-06", dt.date(2024, 5, 6)),  # ISO: year, month, day
        (dt.datetime(2024, 5, 6, 0, 0), dt.date(2024, 5, 6)),  # a spreadsheet date cell
    ],
)
def test_a_typed_date_is_read_day_first(typed, day):
    from helpers.cycle.typed_values import typed_date

    assert typed_date(typed) == day


@pytest.mark.parametrize(
    "typed, message",
    [
        (
            "06/05/2024",
            "'06/05/2024' could be 6 May 2024 or 5 June 2024 (spreadsheets set to US English read it month first): "
            "write the month as a word, e.g. 6 May 2024",
        ),
        ("1/2/25", "'1/2/25' could be 1 February 2025 or 2 January 2025"),
        ("06/25/2024", "'06/25/2024' is not a real date (day, then month, then year): write it like 6 May 2024"),
        ("31 June 2024", "'31 June 2024' is not a real date"),
        ("June 2024", "cannot read 'June 2024' as a date: write it like 6 May 2024"),
        ("last Friday", "cannot read 'last Friday' as a date"),
    ],
)
def test_a_typed_date_that_reads_both_ways_or_not_at_all_is_refused(typed, message):
    from helpers.cycle.typed_values import TypedDateError, typed_date

    with pytest.raises(TypedDateError) as err:
        typed_date(typed)
    assert str(err.value).startswith(message)


@pytest.mark.parametrize(
    "value, number_format, kept",
    [
        ("March 2025", "@", "March 2025"),  # a text cell: as typed, which the target rules read as 31 March 2025
        (" Q4 2024/25 ", "@", "Q4 2024/25"),
        (dt.datetime(2025, 3, 1), "mmm-yy", "March 2025"),  # Excel's date for a typed "March 2025", shown "Mar-25"
        (dt.datetime(2025, 3, 1), "MMMM YYYY", "March 2025"),
        (dt.datetime(2025, 3, 1), "dd/mm/yyyy", "1 March 2025"),  # a day was shown, so a day was meant
        (dt.datetime(2025, 3, 1), '[$-809]d"th" mmmm', "1 March 2025"),
        (dt.datetime(2025, 3, 1), '"Due" mmmm yyyy', "March 2025"),  # the "d" in quoted text is not a day
    ],
)
def test_a_revised_target_is_kept_as_typed(value, number_format, kept):
    from helpers.cycle.typed_values import typed_target

    assert typed_target(value, number_format) == kept


Q3_2026 = (dt.date(2026, 10, 1), dt.date(2026, 12, 31))  # 2026/27 Q3, October-December


@pytest.mark.parametrize(
    "typed, day",
    [
        ("06/12/2026", dt.date(2026, 12, 6)),  # 6 December is in Q3; 12 June is not
        ("12/06/2026", dt.date(2026, 12, 6)),  # 12 June is not in Q3; the month-first reading, 6 December, is
        ("1/10/26", dt.date(2026, 10, 1)),  # 1 October; 10 January is not
    ],
)
def test_a_date_that_reads_both_ways_is_taken_where_only_one_reading_is_in_the_span(typed, day):
    from helpers.cycle.typed_values import typed_date

    assert typed_date(typed, within=Q3_2026) == day


@pytest.mark.parametrize(
    "typed, within",
    [
        ("10/11/2026", Q3_2026),  # 10 November and 11 October are both in Q3
        ("06/05/2026", Q3_2026),  # 6 May and 5 June: neither is
        ("06/05/2024", (dt.date(2024, 4, 1), dt.date(2024, 6, 30))),  # both in 2024/25 Q1
    ],
)
def test_a_date_that_reads_both_ways_is_still_refused_where_both_or_neither_reading_is_in_the_span(typed, within):
    from helpers.cycle.typed_values import TypedDateError, typed_date

    with pytest.raises(TypedDateError, match="could be"):
        typed_date(typed, within=within)
