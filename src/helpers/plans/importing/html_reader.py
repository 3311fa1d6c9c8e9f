"""Tables of a saved web page with lxml: row and column spans laid out as a grid, list items and breaks as lines."""

from __future__ import annotations

import copy
from pathlib import Path

from helpers.base.errors import InputError
from helpers.plans.importing.cells import Cell, Row, Table, grid, tidy_lines

_LINE_BREAKS = ("p", "li", "br", "div", "tr")


def read_html(path: Path) -> tuple[list[Table], str]:
    """(the page's outermost tables, its text outside them)."""
    import lxml.html

    try:
        page = lxml.html.document_fromstring(path.read_bytes())
    except (ValueError, lxml.etree.ParserError) as err:
        raise InputError(f"cannot read the web page: {err}", path) from None
    found = [t for t in page.iter("table") if not any(a.tag == "table" for a in t.iterancestors())]
    tables = [_table(n, t) for n, t in enumerate(found, start=1)]
    body = copy.deepcopy(page)
    for table in list(body.iter("table")):
        if table.getparent() is not None:
            table.getparent().remove(table)
    return [t for t in tables if t.rows], _text(body)


def _text(element) -> str:
    """An element's text, a paragraph, list item or line break starting a new line."""
    element = copy.deepcopy(element)
    for child in element.iter(*_LINE_BREAKS):
        child.tail = "\n" + (child.tail or "")
        if child.tag != "br":
            child.text = "\n" + (child.text or "")
    return tidy_lines(element.text_content())


def _table(number: int, table) -> Table:
    """A table's rows as a grid: a cell spanning rows or columns fills them, the covered places marked merged."""
    trs = table.xpath("./tr|./thead/tr|./tbody/tr|./tfoot/tr")
    placed: dict[tuple[int, int], Cell] = {}
    for r, tr in enumerate(trs):
        col = 0
        for td in tr.xpath("./td|./th"):
            while (r, col) in placed:
                col += 1
            rows, cols = _span(td.get("rowspan")), _span(td.get("colspan"))
            for dr in range(rows):
                for dc in range(cols):
                    placed[(r + dr, col + dc)] = Cell(_text(td), merged=bool(dr or dc))
            col += cols
    width = max((c for _, c in placed), default=-1) + 1
    cells = [[placed.get((r, c), Cell("")) for c in range(width)] for r in range(len(trs))]
    return Table(
        number, [Row(row, table=number, row=n) for n, row in enumerate(grid(cells), start=1)], f"table {number}"
    )


def _span(value: str | None) -> int:
    """A rowspan or colspan as a number (1 when missing or unreadable; at most 100)."""
    try:
        return min(max(int(value or 1), 1), 100)
    except ValueError:
        return 1
