"""The progress-update log: what each plan itself says, then data/updates/<quarter>.csv.

One format, two ways in: analysts type rows into the quarter's CSV, or
`make collect` writes them from the leads' returned workbooks. Both are read and
checked here. The plan's own statements are updates too (origin "plan"): a
status column or a "Complete" target gives a status on the review's
source_date; a progress column gives a comment whose date is approximate.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import numpy as np
import pandas as pd

from helpers.base import config, quarters
from helpers.base.errors import InputError
from helpers.base.vocabulary import update_status_spellings, update_statuses

FILE_COLUMNS = ["review_id", "action_ref", "status", "comment", "updated_on"]
OPTIONAL_COLUMNS = [
    "revised_target",
    "revision_reason",
    "revision_approved_by",
    "revision_approved_on",
    "evidence",
    "lead",
    "source",
    "collected_on",
]
COLUMNS = [
    "review_id",
    "action_ref",
    "status",
    "comment",
    "updated_on",
    "date_approximate",
    "origin",
    "revised_target",
    "revision_reason",
    "revision_approved_by",
    "revision_approved_on",
    "evidence",
    "lead",
    "source",
]
PLAN, UPDATE = "plan", "update"
_FILE_NAME = re.compile(r"^(\d{4})-(\d{2})-Q([1-4])\.csv$")


def quarter_file(quarter: pd.Period, folder: Path | None = None) -> Path:
    """data/updates/2023-24-Q4.csv for 2023/24 Q4."""
    return (folder or config.updates_dir()) / f"{quarters.slug(quarter)}.csv"


def tidy_text(text: str) -> str:
    """Free text (a comment, a reason, evidence) as the update log keeps it: its line breaks kept, spaces and
    tabs within a line made one space, each line trimmed, at most one blank line in a row, none at either end."""
    lines = [" ".join(line.split()) for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip("\n")


def _first_bad(mask: pd.Series | np.ndarray) -> int | None:
    """The position of the first True in `mask`, or None."""
    bad = np.asarray(mask).nonzero()[0]
    return int(bad[0]) if len(bad) else None


def _dates(text: pd.Series) -> pd.Series:
    """YYYY-MM-DD, or DD/MM/YYYY; NaT where neither reads (including impossible dates like 2024-02-30)."""
    iso = pd.to_datetime(text, format="%Y-%m-%d", errors="coerce")
    return iso.fillna(pd.to_datetime(text, format="%d/%m/%Y", errors="coerce"))


def read_update_file(path: Path, known: pd.MultiIndex) -> pd.DataFrame:
    """One quarter's update file, checked (vectorised); errors name the file and row."""
    from helpers.base.readers import read_csv

    match = _FILE_NAME.match(path.name)
    if not match:
        raise InputError("update files are named after their quarter, like 2023-24-Q4.csv", path)
    quarter = quarters.parse_quarter(f"{match.group(1)}/{match.group(2)} Q{match.group(3)}")
    frame = read_csv(path, required=FILE_COLUMNS, optional=OPTIONAL_COLUMNS, what="update file")
    rows = frame["_row"].to_numpy()
    _check_actions_known(frame, known, path, rows)
    status = _statuses(frame, path, rows)
    comment = frame["comment"].map(tidy_text)  # line breaks are kept: a lead's paragraphs reach the report
    if (row := _first_bad((status.isna()) & (comment == "") & (frame["revised_target"] == ""))) is not None:
        raise InputError("an update needs a status, a comment or a revised target", path, rows[row])
    day = _days_in_quarter(frame, quarter, path, rows)
    approved = _revisions(frame, day, path, rows)
    out = _log_rows(frame, path, status, comment, day, approved)
    # Two leads reporting the same words on the same day are two reports; one lead saying it twice is a repeat.
    duplicate = out.duplicated(["review_id", "action_ref", "status", "comment", "updated_on", "revised_target", "lead"])
    if (row := _first_bad(duplicate)) is not None:
        raise InputError("this update repeats an earlier row of the same file", path, rows[row])
    return out


