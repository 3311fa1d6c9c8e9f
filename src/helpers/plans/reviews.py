"""Review metadata: one YAML file per review in data/reviews/, checked against a schema (`review_schema`)."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from helpers.base import config
from helpers.base.errors import InputError
from helpers.plans.review_schema import UNKNOWN, check_schema


@dataclass(frozen=True)
class TableSpec:
    """Where a review's action-plan table is and what each of its columns holds."""

    file: str
    header: str
    columns: list[str]
    sections: str | dict[str, Any] | None = None

    def __post_init__(self) -> None:
        # "rec_no" is the older name of "rec_ref".
        object.__setattr__(self, "columns", ["rec_ref" if c == "rec_no" else c for c in self.columns])


@dataclass(frozen=True)
class Transcription:
    """A hand transcription (CSV in data/) of a plan that is not a tab table."""

    file: str
    document: str
    note: str = ""
    imported: bool = False  # written by make import-plan from the document's own table (its blank cells are blank)


@dataclass(frozen=True)
class ReferenceList:
    """A numbered list of recommendations in the report itself, to check wording against."""

    name: str
    file: str
    start: str
    end: str
    first_rec_no: int
    skip: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Review:
    """One review's metadata (data/reviews/<id>.yaml), checked."""

    id: str
    title: str
    council: str
    kind: str
    visit_start: dt.date | None
    visit_end: dt.date | None
    visit_note: str
    approved_on: dt.date | None
    approved_by: str
    monitored_by: str
    approval_note: str
    tracked_from: dt.date
    source_date: dt.date
    recommendations_expected: int | None  # None: the documents do not say (recommendations_note says why)
    documents: list[str]
    recorded_themes: list[dict[str, str]]
    milestones: dict[str, Any]
    table: TableSpec | None
    transcription: Transcription | None
    reference_lists: list[ReferenceList]
    metadata_file: Path
    recommendations_note: str = ""
    visit_month_only: bool = False  # the visit's end is known to the month only
    not_obtained: str = ""  # where the action plan is, when it exists but is not held

    @property
    def year(self) -> int:
        """The year the review's id starts with."""
        return int(self.id[:4])


class _Dates:
    """Reads the metadata's dates, naming the line of an impossible one (2021-02-30)."""

    def __init__(self, path: Path, lines: Any):
        self.path, self.lines = path, lines

    def __call__(self, value: Any, where: list[Any], last_day: bool = False) -> dt.date | None:
        """The date, or None for unknown; a month ("2022-09") is its first day (`last_day`: its last)."""
        if value in (None, UNKNOWN):
            return None
        if isinstance(value, dt.date):
            return value
        try:
            if len(str(value)) == 7:
                first = dt.date.fromisoformat(f"{value}-01")
                return first.replace(day=calendar.monthrange(first.year, first.month)[1]) if last_day else first
            return dt.date.fromisoformat(str(value))
        except ValueError:
            raise InputError(
                f"{'.'.join(map(str, where))}: {value!r} is not a real date (YYYY-MM-DD)",
                self.path,
                self.lines.line_of(where),
            ) from None


def load_review(path: Path) -> Review:
    """Read and validate one review metadata file."""
    from helpers.base.yaml_reader import read_yaml

    raw, lines = read_yaml(path)
    if not isinstance(raw, dict):
        raise InputError("expected a mapping of review fields", path, 1)
    check_schema(raw, path, lines)
    if raw["id"] != path.stem:
        raise InputError(f"id '{raw['id']}' does not match the file name '{path.stem}'", path, lines.line_of(["id"]))
    date = _Dates(path, lines)
    approved_on = date(raw["action_plan"]["approved_on"], ["action_plan", "approved_on"])
    tracked_from = date(raw.get("tracked_from"), ["tracked_from"])
    if approved_on is None and tracked_from is None:
        raise InputError(
            "action_plan.approved_on is unknown: give tracked_from (the date from which its actions "
            "are tracked, e.g. the first document that shows the plan)",
            path,
            lines.line_of(["action_plan", "approved_on"]),
        )
    _need_notes(raw, path, lines)
    _check_plan_source(raw, path, lines)
    return _review(raw, path, date, approved_on, approved_on or tracked_from)  # type: ignore[arg-type]


def _check_plan_source(raw: dict, path: Path, lines: Any) -> None:
    """The plan comes from a table or a transcription (not both), and from neither if it is not held."""
    plan, table, transcription = raw["action_plan"], raw.get("action_plan_table"), raw.get("transcription")
    if table and transcription:
        raise InputError(
            "give either action_plan_table or transcription, not both", path, lines.line_of(["transcription"])
        )
    if table:
        _check_columns(table, path, lines)
    if plan.get("not_obtained") and (table or transcription):
        raise InputError(
            "action_plan.not_obtained says the plan is not held, but a table or transcription of it is given",
            path,
            lines.line_of(["action_plan", "not_obtained"]),
        )


