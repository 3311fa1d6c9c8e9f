"""Returns in: read the leads' returned update forms into data/updates/<quarter>.csv.

    python -m helpers.cycle.collect --quarter "2024/25 Q1"
    python -m helpers.cycle.collect --from-env             # QUARTER (and REPLACE) from the environment (make collect)
    python -m helpers.cycle.collect --quarter "2024/25 Q1" --replace   # take changed returns over collected rows
    python -m helpers.cycle.collect --quarter "2026/27 Q3" --collected-on 2026-12-09  # COLLECT_DATE with --from-env
    make collect QUARTER="2024/25 Q1" REPLACE=1                  # the same, through make

Reads every workbook in data/updates/returns/<2024-25-Q1>/ (made by
helpers.cycle.forms), checks every filled cell, and writes the quarter's update file
atomically. Each collected row names its cell (source
"returns/2024-25-Q1/<file>.xlsx:Updates!7", relative to data/updates/), its lead,
and the day it was first collected (collected_on). Rows typed by hand into the
same file (whose source names no workbook) are kept as they are.

A blank "Date of update" is read as the day the return is first collected (today, or --collected-on /
COLLECT_DATE), or the quarter end where that is earlier: never a later day than the collection.

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

Forms of an earlier version (the About sheet's form_version, form_layout.LAYOUTS) are
read with their own layout, so a form sent before an upgrade can still be
returned.

This module is the command; one return is read by helpers.cycle.return_reader
(checked against the form as sent by helpers.cycle.return_checks), and the rows
merged into the update file by helpers.cycle.merge_returns.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path

import pandas as pd

from helpers.base import config, quarters
from helpers.base.errors import ArgumentParser, InputError, run_cli
from helpers.cycle.form_layout import ABOUT_SHEET
from helpers.cycle.form_rows import Lead, form_rows, lead_forms
from helpers.cycle.forms_sent import date_from_args
from helpers.cycle.merge_returns import CSV_COLUMNS, check_written, merge
from helpers.cycle.problems import Problems
from helpers.cycle.quarter_returns import (
    forms_dir,
    is_collected,
    is_workbook_name,
    quarter_from_args,
    return_by,
    return_entries,
    returns_dir,
)
from helpers.cycle.return_reader import Return, read_return
from helpers.plans.tables import write_atomically
from helpers.tracking.updates import FILE_COLUMNS, OPTIONAL_COLUMNS, quarter_file

MAX_LINES = 50


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
    """The .xlsx returns to read, and one problem for every other entry that `quarter_returns.return_entries` counts."""
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


def collect(quarter: pd.Period, replace: bool = False, today: dt.date | None = None) -> dict[str, object]:
    """Collect the quarter's returns into its update file; returns a summary. Raises Problems / InputError."""
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
    returns = _read_returns(files, quarter, open_actions, today, errors)
    if errors:
        raise Problems(errors)

    collected = [row for item in returns for row in item.rows]
    layouts = {row["source"]: item.layout for item in returns for row in item.rows}
    blank_dates = {source for item in returns for source in item.blank_dates}
    frame, counts = merge(_existing(log), collected, replace, log, quarter, layouts, blank_dates)
    actions = read_table("actions")
    known = pd.MultiIndex.from_arrays([actions["review_id"], actions["action_ref"]])
    text = check_written(frame, log, known)
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


def _read_returns(
    files: list[Path],
    quarter: pd.Period,
    open_actions: set[tuple[str, str, str, str]],
    today: dt.date,
    errors: list[InputError],
) -> list[Return]:
    """Every return that reads cleanly; each problem, and each second return from one lead, added to `errors`."""
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
    return returns


def _existing(log: Path) -> pd.DataFrame:
    """The quarter's update file as it is (with each row's file row in _row); no rows if there is none yet."""
    from helpers.base.readers import read_csv

    if log.exists():  # checked already by load_workspace: no unknown column, so nothing is dropped
        return read_csv(log, required=FILE_COLUMNS, optional=OPTIONAL_COLUMNS, what="update file")
    return pd.DataFrame(columns=[*CSV_COLUMNS, "_row"])


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
        "--from-env",
        action="store_true",
        help="read the quarter from QUARTER, REPLACE=1 as --replace, and the day from COLLECT_DATE",
    )
    parser.add_argument(
        "--collected-on",
        help="the day the returns are collected (YYYY-MM-DD): a blank date of update means this day; default: today",
    )
    parser.add_argument(
        "--replace",
        action="store_true",
        help="take returns that change rows already collected (and drop rows whose return has gone)",
    )
    args = parser.parse_args(argv)
    quarter = quarter_from_args(args)
    replace = args.replace or (args.from_env and replace_from_env())
    today = date_from_args(args.collected_on, args.from_env, "COLLECT_DATE", "--collected-on")
    say_not_ended(quarter, today)
    try:
        result = collect(quarter, replace=replace, today=today)
    except Problems as bad:
        _print_problems(bad)
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
        _refresh_chase_list(quarter, result)
    return 0


def say_not_ended(quarter, today: dt.date | None = None) -> None:
    """One line when the quarter has not ended (helpers.base.quarters.has_ended): collecting early is allowed."""
    if not quarters.has_ended(quarter, today or dt.date.today()):
        print(
            f"note: {quarters.label(quarter)} has not ended (it ends on {quarters.long_date(quarters.end(quarter))}): "
            "these returns are the progress known today; collect again after it ends to take later ones",
            file=sys.stderr,
        )


def _print_problems(bad: Problems) -> None:
    """Every problem, one line each (at most MAX_LINES, then how many more), and that nothing was written."""
    for err in bad.errors[:MAX_LINES]:
        print(f"error: {err}", file=sys.stderr)
    if len(bad.errors) > MAX_LINES:
        print(f"error: ... and {len(bad.errors) - MAX_LINES} more problem(s)", file=sys.stderr)
    print("nothing written", file=sys.stderr)


def _refresh_chase_list(quarter: pd.Period, result: dict[str, object]) -> None:
    """The forms folder's chase list again, from the returns just read (none opened twice)."""
    from helpers.cycle.chase_list import due_from_forms, write_chase_list

    returns = result["returns"]
    _, forms, unled = lead_forms(quarter, result["workspace"])
    due = due_from_forms(forms_dir(quarter)) or return_by(quarter)
    identified = {item.path.name: item.lead for item in returns}  # read once above: not opened again
    chase = write_chase_list(quarter, forms, unled, due, forms_dir(quarter), identified)
    waiting = chase[chase["returned"] == "no"]
    print(
        f"{len(waiting)} of {len(chase)} lead(s) not yet returned; chase list: "
        f"{config.relative(forms_dir(quarter) / 'README.md')}"
    )


if __name__ == "__main__":
    run_cli(main)
