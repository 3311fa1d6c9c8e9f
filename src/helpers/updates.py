"""The progress-update log: data/updates/<quarter>.csv files plus the documents' own progress column."""
from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from helpers import config, quarters
from helpers.errors import InputError
from helpers.vocabulary import update_statuses

COLUMNS = ["review_id", "rec_no", "status", "comment", "updated_on", "quarter", "source"]
_FILE_NAME = re.compile(r"^(\d{4})-(\d{2})-Q([1-4])\.csv$")


def _first_bad(mask: pd.Series | np.ndarray) -> int | None:
    """The file row number (header = row 1) of the first True in `mask`, or None."""
    bad = np.asarray(mask).nonzero()[0]
    return int(bad[0]) + 2 if len(bad) else None


def _dates(text: pd.Series) -> pd.Series:
    """YYYY-MM-DD, or DD/MM/YYYY; NaT where neither reads."""
    iso = pd.to_datetime(text, format="%Y-%m-%d", errors="coerce")
    return iso.fillna(pd.to_datetime(text, format="%d/%m/%Y", errors="coerce"))


def read_update_file(path: Path, known: pd.MultiIndex) -> pd.DataFrame:
    """One quarter's update file, checked row by row (vectorised); errors name the file and row."""
    match = _FILE_NAME.match(path.name)
    if not match:
        raise InputError("update files are named after their quarter, like 2023-24-Q4.csv", path)
    quarter = quarters.parse_quarter(f"{match.group(1)}/{match.group(2)} Q{match.group(3)}")
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    except (pd.errors.ParserError, UnicodeDecodeError) as err:
        raise InputError(f"not a readable CSV file ({err})", path) from None
    needed = {"review_id", "rec_no", "status", "comment", "updated_on"}
    if not needed <= set(frame.columns):
        raise InputError(f"expected columns {', '.join(sorted(needed))}", path, 1)
    frame = frame.apply(lambda col: col.str.strip())

    numeric = frame["rec_no"].str.fullmatch(r"\d{1,6}")
    rec_no = pd.to_numeric(frame["rec_no"].where(numeric), errors="coerce").fillna(-1).astype("int64")
    unknown = ~pd.MultiIndex.from_arrays([frame["review_id"], rec_no]).isin(known)
    if (row := _first_bad(unknown)) is not None:
        review_id, rec_text = frame.at[row - 2, "review_id"], frame.at[row - 2, "rec_no"]
        what = (f"unknown review {review_id!r}" if review_id not in set(known.get_level_values(0))
                else f"review {review_id} has no recommendation {rec_text!r}")
        raise InputError(what, path, row)

    allowed = update_statuses()
    folded = {name.casefold(): name for name in allowed}
    status = frame["status"].str.casefold().map(folded)
    if (row := _first_bad((frame["status"] != "") & status.isna())) is not None:
        raise InputError(f"unknown status {frame.at[row - 2, 'status']!r}; use one of {', '.join(allowed)} "
                         "or leave it blank", path, row)
    comment = frame["comment"].str.replace(r"\s+", " ", regex=True)
    if (row := _first_bad((frame["status"] == "") & (comment == ""))) is not None:
        raise InputError("an update needs a status or a comment", path, row)

    day = _dates(frame["updated_on"])
    if (row := _first_bad(day.isna())) is not None:
        raise InputError(f"cannot read date {frame.at[row - 2, 'updated_on']!r}: use YYYY-MM-DD (e.g. 2024-03-12)",
                         path, row)
    start, end = pd.Timestamp(quarters.start(quarter)), pd.Timestamp(quarters.end(quarter))
    if (row := _first_bad((day < start) | (day > end))) is not None:
        raise InputError(f"updated_on {day.iloc[row - 2].date()} is outside {quarters.label(quarter)} "
                         f"({start.date()} to {end.date()})", path, row)

    return pd.DataFrame({
        "review_id": frame["review_id"], "rec_no": rec_no, "status": status.fillna(""), "comment": comment,
        "updated_on": day, "quarter": quarters.label(quarter),
        "source": [f"{config.relative(path)}:{n}" for n in range(2, len(frame) + 2)],
    })


def document_updates(recs: pd.DataFrame, reviews: pd.DataFrame) -> pd.DataFrame:
    """The documents' own progress comments, dated the review's source_date (no status claimed)."""
    with_progress = recs[recs["progress"] != ""]
    day = with_progress["review_id"].map(reviews.set_index("review_id")["source_date"])
    labels = {d: quarters.label(quarters.quarter_of(d)) for d in set(day)}
    return pd.DataFrame({
        "review_id": with_progress["review_id"], "rec_no": with_progress["rec_no"], "status": "",
        "comment": with_progress["progress"], "updated_on": day, "quarter": day.map(labels),
        "source": with_progress["source_file"] + ":" + with_progress["source_lines"],
    })


def load_updates(recs: pd.DataFrame, reviews: pd.DataFrame, folder: Path | None = None) -> pd.DataFrame:
    """Every progress update, oldest first: document progress columns, then data/updates/*.csv."""
    folder = folder or config.updates_dir()
    known = pd.MultiIndex.from_arrays([recs["review_id"], recs["rec_no"]])
    parts = [document_updates(recs, reviews)]
    parts += [read_update_file(path, known) for path in sorted(folder.glob("*.csv"))] if folder.exists() else []
    frame = pd.concat([p for p in parts if len(p)], ignore_index=True) if any(len(p) for p in parts) \
        else pd.DataFrame(columns=COLUMNS)
    frame = frame[COLUMNS]
    frame["updated_on"] = pd.to_datetime(frame["updated_on"]).astype("datetime64[ns]")
    frame["rec_no"] = frame["rec_no"].astype("int64")
    return frame.sort_values(["updated_on", "review_id", "rec_no"], kind="stable", ignore_index=True)
