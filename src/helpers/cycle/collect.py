"""Returns in: read the leads' returned update forms into data/updates/<quarter>.csv.

    python -m helpers.cycle.collect --quarter "2024/25 Q1"
    python -m helpers.cycle.collect --from-env             # QUARTER (and REPLACE) from the environment (make collect)
    python -m helpers.cycle.collect --quarter "2024/25 Q1" --replace   # take changed returns over collected rows
    make collect QUARTER="2024/25 Q1" REPLACE=1                  # the same, through make

Reads every workbook in data/updates/returns/<2024-25-Q1>/ (made by
helpers.cycle.forms), checks every filled cell, and writes the quarter's update file
atomically. Each collected row names its cell (source
"returns/2024-25-Q1/<file>.xlsx:Updates!7", relative to data/updates/), its lead,
and the day it was first collected (collected_on). Rows typed by hand into the
same file (whose source names no workbook) are kept as they are.

Any problem (an unknown status, a date outside the quarter or one that reads
both ways, a revised target without a reason or that is not a date, a row that
is not an open action of that lead, a locked cell changed, a row deleted, added
or moved, a sheet or header renamed or removed, a file that is not an .xlsx, is
password-protected or damaged) prints one line naming the workbook, sheet and
cell, and nothing is written. Collecting the same returns again changes nothing.
A return that changes a row already collected is a conflict unless REPLACE=1
(--replace) is given; so is a collected row whose return has gone.

Each workbook is opened once, read-only (openpyxl streams the sheets it reads),
and the chase list is refreshed from what was read, so a large return is not
loaded twice.

Revised targets and completions come in as requests. The committee decides on
them later: record its decisions with `make decisions` and
`make record-decisions` (helpers.cycle.decision_sheets, data/decisions/README.md),
never by editing the update file. Approval columns filled by hand in an update
file before decisions were recorded are kept by collect and read as agreed
decisions.

Forms of an earlier version (the About sheet's form_version, cycle.LAYOUTS) are
read with their own layout, so a form sent before an upgrade can still be
returned.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from openpyxl.utils import get_column_letter

from helpers.base import config, quarters
from helpers.base.errors import ArgumentParser, InputError, run_cli
from helpers.cycle.quarterly import (
    ABOUT_SHEET,
    CURRENT,
    FILL,
    FIRST_ROW,
    HEADER_ROW,
    LAYOUTS,
    UPDATES_SHEET,
    Layout,
    Lead,
    TypedDateError,
    cell_text,
    check,
    form_rows,
    forms_dir,
    is_collected,
    is_workbook_name,
    quarter_from_args,
    read_about,
    return_entries,
    returns_dir,
    source_prefix,
    swapped_reading,
    typed_date,
    typed_target,
)
from helpers.plans.tables import to_csv_text, write_atomically
from helpers.tracking.updates import FILE_COLUMNS, OPTIONAL_COLUMNS, quarter_file, read_update_file, tidy_text

CSV_COLUMNS = FILE_COLUMNS + OPTIONAL_COLUMNS
# What a lead's return decides; the analyst's approval columns and collected_on are kept from the file.
FROM_RETURN = [
    "review_id",
    "action_ref",
    "status",
    "comment",
    "updated_on",
    "revised_target",
    "revision_reason",
    "evidence",
    "lead",
]
MAX_LINES = 50
REVISED = [key for key, _, _ in FILL].index("revised_target")


class Problems(Exception):
    """Several InputErrors, one line each."""

    def __init__(self, errors: list[InputError]):
        """Keep every error; the message is one line per error."""
        self.errors = errors
        super().__init__("\n".join(map(str, errors)))


@dataclass
class Return:
    """One return as read: its file, whose it is, the updates it gives, and how many rows were filled."""

    path: Path
    lead: Lead
    rows: list[dict[str, str]] = field(default_factory=list)
    filled_rows: int = 0
    layout: Layout = CURRENT


def _cell(layout: Layout, key: str, row: int) -> str:
    """A cell of the Updates sheet by its column's key: "Updates!M7"."""
    return f"{UPDATES_SHEET}!{layout.column_letter(key)}{row}"


