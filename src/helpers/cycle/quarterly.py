"""The quarterly update cycle's shared parts: who gets a form, what it holds, where returns go.

    make forms QUARTER="2024/25 Q1"     # helpers.cycle.forms: one workbook per lead, and a chase list
    make collect QUARTER="2024/25 Q1"   # helpers.cycle.collect: returned workbooks -> data/updates/<quarter>.csv

A lead is (council, lead). Every lead named for an open action, in any role
(accountable, responsible, lead), gets that action in their form. "Open" means
open as at the quarter end *before this quarter's returns*: updates collected
from this quarter's workbooks are left out, so making the forms again, or
checking a return, gives the same rows whatever has been collected since.

The form's layout (sheet names, rows, columns, the About sheet), what counts as a
return, and how a date or a revised target typed into a form is read are defined
here once, so forms, collect and the chase list cannot drift apart. Each form carries a hidden, protected
About sheet: the quarter, council, lead, form version, and per row the action's
key and a short hash of each reference cell, which collect uses to tell that a
return is the form that was sent, unchanged where it was locked.
"""

from __future__ import annotations

import calendar
import dataclasses
import datetime as dt
import hashlib
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from helpers.base import config, quarters
from helpers.base.errors import InputError
from helpers.base.vocabulary import OPEN
from helpers.tracking.workspace import Workspace

# Version 2: a title row above the headers (with the return-by date), and text cells for every date a lead types.
# Version 3: a locked column saying what the committee decided on requests about each action since the last form.
FORM_VERSION = "3"
UPDATES_SHEET, INSTRUCTIONS_SHEET, ABOUT_SHEET = "Updates", "Instructions", "About"
TITLE_ROW, HEADER_ROW, FIRST_ROW = 1, 2, 3  # on the Updates sheet
RETURN_WORKING_DAYS = 10

# Reference cells (locked), then the cells a lead fills in (unlocked). Widths in characters, chosen so the sheet
# prints two A4 landscape pages across (A-K, then A-C with L-R: the committee's decision beside the lead's update)
# at forms.PRINT_SCALE (see forms.write_form).
REFERENCE_V2 = [
    ("review_id", "Review id", 10),
    ("review_title", "Review", 10),
    ("action_ref", "Action ref", 6),
    ("recommendation", "Recommendation (peers' wording)", 24),
    ("action", "Council's action", 28),
    ("role", "Your role", 9),
    ("original_target", "Original target", 10),
    ("current_target", "Current target", 12),
    ("latest_status", "Status at quarter end", 11),
    ("latest_comment", "Latest comment", 21),
    ("latest_comment_on", "Latest comment dated", 9),
]
DECISION = ("committee_decision", "Committee's decision since the last form", 24)
REFERENCE = [*REFERENCE_V2, DECISION]
FILL = [
    ("status", "Status", 13),
    ("comment", "Progress comment", 30),
    ("updated_on", "Date of update", 11),
    ("revised_target", "Revised target date", 11),
    ("revision_reason", "Reason for revision", 22),
    ("evidence", "Evidence (link or document reference)", 22),
]
TEXT_CELLS = {"comment", "updated_on", "revised_target", "revision_reason", "evidence"}  # kept exactly as typed


@dataclass(frozen=True)
class Layout:
    """One form version's Updates sheet: its reference (locked) columns, then the columns a lead fills in."""

    version: str
    reference: tuple[tuple[str, str, int], ...]
    fill: tuple[tuple[str, str, int], ...]

    @property
    def columns(self) -> list[tuple[str, str, int]]:
        """Every column, (key, header, width), in sheet order."""
        return [*self.reference, *self.fill]

    @property
    def headers(self) -> list[str]:
        """The header row's texts, in sheet order."""
        return [header for _, header, _ in self.columns]

    @property
    def first_fill_column(self) -> int:
        """The 1-based column number of the first cell a lead fills in ("Status")."""
        return len(self.reference) + 1

    def column_letter(self, name: str) -> str:
        """The column letter of a column by its key ("status" -> "M" in version 3)."""
        from openpyxl.utils import get_column_letter

        return get_column_letter([key for key, _, _ in self.columns].index(name) + 1)