def _check_actions_known(frame: pd.DataFrame, known: pd.MultiIndex, path: Path, rows: np.ndarray) -> None:
    """Every row names an action of a known review ("7." reads as "7"); an unknown review is told apart."""
    unknown = ~pd.MultiIndex.from_arrays([frame["review_id"], frame["action_ref"].str.rstrip(".")]).isin(known)
    if (row := _first_bad(unknown)) is not None:
        review_id, ref = frame["review_id"].iloc[row], frame["action_ref"].iloc[row]
        what = (
            f"unknown review {review_id!r}"
            if review_id not in set(known.get_level_values(0))
            else f"review {review_id} has no action {ref!r}"
        )
        raise InputError(what, path, rows[row])


def _statuses(frame: pd.DataFrame, path: Path, rows: np.ndarray) -> pd.Series:
    """Each row's status as the vocabulary names it, in any case and spacing; NaN where the row gives none."""
    status = frame["status"].str.casefold().str.split().str.join(" ").map(update_status_spellings())
    if (row := _first_bad((frame["status"] != "") & status.isna())) is not None:
        raise InputError(
            f"unknown status {frame['status'].iloc[row]!r}; use one of {', '.join(update_statuses())} "
            "or leave it blank",
            path,
            rows[row],
        )
    return status


def _days_in_quarter(frame: pd.DataFrame, quarter: pd.Period, path: Path, rows: np.ndarray) -> pd.Series:
    """Each row's updated_on, which must read as a date within the file's quarter (its first and last days in)."""
    day = _dates(frame["updated_on"])
    if (row := _first_bad(day.isna())) is not None:
        raise InputError(
            f"cannot read date {frame['updated_on'].iloc[row]!r}: use YYYY-MM-DD (e.g. 2024-03-12)", path, rows[row]
        )
    start, end = pd.Timestamp(quarters.start(quarter)), pd.Timestamp(quarters.end(quarter))
    if (row := _first_bad((day < start) | (day > end))) is not None:
        raise InputError(
            f"updated_on {day.iloc[row].date()} is outside {quarters.label(quarter)} ({start.date()} to {end.date()})",
            path,
            rows[row],
        )
    return day


def _revisions(frame: pd.DataFrame, day: pd.Series, path: Path, rows: np.ndarray) -> pd.Series:
    """Check each revised target (a date, with a reason) and its approval; returns the approval dates (NaT: none)."""
    from helpers.base.targets import UnreadableTarget, parse_target

    revised = frame["revised_target"]
    if (row := _first_bad((revised != "") & (frame["revision_reason"] == ""))) is not None:
        raise InputError("a revised target needs a reason for the revision", path, rows[row])
    for n in np.asarray(revised != "").nonzero()[0]:
        try:
            target = parse_target(revised.iloc[n], day.iloc[n].date())
        except UnreadableTarget as err:
            raise InputError(f"revised_target: {err}", path, rows[n]) from None
        if target.date is None:
            raise InputError(f"revised_target {revised.iloc[n]!r} is not a date", path, rows[n])
    approved = _dates(frame["revision_approved_on"])
    if (row := _first_bad((frame["revision_approved_on"] != "") & approved.isna())) is not None:
        raise InputError(
            f"cannot read revision_approved_on {frame['revision_approved_on'].iloc[row]!r}", path, rows[row]
        )
    if (row := _first_bad((frame["revision_approved_on"] != "") & (revised == ""))) is not None:
        raise InputError("revision_approved_on is given but there is no revised_target", path, rows[row])
    return approved


def _log_rows(
    frame: pd.DataFrame, path: Path, status: pd.Series, comment: pd.Series, day: pd.Series, approved: pd.Series
) -> pd.DataFrame:
    """The checked rows in the update log's columns, each citing its file and row unless it gives a source."""
    source = frame["source"].where(
        frame["source"] != "", pd.Series([f"{config.relative(path)}:{n}" for n in frame["_row"]], index=frame.index)
    )
    return pd.DataFrame(
        {
            "review_id": frame["review_id"],
            "action_ref": frame["action_ref"].str.rstrip("."),
            "status": status.fillna(""),
            "comment": comment,
            "updated_on": day,
            "date_approximate": False,
            "origin": UPDATE,
            "revised_target": frame["revised_target"],
            "revision_reason": frame["revision_reason"],
            "revision_approved_by": frame["revision_approved_by"],
            "revision_approved_on": approved,
            "evidence": frame["evidence"],
            "lead": frame["lead"],
            "source": source,
        }
    )


