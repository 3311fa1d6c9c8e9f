"""Corrections to source cells, kept as data (data/corrections.csv) with their reasons.

The raw documents are never edited: the raw cell text stays in the table and
the corrected value is used to type it. A correction whose raw_value no
longer matches the document is an error, so a changed document is noticed.
A correction of `incomplete` marks a row cut off or illegible in the source.
"""

from __future__ import annotations

from dataclasses import dataclass

from helpers.base import config
from helpers.base.errors import InputError
from helpers.base.readers import Row as _Row

CORRECTABLE = ("target", "lead", "accountable", "responsible", "incomplete")
COLUMNS = ["review_id", "action_ref", "field", "raw_value", "corrected_value", "reason"]


@dataclass(frozen=True)
class Correction:
    """One correction to a source cell (a row of data/corrections.csv), with its reason."""

    review_id: str
    action_ref: str
    field: str
    raw_value: str
    corrected_value: str
    reason: str
    row: int

    def describe(self) -> str:
        """The correction in words: the field, the value as written, what it is read as, and why."""
        if self.field == "incomplete":
            return f"incomplete in the source: {self.reason}"
        to = repr(self.corrected_value) if self.corrected_value else "blank"
        return f"{self.field} {self.raw_value!r} read as {to}: {self.reason}"


def load_corrections() -> dict[tuple[str, str, str], Correction]:
    """{(review_id, action_ref, field): correction} from data/corrections.csv."""
    from helpers.base.readers import read_csv

    path = config.rules_file("corrections.csv")
    if not path.exists():
        return {}
    frame = read_csv(path, required=COLUMNS, what="corrections file")
    found: dict[tuple[str, str, str], Correction] = {}
    for row in map(_Row, frame.to_dict("records")):
        if not row.action_ref:
            raise InputError("action_ref is blank", path, row._row)
        if row.field not in CORRECTABLE:
            raise InputError(f"field {row.field!r} cannot be corrected (only {', '.join(CORRECTABLE)})", path, row._row)
        if not row.reason:
            raise InputError("every correction needs a reason", path, row._row)
        c = Correction(
            row.review_id,
            row.action_ref.rstrip("."),
            row.field,
            row.raw_value,
            row.corrected_value,
            row.reason,
            row._row,
        )
        key = (c.review_id, c.action_ref, c.field)
        if key in found:
            raise InputError(f"a second correction for {c.review_id} {c.action_ref} {c.field}", path, row._row)
        found[key] = c
    return found


def check_all_used(
    corrections: dict[tuple[str, str, str], Correction],
    used: set[tuple[str, str, str]],
    extracted_reviews: set[str],
    known_reviews: set[str],
) -> None:
    """Every correction must name a known review; those of extracted reviews must name an action in it."""
    path = config.rules_file("corrections.csv")
    for key, c in corrections.items():
        if c.review_id not in known_reviews:
            raise InputError(f"unknown review {c.review_id!r}", path, c.row)
        if c.review_id in extracted_reviews and key not in used:
            raise InputError(f"{c.review_id} has no action {c.action_ref} to correct", path, c.row)