# Every form version collect still reads, by the About sheet's form_version: a form sent before an upgrade can be
# returned after it.
LAYOUTS = {
    "2": Layout("2", tuple(REFERENCE_V2), tuple(FILL)),
    FORM_VERSION: Layout(FORM_VERSION, tuple(REFERENCE), tuple(FILL)),
}
CURRENT = LAYOUTS[FORM_VERSION]
COLUMNS = CURRENT.columns
HEADERS = CURRENT.headers
FIRST_FILL_COLUMN = CURRENT.first_fill_column  # 1-based column number of "Status"
# About sheet: key/value pairs, then the row table under ROW_TABLE_HEADER.
ABOUT_KEYS = ["form_version", "quarter", "council", "lead", "return_by", "file"]
ROW_TABLE_HEADER = ["sheet_row", "review_id", "action_ref", "role", "check"]
_ROLE_ORDER = {"accountable": 0, "responsible": 1, "lead": 2}
_COLLECTED = r"\.xlsx:" + UPDATES_SHEET + r"!\d+$"
# In the returns folder, these are not returns: hidden files, Excel's and LibreOffice's lock files, a note.
_NOT_RETURNS = (".", "~$")
_NOTE = "readme.md"


def column_letter(name: str) -> str:
    """The column letter of a column of the current form by its key ("status" -> "M")."""
    return CURRENT.column_letter(name)


def returns_dir(quarter: pd.Period) -> Path:
    """data/updates/returns/2024-25-Q1/: where returned workbooks are saved."""
    return config.updates_dir() / "returns" / quarters.slug(quarter)


def forms_dir(quarter: pd.Period) -> Path:
    """reports/2024-25-Q1/forms/: where the forms and the chase list are written."""
    return config.reports_dir() / quarters.slug(quarter) / "forms"


def source_prefix(quarter: pd.Period) -> str:
    """How the update log names this quarter's returns: "returns/2024-25-Q1/" (relative to data/updates/)."""
    return f"returns/{quarters.slug(quarter)}/"


def is_collected(source: pd.Series) -> pd.Series:
    """True where an update-log `source` names a cell of a returned workbook ("...xlsx:Updates!7")."""
    return source.str.contains(_COLLECTED, regex=True, flags=re.IGNORECASE)


def return_entries(folder: Path) -> list[Path]:
    """Everything in a returns folder that is a return (or someone's attempt at one), sorted by name.

    The one rule for what is a return, used by collect (which reads the .xlsx ones
    and names each other entry as a problem) and by the chase list (which counts
    every file here as returned, whatever its format): every entry except hidden
    files, lock files (~$...) and a README.md.
    """
    if not folder.is_dir():
        return []
    return sorted(
        path for path in folder.iterdir() if not path.name.startswith(_NOT_RETURNS) and path.name.casefold() != _NOTE
    )


def is_workbook_name(path: Path) -> bool:
    """True for a file named as an Excel workbook (.xlsx), the one format collect reads."""
    return path.suffix.casefold() == ".xlsx"


def return_by(quarter: pd.Period, working_days: int = RETURN_WORKING_DAYS) -> dt.date:
    """The quarter end plus `working_days` weekdays (bank holidays are not known, so not skipped)."""
    return (pd.Timestamp(quarters.end(quarter)) + pd.offsets.BDay(working_days)).date()


