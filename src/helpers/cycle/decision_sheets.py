"""Decision sheets: what a report asks the committee to decide, out as a workbook, back in as data.

    python -m helpers.cycle.decision_sheets --quarter "2024/25 Q1"            # make decisions QUARTER=...
    python -m helpers.cycle.decision_sheets --quarter "2024/25 Q1" --record   # make record-decisions QUARTER=...

Out: reports/<2024-25-Q1>/decisions/<Committee>--<Council>--<2024-25-Q1>.xlsx,
one per council and committee, listing exactly the requests of that quarter's
report (helpers.tracking.decisions.requests): revised targets, closures on evidence and
escalations, lettered as in the report. The request cells are locked; the
analyst fills the meeting date once, and for each request the decision (a
drop-down), a minute reference, an amended target where the committee set
another date, and a note. A row left blank records nothing: the request stays
open and comes back in the next report.

In: save the filled workbook in data/decisions/sheets/<2024-25-Q1>/ and run
--record. Every filled cell is checked (one line per problem naming the
workbook, sheet and cell; nothing written while any is wrong), then the
decisions are written to data/decisions/<2024-25-Q1>.csv atomically, each
naming its cell. Rows typed by hand into that file are kept. Recording again
changes nothing; a sheet that changes a decision already recorded is a conflict
unless REPLACE=1 (--replace).

This module is the command, and records the decisions: the sheets are written by
helpers.cycle.decision_sheet_writer and read by helpers.cycle.decision_sheet_reader.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import tempfile
from pathlib import Path

import pandas as pd

from helpers.base import config, quarters
from helpers.base.errors import ArgumentParser, InputError, run_cli
from helpers.cycle.decision_sheet_layout import SOURCE_PREFIX, sheets_in_dir
from helpers.cycle.decision_sheet_reader import read_sheet
from helpers.cycle.decision_sheet_writer import make_sheets
from helpers.cycle.problems import Problems
from helpers.cycle.quarter_returns import quarter_from_args
from helpers.tracking.decisions import FILE_COLUMNS, OPTIONAL_COLUMNS, decision_file, read_decision_file

MAX_LINES = 50
CSV_COLUMNS = FILE_COLUMNS + OPTIONAL_COLUMNS
DECIDED = ["decision", "decided_on", "decided_by", "minute", "amended_target", "note"]  # what a sheet decides


def record(quarter: pd.Period, replace: bool = False, today: dt.date | None = None) -> dict[str, object]:
    """Read the quarter's filled decision sheets into data/decisions/<quarter>.csv. Raises Problems / InputError."""
    from helpers.base.readers import read_csv
    from helpers.plans.tables import to_csv_text, write_atomically
    from helpers.tracking.workspace import load_workspace

    today = today or dt.date.today()
    folder = sheets_in_dir(quarter)
    log = decision_file(quarter)
    if not folder.is_dir():
        raise InputError(f"no filled decision sheets for {quarters.label(quarter)}: save them in this folder", folder)
    ws = load_workspace()  # checks every update and decision file
    rows = _read_sheets(folder, quarter, today)
    existing = (
        read_csv(log, required=FILE_COLUMNS, optional=OPTIONAL_COLUMNS, what="decision file")
        if log.exists()
        else pd.DataFrame(columns=[*CSV_COLUMNS, "_row"])
    )
    from_sheet = existing["source"].str.startswith(SOURCE_PREFIX)
    kept = existing[~from_sheet]
    merged = _merge(rows, existing[from_sheet], replace, quarter, folder, log)
    frame = pd.concat([kept[CSV_COLUMNS], pd.DataFrame(merged, columns=CSV_COLUMNS)], ignore_index=True).fillna("")
    text = to_csv_text(frame[[*FILE_COLUMNS, *OPTIONAL_COLUMNS]])
    with tempfile.TemporaryDirectory() as tmp:  # checked exactly as every report will read it
        trial = Path(tmp) / log.name
        trial.write_text(text, encoding="utf-8", newline="")
        read_decision_file(trial, ws.updates, ws.actions)
    previous = log.read_text(encoding="utf-8") if log.exists() else None
    changed = text != previous and not (previous is None and frame.empty)
    if changed:
        write_atomically({log: text})
    return {"log": log, "changed": changed, "recorded": len(merged), "hand_rows": len(kept)}


