"""Is a return the form as sent? Its About sheet, its header row, its rows (none deleted, added or moved) and its
locked cells, checked before any filled cell is read.

The form's rows are matched to the sheet's by their locked cells (the About sheet keeps a hash of each), so one
deleted row is one line saying so.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from openpyxl.utils import get_column_letter

from helpers.base import quarters
from helpers.base.errors import InputError
from helpers.cycle.form_layout import (
    ABOUT_SHEET,
    FIRST_ROW,
    HEADER_ROW,
    LAYOUTS,
    UPDATES_SHEET,
    Layout,
    check,
    read_about,
)
from helpers.cycle.form_rows import Lead
from helpers.cycle.problems import Problems
from helpers.cycle.typed_values import cell_text


@dataclass
class SheetRow:
    """A row of the Updates sheet as read: its number, cell values and their texts."""

    number: int
    values: list[object]
    texts: list[str]
    reference: int  # how many of the cells are reference cells (the form version's layout)

    @property
    def key(self) -> str:
        """The hashes of the row's reference cells, as the About sheet keeps them."""
        return check(self.texts[: self.reference])


def sheet_rows(sheet, layout: Layout) -> list[SheetRow]:
    """The Updates sheet from its header row down to its last row holding anything, streamed once (read-only).

    Values only: cell objects for thousands of formatted but empty rows below the form would cost seconds, and
    empty rows are kept only where something follows them.
    """
    rows: list[SheetRow] = []
    width = len(layout.columns) + 1  # one more, to see a column added after the last
    reference = len(layout.reference)
    empty: list[int] = []
    for number, cells in enumerate(
        sheet.iter_rows(min_row=HEADER_ROW, max_col=width, values_only=True), start=HEADER_ROW
    ):
        values = [*cells, *[None] * (width - len(cells))]
        texts = [cell_text(v) for v in values]
        if number > HEADER_ROW and not any(texts):
            empty.append(number)
            continue
        rows += [SheetRow(n, [None] * width, [""] * width, reference) for n in empty]
        empty.clear()
        rows.append(SheetRow(number, values, texts, reference))
    return rows


def _describe(entries: list[dict[str, str]]) -> str:
    """Up to three rows of the form named by review and action ("2021-finance action 31, ...")."""
    shown = ", ".join(f"{e['review_id']} action {e['action_ref']}" for e in entries[:3])
    return shown + (f" and {len(entries) - 3} more" if len(entries) > 3 else "")


def _span(first: int, last: int) -> str:
    """ "row 5" or "rows 5 to 7"."""
    return f"row {first}" if first == last else f"rows {first} to {last}"


def layout_problems(
    expected: list[dict[str, str]],
    data: list[SheetRow],
    path: Path,
    sheet: str = UPDATES_SHEET,
    original: str = "the form as sent",
    redo: str = "ask the lead to fill in the form as sent",
) -> list[InputError]:
    """Rows deleted, added or moved since the form was sent: one line for each run of them.

    The form's rows are matched to the sheet's by their locked cells (the About sheet keeps a hash of each), so
    one deleted row is one line saying so, not a "locked cell changed" line for every row below it. A row whose
    locked cells changed in place is left to the caller's cell-by-cell check. A decision sheet is checked by the
    same rule (its `sheet`, what it was made as, `original`, and what to do instead, `redo`).
    """
    import difflib

    sent = [e["check"] for e in expected]
    now = [row.key for row in data]
    if len(sent) == len(now):
        moved = [n for n, (a, b) in enumerate(zip(sent, now, strict=True)) if a != b]
        if moved and sorted(sent) == sorted(now):
            row = data[moved[0]]
            holds = expected[sent.index(now[moved[0]])]
            return [
                InputError(
                    f"{sheet}!A{row.number}: the rows were sorted or moved (row {row.number} now holds "
                    f"{_describe([holds])}, sent in row {holds['sheet_row']}); put them back in the order they "
                    f"were sent (undo the sort), or {redo}",
                    path,
                )
            ]
        return []  # same rows: any difference is a changed cell
    problems: list[InputError] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, sent, now, autojunk=False).get_opcodes():
        if op in ("delete", "replace") and i2 - i1 > j2 - j1:
            gone = expected[i1 + (j2 - j1) : i2]
            where = data[j2].number if j2 < len(data) else (data[-1].number + 1 if data else FIRST_ROW)
            problems.append(
                InputError(
                    f"{sheet}!A{where}: {_span(int(gone[0]['sheet_row']), int(gone[-1]['sheet_row']))} "
                    f"of {original} ({_describe(gone)}) {'was' if len(gone) == 1 else 'were'} deleted; rows "
                    f"must not be deleted: {redo}",
                    path,
                )
            )
        if op in ("insert", "replace") and j2 - j1 > i2 - i1:
            added = data[j1 + (i2 - i1) : j2]
            first = next((row for row in added if any(row.texts)), added[0])
            column = next((n for n, t in enumerate(first.texts) if t), 0)
            problems.append(
                InputError(
                    f"{sheet}!{get_column_letter(column + 1)}{first.number}: "
                    f"{_span(added[0].number, added[-1].number)} {'was' if len(added) == 1 else 'were'} added (not in "
                    f"{original}); rows must not be added or moved",
                    path,
                )
            )
    return problems