def safe_name(text: str) -> str:
    """Letters, digits and single hyphens only: "Senior Leadership Team (SLT)" -> "Senior-Leadership-Team-SLT"."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    ascii_text = re.sub(r"['\u2019]", "", ascii_text).replace("&", " and ")
    return re.sub(r"[^A-Za-z0-9]+", "-", ascii_text).strip("-") or "lead"


def form_file_name(council: str, lead: str, quarter: pd.Period) -> str:
    """A lead's form's file name: "<Lead>--<Council>--<2024-25-Q1>.xlsx"."""
    return f"{safe_name(lead)}--{safe_name(council)}--{quarters.slug(quarter)}.xlsx"


def cell_text(value: object) -> str:
    """A cell's value as text: dates as YYYY-MM-DD, whole numbers without ".0", blanks as ""."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = getattr(value, "text", value)  # an ArrayFormula keeps its text in .text
    return str(text).strip()


# --- What a lead types: dates and revised targets ------------------------------------------------

_MONTH_NUMBERS = {name.casefold(): n for n in range(1, 13) for name in (calendar.month_name[n], calendar.month_abbr[n])}
_MONTH_NUMBERS["sept"] = 9
_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_NUMERIC_DATE = re.compile(r"(\d{1,2})\s*([/.-])\s*(\d{1,2})\s*\2\s*(\d{4}|\d{2})")
_WORD_DATE = re.compile(r"(\d{1,2})(?:st|nd|rd|th)?\s+([a-z]+)\.?,?\s+(\d{4}|\d{2})")
DATE_EXAMPLE = "6 May 2024"


class TypedDateError(ValueError):
    """A date typed into a form that cannot be read for certain; the message says how to write it."""


def _year(text: str) -> int:
    """A year as typed: "24" is 2024."""
    return 2000 + int(text) if len(text) == 2 else int(text)


def _real_date(year: int, month: int, day: int, typed: str) -> dt.date:
    """The date, or TypedDateError naming what was typed where there is no such day."""
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise TypedDateError(
            f"{typed!r} is not a real date (day, then month, then year): write it like {DATE_EXAMPLE}"
        ) from None


def swapped_reading(text: str) -> str | None:
    """For a date typed in figures whose day and month could be either way round ("06/05/2024"): the message
    naming both readings; None for anything else ("14/06/2024", "06/06/2024", "6 May 2024")."""
    match = _NUMERIC_DATE.fullmatch(text.strip())
    if not match:
        return None
    first, second, year = int(match.group(1)), int(match.group(3)), _year(match.group(4))
    if first == second or not (1 <= first <= 12 and 1 <= second <= 12):
        return None
    as_written = quarters.long_date(dt.date(year, second, first))
    other = quarters.long_date(dt.date(year, first, second))
    return (
        f"{text.strip()!r} could be {as_written} or {other} (spreadsheets set to US English read it month first): "
        f"write the month as a word, e.g. {as_written}"
    )


