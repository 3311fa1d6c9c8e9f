"""The one place input files are read: each reader checks its file and raises InputError.

Every problem becomes ``InputError(message, file, line)``, which the command-line
tools print as one line (``data/leads.csv:7: ...``) before exiting 1. Nothing here
writes anything.

    read_text(path)                 UTF-8 text of a regular file, size-limited
    read_yaml(path)                 (data, YamlLines): safe YAML, no aliases, no duplicate keys,
                                    dates left as strings
    read_csv(path, required, ...)   DataFrame of stripped strings, columns checked, plus `_row`
    read_workbook(path)             an .xlsx workbook opened read-only (openpyxl), or one line saying what the
                                    file is instead (password-protected, .xls, .ods, damaged)
    check_date / check_int          one cell, with a message naming the row and column

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
from typing import Any

import pandas as pd
import yaml

from helpers.base.errors import InputError, yaml_error

MB = 1_000_000
DEFAULT_MAX_BYTES = 20 * MB
ROW = "_row"  # the column read_csv adds: the file's row number (header = 1, first data row = 2)


def _size(n: int) -> str:
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
        raise InputError(f"{what} is too large ({_size(info.st_size)}; the limit is {_size(max_bytes)})", path)
    try:
        with path.open("rb") as f:
            data = f.read(max_bytes + 1)
    except PermissionError:
        raise InputError(f"cannot read {what}: permission denied", path) from None
    except OSError as err:
        raise InputError(f"cannot read {what}: {(err.strerror or str(err)).lower()}", path) from None
    if len(data) > max_bytes:  # grew since stat
        raise InputError(f"{what} is too large (the limit is {_size(max_bytes)})", path)
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


# ---------------------------------------------------------------------------- YAML

_MERGE = "tag:yaml.org,2002:merge"


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader that refuses aliases and duplicate keys, and leaves dates as strings."""

    path: Path | None = None

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise InputError(
                f"YAML aliases (*{event.anchor}) are not allowed: write the value out in full",
                self.path,
                event.start_mark.line + 1,
            )
        return super().compose_node(parent, index)

    def construct_mapping(self, node: Any, deep: bool = False) -> Any:
        if isinstance(node, yaml.MappingNode):
            first: dict[Any, int] = {}
            for key_node, _ in node.value:
                if key_node.tag == _MERGE or not isinstance(key_node, yaml.ScalarNode):
                    continue
                key = self.construct_object(key_node)
                line = key_node.start_mark.line + 1
                if key in first:
                    raise InputError(f"key {key!r} appears twice (first at line {first[key]})", self.path, line)
                first[key] = line
        return super().construct_mapping(node, deep=deep)


# YAML reads 2021-10-05 as a date, and 2021-02-30 as a crash: keep the text, check it later.
_StrictLoader.add_constructor("tag:yaml.org,2002:timestamp", lambda loader, node: loader.construct_scalar(node))


class YamlLines:
    """Line numbers in a YAML file, from its node tree, for messages about its values."""

    def __init__(self, root: yaml.Node | None):
        self.root = root

    def line_of(self, path_parts: Sequence[str | int], nearest: bool = True) -> int | None:
        """1-based line of the value at `path_parts` (e.g. ["visit", "start"] or ["documents", 0, "file"]).

        Where the path does not exist: the line of the nearest existing parent
        (the place to add a missing key), or None if `nearest` is False.
        """
        node = self.root
        if node is None:
            return None
        for part in path_parts:
            if isinstance(node, yaml.MappingNode):
                match = [v for k, v in node.value if isinstance(k, yaml.ScalarNode) and k.value == str(part)]
            elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
                match = [node.value[part]]
            else:  # a scalar, or a list asked for a key or an index it does not have
                return node.start_mark.line + 1 if nearest else None
            if not match:
                return node.start_mark.line + 1 if nearest else None
            node = match[0]
        return node.start_mark.line + 1


