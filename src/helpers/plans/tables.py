"""The processed tables: their columns (checked with pandera), loading, and atomic writing."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from helpers.base import config
from helpers.base.errors import InputError
from helpers.base.readers import spreadsheet_safe
from helpers.base.targets import KINDS

_text = pa.Column(str, nullable=False)
_opt_text = pa.Column(str, nullable=True, required=True)
_date = pa.Column("datetime64[ns]", nullable=False)
_opt_date = pa.Column("datetime64[ns]", nullable=True)
_ref = pa.Column(str, pa.Check.str_matches(r"^\S+$"))
_provenance = {"source_file": _text, "source_lines": pa.Column(str, pa.Check.str_length(min_value=1))}

REVIEWS = pa.DataFrameSchema(
    {
        "review_id": _text,
        "title": _text,
        "council": _text,
        "kind": _text,
        "visit_start": _opt_date,
        "visit_end": _opt_date,
        "visit_month_only": pa.Column(bool),
        "visit_note": _opt_text,
        "approved_on": _opt_date,
        "approved_by": _text,
        "monitored_by": _opt_text,
        "approval_note": _opt_text,
        "tracked_from": _date,
        "source_date": _date,
        "recommendations_expected": pa.Column("Int64", pa.Check.ge(1), nullable=True),  # blank: unknown
        "recommendations_transcribed": pa.Column(int, pa.Check.ge(0)),
        "actions_transcribed": pa.Column(int, pa.Check.ge(0)),
        "transcribed_note": _text,
        "recorded_themes": _opt_text,
        "recorded_theme_ids": _opt_text,
        "action_plan_published": _opt_text,
        "progress_review_visit": _opt_text,
        "progress_review_report": _opt_text,
        "documents": _text,
    },
    unique=["review_id"],
    strict=True,
    ordered=True,
)

RECOMMENDATIONS = pa.DataFrameSchema(
    {
        "review_id": _text,
        "rec_ref": _ref,
        "rec_order": pa.Column(int, pa.Check.ge(1)),
        "ref_generated": pa.Column(bool),
        "section": _opt_text,
        "recommendation": pa.Column(str, pa.Check.str_length(min_value=1)),
        "response": _opt_text,
        **_provenance,
    },
    unique=["review_id", "rec_ref"],
    strict=True,
    ordered=True,
)

ACTIONS = pa.DataFrameSchema(
    {
        "review_id": _text,
        "action_ref": _ref,
        "action_order": pa.Column(int, pa.Check.ge(1)),
        "rec_ref": _ref,
        "ref_generated": pa.Column(bool),
        "action": _opt_text,
        "lead_as_written": _opt_text,
        "target": _opt_text,
        "target_corrected": _opt_text,
        "target_date": _opt_date,
        "target_start": _opt_date,
        "target_kind": pa.Column(str, pa.Check.isin(list(KINDS))),
        "timescales": _opt_text,
        "plan_status": _opt_text,
        "progress": _opt_text,
        "see_also": _opt_text,
        "follows": _opt_text,
        "source_incomplete": _opt_text,
        "correction": _opt_text,
        **_provenance,
    },
    unique=["review_id", "action_ref"],
    strict=True,
    ordered=True,
)

ACTION_LEADS = pa.DataFrameSchema(
    {
        "review_id": _text,
        "action_ref": _ref,
        "council": _text,
        "lead": _text,
        "role": pa.Column(str, pa.Check.isin(["lead", "accountable", "responsible"])),
        "lead_position": pa.Column(int, pa.Check.ge(1)),
        "joint": pa.Column(bool),
    },
    unique=["review_id", "action_ref", "lead", "role"],
    strict=True,
    ordered=True,
)

WORDING_DIFFERENCES = pa.DataFrameSchema(
    {
        "review_id": _text,
        "rec_ref": _ref,
        "reference": _text,
        "action_plan_text": _opt_text,
        "reference_text": _opt_text,
        "difference": _text,
        "action_plan_lines": _opt_text,
        "reference_line": _opt_text,
    },
    strict=True,
    ordered=True,
)

SCHEMAS = {
    "reviews": REVIEWS,
    "recommendations": RECOMMENDATIONS,
    "actions": ACTIONS,
    "action_leads": ACTION_LEADS,
    "wording_differences": WORDING_DIFFERENCES,
}


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
        raise InputError(
            f"{name} table does not match its schema: {str(err).splitlines()[0]}", source or name, row
        ) from None


def read(name: str) -> pd.DataFrame:
    """A processed table from data/processed/, typed and validated (errors name the file and row)."""
    from helpers.base.readers import read_csv

    path = config.processed_dir() / f"{name}.csv"
    if not path.exists():
        raise InputError("processed table not found: run `make extract` first", path)
    columns = list(SCHEMAS[name].columns)
    frame = read_csv(path, required=columns, what="processed table").drop(columns="_row")
    return validate(name, _typed(name, frame[columns], path), path)


def _typed(name: str, frame: pd.DataFrame, path: Path) -> pd.DataFrame:
    """Text cells to the schema's types; a cell that does not read names its row and column."""
    frame = frame.copy()

    def bad(column: str, mask: pd.Series, what: str) -> None:
        if mask.any():
            row = int(mask.to_numpy().nonzero()[0][0])
            raise InputError(
                f"column {column}: {frame[column].iloc[row]!r} is not {what} (this table is made by "
                "`make extract`: rerun it rather than editing by hand)",
                path,
                row + 2,
            )

    for col, spec in SCHEMAS[name].columns.items():
        dtype = str(spec.dtype)
        text = frame[col]
        if dtype.startswith("datetime"):
            day = pd.to_datetime(text.replace("", None), format="%Y-%m-%d", errors="coerce")
            bad(col, day.isna() & (text != ""), "a date (YYYY-MM-DD)")
            frame[col] = day.astype("datetime64[ns]")
        elif dtype == "Int64":  # a whole number, or blank for unknown
            number = pd.to_numeric(text.replace("", None), errors="coerce")
            bad(col, (number.isna() & (text != "")) | (number.notna() & (number % 1 != 0)), "a whole number or blank")
            frame[col] = number.astype("Int64")
        elif dtype.startswith("int"):
            number = pd.to_numeric(text, errors="coerce")
            bad(col, number.isna() | (number % 1 != 0), "a whole number")
            frame[col] = number.astype("int64")
        elif dtype == "bool":
            bad(col, ~text.isin(["True", "False"]), "True or False")
            frame[col] = text.eq("True")
    return frame


