"""The chase list: which leads have returned their update forms, and the forms folder's README.md.

reports/<2024-25-Q1>/forms/chase-list.csv and README.md list every lead, their number of open actions, their
file, and whether a return has come back in data/updates/returns/<2024-25-Q1>/ (same file name, or the same lead
in its About sheet). `make forms` writes them with the forms; `make collect` refreshes them from what it read.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pandas as pd

from helpers.base import quarters
from helpers.base.errors import InputError
from helpers.cycle.form_layout import ABOUT_SHEET, read_about
from helpers.cycle.form_rows import Lead
from helpers.cycle.quarter_returns import is_collected, is_workbook_name, return_entries, returns_dir, source_prefix
from helpers.plans.tables import to_csv_text, write_atomically

CHASE_COLUMNS = ["council", "lead", "open_actions", "form", "returned", "return_file", "rows_collected", "note"]


def identify(path: Path) -> Lead | None:
    """Whose return a file is, from its About sheet; None for a file that is not a readable form."""
    from helpers.base.workbook_reader import read_workbook

    if not is_workbook_name(path):
        return None
    try:
        book = read_workbook(path)
    except InputError:
        return None
    try:
        if ABOUT_SHEET not in book.sheetnames:
            return None
        values, _ = read_about(book[ABOUT_SHEET])
        council, lead = values.get("council", ("", ""))[0], values.get("lead", ("", ""))[0]
        return Lead(council, lead) if council and lead else None
    finally:
        book.close()


def returned(quarter: pd.Period, identified: dict[str, Lead] | None = None) -> dict[str, object]:
    """What has come back: {"files": [file names], "leads": {Lead: file name}} from the returns folder.

    Every file that `quarter_returns.return_entries` counts is a return, whatever its format (collect names the ones it
    cannot read). `identified` ({file name: lead}) is what collect has just read, so no file is opened twice;
    without it each .xlsx file's About sheet says whose it is.
    """
    files = [path for path in return_entries(returns_dir(quarter)) if path.is_file()]
    leads: dict[Lead, str] = {}
    for path in files:
        lead = identified.get(path.name) if identified is not None else identify(path)
        if lead is not None:
            leads.setdefault(lead, path.name)
    return {"files": [path.name for path in files], "leads": leads}


def return_of(lead: Lead, form_name: str, back: dict[str, object]) -> str:
    """The file that is this lead's return ("" if none): any file whose About sheet names the lead, else the
    form's own file name in any format ("Cabinet--...--2024-25-Q1.ods" counts). `back` is `returned(quarter)`."""
    by_stem = {Path(name).stem.casefold(): name for name in back["files"]}
    return back["leads"].get(lead) or by_stem.get(Path(form_name).stem.casefold(), "")


def _collected_rows(quarter: pd.Period) -> pd.Series:
    """Rows collected so far from each returned file (by file name), from the quarter's update file."""
    from helpers.base.readers import read_csv
    from helpers.tracking.updates import FILE_COLUMNS, OPTIONAL_COLUMNS, quarter_file

    log = quarter_file(quarter)
    if not log.exists():
        return pd.Series(dtype=int)
    source = read_csv(log, required=FILE_COLUMNS, optional=OPTIONAL_COLUMNS, what="update file")["source"]
    mine = source[source.str.startswith(source_prefix(quarter)) & is_collected(source)]
    return mine.str.slice(len(source_prefix(quarter))).str.rsplit(":", n=1).str[0].value_counts()


def _note(name: str) -> str:
    """What collect will make of a returned file it cannot read, by its name ("" for an .xlsx)."""
    return "" if is_workbook_name(Path(name)) else "not .xlsx: collect cannot read it until it is saved as .xlsx"


def chase_list(
    quarter: pd.Period, forms: dict[Lead, tuple[str, pd.DataFrame]], back: dict[str, object] | None = None
) -> pd.DataFrame:
    """Every lead with a form: open actions, file, whether a return is in, and rows collected from it.

    A return is the form's own file name (in any format: "Cabinet--...--2024-25-Q1.ods" counts), or any file
    whose About sheet names the lead. `back` is `returned(quarter)`, when the caller has it already.
    """
    back = back if back is not None else returned(quarter)
    collected = _collected_rows(quarter)
    records = []
    for lead, (name, rows) in forms.items():
        file = return_of(lead, name, back)
        n_open = int(rows["open"].sum()) if "open" in rows else len(rows)
        note = _note(file) if file else ""
        if not n_open and not file:  # a form that only tells the committee's decisions asks for nothing back
            note = "no open actions: the form only tells the committee's decisions"
        records.append(
            {
                "council": lead.council,
                "lead": lead.lead,
                "open_actions": n_open,
                "form": name,
                "returned": "yes" if file else ("no" if n_open else "not needed"),
                "return_file": file,
                "rows_collected": int(collected.get(file, 0)) if file else 0,
                "note": note,
            }
        )
    return _with_addresses(pd.DataFrame(records, columns=CHASE_COLUMNS))


