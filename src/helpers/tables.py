"""The processed tables: their columns (checked with pandera), loading, and atomic writing."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from helpers import config
from helpers.errors import InputError
from helpers.targets import KINDS

_text = pa.Column(str, nullable=False)
_opt_text = pa.Column(str, nullable=True, required=True)

RECOMMENDATIONS = pa.DataFrameSchema(
    {
        "review_id": _text,
        "rec_no": pa.Column(int, pa.Check.ge(1)),
        "section": _opt_text,
        "recommendation": pa.Column(str, pa.Check.str_length(min_value=1)),
        "response": _opt_text,
        "lead": _opt_text,
        "leads": _opt_text,
        "target": _opt_text,
        "target_date": pa.Column("datetime64[ns]", nullable=True),
        "target_kind": pa.Column(str, pa.Check.isin(list(KINDS))),
        "progress": _opt_text,
        "see_also": _opt_text,
        "follows": pa.Column("Int64", nullable=True),
        "correction": _opt_text,
        "source_file": _text,
        "source_lines": pa.Column(str, pa.Check.str_matches(r"^\d+(-\d+)?$")),
    },
    unique=["review_id", "rec_no"],
    strict=True,
    ordered=True,
)

RECOMMENDATION_LEADS = pa.DataFrameSchema(
    {"review_id": _text, "rec_no": pa.Column(int), "lead": _text,
     "lead_position": pa.Column(int, pa.Check.ge(1)), "joint": pa.Column(bool)},
    unique=["review_id", "rec_no", "lead"], strict=True, ordered=True,
)

REVIEWS = pa.DataFrameSchema(
    {"review_id": _text, "title": _text, "council": _text, "kind": _text,
     "visit_start": pa.Column("datetime64[ns]"), "visit_end": pa.Column("datetime64[ns]"),
     "approved_on": pa.Column("datetime64[ns]"), "approved_by": _text, "source_date": pa.Column("datetime64[ns]"),
     "recommendations_expected": pa.Column(int), "recommendations_transcribed": pa.Column(int),
     "transcribed_note": _text, "recorded_themes": _opt_text, "recorded_theme_ids": _opt_text,
     "documents": _text},
    unique=["review_id"], strict=True, ordered=True,
)

WORDING_DIFFERENCES = pa.DataFrameSchema(
    {"review_id": _text, "rec_no": pa.Column(int), "reference": _text, "action_plan_text": _opt_text,
     "reference_text": _opt_text, "difference": _text, "action_plan_lines": _opt_text, "reference_line": _opt_text},
    strict=True, ordered=True,
)

SCHEMAS = {
    "recommendations": RECOMMENDATIONS,
    "recommendation_leads": RECOMMENDATION_LEADS,
    "reviews": REVIEWS,
    "wording_differences": WORDING_DIFFERENCES,
}
_DATE_COLUMNS = {"recommendations": ["target_date"],
                 "reviews": ["visit_start", "visit_end", "approved_on", "source_date"]}


def validate(name: str, frame: pd.DataFrame, source: Path | str | None = None) -> pd.DataFrame:
    """Check a table against its schema; a failure names the first bad row and column."""
    try:
        return SCHEMAS[name].validate(frame, lazy=False)
    except (pa.errors.SchemaError, pa.errors.SchemaErrors) as err:
        cases = getattr(err, "failure_cases", None)
        row = None
        if isinstance(cases, pd.DataFrame) and "index" in cases and len(cases):
            index = cases["index"].iloc[0]
            row = int(index) + 2 if isinstance(index, (int,)) or str(index).isdigit() else None
        raise InputError(f"{name} table does not match its schema: {str(err).splitlines()[0]}",
                         source or name, row) from None


def read(name: str) -> pd.DataFrame:
    """A processed table from data/processed/, typed and validated."""
    path = config.processed_dir() / f"{name}.csv"
    if not path.exists():
        raise InputError("processed table not found: run `make extract` first", path)
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    return validate(name, _typed(name, frame), path)


def _typed(name: str, frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.copy()
    for col in _DATE_COLUMNS.get(name, []):
        frame[col] = pd.to_datetime(frame[col].replace("", None), format="%Y-%m-%d").astype("datetime64[ns]")
    for col, spec in SCHEMAS[name].columns.items():
        dtype = str(spec.dtype)
        if dtype.startswith("int"):
            frame[col] = frame[col].astype("int64")
        elif dtype == "Int64":
            frame[col] = pd.to_numeric(frame[col].replace("", None)).astype("Int64")
        elif dtype == "bool":
            frame[col] = frame[col].map({"True": True, "False": False}).astype(bool)
    return frame


def to_csv_text(frame: pd.DataFrame) -> str:
    """The exact CSV text a table is stored as (dates as YYYY-MM-DD, blanks empty)."""
    return frame.to_csv(index=False, date_format="%Y-%m-%d", lineterminator="\n")


def write_atomically(files: dict[Path, str]) -> None:
    """Write several text files so that a failure leaves the previous versions untouched."""
    staged: list[tuple[Path, Path]] = []
    try:
        for path, text in files.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
            staged.append((Path(tmp), path))
            with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
                f.write(text)
            os.chmod(tmp, 0o644)  # mkstemp makes files private; these are for everyone to read
        for tmp, path in staged:
            os.replace(tmp, path)
    finally:
        for tmp, _ in staged:
            if tmp.exists():
                tmp.unlink()