def read_return(path: Path, quarter: pd.Period, open_actions: set[tuple[str, str, str, str]], today: dt.date) -> Return:
    """One returned workbook, checked; raises Problems listing every bad cell (one line each)."""
    from helpers.base.workbook_reader import read_workbook

    try:
        book = read_workbook(path, what="return")
    except InputError as err:
        raise Problems([InputError(f"{err.message}; or move it out of the returns folder", path)]) from None
    try:
        return _read_form(book, path, quarter, open_actions, today)
    finally:
        book.close()


@dataclass
class _Row:
    """A row of the Updates sheet as read: its number, cell values and their texts."""

    number: int
    values: list[object]
    texts: list[str]
    reference: int  # how many of the cells are reference cells (the form version's layout)

    @property
    def key(self) -> str:
        """The hashes of the row's reference cells, as the About sheet keeps them."""
        return check(self.texts[: self.reference])


def _sheet_rows(sheet, layout: Layout) -> list[_Row]:
    """The Updates sheet from its header row down to its last row holding anything, streamed once (read-only).

    Values only: cell objects for thousands of formatted but empty rows below the form would cost seconds, and
    empty rows are kept only where something follows them.
    """
    rows: list[_Row] = []
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
        rows += [_Row(n, [None] * width, [""] * width, reference) for n in empty]
        empty.clear()
        rows.append(_Row(number, values, texts, reference))
    return rows


def _number_format(sheet, row: int, column: int) -> str:
    """One cell's number format (a second pass over the sheet, only for a date in a revised-target cell)."""
    for (cell,) in sheet.iter_rows(min_row=row, max_row=row, min_col=column, max_col=column):
        return getattr(cell, "number_format", None) or "General"
    return "General"


def _describe(entries: list[dict[str, str]]) -> str:
    """Up to three rows of the form named by review and action ("2021-finance action 31, ...")."""
    shown = ", ".join(f"{e['review_id']} action {e['action_ref']}" for e in entries[:3])
    return shown + (f" and {len(entries) - 3} more" if len(entries) > 3 else "")


def _span(first: int, last: int) -> str:
    """ "row 5" or "rows 5 to 7"."""
    return f"row {first}" if first == last else f"rows {first} to {last}"


