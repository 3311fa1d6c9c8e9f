"""Tables as the format readers give them: rows of cells, each knowing where in the document it came from."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# A line inside a cell that starts a bullet point (kept as its own line; other wrapped lines are joined).
_BULLET = re.compile(r"^\s*(?:[\u2022\u25cf\u25aa\u25e6\u2023\u2043*]|[-\u2013](?=\s)|\d{1,2}[.)](?=\s))")


@dataclass
class Cell:
    """One cell's text (lines kept) and whether a merged cell above or to its left covers it."""

    text: str
    merged: bool = False

    @property
    def blank(self) -> bool:
        """True where the cell holds no text (a covered part of a merged cell counts as blank)."""
        return self.merged or not self.text.strip()


@dataclass
class Row:
    """One table row as read, with its place: page (PDF), table and row numbers, or sheet (workbook)."""

    cells: list[Cell]
    table: int
    row: int
    page: int | None = None
    sheet: str = ""

    def where(self, column: int | None = None) -> str:
        """Where the row (or one of its cells) is: "p. 3, table 1, row 4, cell 2", or "sheet Plan, B4"."""
        if self.sheet:
            return f"sheet {self.sheet}, " + (
                f"{column_letter(column)}{self.row}" if column is not None else f"row {self.row}"
            )
        page = f"p. {self.page}, " if self.page else ""
        return f"{page}table {self.table}, row {self.row}" + (f", cell {column + 1}" if column is not None else "")

    def texts(self) -> list[str]:
        """The cells' texts, a covered part of a merged cell as blank."""
        return ["" if c.merged else c.text for c in self.cells]


@dataclass
class Table:
    """A candidate table: its rows and a label naming where it is ("table 2, p. 3-5")."""

    number: int
    rows: list[Row]
    label: str
    joined_pages: list[str] = field(default_factory=list)


def column_letter(column: int) -> str:
    """A spreadsheet column's letters from its 0-based index: 0 -> A, 27 -> AB."""
    letters = ""
    column += 1
    while column:
        column, rest = divmod(column - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def tidy_lines(text: str, wrapped: bool = False) -> str:
    """A cell's text with blank lines and edge spaces dropped; `wrapped` (PDF): lines a page's width broke are
    joined again, keeping a bullet point's line and mending a word broken after its hyphen."""
    lines = [" ".join(line.split()) for line in str(text).replace("\r", "\n").split("\n")]
    lines = [line for line in lines if line]
    if not wrapped:
        return "\n".join(lines)
    joined: list[str] = []
    for line in lines:
        if not joined or _BULLET.match(line):
            joined.append(line)
        elif re.search(r"[A-Za-z]-$", joined[-1]):
            joined[-1] += line
        else:
            joined[-1] += " " + line
    return "\n".join(joined)


def grid(rows: list[list[Cell]]) -> list[list[Cell]]:
    """Rows padded with blank cells to the widest row's width."""
    width = max((len(r) for r in rows), default=0)
    return [r + [Cell("") for _ in range(width - len(r))] for r in rows]
