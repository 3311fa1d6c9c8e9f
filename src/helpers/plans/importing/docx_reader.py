"""Word (.docx) tables with python-docx: every table's rows, merged cells marked, a cell's paragraphs as lines."""

from __future__ import annotations

from pathlib import Path

from helpers.plans.importing.cells import Cell, Row, Table, grid, tidy_lines


def read_docx(path: Path) -> tuple[list[Table], str]:
    """(the document's tables, its text outside them)."""
    import docx

    document = docx.Document(str(path))
    tables = [_table(n, table) for n, table in enumerate(document.tables, start=1)]
    text = "\n".join(p.text for p in document.paragraphs)
    return [t for t in tables if t.rows], text


def _table(number: int, table) -> Table:
    """One Word table; a cell covered by a merge (the same cell as above or to its left) is marked merged."""
    rows: list[list[Cell]] = []
    previous: list = []
    for tr in table.rows:
        cells, tcs = [], []
        for col, cell in enumerate(tr.cells):
            tc = cell._tc
            merged = bool(tcs and tcs[-1] is tc) or (col < len(previous) and previous[col] is tc)
            tcs.append(tc)
            cells.append(Cell(tidy_lines("\n".join(p.text for p in cell.paragraphs)), merged))
        previous = tcs
        rows.append(cells)
    return Table(
        number,
        [Row(cells, table=number, row=n) for n, cells in enumerate(grid(rows), start=1)],
        f"table {number}",
    )
