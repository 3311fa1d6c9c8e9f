"""The one place input files are read: each reader checks its file and raises InputError.

Every problem becomes ``InputError(message, file, line)``, which the command-line
tools print as one line (``data/leads.csv:7: ...``) before exiting 1. Nothing here
writes anything.

    read_text(path)                 UTF-8 text of a regular file, size-limited
    read_csv(path, required, ...)   DataFrame of stripped strings, columns checked, plus `_row`
    check_date / check_int          one cell, with a message naming the row and column

YAML files are read by `helpers.base.yaml_reader.read_yaml`, and .xlsx workbooks opened by
`helpers.base.workbook_reader.read_workbook`; both take their limits and sizes from here.

CSV cells are safe to open in a spreadsheet: the project's one CSV writer
(`helpers.plans.tables.to_csv_text`) puts an apostrophe before a cell that starts
with = + - @ tab or carriage return (OWASP's advice against CSV injection:
Excel, Calc and Sheets read such a cell as a formula), and `read_csv` takes
that apostrophe off again (`spreadsheet_safe` / `from_spreadsheet_safe`).
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import re
from collections.abc import Iterable, Sequence
from pathlib import Path

import pandas as pd

from helpers.base.errors import InputError

MB = 1_000_000
DEFAULT_MAX_BYTES = 20 * MB
ROW = "_row"  # the column read_csv adds: the file's row number (header = 1, first data row = 2)


def size_text(n: int) -> str:
    """A file size as a person reads it: "1.5 MB" from a megabyte up, else "12,345 bytes"."""
    return f"{n / MB:.1f} MB" if n >= MB else f"{n:,} bytes"


# ---------------------------------------------------------------------------- text


def read_text(path: Path | str, what: str = "file", max_bytes: int = DEFAULT_MAX_BYTES) -> str:
    """The text of a UTF-8 file (a leading BOM dropped, line endings made "\\n"); "" for an empty file.

    Refuses a missing path, a folder or other non-file, a file over `max_bytes`,
    an unreadable file, and bytes that are not UTF-8 (naming the line of the first one).
    """
    path = Path(path)
    try:
        info = path.stat()
    except FileNotFoundError:
        raise InputError(f"{what} not found", path) from None
    except OSError as err:
        raise InputError(f"cannot open {what}: {(err.strerror or str(err)).lower()}", path) from None
    if path.is_dir():
        raise InputError("is a folder, expected a file", path)
    if not path.is_file():
        raise InputError("is not a regular file", path)
    if info.st_size > max_bytes:
        raise InputError(f"{what} is too large ({size_text(info.st_size)}; the limit is {size_text(max_bytes)})", path)
    try:
        with path.open("rb") as f:
            data = f.read(max_bytes + 1)
    except PermissionError:
        raise InputError(f"cannot read {what}: permission denied", path) from None
    except OSError as err:
        raise InputError(f"cannot read {what}: {(err.strerror or str(err)).lower()}", path) from None
    if len(data) > max_bytes:  # grew since stat
        raise InputError(f"{what} is too large (the limit is {size_text(max_bytes)})", path)
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise InputError('not UTF-8 text (saved as UTF-16/"Unicode text"): save it as UTF-8', path, 1)
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        raise InputError(
            f"not UTF-8 text (perhaps saved as Windows-1252/ANSI): save it as UTF-8 "
            f"(first bad byte 0x{data[err.start]:02x})",
            path,
            line,
        ) from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


# ---------------------------------------------------------------------------- CSV

# A cell starting with one of these is a formula to Excel, LibreOffice Calc and Google Sheets (OWASP, "CSV
# Injection"): "=HYPERLINK(...)", "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(...)", and the same after a tab or CR.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_TO_NEUTRALISE = re.compile(r"'*[=+\-@\t\r]")  # also "'=x" itself, so that it reads back with its apostrophe
_NEUTRALISED = re.compile(r"'+[=+\-@\t\r]")


def spreadsheet_safe(cell: str) -> str:
    """The text to write in a CSV cell so a spreadsheet shows it as text: "=x" -> "'=x", "-" -> "'-".

    OWASP's defence against CSV injection: an apostrophe before a cell that starts
    with = + - @ tab or CR (spreadsheets show the apostrophe, never run the formula).
    A cell already written "'=x" gets a second one, so `from_spreadsheet_safe`
    gives back exactly what was written, whatever the text.
    """
    return "'" + cell if _TO_NEUTRALISE.match(cell) else cell


def from_spreadsheet_safe(cell: str) -> str:
    """The text a CSV cell stands for: "'=x" -> "=x", "''=x" -> "'=x"; any other cell as it is.

    An apostrophe before = + - @ tab or CR is the spreadsheet's "this is text" mark,
    as in Excel, so a person who types "'=x" into a CSV means "=x" too.
    """
    return cell[1:] if _NEUTRALISED.match(cell) else cell


def _records(text: str, path: Path) -> Iterable[tuple[int, int, list[str]]]:
    """(row number, first line, cells) for each record; a csv error names the line where its record starts."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    row, line = 0, 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as err:
            if "end of data" in str(err) or "field larger" in str(err):
                raise InputError('a quoted cell starting on this line has no closing quote (")', path, line) from None
            where = line if reader.line_num == line else f"{line}-{reader.line_num}"
            raise InputError(
                f"the quotes in this row do not pair up ({err}; lines {where}): "
                'a quote inside a cell must be doubled ("")',
                path,
                line,
            ) from None
        row += 1
        yield row, line, cells
        line = reader.line_num + 1


