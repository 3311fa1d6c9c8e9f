"""Target words, to the letter: each spelling data/vocabulary.yaml and the docstring of helpers.base.targets accept,
the day each one means (worked out by hand from the calendar), and the whole message for one that does not read.
Written against the survivors of `make mutants` (MODULES=targets).
"""

from __future__ import annotations

import calendar
import datetime as dt
import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import edit_file
from helpers.base.targets import DAY, MONTH, NONE, ONGOING, QUARTER, SEASON, Target, UnreadableTarget, parse_target
from helpers.base.vocabulary import vocabulary
from made_up_reviews import extract_refuses

# No deadline: on a busy shared machine a case can take a second, and that is not a failure. Under `make mutants`
# the cases are the same every run, so a mutant is killed or not for what it does, not for what was drawn.
settings.register_profile("project", deadline=None, derandomize="MUTANT_UNDER_TEST" in os.environ)
settings.load_profile("project")

SOURCE = dt.date(2021, 10, 5)


@pytest.mark.parametrize(
    "text, date, kind",
    [
        ("31 March 2024", dt.date(2024, 3, 31), DAY),
        ("1 Sept 2024", dt.date(2024, 9, 1), DAY),
        ("31/03/24", dt.date(2024, 3, 31), DAY),
        ("2024-03-31", dt.date(2024, 3, 31), DAY),
        ("31.03.2024", dt.date(2024, 3, 31), DAY),
        ("no later than 30/06/2024", dt.date(2024, 6, 30), DAY),
        ("by the end of March 2024", dt.date(2024, 3, 31), MONTH),  # the longest prefix first
        ("the end of Feb 2024", dt.date(2024, 2, 29), MONTH),
        ("March\t  2024.", dt.date(2024, 3, 31), MONTH),  # tabs and spaces are one space; a full stop ends it
        ("Q3 2024-25", dt.date(2024, 12, 31), QUARTER),  # a hyphen between the years, as "2024-25 Q3" allows
        ("Q4 2024 / 2025", dt.date(2025, 3, 31), QUARTER),
        ("Summer 21", dt.date(2021, 8, 31), SEASON),
        ("Autumn 2021,", dt.date(2021, 11, 30), SEASON),
        ("Winter 2023", dt.date(2024, 2, 29), SEASON),  # ends in the next February, a leap one here
    ],
)
def test_each_written_form_is_its_day(text, date, kind):
    assert parse_target(text, SOURCE) == Target(date, kind)


def test_a_start_with_a_comma_before_onwards_and_a_day_then_ongoing():
    assert parse_target("June 2020, onwards", SOURCE) == Target(None, ONGOING, start=dt.date(2020, 6, 30))
    assert parse_target("1 April 2022 and ongoing", SOURCE) == Target(None, ONGOING, start=dt.date(2022, 4, 1))
    # A suffix alone, or after words that are not a date, is not a start.
    with pytest.raises(UnreadableTarget):
        parse_target("soon onwards", SOURCE)


def test_complete_is_dated_the_documents_day_and_blank_is_no_target():
    assert parse_target("Completed.", SOURCE) == Target(SOURCE, "complete")
    assert parse_target(" \t ", SOURCE) == Target(None, NONE)
    assert parse_target(None, SOURCE) == Target(None, NONE)  # type: ignore[arg-type]


def test_several_timescales_and_empty_pieces_between_them():
    assert parse_target("Oct 24 then March 2025.", SOURCE) == Target(
        dt.date(2025, 3, 31), MONTH, timescales=(dt.date(2024, 10, 31), dt.date(2025, 3, 31))
    )
    # An empty piece (";;" or a separator at either end) is no timescale.
    assert parse_target("; Oct 24;; 31/03/2025", SOURCE) == Target(
        dt.date(2025, 3, 31), DAY, timescales=(dt.date(2024, 10, 31), dt.date(2025, 3, 31))
    )
    # One dated piece is a plain target, with no list of timescales.
    assert parse_target("Oct 24;", SOURCE) == Target(dt.date(2024, 10, 31), MONTH)
    # Every piece must read: one that does not makes the whole cell unreadable.
    with pytest.raises(UnreadableTarget):
        parse_target("Oct 24; when funded", SOURCE)


@pytest.mark.parametrize("text", ["31 February 2024", "32/01/2024", "Q5 2024/25", "Octember 24", "March", "2024"])
def test_impossible_dates_do_not_read(text):
    with pytest.raises(UnreadableTarget):
        parse_target(text, SOURCE)