def plan_updates(actions: pd.DataFrame, reviews: pd.DataFrame) -> pd.DataFrame:
    """What each plan itself says, as updates dated its source_date: status (exact), progress (approximate)."""
    from helpers.base.targets import COMPLETE

    spellings = update_status_spellings()
    complete = next(name for name, closes in update_statuses().items() if closes)
    status = actions["plan_status"].str.casefold().str.split().str.join(" ").map(spellings).fillna("")
    status = status.where(actions["target_kind"] != COMPLETE, complete)
    said = actions[(status != "") | (actions["progress"] != "")]
    status = status[said.index]
    day = said["review_id"].map(reviews.set_index("review_id")["source_date"])
    return pd.DataFrame(
        {
            "review_id": said["review_id"],
            "action_ref": said["action_ref"],
            "status": status,
            "comment": said["progress"],
            "updated_on": day,
            "date_approximate": said["progress"] != "",
            "origin": PLAN,
            "revised_target": "",
            "revision_reason": "",
            "revision_approved_by": "",
            "revision_approved_on": pd.NaT,
            "evidence": "",
            "lead": "",
            "source": said["source_file"] + ":" + said["source_lines"],
        }
    )


def load_updates(actions: pd.DataFrame, reviews: pd.DataFrame, folder: Path | None = None) -> pd.DataFrame:
    """Every update, oldest first: the plans' own statements, then data/updates/*.csv."""
    folder = folder or config.updates_dir()
    known = pd.MultiIndex.from_arrays([actions["review_id"], actions["action_ref"]])
    parts = [plan_updates(actions, reviews)]
    if folder.exists():
        for path in sorted(folder.glob("*.csv")):
            if not path.is_file():
                raise InputError("is a folder, expected an update file", path)
            parts.append(read_update_file(path, known))
    parts = [p for p in parts if len(p)]
    frame = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=COLUMNS)
    frame = frame[COLUMNS]
    frame["updated_on"] = pd.to_datetime(frame["updated_on"]).astype("datetime64[ns]")
    frame["revision_approved_on"] = pd.to_datetime(frame["revision_approved_on"]).astype("datetime64[ns]")
    frame["date_approximate"] = frame["date_approximate"].astype(bool)
    return frame.sort_values(["updated_on", "review_id", "action_ref"], kind="stable", ignore_index=True)


def target_revisions(updates: pd.DataFrame, source_dates: dict[str, object] | None = None) -> pd.DataFrame:
    """Every target revision: requested on, new target (typed), reason, approved by/on ("requested" until then)."""
    from helpers.base.targets import parse_target

    asked = updates[updates["revised_target"] != ""].copy()
    # The date the committee agreed: its own (decisions.agreed_target) where it set one, else the one asked for.
    agreed = asked["agreed_target"] if "agreed_target" in asked else pd.Series("", index=asked.index)
    wanted = agreed.where(agreed != "", asked["revised_target"])
    # A revised target is a date, so the update's own date never changes how it reads: parse each text once.
    typed = {text: parse_target(text, dt.date.today()).date for text in wanted.unique()}
    asked["new_target_date"] = pd.to_datetime(wanted.map(typed)).astype("datetime64[ns]")
    asked["state"] = np.where(asked["revision_approved_on"].notna(), "agreed", "requested")
    return asked[
        [
            "review_id",
            "action_ref",
            "updated_on",
            "revised_target",
            "new_target_date",
            "revision_reason",
            "revision_approved_by",
            "revision_approved_on",
            "state",
            "lead",
            "source",
        ]
    ].reset_index(drop=True)