def _layout_problems(expected: list[dict[str, str]], data: list[_Row], path: Path) -> list[InputError]:
    """Rows deleted, added or moved since the form was sent: one line for each run of them.

    The form's rows are matched to the sheet's by their locked cells (the About sheet keeps a hash of each), so
    one deleted row is one line saying so, not a "locked cell changed" line for every row below it. A row whose
    locked cells changed in place is left to the caller's cell-by-cell check.
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
                    f"{UPDATES_SHEET}!A{row.number}: the rows were sorted or moved (row {row.number} now holds "
                    f"{_describe([holds])}, sent in row {holds['sheet_row']}); put them back in the order they "
                    "were sent (undo the sort), or ask the lead to fill in the form as sent",
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
                    f"{UPDATES_SHEET}!A{where}: {_span(int(gone[0]['sheet_row']), int(gone[-1]['sheet_row']))} "
                    f"of the form as sent ({_describe(gone)}) {'was' if len(gone) == 1 else 'were'} deleted; rows "
                    "must not be deleted: ask the lead to fill in the form as sent",
                    path,
                )
            )
        if op in ("insert", "replace") and j2 - j1 > i2 - i1:
            added = data[j1 + (i2 - i1) : j2]
            first = next((row for row in added if any(row.texts)), added[0])
            column = next((n for n, t in enumerate(first.texts) if t), 0)
            problems.append(
                InputError(
                    f"{UPDATES_SHEET}!{get_column_letter(column + 1)}{first.number}: "
                    f"{_span(added[0].number, added[-1].number)} {'was' if len(added) == 1 else 'were'} added (not in "
                    "the form as sent); rows must not be added or moved",
                    path,
                )
            )
    return problems


def _about(book, path: Path, quarter: pd.Period) -> tuple[Lead, list[dict[str, str]], Layout]:
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


def _check_headers(header: list[str], path: Path, layout: Layout) -> None:
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


def _locked_cell_changed(entry: dict[str, str], row: _Row, path: Path, layout: Layout) -> InputError | None:
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


def _read_form(
    book, path: Path, quarter: pd.Period, open_actions: set[tuple[str, str, str, str]], today: dt.date
) -> Return:
    """A return opened by read_return: the form as sent, then each filled row (every problem, one line each)."""
    lead, expected, layout = _about(book, path, quarter)
    sheet = book[UPDATES_SHEET]
    rows = _sheet_rows(sheet, layout)
    _check_headers(rows[0].texts if rows else [], path, layout)
    data = rows[1:]
    moved = _layout_problems(expected, data, path)
    if moved:
        raise Problems(moved)
    errors: list[InputError] = []
    out = Return(path, lead, layout=layout)
    for entry, row in zip(expected, data, strict=False):
        changed = _locked_cell_changed(entry, row, path, layout)
        if changed:
            errors.append(changed)
            continue
        fill_text = row.texts[len(layout.reference) : len(layout.columns)]
        if not any(fill_text):
            continue
        out.filled_rows += 1
        if (lead.council, lead.lead, entry["review_id"], entry["action_ref"]) not in open_actions:
            errors.append(
                InputError(
                    f"{_cell(layout, 'action_ref', row.number)}: {entry['review_id']} action "
                    f"{entry['action_ref']} is not an open action of {lead.lead} at {lead.council} on "
                    f"{quarters.long_date(quarters.end(quarter))}; leave this row blank, or record the update by hand",
                    path,
                )
            )
            continue
        update, row_errors = _read_update(row, sheet, quarter, path, layout)
        errors.extend(row_errors)
        if not row_errors:
            source = f"{source_prefix(quarter)}{path.name}:{UPDATES_SHEET}!{row.number}"
            out.rows.append(
                {"review_id": entry["review_id"], "action_ref": entry["action_ref"], **update}
                | {"lead": lead.lead, "source": source, "collected_on": today.isoformat(), "_row": row.number}
            )
    if errors:
        raise Problems(errors)
    return out


def _read_update(
    row: _Row, sheet, quarter: pd.Period, path: Path, layout: Layout
) -> tuple[dict[str, str], list[InputError]]:
    """The update a filled row gives (status, comment, date, revised target, reason, evidence), or its problems."""
    from helpers.base.targets import DATED, UnreadableTarget, parse_target
    from helpers.base.vocabulary import read_update_status, update_statuses

    keys = [key for key, _, _ in layout.fill]
    first = len(layout.reference)
    fill = {key: row.values[first + n] for n, key in enumerate(keys)}
    text = {key: row.texts[first + n] for n, key in enumerate(keys)}
    errors: list[InputError] = []

    def bad(key: str, message: str) -> None:
        errors.append(InputError(f"{_cell(layout, key, row.number)}: {message}", path))

    status = read_update_status(text["status"])
    if status is None:
        statuses = ", ".join(update_statuses())
        bad("status", f"unknown status {text['status']!r}; use one of {statuses}, or leave it blank")
    comment = tidy_text(text["comment"])
    start, end = quarters.start(quarter), quarters.end(quarter)
    day = end
    if text["updated_on"]:
        try:
            read = typed_date(fill["updated_on"])
        except TypedDateError as err:
            bad("updated_on", f"date of update: {err}")
        else:
            if start <= read <= end:
                day = read
            else:
                bad(
                    "updated_on",
                    f"date of update {read.isoformat()} is outside {quarters.label(quarter)} "
                    f"({start.isoformat()} to {end.isoformat()})",
                )
    value = fill["revised_target"]
    if isinstance(value, dt.date):  # a spreadsheet made it a date: its format says whether a day was typed
        revised = typed_target(value, _number_format(sheet, row.number, layout.first_fill_column + REVISED))
    else:
        revised = typed_target(value)
    if revised:
        swapped = swapped_reading(revised)
        if swapped:
            bad("revised_target", f"revised target: {swapped}")
        else:
            try:
                readable = parse_target(revised, day).kind in DATED
            except UnreadableTarget:
                readable = False
            if not readable:
                bad(
                    "revised_target",
                    f"revised target {revised!r} is not a date: use a month (March 2025), a quarter "
                    "(Q4 2024/25) or a date (31 March 2025)",
                )
        if not text["revision_reason"]:
            bad("revision_reason", "a revised target date needs a reason for the revision")
    elif text["revision_reason"]:
        bad("revised_target", "a reason for revision is given but no revised target date")
    if not (text["status"] or comment or revised):
        given = ", ".join(header for (key, header, _) in layout.fill if text[key])
        bad(
            "status",
            f"an update needs a status, a progress comment or a revised target date (this row has only: {given})",
        )
    update = {
        "status": status or "",
        "comment": comment,
        "updated_on": day.isoformat(),
        "revised_target": revised,
        "revision_reason": tidy_text(text["revision_reason"]),
        "revision_approved_by": "",
        "revision_approved_on": "",
        "evidence": tidy_text(text["evidence"]),
    }
    return update, errors


# How collect names a returned file in another format than .xlsx.
_OTHER_FORMATS = {
    ".ods": "an OpenDocument spreadsheet (.ods)",
    ".xls": "an Excel 97-2003 workbook (.xls)",
    ".xlsm": "a macro-enabled workbook (.xlsm)",
    ".xlsb": "a binary Excel workbook (.xlsb)",
    ".csv": "a CSV file",
    ".pdf": "a PDF",
}


def _return_files(folder: Path) -> tuple[list[Path], list[InputError]]:
    """The .xlsx returns to read, and one problem for every other entry that `cycle.return_entries` counts."""
    from helpers.base.workbook_reader import SAVE_AS_XLSX

    files, errors = [], []
    for path in return_entries(folder):
        if path.is_dir():
            errors.append(InputError("a folder inside the returns folder: returns are .xlsx files, side by side", path))
        elif is_workbook_name(path):
            files.append(path)
        else:
            kind = _OTHER_FORMATS.get(path.suffix.casefold(), "not an Excel workbook (.xlsx)")
            errors.append(
                InputError(
                    f"{kind}: collect reads .xlsx only; {SAVE_AS_XLSX}, or move it out of the returns folder", path
                )
            )
    return files, errors


def _source_path(source: str) -> tuple[Path, str]:
    """("data/updates/returns/.../X.xlsx", "Updates!7") from a collected row's source."""
    file, cell = source.rsplit(":", 1)
    return config.updates_dir() / file, cell