def test_the_message_for_an_unreadable_target_lists_every_form_and_word():
    words = vocabulary()["targets"]
    with pytest.raises(UnreadableTarget) as info:
        parse_target("when resources allow", SOURCE)
    assert str(info.value) == (
        "cannot read target 'when resources allow': expected a month ('October 2021', 'Oct 24'), a season "
        "('Autumn 2021'), a quarter ('Q3 2024/25'), a date ('31/03/2024'), 'June 2020 onwards', or one of "
        f"{', '.join(words['ongoing'] + words['complete'])}; or record a correction in data/corrections.csv"
    )


def test_a_full_stop_or_comma_after_one_of_several_timescales_is_not_part_of_it():
    assert parse_target("Oct 24.; March 2025", SOURCE) == Target(
        dt.date(2025, 3, 31), MONTH, timescales=(dt.date(2024, 10, 31), dt.date(2025, 3, 31))
    )


@pytest.mark.parametrize(
    "cell, date, kind",
    [
        ("October 2021", dt.date(2021, 10, 31), "month"),
        ("February 2022", dt.date(2022, 2, 28), "month"),
        ("Autumn 2021", dt.date(2021, 11, 30), "season"),
        ("Ongoing", None, "ongoing"),
        ("On-going", None, "ongoing"),
        ("Complete", SOURCE, "complete"),
        ("", None, "none"),
        ("31/03/2024", dt.date(2024, 3, 31), "day"),
        # As other councils write them (issue: any council's action plan).
        ("Oct 24", dt.date(2024, 10, 31), "month"),
        ("Dec 2024", dt.date(2024, 12, 31), "month"),
        ("Sept 2024", dt.date(2024, 9, 30), "month"),
        ("Q3 2024/25", dt.date(2024, 12, 31), "quarter"),  # financial-year Q3 = October to December
        ("2023/24 Q4", dt.date(2024, 3, 31), "quarter"),
        ("by end of March 2024", dt.date(2024, 3, 31), "month"),
        ("Winter 2021", dt.date(2022, 2, 28), "season"),  # Winter ends in February of the following year
        ("Spring 2022", dt.date(2022, 5, 31), "season"),
        # Plans that say the work is part of the day job (data/vocabulary.yaml: ongoing).
        ("Business as Usual", None, "ongoing"),
        ("business as usual.", None, "ongoing"),
        ("BAU", None, "ongoing"),
    ],
)
def test_targets_are_typed(cell, date, kind):
    target = parse_target(cell, SOURCE)
    assert (target.date, target.kind) == (date, kind)


@pytest.mark.parametrize("cell", ["Children's Services, Children's Accountancy Team", "Octember 2021", "soon"])
def test_unreadable_targets_raise(cell):
    with pytest.raises(UnreadableTarget, match="cannot read target"):
        parse_target(cell, SOURCE)


@pytest.mark.parametrize(
    "cell, start",
    [
        ("June 2020 onwards", dt.date(2020, 6, 30)),
        ("July 2023 and ongoing", dt.date(2023, 7, 31)),
    ],
)
def test_a_start_then_ongoing_is_ongoing_from_that_date(cell, start):
    target = parse_target(cell, SOURCE)
    assert (target.date, target.kind, target.start) == (None, "ongoing", start)


def test_several_timescales_keep_each_and_the_last_is_the_target():
    target = parse_target("Oct 24; March 2025", SOURCE)
    assert target.timescales == (dt.date(2024, 10, 31), dt.date(2025, 3, 31))
    assert target.date == dt.date(2025, 3, 31)


def test_an_unreadable_target_suggests_a_correction():
    with pytest.raises(UnreadableTarget, match=r"data/corrections\.csv"):
        parse_target("when resources allow", SOURCE)


@settings(max_examples=200, deadline=None)
@given(
    month=st.integers(1, 12),
    year=st.integers(2019, 2035),
    style=st.sampled_from(["%B %Y", "%b %y", "%b %Y", "by end of %B %Y"]),
)
def test_any_month_the_vocabulary_reads_is_that_months_last_day(month, year, style):
    text = dt.date(year, month, 1).strftime(style)
    target = parse_target(text, SOURCE)
    assert target.kind == "month" and (target.date.year, target.date.month) == (year, month)
    assert (target.date + dt.timedelta(days=1)).day == 1


@settings(max_examples=100, deadline=None)
@given(quarter=st.integers(1, 4), year=st.integers(2019, 2035))
def test_any_financial_year_quarter_is_its_last_day(quarter, year):
    target = parse_target(f"Q{quarter} {year}/{str(year + 1)[2:]}", SOURCE)
    # Q1 = April to June, so Q1 ends 30 June, Q2 30 September, Q3 31 December (all in the first year), Q4 31 March.
    ends = {1: dt.date(year, 6, 30), 2: dt.date(year, 9, 30), 3: dt.date(year, 12, 31), 4: dt.date(year + 1, 3, 31)}
    assert (target.date, target.kind) == (ends[quarter], "quarter")


