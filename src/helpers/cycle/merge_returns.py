"""Merging collected returns into a quarter's update file, data/updates/<quarter>.csv.

Rows typed by hand into the file (whose source names no workbook) are kept as they are, first; collected rows
follow in file and row order, each kept as first collected where unchanged. A return that changes a row already
collected is a conflict unless REPLACE=1 (--replace) is given; so is a collected row whose return has gone. A blank
"Date of update" is read as the day the row was first collected (return_reader.blank_update_day), so collecting
again on a later day changes nothing.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

import pandas as pd

from helpers.base import config, quarters
from helpers.base.errors import InputError
from helpers.cycle.form_layout import CURRENT, Layout, updates_cell
from helpers.cycle.problems import Problems
from helpers.cycle.quarter_returns import is_collected
from helpers.cycle.return_reader import blank_update_day
from helpers.plans.tables import to_csv_text
from helpers.tracking.updates import FILE_COLUMNS, OPTIONAL_COLUMNS, read_update_file

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


def source_path(source: str) -> tuple[Path, str]:
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
    blank_dates: set[str] | None = None,
) -> tuple[pd.DataFrame, dict[str, int]]:
    """Hand-typed rows as they are, then collected rows (kept as first collected where unchanged).

    `layouts` ({source: layout}) names the form version each collected row was read with (default: the current
    one), so a conflict names the cell where that form has it. `blank_dates` names the collected rows whose
    "Date of update" was blank: one already in the file is read as of the day it was first collected."""
    collected_mask = is_collected(existing["source"])
    hand = existing[~collected_mask]
    before = {row["source"]: row for row in existing[collected_mask].to_dict("records")}
    conflicts: list[InputError] = []
    rows: list[dict[str, str]] = []
    counts = {"new": 0, "unchanged": 0, "replaced": 0, "dropped": 0}
    for new in collected:
        old = before.pop(new["source"], None)
        if old is not None and new["source"] in (blank_dates or set()):
            new = _as_first_collected(new, old, quarter)
        if old is None:
            rows.append(new)
            counts["new"] += 1
            continue
        differ = [c for c in FROM_RETURN if old[c] != new[c]]
        if not differ:
            rows.append({**old, "_row": new["_row"]})
            counts["unchanged"] += 1
        elif replace:
            rows.append(_replacing(old, new))
            counts["replaced"] += 1
        else:
            conflicts.append(_conflict(old, new, differ[0], quarter, layouts))
    if replace:
        counts["dropped"] += len(before)
    else:
        conflicts += [_gone(source, old, log, quarter) for source, old in before.items()]
    if conflicts:
        raise Problems(conflicts)
    rows.sort(key=_order)
    frame = pd.concat([hand[CSV_COLUMNS], pd.DataFrame(rows, columns=CSV_COLUMNS)], ignore_index=True)
    return frame.fillna(""), counts


def _as_first_collected(new: dict[str, str], old: dict, quarter: pd.Period) -> dict[str, str]:
    """A row whose "Date of update" is blank, read as of the day it was first collected (the row already in the
    file), not the day of this later run: collecting again changes nothing."""
    try:
        first = dt.date.fromisoformat(str(old["collected_on"]))
    except ValueError:
        return new  # collected before collected_on was kept: read as of this run
    day = blank_update_day(quarter, first)
    return new if day is None else {**new, "updated_on": day.isoformat()}


def _replacing(old: dict, new: dict[str, str]) -> dict[str, str]:
    """The new row, keeping the analyst's approval where it asks for the same revised target as the old one."""
    keep_approval = old["revised_target"] == new["revised_target"] and new["revised_target"] != ""
    if keep_approval:
        new = {
            **new,
            "revision_approved_by": old["revision_approved_by"],
            "revision_approved_on": old["revision_approved_on"],
        }
    return new


def _conflict(
    old: dict, new: dict[str, str], column: str, quarter: pd.Period, layouts: dict[str, Layout] | None
) -> InputError:
    """A return that changes a row already collected: the first changed cell, what it was and is, how to take it."""
    path, cell = source_path(new["source"])
    layout = (layouts or {}).get(new["source"], CURRENT)
    where = updates_cell(layout, column, new["_row"]) if column in {k for k, _, _ in layout.fill} else cell
    return InputError(
        f"{where}: conflicts with the row collected on {old['collected_on'] or 'an earlier day'} "
        f"({column}: was {old[column]!r}, now {new[column]!r}); to take the new return, run "
        f"{how_to_replace(quarter)}",
        path,
    )


def _gone(source: str, old: dict, log: Path, quarter: pd.Period) -> InputError:
    """A collected row whose return has gone (its file removed or renamed, or the row cleared)."""
    return InputError(
        f"{source} was collected on {old['collected_on'] or 'an earlier day'} but is no longer in the returns "
        f"(its file removed or renamed, or the row cleared); put it back, or run {how_to_replace(quarter)} to "
        "drop it",
        log,
        old["_row"],
    )


def _order(row: dict) -> tuple[str, int]:
    """Collected rows in file order, then sheet row order."""
    file, cell = row["source"].rsplit("!", 1)
    return file, int(cell)


def check_written(frame: pd.DataFrame, log: Path, known: pd.MultiIndex) -> str:
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
                path, cell = source_path(source)
                raise InputError(f"{cell}: {err.message}", path) from None
            raise InputError(err.message, log, err.line) from None
    return text