def how_to_replace(quarter: pd.Period) -> str:
    """The command that takes changed returns, as a message gives it."""
    return f'make collect QUARTER="{quarters.label(quarter)}" REPLACE=1'


def merge(
    existing: pd.DataFrame,
    collected: list[dict[str, str]],
    replace: bool,
    log: Path,
    quarter: pd.Period,
    layouts: dict[str, Layout] | None = None,
) -> tuple[pd.DataFrame, dict[str, int]]:
    """Hand-typed rows as they are, then collected rows (kept as first collected where unchanged).

    `layouts` ({source: layout}) names the form version each collected row was read with (default: the current
    one), so a conflict names the cell where that form has it."""
    collected_mask = is_collected(existing["source"])
    hand = existing[~collected_mask]
    before = {row["source"]: row for row in existing[collected_mask].to_dict("records")}
    conflicts: list[InputError] = []
    rows: list[dict[str, str]] = []
    counts = {"new": 0, "unchanged": 0, "replaced": 0, "dropped": 0}
    for new in collected:
        old = before.pop(new["source"], None)
        if old is None:
            rows.append(new)
            counts["new"] += 1
            continue
        differ = [c for c in FROM_RETURN if old[c] != new[c]]
        if not differ:
            rows.append({**old, "_row": new["_row"]})
            counts["unchanged"] += 1
        elif replace:
            keep_approval = old["revised_target"] == new["revised_target"] and new["revised_target"] != ""
            if keep_approval:
                new = {
                    **new,
                    "revision_approved_by": old["revision_approved_by"],
                    "revision_approved_on": old["revision_approved_on"],
                }
            rows.append(new)
            counts["replaced"] += 1
        else:
            path, cell = _source_path(new["source"])
            column = differ[0]
            layout = (layouts or {}).get(new["source"], CURRENT)
            where = _cell(layout, column, new["_row"]) if column in {k for k, _, _ in layout.fill} else cell
            conflicts.append(
                InputError(
                    f"{where}: conflicts with the row collected on {old['collected_on'] or 'an earlier day'} "
                    f"({column}: was {old[column]!r}, now {new[column]!r}); to take the new return, run "
                    f"{how_to_replace(quarter)}",
                    path,
                )
            )
    for source, old in before.items():
        if replace:
            counts["dropped"] += 1
            continue
        conflicts.append(
            InputError(
                f"{source} was collected on {old['collected_on'] or 'an earlier day'} but is no longer in the returns "
                f"(its file removed or renamed, or the row cleared); put it back, or run {how_to_replace(quarter)} to "
                "drop it",
                log,
                old["_row"],
            )
        )
    if conflicts:
        raise Problems(conflicts)

    def order(row: dict) -> tuple[str, int]:
        file, cell = row["source"].rsplit("!", 1)
        return file, int(cell)

    rows.sort(key=order)
    frame = pd.concat([hand[CSV_COLUMNS], pd.DataFrame(rows, columns=CSV_COLUMNS)], ignore_index=True)
    return frame.fillna(""), counts


