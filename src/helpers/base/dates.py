"""Dates as people read them: "31 Mar 2024", "about Feb 2023"."""

from __future__ import annotations

import pandas as pd


def show_date(value: object, approximate: bool = False) -> str:
    """ "31 Mar 2024", "about Feb 2023" for an approximate date, "" for none."""
    if value is None or pd.isna(value):
        return ""
    day = pd.Timestamp(value)
    return f"about {day:%b %Y}" if approximate else f"{day.day} {day:%b %Y}"