def read_csv(
    path: Path | str,
    required: Sequence[str],
    optional: Sequence[str] = (),
    *,
    allow_extra: bool = False,
    what: str = "file",
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> pd.DataFrame:
    """The rows of a UTF-8 CSV file as stripped strings, with `_row` (header = row 1, first data row = 2).

    Each cell is stripped of surrounding whitespace, then a spreadsheet-safe cell
    ("'=x", see `spreadsheet_safe`) reads as the text it stands for ("=x").

    Columns come out as `required`, then `optional` (a missing optional column is
    all ""), then any extra columns (only if `allow_extra`), then `_row`. Rows with
    every cell blank are skipped (their numbers are not reused). A row with fewer
    cells than the header is padded with ""; one with more (non-blank) cells is refused.
    A header-only file gives no rows.
    """
    path = Path(path)
    text = read_text(path, what, max_bytes)
    if not text.strip():
        raise InputError("file is empty: it needs at least a header row", path)
    expected = ", ".join([*required, *optional])
    header: list[str] | None = None
    rows: list[list[str]] = []
    numbers: list[int] = []
    for row, line, cells in _records(text, path):
        cells = [from_spreadsheet_safe(c.strip()) for c in cells]
        if not any(cells):
            continue
        if header is None:
            header = cells
            _check_header(header, required, optional, allow_extra, path, row, expected)
            continue
        if any(cells[len(header) :]):
            raise InputError(
                f"this row has {len(cells)} cells but the header has {len(header)} "
                "(is there a comma in a cell without quotes around it?)",
                path,
                line,
            )
        rows.append(cells[: len(header)] + [""] * (len(header) - len(cells)))
        numbers.append(row)
    assert header is not None
    frame = pd.DataFrame(rows, columns=header, dtype=object)
    for name in optional:
        if name not in frame.columns:
            frame[name] = ""
    extra = [c for c in header if c not in required and c not in optional]
    frame = frame[[*required, *optional, *extra]].astype(object)
    frame[ROW] = pd.Series(numbers, dtype="int64")
    return frame.reset_index(drop=True)


def _check_header(
    header: list[str],
    required: Sequence[str],
    optional: Sequence[str],
    allow_extra: bool,
    path: Path,
    row: int,
    expected: str,
) -> None:
    for position, name in enumerate(header, start=1):
        if not name:
            raise InputError(f"column {position} of the header has no name; the header must be: {expected}", path, row)
        if name == ROW:
            raise InputError(f"'{ROW}' is not allowed as a column name", path, row)
        if header.index(name) != position - 1:
            raise InputError(f"column {name!r} appears twice in the header", path, row)
    missing = [c for c in required if c not in header]
    if missing:
        raise InputError(f"missing column(s) {', '.join(missing)}; the header must be: {expected}", path, row)
    extra = [c for c in header if c not in required and c not in optional]
    if extra and not allow_extra:
        raise InputError(f"unknown column(s) {', '.join(extra)}; the header must be: {expected}", path, row)


# ---------------------------------------------------------------------------- workbooks

# ---------------------------------------------------------------------------- cells

_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_UK = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")


def check_date(
    text: str | dt.date, path: Path | str | None, row: int | None, column: str, kind: str = "column"
) -> dt.date:
    """The date in a cell written YYYY-MM-DD (or DD/MM/YYYY); refuses blanks and impossible dates.

    `kind` names what `column` is in messages: "column" for CSV, "key" for YAML.
    """
    if isinstance(text, dt.datetime):
        return text.date()
    if isinstance(text, dt.date):
        return text
    value = str(text).strip()
    if not value:
        raise InputError(f"no date given ({kind} {column}): use YYYY-MM-DD (e.g. 2024-03-12)", path, row)
    if match := _ISO.fullmatch(value):
        year, month, day = (int(g) for g in match.groups())
    elif match := _UK.fullmatch(value):
        day, month, year = (int(g) for g in match.groups())
    else:
        raise InputError(f"cannot read date {value!r} ({kind} {column}): use YYYY-MM-DD (e.g. 2024-03-12)", path, row)
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise InputError(f"{value} is not a real date ({kind} {column})", path, row) from None


def check_int(
    text: str | int,
    path: Path | str | None,
    row: int | None,
    column: str,
    *,
    minimum: int | None = None,
    maximum: int | None = None,
    kind: str = "column",
) -> int:
    """The whole number in a cell ("12", not "12.0" or "twelve"), optionally within [minimum, maximum]."""
    if isinstance(text, bool) or not isinstance(text, (str, int)):
        raise InputError(f"{column}: expected a whole number, not {text!r} ({kind} {column})", path, row)
    value = str(text).strip()
    if not re.fullmatch(r"[+-]?\d{1,12}", value):
        raise InputError(f"{value!r} is not a whole number ({kind} {column})", path, row)
    number = int(value)
    if minimum is not None and number < minimum:
        raise InputError(f"{number} is below {minimum} ({kind} {column})", path, row)
    if maximum is not None and number > maximum:
        raise InputError(f"{number} is above {maximum} ({kind} {column})", path, row)
    return number


class Row(dict):
    """A CSV row (from read_csv(...).to_dict("records")) whose cells read as attributes: row.lead, row._row."""

    __getattr__ = dict.__getitem__