def _check_written(frame: pd.DataFrame, log: Path, known: pd.MultiIndex) -> str:
    """The file's text, validated by updates.read_update_file exactly as `make report` will read it."""
    text = to_csv_text(frame)
    with tempfile.TemporaryDirectory() as tmp:
        trial = Path(tmp) / log.name
        trial.write_text(text, encoding="utf-8", newline="")
        try:
            read_update_file(trial, known)
        except InputError as err:
            # Every problem names its row (file row 2 is frame row 0). A collected row is named by its cell in the
            # return; a hand-typed one (checked already when the workspace loaded) by its row in the update file.
            source = str(frame["source"].iloc[int(err.line) - 2])
            if is_collected(pd.Series([source])).iloc[0]:
                path, cell = _source_path(source)
                raise InputError(f"{cell}: {err.message}", path) from None
            raise InputError(err.message, log, err.line) from None
    return text


def collect(quarter: pd.Period, replace: bool = False, today: dt.date | None = None) -> dict[str, object]:
    """Collect the quarter's returns into its update file; returns a summary. Raises Problems / InputError."""
    from helpers.base.readers import read_csv
    from helpers.plans.tables import read as read_table
    from helpers.tracking.workspace import load_workspace

    today = today or dt.date.today()
    folder = returns_dir(quarter)
    log = quarter_file(quarter)
    if not folder.is_dir():
        raise InputError(f"no returns folder for {quarters.label(quarter)}: save the returned forms in it", folder)
    ws = load_workspace()  # checks every update file, this quarter's included
    rows = form_rows(ws, quarter)
    rows = rows[rows["open"].astype(bool)]  # a closed action is on a form only to tell the committee's decision
    open_actions = set(zip(rows["council"], rows["lead"], rows["review_id"], rows["action_ref"], strict=False))
    files, errors = _return_files(folder)
    returns: list[Return] = []
    for path in files:
        try:
            returns.append(read_return(path, quarter, open_actions, today))
        except Problems as bad:
            errors.extend(bad.errors)
    seen: dict[Lead, Path] = {}
    for item in returns:
        if item.lead in seen:
            errors.append(
                InputError(
                    f"{ABOUT_SHEET}: another return for {item.lead} is {seen[item.lead].name}; keep only one of them",
                    item.path,
                )
            )
        seen.setdefault(item.lead, item.path)
    if errors:
        raise Problems(errors)

    if log.exists():  # checked already by load_workspace: no unknown column, so nothing is dropped
        existing = read_csv(log, required=FILE_COLUMNS, optional=OPTIONAL_COLUMNS, what="update file")
    else:
        existing = pd.DataFrame(columns=[*CSV_COLUMNS, "_row"])
    collected = [row for item in returns for row in item.rows]
    layouts = {row["source"]: item.layout for item in returns for row in item.rows}
    frame, counts = merge(existing, collected, replace, log, quarter, layouts)
    actions = read_table("actions")
    known = pd.MultiIndex.from_arrays([actions["review_id"], actions["action_ref"]])
    text = _check_written(frame, log, known)
    before = log.read_text(encoding="utf-8") if log.exists() else None
    changed = text != before and not (before is None and frame.empty)
    if changed:
        write_atomically({log: text})
    return {
        "log": log,
        "changed": changed,
        "returns": returns,
        "counts": counts,
        "hand_rows": int((~is_collected(frame["source"])).sum()),
        "rows": len(frame),
        "workspace": ws,
    }


