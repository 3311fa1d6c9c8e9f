"""How long, in calendar months as a reader counts them: every "how long" a report states (DURATION_RULE).

    calendar_span(start, end)        Span(months, days): 31 October 2023 to 31 March 2024 is 5 months
    past_target(target, as_at)       how long past its target an action is, or None
    finished_late(completed, target) how long after its target an action was completed, or None

The rule's wording, printed in a report's key, is DURATION_RULE in helpers.tracking.status.
"""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

import pandas as pd


class Span(NamedTuple):
    """A length of time in calendar months and the days left over (see DURATION_RULE)."""

    months: int
    days: int

    def __str__(self) -> str:
        """ "5 months", "1 month and 28 days", "3 days"."""
        months = f"{self.months} month{'s' if self.months != 1 else ''}"
        days = f"{self.days} day{'s' if self.days != 1 else ''}"
        if self.months and self.days:
            return f"{months} and {days}"
        return months if self.months else days


def _month_end(year: int, month: int) -> dt.date:
    """The last day of a month."""
    following = dt.date(year + month // 12, month % 12 + 1, 1)
    return following - dt.timedelta(days=1)


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later; a month's last day stays a month's last day, a missing day is the month's last."""
    year, month0 = divmod(day.year * 12 + day.month - 1 + months, 12)
    last = _month_end(year, month0 + 1)
    if day == _month_end(day.year, day.month):
        return last
    return dt.date(year, month0 + 1, min(day.day, last.day))


def calendar_span(start: dt.date, end: dt.date) -> Span:
    """Whole calendar months from `start` to `end`, and the days left over (DURATION_RULE).

    31 October 2023 to 31 March 2024 is Span(5, 0); 15 January to 14 March is Span(1, 28).
    `end` before `start` is an error: a span is never negative.
    """
    start, end = _as_date(start), _as_date(end)
    if end < start:
        raise ValueError(f"a span ends ({end}) before it starts ({start})")
    months = (end.year - start.year) * 12 + end.month - start.month
    if add_months(start, months) > end:
        months -= 1
    return Span(months, (end - add_months(start, months)).days)


def _as_date(value: object) -> dt.date:
    """A date, from a date, a datetime64 or a Timestamp."""
    return value if type(value) is dt.date else pd.Timestamp(value).date()  # type: ignore[return-value]


def past_target(target: object, as_at: object) -> Span | None:
    """How long past its target an action is at `as_at`; None when the target is not before `as_at` (or unknown)."""
    if target is None or pd.isna(target) or _as_date(target) >= _as_date(as_at):
        return None
    return calendar_span(_as_date(target), _as_date(as_at))


def finished_late(completed_on: object, target_in_force: object) -> Span | None:
    """How long after the target in force an action was completed; None when on time, or either date is unknown.

    For "finished N months after its target": the status frame gives `completed_on` and `target_at_completion`.
    """
    if completed_on is None or pd.isna(completed_on):
        return None
    return past_target(target_in_force, completed_on)