def typed_date(value: object) -> dt.date:
    """The date in a form cell: a spreadsheet date, or text written day first ("6 May 2024", "14/06/2024",
    "2024-06-14"). A date in figures that reads both ways ("06/05/2024") is refused, never guessed:
    TypedDateError says how to write it."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = cell_text(value)
    folded = " ".join(text.casefold().split())
    if match := _ISO_DATE.fullmatch(folded):
        return _real_date(int(match.group(1)), int(match.group(2)), int(match.group(3)), text)
    if message := swapped_reading(folded):
        raise TypedDateError(message)
    if match := _NUMERIC_DATE.fullmatch(folded):
        return _real_date(_year(match.group(4)), int(match.group(3)), int(match.group(1)), text)
    if (match := _WORD_DATE.fullmatch(folded)) and match.group(2) in _MONTH_NUMBERS:
        return _real_date(_year(match.group(3)), _MONTH_NUMBERS[match.group(2)], int(match.group(1)), text)
    raise TypedDateError(f"cannot read {text!r} as a date: write it like {DATE_EXAMPLE}")


def typed_target(value: object, number_format: str = "General") -> str:
    """The revised target as the update file keeps it: the text the lead typed ("March 2025"), which the target
    rules read ("March 2025" is 31 March 2025). A cell a spreadsheet turned into a date is written back as what
    was typed: a month where its format shows no day (Excel stores "March 2025" as 1 March 2025, shown
    "Mar-25"), else the day ("1 March 2025")."""
    if isinstance(value, (dt.datetime, dt.date)):
        day = value.date() if isinstance(value, dt.datetime) else value
        shows_day = "d" in re.sub(r'"[^"]*"|\[[^\]]*\]', "", number_format).casefold()
        return quarters.long_date(day) if shows_day else f"{day:%B %Y}"
    return cell_text(value)


def check(values: list[str]) -> str:
    """Short hashes of the reference cells, one per column, space-separated (whitespace-insensitive)."""
    return " ".join(hashlib.sha256(" ".join(v.split()).encode("utf-8")).hexdigest()[:10] for v in values)


def baseline(ws: Workspace, quarter: pd.Period) -> Workspace:
    """The workspace without updates collected from this quarter's returns (what the forms were made from)."""
    source = ws.updates["source"].astype(str)
    mine = is_collected(source) & source.str.startswith(source_prefix(quarter))
    return dataclasses.replace(ws, updates=ws.updates[~mine].reset_index(drop=True))


@dataclass(frozen=True)
class Lead:
    """A lead officer or body as the forms know them: a council and a lead name."""

    council: str
    lead: str

    def __str__(self) -> str:
        """ "Cabinet (Vale District Council)"."""
        return f"{self.lead} ({self.council})"


def _long(day: object) -> str:
    """A day as "6 May 2024" ("" for none)."""
    return "" if day is None or pd.isna(day) else quarters.long_date(pd.Timestamp(day).date())


def _current_target(row: dict) -> str:
    """The form's "Current target" cell: the date, whether it was revised, and any revision still pending."""
    text = _long(row["current_target_date"])
    if not text:
        text = "Ongoing" if row["target_kind"] == "ongoing" else "None given"
    if row["target_revisions"]:
        text += " (revised)"
    if row["revision_requested"]:
        text += "; a revision is requested, not yet agreed"
    return text


# --- What the committee decided, as a lead reads it ---------------------------------------------


def decisions_since_last_form(ws: Workspace, quarter: pd.Period) -> pd.DataFrame:
    """The committee's decisions made since the last form: after the previous quarter's end, up to this one's.

    Each form is as at its quarter end, so each decision is on exactly one form, the first made after it.
    """
    from helpers.tracking.decisions import COLUMNS as DECISION_COLUMNS
    from helpers.tracking.decisions import made_between

    if ws.decisions is None or ws.decisions.empty:
        return pd.DataFrame(columns=DECISION_COLUMNS)
    return made_between(ws.decisions, quarters.end(quarter - 1), quarters.end(quarter))


def target_text(typed: str, on: dt.date) -> str:
    """A target as a lead reads it: "31 March 2025" for "March 2025"; as typed where it is not a date."""
    from helpers.base.targets import DATED, UnreadableTarget, parse_target

    try:
        target = parse_target(typed, on)
    except UnreadableTarget:
        return typed
    return quarters.long_date(target.date) if target.kind in DATED and target.date else typed