def read_yaml(path: Path | str, max_bytes: int = MB, what: str = "file") -> tuple[Any, YamlLines]:
    """(data, lines) of a YAML file: safe types only, dates as strings, never empty.

    Refuses aliases (``*name``: an alias bomb stops at the first one), a key
    given twice in one mapping, syntax errors (with PyYAML's line), and a file
    with nothing in it.
    """
    path = Path(path)
    text = read_text(path, what, max_bytes)
    loader = _StrictLoader(text)
    loader.path = path
    try:
        node = loader.get_single_node()
        if node is None:
            raise InputError("file is empty", path)
        data = loader.construct_document(node)
    except yaml.YAMLError as err:
        raise yaml_error(err, path) from None
    except RecursionError:
        raise InputError("not valid YAML (nested too deeply)", path) from None
    finally:
        loader.dispose()
    if data is None:
        raise InputError("file is empty", path, node.start_mark.line + 1)
    return data, YamlLines(node)


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

WORKBOOK_MAX_BYTES = 200 * MB
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the container of .xls files and of password-protected .xlsx
_ENCRYPTED = "EncryptedPackage".encode("utf-16-le")  # the stream an encrypted .xlsx keeps its workbook in
_ODS = b"mimetypeapplication/vnd.oasis.opendocument.spreadsheet"
SAVE_AS_XLSX = "open it and save it as an Excel workbook (.xlsx)"


def _not_a_workbook(data: bytes) -> str | None:
    """What a file that should be an .xlsx workbook is instead, from its first bytes; None if it may be one."""
    if data.startswith(_OLE2):
        if _ENCRYPTED in data:
            return (
                "the workbook is password-protected (encrypted), so it cannot be checked: ask for it without "
                "the password (File > Info > Protect Workbook > Encrypt with Password, and clear the password)"
            )
        return f"an Excel 97-2003 workbook (.xls), not .xlsx: {SAVE_AS_XLSX}"
    if data.startswith(b"PK\x03\x04") and data[30 : 30 + len(_ODS)] == _ODS:
        return f"an OpenDocument spreadsheet (.ods), not .xlsx: {SAVE_AS_XLSX}"
    if not data.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return f"not an Excel workbook (.xlsx): the file is not a workbook, or is damaged; {SAVE_AS_XLSX}"
    return None


def read_workbook(path: Path | str, what: str = "workbook", max_bytes: int = WORKBOOK_MAX_BYTES) -> Any:
    """An .xlsx workbook opened read-only by openpyxl (formulas as their text, never run); close it when done.

    Read-only mode streams each sheet as it is read, so a large return costs the
    sheets it reads, not the whole file. Refused with one line saying what the
    file is: missing, too large, password-protected, an .xls or .ods saved under
    an .xlsx name, or damaged (cut short, or not a workbook at all).
    """
    from openpyxl import load_workbook

    path = Path(path)
    if not path.is_file():
        raise InputError(f"{what} not found" if not path.exists() else "is not a file, expected a workbook", path)
    size = path.stat().st_size
    if size > max_bytes:
        raise InputError(f"{what} is too large ({_size(size)}; the limit is {_size(max_bytes)})", path)
    try:
        with path.open("rb") as f:
            head = f.read(128)
            if head.startswith(_OLE2):  # the names of its streams may be anywhere in the container
                head += f.read()
    except OSError as err:
        raise InputError(f"cannot read {what}: {(err.strerror or str(err)).lower()}", path) from None
    problem = _not_a_workbook(head)
    if problem:
        raise InputError(problem, path)
    try:
        return load_workbook(path, read_only=True)  # formulas are read as their text (data_only is off)
    except Exception:  # zipfile, XML and openpyxl's own errors: all mean the file cannot be read as a workbook
        raise InputError(
            f"the workbook is damaged (cut short, or its parts are not a workbook's) and cannot be read; "
            f"ask for it again, or {SAVE_AS_XLSX} again",
            path,
        ) from None


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
