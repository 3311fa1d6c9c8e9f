"""What a lead or an analyst types into a workbook, read by one rule: a cell's text, a date, a revised target.

A date typed in figures whose day and month could be either way round ("06/05/2024") is refused, never
guessed, unless the cell may only hold days of a known span (a return's date of update: its quarter) and exactly
one of the two readings falls in it; forms, collect and the decision sheets all read typed dates here, so they
cannot drift apart.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re

from helpers.base import quarters


def cell_text(value: object) -> str:
    """A cell's value as text: dates as YYYY-MM-DD, whole numbers without ".0", blanks as ""."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = getattr(value, "text", value)  # an ArrayFormula keeps its text in .text
    return str(text).strip()


# --- What a lead types: dates and revised targets ------------------------------------------------

_MONTH_NUMBERS = {name.casefold(): n for n in range(1, 13) for name in (calendar.month_name[n], calendar.month_abbr[n])}
_MONTH_NUMBERS["sept"] = 9
_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_NUMERIC_DATE = re.compile(r"(\d{1,2})\s*([/.-])\s*(\d{1,2})\s*\2\s*(\d{4}|\d{2})")
_WORD_DATE = re.compile(r"(\d{1,2})(?:st|nd|rd|th)?\s+([a-z]+)\.?,?\s+(\d{4}|\d{2})")
DATE_EXAMPLE = "6 May 2024"


class TypedDateError(ValueError):
    """A date typed into a form that cannot be read for certain; the message says how to write it."""


def _year(text: str) -> int:
    """A year as typed: "24" is 2024."""
    return 2000 + int(text) if len(text) == 2 else int(text)


def _real_date(year: int, month: int, day: int, typed: str) -> dt.date:
    """The date, or TypedDateError naming what was typed where there is no such day."""
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise TypedDateError(
            f"{typed!r} is not a real date (day, then month, then year): write it like {DATE_EXAMPLE}"
        ) from None


def swapped_reading(text: str) -> str | None:
    """For a date typed in figures whose day and month could be either way round ("06/05/2024"): the message
    naming both readings; None for anything else ("14/06/2024", "06/06/2024", "6 May 2024")."""
    match = _NUMERIC_DATE.fullmatch(text.strip())
    if not match:
        return None
    first, second, year = int(match.group(1)), int(match.group(3)), _year(match.group(4))
    if first == second or not (1 <= first <= 12 and 1 <= second <= 12):
        return None
    as_written = quarters.long_date(dt.date(year, second, first))
    other = quarters.long_date(dt.date(year, first, second))
    return (
        f"{text.strip()!r} could be {as_written} or {other} (spreadsheets set to US English read it month first): "
        f"write the month as a word, e.g. {as_written}"
    )


def _one_reading_within(text: str, within: tuple[dt.date, dt.date] | None) -> dt.date | None:
    """For a date in figures that reads both ways: the one reading inside `within` (first, last day), where exactly
    one is ("06/12/2026" in October-December 2026 is 6 December); None where both or neither are, or no span."""
    match = _NUMERIC_DATE.fullmatch(text)
    if within is None or not match:
        return None
    first, second, year = int(match.group(1)), int(match.group(3)), _year(match.group(4))
    inside = [d for d in (dt.date(year, second, first), dt.date(year, first, second)) if within[0] <= d <= within[1]]
    return inside[0] if len(inside) == 1 else None


def typed_date(value: object, within: tuple[dt.date, dt.date] | None = None) -> dt.date:
    """The date in a form cell: a spreadsheet date, or text written day first ("6 May 2024", "14/06/2024",
    "2024-06-14"). A date in figures that reads both ways ("06/05/2024") is refused, never guessed
    (TypedDateError says how to write it), unless `within` (first, last day the cell may hold) holds exactly one
    of its readings: then that one."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = cell_text(value)
    folded = " ".join(text.casefold().split())
    if match := _ISO_DATE.fullmatch(folded):
        return _real_date(int(match.group(1)), int(match.group(2)), int(match.group(3)), text)
    if message := swapped_reading(folded):
        if (only := _one_reading_within(folded, within)) is not None:
            return only
        raise TypedDateError(message)
    if match := _NUMERIC_DATE.fullmatch(folded):
        return _real_date(_year(match.group(4)), int(match.group(3)), int(match.group(1)), text)
    if (match := _WORD_DATE.fullmatch(folded)) and match.group(2) in _MONTH_NUMBERS:
        return _real_date(_year(match.group(3)), _MONTH_NUMBERS[match.group(2)], int(match.group(1)), text)
    raise TypedDateError(f"cannot read {text!r} as a date: write it like {DATE_EXAMPLE}")


def typed_target(value: object, number_format: str = "General") -> str:
    """The revised target as the update file keeps it: the text the lead typed ("March 2025"), which the target
    rules read ("March 2025" is 31 March 2025). A cell a spreadsheet turned into a date is written back as what
    was typed: a month where its format shows no day (Excel stores "March 2025" as 1 March 2025, shown
    "Mar-25"), else the day ("1 March 2025")."""
    if isinstance(value, (dt.datetime, dt.date)):
        day = value.date() if isinstance(value, dt.datetime) else value
        shows_day = "d" in re.sub(r'"[^"]*"|\[[^\]]*\]', "", number_format).casefold()
        return quarters.long_date(day) if shows_day else f"{day:%B %Y}"
    return cell_text(value)