# --- For any target (Hypothesis): any target the vocabulary's words make reads as a month's end (month, season,
# quarter), the day itself (a date), or an ongoing start.

TARGETS = vocabulary()["targets"]


MONTHS = [(calendar.month_name[n], n) for n in range(1, 13)] + [(calendar.month_abbr[n], n) for n in range(1, 13)]


years = st.integers(min_value=2000, max_value=2099)


def month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def spelt(year: int, two_digits: bool) -> str:
    return f"{year % 100:02d}" if two_digits else str(year)


@st.composite
def dated_targets(draw) -> tuple[str, dt.date, str]:
    """(text as a plan might write it, the date the stated rules give, kind), worked out here from the rules."""
    year, short = draw(years), draw(st.booleans())
    which = draw(st.sampled_from(["month", "season", "quarter", "day"]))
    if which == "month":
        name, month = draw(st.sampled_from(MONTHS))
        text, day, kind = f"{name} {spelt(year, short)}", month_end(year, month), MONTH
    elif which == "season":
        season = draw(st.sampled_from(sorted(TARGETS["seasons"])))
        spec = TARGETS["seasons"][season]
        end_year = year + (1 if spec.get("next_year") else 0)
        text, day, kind = f"{season.title()} {spelt(year, short)}", month_end(end_year, spec["last_month"]), SEASON
    elif which == "quarter":
        q = draw(st.integers(min_value=1, max_value=4))
        label = f"{year}/{(year + 1) % 100:02d}"
        text = draw(st.sampled_from([f"Q{q} {label}", f"{label} Q{q}"]))
        day = month_end(year + (q == 4), {1: 6, 2: 9, 3: 12, 4: 3}[q])
        kind = QUARTER
    else:
        day = draw(st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2099, 12, 31)))
        text, kind = f"{day:%d/%m/%Y}", DAY
    prefix = draw(st.sampled_from(["", *TARGETS["prefixes"]]))
    return (f"{prefix} {text}".strip() if prefix else text), day, kind


@given(dated_targets())
def test_a_month_season_or_quarter_reads_as_its_last_day_and_a_date_as_itself(case):
    text, day, kind = case
    target = parse_target(text, dt.date(2020, 1, 1))
    assert (target.date, target.kind) == (day, kind)
    if kind != DAY:
        assert (target.date + dt.timedelta(days=1)).day == 1  # a month's end


@given(dated_targets(), st.sampled_from(TARGETS["ongoing_suffixes"]))
def test_a_date_followed_by_onwards_is_ongoing_from_that_date(case, suffix):
    text, day, _ = case
    target = parse_target(f"{text} {suffix}", dt.date(2020, 1, 1))
    assert (target.kind, target.date, target.start) == (ONGOING, None, day)


@given(st.lists(dated_targets(), min_size=2, max_size=4), st.data())
def test_several_timescales_take_the_last_as_the_target(cases, data):
    separators = [s for s in TARGETS["separators"] if s.strip() or s == "\n"]
    text = cases[0][0]
    for later, _, _ in cases[1:]:
        text += data.draw(st.sampled_from(separators)) + later
    target = parse_target(text, dt.date(2020, 1, 1))
    assert target.date == cases[-1][1] and target.kind == cases[-1][2]
    assert target.timescales == tuple(day for _, day, _ in cases)


@given(st.sampled_from(TARGETS["ongoing"]), st.sampled_from(["", ".", "  "]))
def test_an_ongoing_word_has_no_date(word, tail):
    target = parse_target(word.upper() + tail, dt.date(2020, 1, 1))
    assert (target.kind, target.date, target.start) == (ONGOING, None, None)


# --- Bad input: a target that does not read.
# Extraction stops with one plain line naming the file and line, and keeps the tables it made before
# (these cases were in tests/test_bad_input.py).

FINANCE = "raw/2021-10-05-cabinet-finance-peer-challenge-action-plan.txt"
BAD_INPUT = {
    "unparseable target": (
        lambda d: edit_file(
            d,
            FINANCE,
            "\tOctober 2021\tCorporate Director Finance & Commercial",
            "\tOctobre 2021\tCorporate Director Finance & Commercial",
        ),
        "2021-10-05-cabinet-finance-peer-challenge-action-plan.txt:107",
        "cannot read target 'Octobre 2021'",
    ),
}


@pytest.mark.parametrize("case", BAD_INPUT)
def test_bad_input_gives_one_line_error_and_keeps_previous_tables(data_copy: Path, case: str):
    extract_refuses(data_copy, *BAD_INPUT[case])
