"""Corrections to source cells, kept as data (data/corrections.csv) with their reasons.

The raw documents are never edited: the raw cell text stays in the table and
the corrected value is used only to type it. A correction whose raw_value no
longer matches the document is an error, so a changed document is noticed.
"""
from __future__ import annotations

import csv
from dataclasses import dataclass

from helpers import config
from helpers.errors import InputError

CORRECTABLE = ("target", "lead")


@dataclass(frozen=True)
class Correction:
    review_id: str
    rec_no: int
    field: str
    raw_value: str
    corrected_value: str
    reason: str
    row: int

    def describe(self) -> str:
        to = repr(self.corrected_value) if self.corrected_value else "blank"
        return f"{self.field} {self.raw_value!r} read as {to}: {self.reason}"


def load_corrections() -> dict[tuple[str, int, str], Correction]:
    """{(review_id, rec_no, field): correction} from data/corrections.csv."""
    path = config.rules_file("corrections.csv")
    if not path.exists():
        return {}
    found: dict[tuple[str, int, str], Correction] = {}
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        needed = {"review_id", "rec_no", "field", "raw_value", "corrected_value", "reason"}
        if reader.fieldnames is None or not needed <= set(reader.fieldnames):
            raise InputError(f"expected columns {', '.join(sorted(needed))}", path, 1)
        for row_no, row in enumerate(reader, start=2):
            if not (row["rec_no"] or "").strip().isdigit():
                raise InputError(f"rec_no {row['rec_no']!r} is not a number", path, row_no)
            if row["field"] not in CORRECTABLE:
                raise InputError(f"field {row['field']!r} cannot be corrected (only {', '.join(CORRECTABLE)})",
                                 path, row_no)
            if not (row["reason"] or "").strip():
                raise InputError("every correction needs a reason", path, row_no)
            c = Correction(row["review_id"].strip(), int(row["rec_no"]), row["field"], row["raw_value"],
                           row["corrected_value"] or "", row["reason"].strip(), row_no)
            key = (c.review_id, c.rec_no, c.field)
            if key in found:
                raise InputError(f"a second correction for {c.review_id} {c.rec_no} {c.field}", path, row_no)
            found[key] = c
    return found


def check_all_used(corrections: dict[tuple[str, int, str], Correction], used: set[tuple[str, int, str]],
                   known_reviews: set[str]) -> None:
    """Every correction must name a review and recommendation that exist."""
    path = config.rules_file("corrections.csv")
    for key, c in corrections.items():
        if c.review_id not in known_reviews:
            raise InputError(f"unknown review {c.review_id!r}", path, c.row)
        if key not in used:
            raise InputError(f"{c.review_id} has no recommendation {c.rec_no} to correct", path, c.row)
