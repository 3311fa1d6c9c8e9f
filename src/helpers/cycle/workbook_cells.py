"""Writing the cycle's workbooks (forms, decision sheets): text kept as text, and A4 print setup."""

from __future__ import annotations


def storable(text: str) -> str:
    """Text as a workbook can store it: characters XML cannot hold (control characters) dropped."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    return ILLEGAL_CHARACTERS_RE.sub("", text)


def put(cell, value: object) -> None:
    """Write a value; text stays text (never a formula), illegal XML characters dropped."""
    if isinstance(value, str):
        cell.value = storable(value)
        cell.data_type = "s"
    else:
        cell.value = value


def print_setup(sheet, landscape: bool, title_rows: str | None = None) -> None:
    """A4, fitted to the page width only (as many pages down as it needs), header rows repeated on each page."""
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = "landscape" if landscape else "portrait"
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_margins.left = sheet.page_margins.right = 0.4
    sheet.page_margins.top = sheet.page_margins.bottom = 0.5
    if title_rows:
        sheet.print_title_rows = title_rows


def write_about(sheet, first_row: int, pairs: dict[str, str], header: list[str], checks: list[list[object]]) -> None:
    """The About sheet's two tables, from `first_row`: each key and its value, one per row, then after a blank row
    the row table (`header`, then one row per sheet row with its check), every cell text."""
    for r, (key, value) in enumerate(pairs.items(), start=first_row):
        put(sheet.cell(row=r, column=1), key)
        put(sheet.cell(row=r, column=2), value)
    first = first_row + len(pairs) + 1
    for n, name in enumerate(header, start=1):
        put(sheet.cell(row=first, column=n), name)
    for r, values in enumerate(checks, start=first + 1):
        for n, value in enumerate(values, start=1):
            put(sheet.cell(row=r, column=n), str(value))
