"""Target dates from the words plans use: "October 2021", "Oct 24", "Autumn 2021", "Q3 2024/25",
"by end of March 2024", "31/03/2024", "June 2020 onwards", "Ongoing", "Complete".

The words (ongoing, complete, seasons, prefixes, "onwards" suffixes, separators
between several timescales) live in data/vocabulary.yaml.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import NamedTuple

import pandas as pd

from helpers.base.vocabulary import vocabulary

# Kinds of target, as they appear in the target_kind column.
DAY, MONTH, SEASON, QUARTER = "day", "month", "season", "quarter"
ONGOING, COMPLETE, NONE = "ongoing", "complete", "none"
KINDS = (DAY, MONTH, SEASON, QUARTER, ONGOING, COMPLETE, NONE)
DATED = (DAY, MONTH, SEASON, QUARTER)

_MONTHS = {
    name: n
    for n in range(1, 13)
    for name in {dt.date(2000, n, 1).strftime("%B").lower(), dt.date(2000, n, 1).strftime("%b").lower()}
}
_MONTHS["sept"] = 9
_YEAR = r"(\d{4}|\d{2})"


class Target(NamedTuple):
    """A target as read: its date (the last of its timescales; None if it has none), its kind, an ongoing
    action's start, and every date when the cell gives several."""

    date: dt.date | None
    kind: str
    start: dt.date | None = None
    timescales: tuple[dt.date, ...] = ()


class UnreadableTarget(ValueError):
    """The target text is not a date, season, month, quarter or known word."""


def _year(text: str) -> int:
    return int(text) + 2000 if len(text) == 2 else int(text)


def _month_end(year: int, month: int) -> dt.date:
    return pd.Period(year=year, month=month, freq="M").end_time.date()


def _words(key: str) -> list[str]:
    return [str(w).casefold() for w in vocabulary()["targets"].get(key) or []]


def _one_date(text: str) -> tuple[dt.date, str] | None:
    """A single dated timescale ("Oct 24", "Q3 2024/25", "31/03/2024"), or None."""
    from helpers.base import quarters

    folded = text.casefold().strip().rstrip(".,")
    for prefix in sorted(_words("prefixes"), key=len, reverse=True):
        if folded.startswith(prefix + " "):
            folded = folded[len(prefix) :].strip()
            break
    seasons = vocabulary()["targets"]["seasons"]
    if match := re.fullmatch(r"([a-z]+)\s+" + _YEAR, folded):
        word, year = match.group(1), _year(match.group(2))
        if word in seasons:
            season = seasons[word]
            return _month_end(year + (1 if season.get("next_year") else 0), int(season["last_month"])), SEASON
        if word in _MONTHS:
            return _month_end(year, _MONTHS[word]), MONTH
    if match := re.fullmatch(r"q([1-4])\s+(\d{4}\s*[/-]\s*\d{2,4})", folded):
        folded = f"{match.group(2)} q{match.group(1)}"
    try:
        return quarters.end(quarters.parse_quarter(folded)), QUARTER
    except quarters.BadQuarter:
        pass
    if (match := re.fullmatch(r"(\d{1,2})\s+([a-z]+)\s+" + _YEAR, folded)) and match.group(2) in _MONTHS:
        try:
            return dt.date(_year(match.group(3)), _MONTHS[match.group(2)], int(match.group(1))), DAY
        except ValueError:
            return None
    for fmt in ("%d/%m/%Y", "%d/%m/%y", "%Y-%m-%d", "%d.%m.%Y"):
        try:
            return dt.datetime.strptime(folded, fmt).date(), DAY
        except ValueError:
            continue
    return None


def parse_target(text: str, source_date: dt.date) -> Target:
    """Read a target cell; `source_date` dates a "Complete" target."""
    plain = re.sub(r"[ \t]+", " ", text or "").strip().rstrip(".")
    folded = plain.casefold()
    if not folded:
        return Target(None, NONE)
    if folded in _words("ongoing"):
        return Target(None, ONGOING)
    if folded in _words("complete"):
        return Target(source_date, COMPLETE)
    for suffix in sorted(_words("ongoing_suffixes"), key=len, reverse=True):
        if folded.endswith(" " + suffix):
            found = _one_date(folded[: -len(suffix)].strip().rstrip(","))
            if found:
                return Target(None, ONGOING, start=found[0])
    parts = [folded]
    for sep in vocabulary()["targets"].get("separators") or []:
        parts = [piece for part in parts for piece in part.split(str(sep).casefold())]
    parts = [p.strip(" ,") for p in parts if p.strip(" ,")]
    found = [_one_date(p) for p in parts]
    if parts and all(found):
        dates = tuple(d for d, _ in found)  # type: ignore[misc]
        kind = found[-1][1]  # type: ignore[index]
        return Target(dates[-1], kind, timescales=dates if len(dates) > 1 else ())
    words = vocabulary()["targets"]
    raise UnreadableTarget(
        f"cannot read target {text!r}: expected a month ('October 2021', 'Oct 24'), a season ('Autumn 2021'), "
        f"a quarter ('Q3 2024/25'), a date ('31/03/2024'), 'June 2020 onwards', or one of "
        f"{', '.join(words['ongoing'] + words['complete'])}; or record a correction in data/corrections.csv"
    )