def replace_from_env() -> bool:
    """REPLACE=1 (from `make collect ... REPLACE=1`): take changed returns. Blank or 0 leaves them as conflicts."""
    value = os.environ.get("REPLACE", "").strip().casefold()
    if value in ("", "0", "no", "false"):
        return False
    if value in ("1", "yes", "true"):
        return True
    raise InputError(f"REPLACE={value!r} is not understood: use REPLACE=1 to take changed returns, or leave it out")


def main(argv: list[str] | None = None) -> int:
    """The command line (`make collect`): collect the returns, print what was read, refresh the chase list."""
    parser = ArgumentParser(prog="python -m helpers.cycle.collect", description=__doc__.split("\n")[0])
    which = parser.add_mutually_exclusive_group(required=True)
    which.add_argument("--quarter", help='the quarter the returns are for, e.g. "2024/25 Q1"')
    which.add_argument(
        "--from-env", action="store_true", help="read the quarter from QUARTER, and REPLACE=1 as --replace"
    )
    parser.add_argument(
        "--replace",
        action="store_true",
        help="take returns that change rows already collected (and drop rows whose return has gone)",
    )
    args = parser.parse_args(argv)
    quarter = quarter_from_args(args)
    replace = args.replace or (args.from_env and replace_from_env())
    try:
        result = collect(quarter, replace=replace)
    except Problems as bad:
        for err in bad.errors[:MAX_LINES]:
            print(f"error: {err}", file=sys.stderr)
        if len(bad.errors) > MAX_LINES:
            print(f"error: ... and {len(bad.errors) - MAX_LINES} more problem(s)", file=sys.stderr)
        print("nothing written", file=sys.stderr)
        return 1
    returns, counts = result["returns"], result["counts"]
    filled = [r for r in returns if r.rows]
    where = config.relative(result["log"])
    state = "wrote" if result["changed"] else "unchanged:"
    print(
        f"{len(returns)} return(s) read ({len(filled)} with updates, {len(returns) - len(filled)} empty); "
        f"{state} {where}: {counts['new']} new, {counts['unchanged']} already collected, "
        f"{counts['replaced']} replaced, {counts['dropped']} dropped, {result['hand_rows']} typed by hand"
    )
    if forms_dir(quarter).is_dir():
        from helpers.cycle.forms import _due_from_forms, lead_forms, return_by, write_chase_list

        _, forms, unled = lead_forms(quarter, result["workspace"])
        due = _due_from_forms(forms_dir(quarter)) or return_by(quarter)
        identified = {item.path.name: item.lead for item in returns}  # read once above: not opened again
        chase = write_chase_list(quarter, forms, unled, due, forms_dir(quarter), identified)
        waiting = chase[chase["returned"] == "no"]
        print(
            f"{len(waiting)} of {len(chase)} lead(s) not yet returned; chase list: "
            f"{config.relative(forms_dir(quarter) / 'README.md')}"
        )
    return 0


if __name__ == "__main__":
    run_cli(main)