def decision_text(decision: dict, asked_for: str, reader: str) -> str:
    """One decision as the form tells `reader`, e.g. "Audit and Governance Committee, 12 September 2024 (minute
    45/24): revised target 31 March 2025 agreed". `asked_for` is the revised target the request named."""
    from helpers.tracking.decisions import AGREED, CLOSURE, DEFERRED, REFUSED, REVISION

    day = pd.Timestamp(decision["decided_on"]).date()
    head = f"{decision['decided_by'] or 'Committee'}, {quarters.long_date(day)}"
    if decision["minute"]:
        head += f" (minute {decision['minute']})"
    asker = decision["lead"] if isinstance(decision["lead"], str) else ""
    own = asker == reader
    by = f" (asked by {asker})" if asker and not own else ""
    outcome = decision["decision"]
    if decision["kind"] == REVISION:
        asked = target_text(asked_for, day) if asked_for else "the date asked for"
        if outcome == AGREED and decision["amended_target"]:
            what = f"revised target {target_text(decision['amended_target'], day)} agreed, not the {asked} asked for"
        elif outcome == AGREED:
            what = f"revised target {asked} agreed"
        else:
            what = f"revision to {asked} " + ("refused" if outcome == REFUSED else "deferred to a later meeting")
    elif decision["kind"] == CLOSURE:
        evidence = "your evidence" if own else "the evidence given"
        what = {
            AGREED: f"closure agreed on {evidence}",
            REFUSED: "closure refused: the action is open again",
            DEFERRED: "closure deferred to a later meeting",
        }[outcome]
    else:
        what = {
            AGREED: "escalation agreed: the committee asks for a report on this action",
            DEFERRED: "escalation deferred to a later meeting",
        }.get(outcome, f"escalation {outcome}")
    note = decision["note"] if isinstance(decision["note"], str) else ""
    return f"{head}: {what}{by}" + (f". {note[:1].upper()}{note[1:]}" if note else "")


def _decisions_by_action(ws: Workspace, quarter: pd.Period) -> dict[tuple[str, str], list[tuple[dict, str]]]:
    """{(review, action): [(decision, revised target it answers)]} for the decisions since the last form."""
    made = decisions_since_last_form(ws, quarter)
    if made.empty:
        return {}
    asked = ws.updates[ws.updates["revised_target"] != ""]
    targets = {
        (r, a, pd.Timestamp(on).normalize(), lead): text
        for r, a, on, lead, text in zip(
            asked["review_id"],
            asked["action_ref"],
            asked["updated_on"],
            asked["lead"].fillna(""),
            asked["revised_target"],
            strict=True,
        )
    }
    found: dict[tuple[str, str], list[tuple[dict, str]]] = {}
    for row in made.to_dict("records"):
        on = pd.Timestamp(row["requested_on"]).normalize() if pd.notna(row["requested_on"]) else None
        lead = row["lead"] if isinstance(row["lead"], str) else ""
        asked_for = targets.get((row["review_id"], row["action_ref"], on, lead), "")
        found.setdefault((row["review_id"], row["action_ref"]), []).append((row, asked_for))
    return found


# --- The rows of each lead's form ----------------------------------------------------------------


