"""Target dates: from the text the documents use ("October 2021", "Autumn 2021", "Ongoing")."""
from __future__ import annotations

import datetime as dt
import re
from typing import NamedTuple

import pandas as pd

from helpers.vocabulary import vocabulary

# Kinds of target, as they appear in the target_kind column.
ONGOING, COMPLETE, NONE = "ongoing", "complete", "none"
KINDS = ("month", "season", "day", ONGOING, COMPLETE, NONE)


class Target(NamedTuple):
    date: dt.date | None
    kind: str


class UnreadableTarget(ValueError):
    """The target text is not a date, season, month or known word."""


def _month_end(year: int, month: int) -> dt.date:
    return pd.Period(year=year, month=month, freq="M").end_time.date()


def parse_target(text: str, source_date: dt.date) -> Target:
    """Read a target cell; `source_date` dates a "Complete" target."""
    words = vocabulary()["targets"]
    plain = re.sub(r"\s+", " ", text or "").strip().rstrip(".")
    folded = plain.casefold()
    if not folded:
        return Target(None, NONE)
    if folded in {w.casefold() for w in words["ongoing"]}:
        return Target(None, ONGOING)
    if folded in {w.casefold() for w in words["complete"]}:
        return Target(source_date, COMPLETE)
    match = re.fullmatch(r"([a-z]+) (\d{4})", folded)
    if match and match.group(1) in words["seasons"]:
        season = words["seasons"][match.group(1)]
        year = int(match.group(2)) + (1 if season.get("next_year") else 0)
        return Target(_month_end(year, int(season["last_month"])), "season")
    for fmt in ("%B %Y", "%b %Y"):
        try:
            month = dt.datetime.strptime(plain, fmt)
            return Target(_month_end(month.year, month.month), "month")
        except ValueError:
            continue
    for fmt in ("%d/%m/%Y", "%d %B %Y", "%d %b %Y", "%Y-%m-%d"):
        try:
            return Target(dt.datetime.strptime(plain, fmt).date(), "day")
        except ValueError:
            continue
    raise UnreadableTarget(
        f"cannot read target {text!r}: expected a month ('October 2021'), a season ('Autumn 2021'), "
        f"a date ('31/03/2024'), or one of {', '.join(words['ongoing'] + words['complete'])}"
    )
