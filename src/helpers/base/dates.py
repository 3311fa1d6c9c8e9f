"""Dates as people read them: "31 Mar 2024", "about Feb 2023"."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from helpers.base.errors import InputError


def show_date(value: object, approximate: bool = False) -> str:
    """ "31 Mar 2024", "about Feb 2023" for an approximate date, "" for none."""
    if value is None or pd.isna(value):
        return ""
    day = pd.Timestamp(value)
    return f"about {day:%b %Y}" if approximate else f"{day.day} {day:%b %Y}"


def day_given(text: str | None, name: str) -> dt.date:
    """The day a command counts as today: `text` as YYYY-MM-DD, or today when blank (FORMS_DATE, COLLECT_DATE,
    EMAIL_DATE); anything else is one line naming `name`."""
    if text is None or not text.strip():
        return dt.date.today()
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise InputError(f"{name} {text.strip()!r} is not a date like 2026-12-07") from None