def _with_addresses(chase: pd.DataFrame) -> pd.DataFrame:
    """The chase list with each lead's e-mail address from data/leads.csv (column `email`, "" for none)."""
    from helpers.plans.leads import lead_address

    return chase.assign(email=[lead_address(c, lead) for c, lead in zip(chase["council"], chase["lead"], strict=True)])


def chase_readme(
    quarter: pd.Period, chase: pd.DataFrame, unled: pd.DataFrame, due: dt.date, unclaimed: list[str] = ()
) -> str:
    """The forms folder's README.md: what to do, and the chase list. Every value from data is escaped."""
    waiting = chase[chase["returned"] == "no"]
    expected = chase[chase["returned"] != "not needed"]
    lines = [
        f"# Update forms for {quarters.label(quarter)}",
        "",
        f"One workbook per lead with their actions open on {quarters.long_date(quarters.end(quarter))}. "
        f"Send each to its lead; returns are due by {quarters.long_date(due)}. Save each returned file, as it "
        f"comes, in `data/updates/returns/{quarters.slug(quarter)}/`, then run "
        f'`make collect QUARTER="{quarters.label(quarter)}"`.',
        "",
        f"Chase list ({len(expected) - len(waiting)} of {len(expected)} returned; refresh with "
        f'`.venv/bin/python -m helpers.cycle.forms --quarter "{quarters.label(quarter)}" --chase-list`):',
        "",
        "| lead | council | open actions | form | returned | rows collected |",
        "|---|---|---|---|---|---|",
    ]
    for row in chase.to_dict("records"):
        back = row["returned"]
        if row["returned"] == "yes" and row["return_file"] != row["form"]:
            back = f"yes ({_md(row['return_file'])})"
        if row["note"]:
            back += f"; {_md(row['note'])}"
        lines.append(
            f"| {_md(row['lead'])} | {_md(row['council'])} | {row['open_actions']} | {_md(row['form'])} | {back} | "
            f"{row['rows_collected']} |"
        )
    if "email" in chase and (chase["email"] == "").any():
        missing = chase[chase["email"] == ""]
        lines += [
            "",
            f"No e-mail address in data/leads.csv for {len(missing)} lead(s), so `make emails` writes them no "
            "message: "
            + ", ".join(f"{_md(lead)} ({_md(c)})" for c, lead in zip(missing["council"], missing["lead"], strict=True))
            + ".",
        ]
    if len(unclaimed):
        lines += [
            "",
            f"{len(unclaimed)} file(s) in the returns folder name no lead (not a form's file name, and no About "
            "sheet that can be read): " + ", ".join(_md(name) for name in unclaimed) + ".",
        ]
    if len(unled):
        lines += [
            "",
            f"{len(unled)} open action(s) name no lead, so are in nobody's form: "
            + ", ".join(f"{_md(r)} {_md(a)}" for r, a in zip(unled["review_id"], unled["action_ref"], strict=False))
            + ".",
        ]
    return "\n".join(lines) + "\n"


# Markdown that would change what a cell shows: emphasis, code, links and images, tables, strikethrough, and an "&"
# that starts an entity ("&amp;"). A plain "&" is left as it is, so the file reads the same as text and rendered.
_MARKDOWN = re.compile(r"([\\`*_\[\]|~]|&(?=#?\w+;))")


def _md(text: object) -> str:
    """Text from data as one Markdown table cell that shows exactly that text: line breaks made spaces, Markdown
    punctuation and an "&" that would start an entity backslash-escaped, < and > as HTML entities (GitHub renders
    raw HTML)."""
    flat = " ".join(str(text).split())
    return _MARKDOWN.sub(r"\\\1", flat).replace("<", "&lt;").replace(">", "&gt;")


def write_chase_list(
    quarter: pd.Period,
    forms: dict[Lead, tuple[str, pd.DataFrame]],
    unled: pd.DataFrame,
    due: dt.date,
    folder: Path,
    identified: dict[str, Lead] | None = None,
) -> pd.DataFrame:
    """chase-list.csv and README.md in the forms folder, written together (all or nothing).

    `identified` ({file name: lead}) is what collect has just read: given it, no return is opened again.
    """
    back = returned(quarter, identified)
    chase = chase_list(quarter, forms, back)
    claimed = set(chase["return_file"])
    unclaimed = [name for name in back["files"] if name not in claimed]
    write_atomically(
        {
            folder / "chase-list.csv": to_csv_text(chase),
            folder / "README.md": chase_readme(quarter, chase, unled, due, unclaimed),
        }
    )
    return chase


def due_from_forms(folder: Path) -> dt.date | None:
    """The return-by date the existing forms were made with (from any form's About sheet)."""
    from helpers.base.workbook_reader import read_workbook

    for path in sorted(folder.glob("*.xlsx")):
        try:
            book = read_workbook(path)
        except InputError:
            continue
        try:
            return dt.date.fromisoformat(read_about(book[ABOUT_SHEET])[0]["return_by"][0])
        except (KeyError, ValueError):
            continue  # a damaged form gives no date; the next one, or the default, is used
        finally:
            book.close()
    return None