def _review(raw: dict, path: Path, date: _Dates, approved_on: dt.date | None, tracked: dt.date) -> Review:
    """The checked metadata as a Review (its visit, source date and milestones read as dates on the way)."""
    visit, plan = raw["visit"], raw["action_plan"]
    table, transcription = raw.get("action_plan_table"), raw.get("transcription")
    expected = raw["recommendations_expected"]
    return Review(
        id=raw["id"],
        title=raw["title"],
        council=raw["council"],
        kind=raw["kind"],
        visit_start=date(visit["start"], ["visit", "start"]),
        visit_end=date(visit["end"], ["visit", "end"], last_day=True),
        visit_note=visit.get("note", ""),
        approved_on=approved_on,
        approved_by=plan["approved_by"],
        monitored_by=plan.get("monitored_by", ""),
        approval_note=plan.get("note", ""),
        tracked_from=tracked,  # type: ignore[arg-type]
        # Unknown: the plan's own statements are taken as of the date it is tracked from (source_date_note says so).
        source_date=date(raw["source_date"], ["source_date"]) or tracked,  # type: ignore[arg-type]
        recommendations_expected=None if expected == UNKNOWN else expected,
        documents=[d["file"] for d in raw["documents"]],
        recorded_themes=list(raw.get("recorded_themes", [])),
        milestones={k: _milestone(k, v, date) for k, v in raw.get("milestones", {}).items()},
        table=TableSpec(**table) if table else None,
        transcription=Transcription(**transcription) if transcription else None,
        reference_lists=[ReferenceList(**r) for r in raw.get("reference_lists", [])],
        metadata_file=path,
        recommendations_note=raw.get("recommendations_note", ""),
        visit_month_only=isinstance(visit["end"], str) and len(visit["end"]) == 7,
        not_obtained=plan.get("not_obtained", ""),
    )


def _milestone(key: str, value: Any, date: _Dates) -> Any:
    """A milestone as the report judges it: a date, a month kept as "YYYY-MM" (checked), "unknown", or the note."""
    if key == "note" or value == UNKNOWN:
        return value
    checked = date(value, ["milestones", key])
    return value if isinstance(value, str) and len(value) == 7 else checked


# Fields that may be "unknown" (or a month only), and the note that must then say why.
_NOTES = (
    (("visit", "start"), ("visit", "note")),
    (("visit", "end"), ("visit", "note")),
    (("action_plan", "approved_on"), ("action_plan", "note")),
    (("action_plan", "approved_by"), ("action_plan", "note")),
    (("source_date",), ("source_date_note",)),
    (("recommendations_expected",), ("recommendations_note",)),
)


def _need_notes(raw: dict, path: Path, lines: Any) -> None:
    """Every value given as "unknown", or a visit known to the month only, needs a note saying why."""
    for where, note in _NOTES:
        value: Any = raw
        for key in where:
            value = value.get(key) if isinstance(value, dict) else None
        noted: Any = raw
        for key in note:
            noted = noted.get(key) if isinstance(noted, dict) else None
        vague = value == UNKNOWN or (where[0] == "visit" and isinstance(value, str) and len(value) == 7)
        if vague and not str(noted or "").strip():
            what = "is unknown" if value == UNKNOWN else "gives the month only"
            raise InputError(f"{'.'.join(where)} {what}: say why in {'.'.join(note)}", path, lines.line_of(list(where)))
    milestones = raw.get("milestones") or {}
    vague = [k for k, v in milestones.items() if k != "note" and (v == UNKNOWN or (isinstance(v, str) and len(v) == 7))]
    if vague and not str(milestones.get("note") or "").strip():
        raise InputError(
            f"milestones.{vague[0]} is unknown or gives the month only: say why in milestones.note",
            path,
            lines.line_of(["milestones", vague[0]]),
        )


def _check_columns(table: dict, path: Path, lines: Any) -> None:
    """The declared columns must match the header's cells one for one, and name both where they do not."""
    cells = table["header"].split("\t")
    columns = table["columns"]
    if len(cells) == len(columns):
        return
    if len(cells) == 1 and "\\t" in table["header"]:
        raise InputError(
            "action_plan_table.header has no tab characters: write each tab as \\t inside double quotes "
            '("Ref\\tRecommendation"); in single quotes it stays a backslash and a t',
            path,
            lines.line_of(["action_plan_table", "header"]),
        )
    header = " | ".join(c.strip() for c in cells)
    if len(columns) > len(cells):
        extra = ", ".join(columns[len(cells) :])
        problem = f"column(s) {extra} are declared but the header has no cell for them"
    else:
        extra = ", ".join(repr(c.strip()) for c in cells[len(columns) :])
        problem = f"header cell(s) {extra} have no declared column (declare them, or `ignore`)"
    raise InputError(
        f"action_plan_table.columns declares {len(columns)} columns ({', '.join(columns)}) but the header has "
        f"{len(cells)} cells ({header}): {problem}",
        path,
        lines.line_of(["action_plan_table", "columns"]),
    )


def _check_distinct(reviews: list[Review]) -> None:
    """The same table of the same document read by two reviews would count its actions twice."""
    seen: dict[tuple[str, str], Review] = {}
    for review in reviews:
        source = (
            (review.table.file, review.table.header)
            if review.table
            else (review.transcription.file, "")
            if review.transcription
            else None
        )
        if source is None:
            continue
        if source in seen:
            raise InputError(
                f"reads the same action plan as review {seen[source].id} "
                f"({source[0]}): a review must not be counted twice",
                review.metadata_file,
            )
        seen[source] = review


def load_reviews(ids: list[str] | None = None) -> dict[str, Review]:
    """All reviews in data/reviews/, oldest first; `ids` picks some (unknown ids are an error)."""
    folder = config.reviews_dir()
    if not folder.is_dir():
        raise InputError("review metadata folder not found", folder)
    reviews = [load_review(p) for p in sorted(folder.glob("*.yaml"))]
    if not reviews:
        raise InputError("no review metadata files (*.yaml) found", folder)
    _check_distinct(reviews)
    by_id = {r.id: r for r in sorted(reviews, key=lambda r: (r.tracked_from, r.id))}
    if ids:
        unknown = [i for i in ids if i not in by_id]
        if unknown:
            raise InputError(f"unknown review id(s) {', '.join(unknown)}; known: {', '.join(by_id)}", folder)
        return {i: by_id[i] for i in by_id if i in ids}
    return by_id