def read_return_about(book, path: Path, quarter: pd.Period) -> tuple[Lead, list[dict[str, str]], Layout]:
    """The lead, the sent rows and the form version's layout a return's About sheet records, once its sheets,
    version and quarter check out."""

    def fail(message: str) -> Problems:
        return Problems([InputError(message, path)])

    for name in (UPDATES_SHEET, ABOUT_SHEET):
        if name not in book.sheetnames:
            raise fail(
                f"{name}: sheet missing (the workbook has {', '.join(book.sheetnames)}); sheets must keep "
                "the names the form gave them: ask the lead to fill in the form as sent"
            )
    about, table = read_about(book[ABOUT_SHEET])
    for key in ("form_version", "quarter", "council", "lead"):
        if not about.get(key, ("", ""))[0]:
            raise fail(f"{ABOUT_SHEET}: no {key} recorded; this is not a form made by `make forms`")
    version, cell = about["form_version"]
    if version not in LAYOUTS:
        raise fail(
            f"{cell}: form version {version!r}; this collect reads versions {' and '.join(LAYOUTS)}: send the lead "
            "a new form (make forms)"
        )
    label, cell = about["quarter"]
    if label != quarters.label(quarter):
        try:
            folder = f" (it belongs in data/updates/returns/{quarters.slug(quarters.parse_quarter(label))}/)"
        except quarters.BadQuarter:
            folder = ""
        raise fail(f"{cell}: this form is for {label}, not {quarters.label(quarter)}{folder}")
    expected: list[dict[str, str]] = []
    for entry in table:
        if not entry["sheet_row"].isdigit() or int(entry["sheet_row"]) != FIRST_ROW + len(expected):
            raise fail(f"{entry['_cell']}: the About sheet's row table is damaged: send the lead a new form")
        expected.append(entry)
    return Lead(about["council"][0], about["lead"][0]), expected, LAYOUTS[version]


def check_headers(header: list[str], path: Path, layout: Layout) -> None:
    """The Updates sheet's header row is as sent: no column renamed, moved, removed or added."""
    headers = layout.headers
    for n, want in enumerate(headers):
        got = header[n] if n < len(header) else ""
        if " ".join(got.split()) != want:
            shown = f"{got!r}" if got else "empty"
            raise Problems(
                [
                    InputError(
                        f"{UPDATES_SHEET}!{get_column_letter(n + 1)}{HEADER_ROW}: header is {shown}, should be "
                        f"{want!r}; columns must not be renamed, moved or removed",
                        path,
                    )
                ]
            )
    extra = header[len(headers)] if len(header) > len(headers) else ""
    if extra:
        raise Problems(
            [
                InputError(
                    f"{UPDATES_SHEET}!{get_column_letter(len(headers) + 1)}{HEADER_ROW}: a column was added "
                    f"({extra!r}); columns must not be added, renamed, moved or removed",
                    path,
                )
            ]
        )


def locked_cell_changed(entry: dict[str, str], row: SheetRow, path: Path, layout: Layout) -> InputError | None:
    """The first locked cell of a row that no longer reads as the form wrote it (the About sheet keeps hashes)."""
    now, sent = row.key.split(), entry["check"].split()
    changed = [n for n, (a, b) in enumerate(zip(now, sent, strict=False)) if a != b]
    if not changed and len(now) == len(sent):
        return None
    n = changed[0] if changed else 0
    return InputError(
        f"{UPDATES_SHEET}!{get_column_letter(n + 1)}{row.number}: a locked cell was changed "
        f"({layout.headers[n]}: now {row.texts[n][:60]!r}); put back what the form said",
        path,
    )
