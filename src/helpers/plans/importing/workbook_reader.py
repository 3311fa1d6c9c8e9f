"""Workbooks (.xlsx with openpyxl, .ods with odfpy, both through pandas): each sheet one candidate table,
each cell named by its sheet and address (B4)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from helpers.base.errors import InputError
from helpers.plans.importing.cells import Cell, Row, Table, tidy_lines

ENGINES = {"xlsx": "openpyxl", "ods": "odf"}


def read_workbook(path: Path, kind: str) -> tuple[list[Table], str]:
    """(each sheet as a table, no text outside the tables: a workbook states only its cells)."""
    import zipfile

    import pandas as pd

    try:
        sheets = pd.read_excel(path, sheet_name=None, header=None, dtype=object, engine=ENGINES[kind])
    except (ValueError, KeyError, zipfile.BadZipFile, OSError) as err:
        raise InputError(f"cannot read the workbook: {err}", path) from None
    tables = []
    for name, frame in sheets.items():
        rows = [
            Row([Cell(cell_text(v)) for v in values], table=len(tables) + 1, row=n, sheet=str(name))
            for n, values in enumerate(frame.itertuples(index=False), start=1)
        ]
        if rows:
            tables.append(Table(len(tables) + 1, rows, f"sheet {name}"))
    return tables, ""


def cell_text(value: object) -> str:
    """A workbook value as the plan shows it: a date as "31 October 2021", 3.0 as "3", blank as ""."""
    import pandas as pd

    if value is None or (isinstance(value, float) and value != value) or value is pd.NaT:
        return ""
    if isinstance(value, dt.datetime | dt.date):
        return f"{value.day} {value:%B %Y}"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return tidy_lines(str(value))
