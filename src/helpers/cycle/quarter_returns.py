"""A quarter's returns: where forms and returns go, what counts as a return, when returns are due, and which
quarter a command names.

    make forms QUARTER="2024/25 Q1"     # helpers.cycle.forms: one workbook per lead, and a chase list
    make collect QUARTER="2024/25 Q1"   # helpers.cycle.collect: returned workbooks -> data/updates/<quarter>.csv
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pandas as pd

from helpers.base import config, quarters
from helpers.base.errors import InputError
from helpers.cycle.form_layout import UPDATES_SHEET

RETURN_WORKING_DAYS = 10
_COLLECTED = r"\.xlsx:" + UPDATES_SHEET + r"!\d+$"
# In the returns folder, these are not returns: hidden files, Excel's and LibreOffice's lock files, a note.
_NOT_RETURNS = (".", "~$")
_NOTE = "readme.md"


def returns_dir(quarter: pd.Period) -> Path:
    """data/updates/returns/2024-25-Q1/: where returned workbooks are saved."""
    return config.updates_dir() / "returns" / quarters.slug(quarter)


def forms_dir(quarter: pd.Period) -> Path:
    """reports/2024-25-Q1/forms/: where the forms and the chase list are written."""
    return config.reports_dir() / quarters.slug(quarter) / "forms"


def source_prefix(quarter: pd.Period) -> str:
    """How the update log names this quarter's returns: "returns/2024-25-Q1/" (relative to data/updates/)."""
    return f"returns/{quarters.slug(quarter)}/"


def is_collected(source: pd.Series) -> pd.Series:
    """True where an update-log `source` names a cell of a returned workbook ("...xlsx:Updates!7")."""
    return source.str.contains(_COLLECTED, regex=True, flags=re.IGNORECASE)


def return_entries(folder: Path) -> list[Path]:
    """Everything in a returns folder that is a return (or someone's attempt at one), sorted by name.

    The one rule for what is a return, used by collect (which reads the .xlsx ones
    and names each other entry as a problem) and by the chase list (which counts
    every file here as returned, whatever its format): every entry except hidden
    files, lock files (~$...) and a README.md.
    """
    if not folder.is_dir():
        return []
    return sorted(
        path for path in folder.iterdir() if not path.name.startswith(_NOT_RETURNS) and path.name.casefold() != _NOTE
    )


def is_workbook_name(path: Path) -> bool:
    """True for a file named as an Excel workbook (.xlsx), the one format collect reads."""
    return path.suffix.casefold() == ".xlsx"


def return_by(quarter: pd.Period, working_days: int = RETURN_WORKING_DAYS) -> dt.date:
    """The quarter end plus `working_days` weekdays (bank holidays are not known, so not skipped)."""
    return (pd.Timestamp(quarters.end(quarter)) + pd.offsets.BDay(working_days)).date()


def quarter_from_args(args) -> pd.Period:
    """The quarter `make forms` / `make collect` name: --quarter, or the QUARTER variable with --from-env."""
    import os

    label = os.environ.get("QUARTER", "") if args.from_env else args.quarter
    if not label:
        raise InputError('no quarter given: use --quarter "2024/25 Q1" (or QUARTER=... with --from-env)')
    try:
        return quarters.parse_quarter(label)
    except quarters.BadQuarter as err:
        raise InputError(str(err)) from None
