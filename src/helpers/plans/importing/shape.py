"""A candidate table's rows as the plan's actions: the header found, repeated headers, blank rows and notes
rows dropped, section headings kept, a row a page break split joined again, and a recommendation whose
cell spans several action rows (merged) given each of them."""

from __future__ import annotations

from dataclasses import dataclass, field

from helpers.plans.importing.cells import Row, Table, tidy_lines
from helpers.plans.importing.headers import IGNORE, fold

KEYS = ("rec_ref", "recommendation")


@dataclass
class Action:
    """One action row: its text by field, where each field's text came from, and the section it sits in."""

    cells: dict[str, str]
    where: dict[str, list[str]]
    rows: list[Row]
    section: str = ""
    continues: bool = False  # a further action of the recommendation above (its cell merged or left blank)


@dataclass
class Shaped:
    """What the reader made of one table: its actions, header fields and everything it set aside."""

    table: Table
    header: Row
    fields: list[str | None]
    actions: list[Action] = field(default_factory=list)
    joined: list[str] = field(default_factory=list)  # "p. 3 row 12 joined to p. 2 row 11"
    not_placed: list[str] = field(default_factory=list)  # "p. 4, table 1, row 20: 'Total: 48'"
    dropped: dict[str, int] = field(default_factory=dict)  # blank rows, repeated headers
    numbers: list[str] = field(default_factory=list)  # references taken from the start of cells (numbering)

    def count(self, what: str) -> None:
        """Count one row set aside for a reason that needs no listing."""
        self.dropped[what] = self.dropped.get(what, 0) + 1


def shape(table: Table, at: int, fields: list[str | None], notes: list[str]) -> Shaped:
    """The table's actions under its header row (see the module's docstring for what is repaired)."""
    header = table.rows[at]
    shaped = Shaped(table, header, fields)
    section, pending = "", ""
    for row in table.rows[at + 1 :]:
        texts = [" ".join(t.split()) for t in row.texts()]
        filled = [t for t in texts if t]
        if not filled:
            shaped.count("blank rows")
        elif [fold(t) for t in texts] == [fold(t) for t in header.texts()]:
            shaped.count("repeated headers")
        elif _continues_page(row, shaped):
            _join(shaped.actions[-1], row, fields)
            last = shaped.actions[-1].rows[-2]
            shaped.joined.append(f"p. {row.page} row {row.row} joined to p. {last.page} row {last.row}")
        elif len(set(filled)) == 1 and len(filled[0]) <= 100 and not _placed(texts, fields):
            text = row.texts()[texts.index(filled[0])]
            if any(f"{fold(filled[0])} ".startswith(f"{w} ") for w in notes if w):
                shaped.not_placed.append(f"{row.where()}: {_short(filled[0])} (a totals or notes row)")
            else:
                pending = text.strip()  # a section heading, once an action follows it
        else:
            if pending:
                section, pending = pending, ""
            _add(shaped, row, fields, section)
    if pending:
        shaped.not_placed.append(f"a last row with one cell, after the last action: {_short(pending)}")
    return shaped


def _placed(texts: list[str], fields: list[str | None]) -> bool:
    """True where the row's text sits under a column that is not the recommendation's (an action's cells)."""
    return any(t for t, f in zip(texts, fields, strict=False) if f not in (None, IGNORE, *KEYS))


def _continues_page(row: Row, shaped: Shaped) -> bool:
    """A page's first action row whose key cells are blank and which lacks a cell the row before it has: the rest of
    that row, split by the page break."""
    if not shaped.actions or row.page is None or row.page == shaped.actions[-1].rows[-1].page:
        return False
    by_field = _by_field(row, shaped.fields)
    # The reference where the plan has one (a wrapped recommendation may run on), else the recommendation.
    if by_field.get("rec_ref" if "rec_ref" in shaped.fields else "recommendation"):
        return False
    before = shaped.actions[-1].cells
    return any(before.get(f) and not by_field.get(f) for f in shaped.fields if f not in (None, IGNORE, *KEYS))


def _by_field(row: Row, fields: list[str | None]) -> dict[str, str]:
    """The row's text by field (cells under unmatched or ignored headings left out)."""
    return {f: t.strip() for t, f in zip(row.texts(), fields, strict=False) if f and f != IGNORE and t.strip()}


def _add(shaped: Shaped, row: Row, fields: list[str | None], section: str) -> None:
    """A new action; one without its own recommendation continues the one above."""
    cells = _by_field(row, fields)
    where = {f: [row.where(n)] for n, f in enumerate(fields) if f in cells}
    continues = bool(shaped.actions) and not any(cells.get(k) for k in KEYS)
    if continues:
        previous = shaped.actions[-1]
        section = previous.section
        if "rec_ref" in fields:
            cells["rec_ref"] = previous.cells.get("rec_ref", "")
    for n, (text, f) in enumerate(zip(row.texts(), fields, strict=False)):
        if text.strip() and f in (None, IGNORE):
            heading = shaped.header.texts()[n].strip() or f"column {n + 1}"
            shaped.not_placed.append(f"{row.where(n)} (under {heading!r}): {_short(text)}")
    shaped.actions.append(Action(cells, where, [row], section, continues))


def _join(action: Action, row: Row, fields: list[str | None]) -> None:
    """Add the rest of a split row to the action it belongs to, cell by cell."""
    for n, (text, f) in enumerate(zip(row.texts(), fields, strict=False)):
        if f and f != IGNORE and text.strip():
            action.cells[f] = tidy_lines(action.cells.get(f, "") + "\n" + text.strip(), wrapped=True)
            action.where.setdefault(f, []).append(row.where(n))
    action.rows.append(row)


def _short(text: str, most: int = 50) -> str:
    """A cell's text on one line, cut to `most` characters."""
    line = " ".join(text.split())
    return repr(line if len(line) <= most else line[: most - 3] + "...")
