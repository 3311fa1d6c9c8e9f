"""UK local-government financial-year quarters: Q1 = April-June ... Q4 = January-March.

Labels read "2023/24 Q4" ("2023-24 Q4" is accepted too). Quarters are pandas
periods with frequency Q-MAR (years ending in March), so pandas does the date
arithmetic.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

import pandas as pd

FREQ = "Q-MAR"
_LABEL = re.compile(r"^\s*(\d{4})\s*[/-]\s*(\d{2}|\d{4})\s+Q([1-4])\s*$", re.IGNORECASE)


class BadQuarter(ValueError):
    """A quarter label that does not read like "2023/24 Q4"."""


def parse_quarter(label: str) -> pd.Period:
    """The quarter a label names: "2023/24 Q4" -> January-March 2024."""
    match = _LABEL.match(str(label))
    if not match:
        raise BadQuarter(f"quarter {label!r} is not like '2023/24 Q4' (financial year, then Q1-Q4)")
    start_year, end_part, q = int(match.group(1)), match.group(2), int(match.group(3))
    end_year = start_year + 1
    if int(end_part) != (end_year if len(end_part) == 4 else end_year % 100):
        raise BadQuarter(f"quarter {label!r}: a financial year runs from one year to the next (e.g. 2023/24)")
    return pd.Period(year=end_year, quarter=q, freq=FREQ)


def as_quarter(quarter: str | pd.Period) -> pd.Period:
    """A quarter given as its label ("2023/24 Q4") or already a period (BadQuarter if the label does not read)."""
    return quarter if isinstance(quarter, pd.Period) else parse_quarter(quarter)


def label(quarter: pd.Period) -> str:
    """ "2023/24 Q4" for the quarter January-March 2024."""
    end_year = quarter.qyear
    return f"{end_year - 1}/{end_year % 100:02d} Q{quarter.quarter}"


def slug(quarter: pd.Period) -> str:
    """A folder name for a quarter: "2023-24-Q4"."""
    return label(quarter).replace("/", "-").replace(" ", "-")


def start(quarter: pd.Period) -> dt.date:
    """The quarter's first day (1 April for Q1)."""
    return quarter.start_time.date()


def end(quarter: pd.Period) -> dt.date:
    """The quarter's last day (31 March for Q4)."""
    return quarter.end_time.date()


def as_at(quarter: pd.Period, as_of: dt.date | None = None) -> dt.date:
    """The day a report's figures are as at: the quarter's end, or `as_of` (the day an interim report is made)
    where that is earlier. The one rule for an interim report's day, wherever a status, a count, a duration or a
    window of updates and decisions is worked out."""
    last = end(quarter)
    return min(last, as_of) if as_of is not None else last


def quarter_of(day: dt.date | pd.Timestamp) -> pd.Period:
    """The financial-year quarter a date falls in."""
    return pd.Period(pd.Timestamp(day), freq=FREQ)


def latest_completed(today: dt.date | None = None) -> pd.Period:
    """The last quarter that has ended by `today` (default: today)."""
    return quarter_of(today or dt.date.today()) - 1


def quarters_between(first: pd.Period, last: pd.Period) -> list[pd.Period]:
    """Every quarter from first to last, both included."""
    return list(pd.period_range(first, last))  # both ends are Q-MAR periods: the range is too


def long_date(day: dt.date) -> str:
    """ "31 March 2024" (as a committee paper writes it)."""
    return f"{day.day} {day:%B %Y}"


def has_ended(quarter: pd.Period | str, today: dt.date) -> bool:
    """Whether the quarter's last day is before `today`: 2026/27 Q3 (to 31 December 2026) has ended on
    1 January 2027, not on 31 December. The one rule for a quarter not yet ended, wherever it matters
    (forms, collect, report, notebooks, the index)."""
    return end(as_quarter(quarter)) < today


def first_reportable(tracked_from: Iterable[dt.date]) -> pd.Period:
    """The first quarter a report can cover: the one in which the earliest of the reviews' plans is tracked
    from (its approval). Given every review a run may report on: with none chosen, the workspace's (the
    report command writes, and notebook 04 shows, whichever council's reviews count by a quarter end);
    with a council or reviews chosen, theirs."""
    return quarter_of(min(tracked_from))


def check_reportable(
    quarter: pd.Period | str, first: pd.Period, today: dt.date | None = None, interim: bool = False
) -> pd.Period:
    """The quarter, if a report can be run for it; BadQuarter if not.

    Refused: a quarter before `first` (the first quarter with an action plan),
    and one that has not ended by `today` (default: today) unless `interim`.
    """
    if not isinstance(quarter, pd.Period):
        quarter = parse_quarter(quarter)
    if quarter < first:
        raise BadQuarter(
            f"{label(quarter)}: no action plan is tracked before {label(first)} (the first quarter with a plan)"
        )
    if not has_ended(quarter, today or dt.date.today()) and not interim:
        raise BadQuarter(
            f"{label(quarter)} has not ended yet: the latest completed quarter is {label(latest_completed(today))}; "
            f'run it as an interim report: make report QUARTER="{label(quarter)}" INTERIM=1'
        )
    return quarter
