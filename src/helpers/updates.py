"""The progress-update log: data/updates/<quarter>.csv files plus the documents' own progress column."""
from __future__ import annotations

import csv
import datetime as dt
import re
from pathlib import Path

import pandas as pd

from helpers import config, quarters
from helpers.errors import InputError
from helpers.vocabulary import update_statuses

COLUMNS = ["review_id", "rec_no", "status", "comment", "updated_on", "quarter", "source"]
_FILE_NAME = re.compile(r"^(\d{4})-(\d{2})-Q([1-4])\.csv$")


def _read_date(text: str) -> dt.date:
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(text.strip(), fmt).date()
        except ValueError:
            continue
    raise ValueError(f"cannot read date {text!r}: use YYYY-MM-DD (e.g. 2024-03-12)")


def read_update_file(path: Path, known: set[tuple[str, int]]) -> list[dict[str, object]]:
    """Rows of one quarter's update file, each checked; errors name the file and row."""
    match = _FILE_NAME.match(path.name)
    if not match:
        raise InputError("update files are named after their quarter, like 2023-24-Q4.csv", path)
    quarter = quarters.parse_quarter(f"{match.group(1)}/{match.group(2)} Q{match.group(3)}")
    allowed = update_statuses()
    folded = {s.casefold(): s for s in allowed}
    rows = []
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        needed = {"review_id", "rec_no", "status", "comment", "updated_on"}
        if reader.fieldnames is None or not needed <= set(reader.fieldnames):
            raise InputError(f"expected columns {', '.join(sorted(needed))}", path, 1)
        for row_no, row in enumerate(reader, start=2):
            review_id = (row["review_id"] or "").strip()
            rec_text = (row["rec_no"] or "").strip()
            if not rec_text.isdigit() or (review_id, int(rec_text)) not in known:
                reviews = {r for r, _ in known}
                what = f"unknown review {review_id!r}" if review_id not in reviews else \
                    f"review {review_id} has no recommendation {rec_text!r}"
                raise InputError(what, path, row_no)
            status = (row["status"] or "").strip()
            if status and status.casefold() not in folded:
                raise InputError(f"unknown status {status!r}; use one of {', '.join(allowed)} or leave it blank",
                                 path, row_no)
            comment = re.sub(r"\s+", " ", row["comment"] or "").strip()
            if not status and not comment:
                raise InputError("an update needs a status or a comment", path, row_no)
            try:
                day = _read_date(row["updated_on"] or "")
            except ValueError as err:
                raise InputError(str(err), path, row_no) from None
            if quarters.quarter_of(day) != quarter:
                raise InputError(f"updated_on {day} is outside {quarters.label(quarter)} "
                                 f"({quarters.start(quarter)} to {quarters.end(quarter)})", path, row_no)
            rows.append({"review_id": review_id, "rec_no": int(rec_text),
                         "status": folded.get(status.casefold(), ""), "comment": comment,
                         "updated_on": pd.Timestamp(day), "quarter": quarters.label(quarter),
                         "source": f"{config.relative(path)}:{row_no}"})
    return rows


def document_updates(recs: pd.DataFrame, reviews: pd.DataFrame) -> list[dict[str, object]]:
    """The documents' own progress comments, dated the review's source_date (no status claimed)."""
    source_dates = reviews.set_index("review_id")["source_date"]
    rows = []
    for rec in recs[recs["progress"] != ""].itertuples(index=False):
        day = source_dates[rec.review_id]
        rows.append({"review_id": rec.review_id, "rec_no": rec.rec_no, "status": "", "comment": rec.progress,
                     "updated_on": pd.Timestamp(day), "quarter": quarters.label(quarters.quarter_of(day)),
                     "source": f"{rec.source_file}:{rec.source_lines}"})
    return rows


def load_updates(recs: pd.DataFrame, reviews: pd.DataFrame, folder: Path | None = None) -> pd.DataFrame:
    """Every progress update, oldest first: document progress columns, then data/updates/*.csv."""
    folder = folder or config.updates_dir()
    known = set(zip(recs["review_id"], recs["rec_no"]))
    rows = document_updates(recs, reviews)
    for path in sorted(folder.glob("*.csv")) if folder.exists() else []:
        rows += read_update_file(path, known)
    frame = pd.DataFrame(rows, columns=COLUMNS)
    frame["updated_on"] = pd.to_datetime(frame["updated_on"]).astype("datetime64[ns]")
    frame["rec_no"] = frame["rec_no"].astype("int64")
    return frame.sort_values(["updated_on", "review_id", "rec_no"], kind="stable", ignore_index=True)