def csv_cell(value: object) -> object:
    """A text cell as the CSV stores it: as `read_csv` will give it back (line breaks "\\n", no surrounding
    whitespace), then spreadsheet-safe ("=x" written "'=x"); anything else (numbers, dates, blanks) as it is."""
    if not isinstance(value, str):
        return value
    return spreadsheet_safe(value.replace("\r\n", "\n").replace("\r", "\n").strip())


def to_csv_text(frame: pd.DataFrame) -> str:
    """The exact CSV text a table is stored as (dates as YYYY-MM-DD, blanks empty, text spreadsheet-safe).

    Every CSV the project writes comes from here, and `helpers.base.readers.read_csv` reads it back to the same
    text: a cell starting with = + - @ is written with an apostrophe before it (see `csv_cell`), so Excel or
    Calc shows it as text instead of running it as a formula.
    """
    safe = frame.rename(columns=lambda name: csv_cell(str(name)))
    for column in safe.columns:
        if pd.api.types.is_object_dtype(safe[column]) or pd.api.types.is_string_dtype(safe[column]):
            safe[column] = safe[column].map(csv_cell)
    return safe.to_csv(index=False, date_format="%Y-%m-%d", lineterminator="\n")


def write_atomically(files: dict[Path, str]) -> None:
    """Write several text files all or nothing: a failure at any step leaves every previous version in place.

    Each file is written in full to a temporary file beside its target first. Only then are they moved into
    place, each previous version kept as a hard link until all moves have succeeded; if one move fails, the
    files already moved are put back.
    """
    staged: list[tuple[Path, Path]] = []
    kept: list[tuple[Path, Path | None]] = []  # (target, its previous version, or None where there was none)
    try:
        for path, text in files.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
            staged.append((Path(tmp), path))
            with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
                f.write(text)
            os.chmod(tmp, 0o644)  # mkstemp makes files private; these are for everyone to read
        try:
            for tmp, path in staged:
                previous = None
                if path.is_file():
                    previous = path.with_name(f".{path.name}.previous-{os.getpid()}")
                    previous.unlink(missing_ok=True)
                    os.link(path, previous)
                kept.append((path, previous))
                os.replace(tmp, path)
        except BaseException:
            for path, previous in reversed(kept):
                if previous is not None and path.exists() and previous.samefile(path):
                    previous.unlink()  # never replaced (rename between two links of one file does nothing)
                elif previous is not None:
                    os.replace(previous, path)
                elif path.exists():
                    path.unlink()
            kept.clear()
            raise
    finally:
        for tmp, _ in staged:
            tmp.unlink(missing_ok=True)
        for _, previous in kept:
            if previous is not None:
                previous.unlink(missing_ok=True)


@contextmanager
def folder_replaced(target: Path) -> Iterator[Path]:
    """A new, empty folder to fill in place of `target` (forms, decision sheets, e-mail drafts): when the block
    ends without an error it is swapped in whole, its files readable by everyone; an error leaves `target` as it
    was and no half-written folder behind."""
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
    try:
        yield staging
        for path in staging.iterdir():
            os.chmod(path, 0o644)
        os.chmod(staging, 0o755)  # noqa: S103 - mkdtemp makes it private; these files are for everyone to read
        old = None
        if target.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{target.name}-old-", dir=target.parent))
            os.replace(target, old / target.name)
        os.replace(staging, target)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