def _read_sheets(folder: Path, quarter: pd.Period, today: dt.date) -> list[dict[str, str]]:
    """Every decision row of every filled sheet in the folder; Problems naming every bad file and cell."""
    errors: list[InputError] = []
    rows: list[dict[str, str]] = []
    for path in sorted(folder.iterdir()):
        if path.name.startswith((".", "~$")) or path.name.casefold() == "readme.md":
            continue
        if path.suffix.casefold() != ".xlsx":
            errors.append(InputError("not an Excel workbook (.xlsx): save the decision sheet as .xlsx", path))
            continue
        try:
            rows.extend(read_sheet(path, quarter, today))
        except Problems as bad:
            errors.extend(bad.errors)
    if errors:
        raise Problems(errors)
    return rows


def _merge(
    rows: list[dict[str, str]], recorded: pd.DataFrame, replace: bool, quarter: pd.Period, folder: Path, log: Path
) -> list[dict[str, str]]:
    """The sheets' decisions, each kept as first recorded where unchanged; Problems for a changed or vanished one
    unless `replace`."""
    before = {row["source"]: row for row in recorded.to_dict("records")}
    conflicts, merged = [], []
    for new in rows:
        old = before.pop(new["source"], None)
        if old is not None and all(old[c] == new[c] for c in DECIDED):
            merged.append({**new, "recorded_on": old["recorded_on"]})
        elif old is not None and not replace:
            column = next(c for c in DECIDED if old[c] != new[c])
            conflicts.append(
                InputError(
                    f"{new['source'].rsplit(':', 1)[1]}: conflicts with the decision recorded on {old['recorded_on']} "
                    f"({column}: was {old[column]!r}, now {new[column]!r}); to take the sheet's, run "
                    f'make record-decisions QUARTER="{quarters.label(quarter)}" REPLACE=1',
                    folder / new["source"].split("/")[-1].rsplit(":", 1)[0],
                )
            )
        else:
            merged.append(new)
    if before and not replace:
        for source, old in before.items():
            conflicts.append(
                InputError(
                    f"{source} was recorded on {old['recorded_on']} but is no longer in the sheets; put it back, or "
                    f'run make record-decisions QUARTER="{quarters.label(quarter)}" REPLACE=1 to drop it',
                    log,
                    old["_row"],
                )
            )
    if conflicts:
        raise Problems(conflicts)
    return merged


# --- Command line -----------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    """The command line: write the decision sheets, or (--record) read the filled ones into data/decisions."""
    parser = ArgumentParser(prog="python -m helpers.cycle.decision_sheets", description=__doc__.split("\n")[0])
    which = parser.add_mutually_exclusive_group(required=True)
    which.add_argument("--quarter", help='the quarter whose report the committee considers, e.g. "2024/25 Q1"')
    which.add_argument("--from-env", action="store_true", help="read QUARTER (and REPLACE) from the environment")
    parser.add_argument("--record", action="store_true", help="read the filled sheets into data/decisions/")
    parser.add_argument("--replace", action="store_true", help="take sheets that change decisions already recorded")
    args = parser.parse_args(argv)
    quarter = quarter_from_args(args)
    replace = args.replace or (args.from_env and os.environ.get("REPLACE", "").strip() not in ("", "0"))
    if not args.record:
        written = make_sheets(quarter)
        for path, n in written:
            if n:
                print(f"{config.relative(path)}: {n} request(s) for the committee to decide")
            else:
                print(f"{config.relative(path)}: not made, as there is nothing for the committee to decide")
        if any(n for _, n in written):
            print(
                f"after the meeting, save the filled sheet(s) in {config.relative(sheets_in_dir(quarter))}/ and run "
                f'make record-decisions QUARTER="{quarters.label(quarter)}"'
            )
        return 0
    try:
        result = record(quarter, replace=replace)
    except Problems as bad:
        for err in bad.errors[:MAX_LINES]:
            print(f"error: {err}", file=sys.stderr)
        if len(bad.errors) > MAX_LINES:
            print(f"error: ... and {len(bad.errors) - MAX_LINES} more problem(s)", file=sys.stderr)
        print("nothing written", file=sys.stderr)
        return 1
    state = "wrote" if result["changed"] else "unchanged:"
    print(
        f"{state} {config.relative(result['log'])}: {result['recorded']} decision(s) from the sheets, "
        f"{result['hand_rows']} typed by hand"
    )
    return 0


if __name__ == "__main__":
    run_cli(main)
