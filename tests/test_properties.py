"""Laws that hold for any input, checked with Hypothesis on generated cases.

- CSV: any table of text written by `tables.to_csv_text` reads back through
  `readers.read_csv` as the same text, and no written cell starts with a
  character a spreadsheet takes for a formula (OWASP: = + - @ tab CR).
- Quarters: labels, slugs, starts and ends round-trip, and every day belongs to
  exactly one financial-year quarter (Q1 = April-June).
- Targets: any target the vocabulary's words make reads as a month's end
  (month, season, quarter), the day itself (a date), or an ongoing start.
"""

from __future__ import annotations

import calendar
import csv
import datetime as dt
import io
import itertools
import os
import tempfile
from pathlib import Path

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers.base import quarters
from helpers.base.readers import from_spreadsheet_safe, read_csv, spreadsheet_safe
from helpers.base.targets import DAY, MONTH, ONGOING, QUARTER, SEASON, parse_target
from helpers.base.vocabulary import vocabulary
from helpers.plans.tables import to_csv_text

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

# No deadline: on a busy shared machine a case can take a second, and that is not a failure. Under `make mutants`
# the cases are the same every run, so a mutant is killed or not for what it does, not for what was drawn.
settings.register_profile("project", deadline=None, derandomize="MUTANT_UNDER_TEST" in os.environ)
settings.load_profile("project")

# --- CSV: safe to open, and the same text back ----------------------------------------------


def as_read(text: str) -> str:
    """What the reader's documented rules make of a cell: line breaks as "\\n", surrounding whitespace gone."""
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


# Any text, with the characters that matter here made common: formula starts, apostrophes, quotes, commas,
# line breaks and spaces (Hypothesis would rarely put them first on its own).
cell_text = st.text(alphabet=st.one_of(st.sampled_from("=+-@'\t\r\n \",;|"), st.characters(codec="utf-8")), max_size=30)


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(cells=st.lists(st.tuples(cell_text, cell_text), min_size=1, max_size=8))
def test_any_text_reads_back_as_written_and_no_cell_is_a_formula(cells):
    frame = pd.DataFrame(
        {"key": [f"row {n}" for n in range(len(cells))], "a": [a for a, _ in cells], "b": [b for _, b in cells]}
    )
    text = to_csv_text(frame)
    # What a spreadsheet would see: no cell of the file begins with a formula character.
    for record in csv.reader(io.StringIO(text, newline="")):
        assert not any(cell.startswith(FORMULA_STARTS) for cell in record), record
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "table.csv"
        path.write_text(text, encoding="utf-8", newline="")
        back = read_csv(path, ["key", "a", "b"])
    assert back["a"].tolist() == [as_read(a) for a, _ in cells]
    assert back["b"].tolist() == [as_read(b) for _, b in cells]


@given(st.text())
def test_spreadsheet_safe_is_undone_exactly(text):
    assert from_spreadsheet_safe(spreadsheet_safe(text)) == text
    assert not spreadsheet_safe(text).startswith(FORMULA_STARTS)


@given(st.text().filter(lambda t: not t.lstrip("'").startswith(FORMULA_STARTS)))
def test_text_that_is_no_formula_is_written_unchanged(text):
    assert spreadsheet_safe(text) == text


def test_cells_a_spreadsheet_would_run_are_neutralised_and_legitimate_values_come_back(tmp_path):
    # Worked by hand from OWASP's rule: an apostrophe goes before = + - @ (and a tab or CR) at the start.
    written = {
        '=HYPERLINK("http://x","y")': '\'=HYPERLINK("http://x","y")',
        "=cmd|' /C calc'!A0": "'=cmd|' /C calc'!A0",
        "+ new timetable": "'+ new timetable",
        "-": "'-",
        "-12.5": "'-12.5",
        "@SUM(A1:A9)": "'@SUM(A1:A9)",
        "'=x": "''=x",  # typed with its own apostrophe: kept, one more in front
        "2024-03-12": "2024-03-12",
        "O'Brien": "O'Brien",
        "'quoted'": "'quoted'",
    }
    frame = pd.DataFrame({"value": list(written)})
    lines = to_csv_text(frame).splitlines()[1:]
    assert [next(csv.reader([line])) for line in lines] == [[v] for v in written.values()]
    path = tmp_path / "t.csv"
    path.write_text(to_csv_text(frame), encoding="utf-8")
    assert read_csv(path, ["value"])["value"].tolist() == list(written)


def test_an_apostrophe_typed_by_hand_before_a_formula_character_is_the_spreadsheets_text_mark(tmp_path):
    # As in Excel: '=x in a cell means the text =x; an apostrophe before anything else is part of the text.
    path = tmp_path / "typed.csv"
    path.write_text("value\n'=x\n'-\n'x\n''@y\n", encoding="utf-8")
    assert read_csv(path, ["value"])["value"].tolist() == ["=x", "-", "'x", "'@y"]


# --- Quarters ------------------------------------------------------------------------------

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


# --- Targets ---------------------------------------------------------------------------------

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