def form_rows(ws: Workspace, quarter: pd.Period) -> pd.DataFrame:
    """One row per (lead, action) for the quarter's forms, with the form's reference cells.

    A lead gets every action they are named for (any role) that is open at the quarter end, and every other
    action of theirs the committee decided something on since the last form (a closure agreed, say), so the form
    tells them; `open` says which rows take an update. Columns: council, lead, review_id, action_ref, the
    REFERENCE keys and open; ordered by council, lead, then the review's and the action's own order.
    """
    status = baseline(ws, quarter).status(quarter)
    decided = _decisions_by_action(ws, quarter)
    is_open = status["status"].isin(OPEN)
    has_decision = pd.Series(
        [key in decided for key in zip(status["review_id"], status["action_ref"], strict=True)], index=status.index
    )
    shown = status[is_open | has_decision].assign(_open=is_open[is_open | has_decision])
    key = ["review_id", "action_ref"]
    leads = ws.action_leads.merge(shown[key], on=key, how="inner")
    if leads.empty:
        return pd.DataFrame(columns=["council", "lead", *[k for k, _, _ in REFERENCE], "open"])
    leads = leads.assign(rank=leads["role"].map(_ROLE_ORDER)).sort_values("rank", kind="stable")
    roles = (
        leads.groupby(["council", "lead", *key], sort=False)["role"]
        .apply(lambda r: ", ".join(dict.fromkeys(x.capitalize() for x in r)))
        .rename("role")
        .reset_index()
    )
    detail = shown.set_index(key)
    review_order = {rid: n for n, rid in enumerate(ws.reviews["review_id"])}
    rows = []
    for item in roles.to_dict("records"):
        act = detail.loc[(item["review_id"], item["action_ref"])].to_dict()
        comment_on = ""
        if pd.notna(act["latest_update_on"]):
            day = pd.Timestamp(act["latest_update_on"])
            comment_on = f"about {day:%B %Y}" if act["latest_date_approximate"] else _long(day)
        told = decided.get((item["review_id"], item["action_ref"]), [])
        rows.append(
            {
                "council": item["council"],
                "lead": item["lead"],
                "review_id": item["review_id"],
                "review_title": ws.titles.get(item["review_id"], ""),
                "action_ref": item["action_ref"],
                "recommendation": act["recommendation"],
                "action": act["action"],
                "role": item["role"],
                "original_target": act["target_corrected"] or "None given",
                "current_target": _current_target(act),
                "latest_status": act["status_label"],
                "latest_comment": act["latest_comment"] if act["latest_comment"] else "",
                "latest_comment_on": comment_on if act["latest_comment"] else "",
                "committee_decision": "\n".join(decision_text(d, asked, item["lead"]) for d, asked in told),
                "open": bool(act["_open"]),
                "_review_order": review_order.get(item["review_id"], 0),
                "_action_order": act["action_order"],
            }
        )
    frame = pd.DataFrame(rows).sort_values(["council", "lead", "_review_order", "_action_order"], kind="stable")
    return frame.drop(columns=["_review_order", "_action_order"]).reset_index(drop=True)


def unled_open_actions(ws: Workspace, quarter: pd.Period) -> pd.DataFrame:
    """Open actions with no lead named: they are in nobody's form."""
    status = baseline(ws, quarter).status(quarter)
    open_ = status[status["status"].isin(OPEN)]
    led = pd.MultiIndex.from_frame(ws.action_leads[["review_id", "action_ref"]])
    return open_[~pd.MultiIndex.from_frame(open_[["review_id", "action_ref"]]).isin(led)].reset_index(drop=True)


def read_about(sheet) -> tuple[dict[str, tuple[str, str]], list[dict[str, str]]]:
    """A form's About sheet: {key: (value, cell)}, and the row table as dicts (with "_cell" naming the row's cell)."""
    values: dict[str, tuple[str, str]] = {}
    rows: list[dict[str, str]] = []
    in_table = False
    for number, row in enumerate(sheet.iter_rows(min_row=1, max_col=len(ROW_TABLE_HEADER), values_only=True), 1):
        cells = [cell_text(v) for v in row] + [""] * (len(ROW_TABLE_HEADER) - len(row))
        if not in_table and cells[: len(ROW_TABLE_HEADER)] == ROW_TABLE_HEADER:
            in_table = True
            continue
        if in_table:
            if any(cells):
                cells_by_name = dict(zip(ROW_TABLE_HEADER, cells, strict=False))
                rows.append({**cells_by_name, "_cell": f"{ABOUT_SHEET}!A{number}"})
        elif cells[0] in ABOUT_KEYS:
            values[cells[0]] = (cells[1], f"{ABOUT_SHEET}!B{number}")
    return values, rows


def quarter_from_args(args) -> pd.Period:
    """The quarter `make forms` / `make collect` name: --quarter, or the QUARTER variable with --from-env."""
    import os

    label = os.environ.get("QUARTER", "") if args.from_env else args.quarter
    if not label:
        raise InputError('no quarter given: use --quarter "2024/25 Q1" (or QUARTER=... with --from-env)')
    try:
        return quarters.parse_quarter(label)
    except quarters.BadQuarter as err:
        raise InputError(str(err)) from None
