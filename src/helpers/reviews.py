"""Review metadata: one YAML file per review in data/reviews/, checked against a schema."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from helpers import config
from helpers.errors import InputError, yaml_error

TABLE_COLUMNS = ["rec_no", "recommendation", "response", "lead", "target", "progress"]

_DATE = {"type": "string", "format": "date"}

REVIEW_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["id", "title", "council", "kind", "visit", "action_plan", "source_date",
                 "recommendations_expected", "documents"],
    "additionalProperties": False,
    "properties": {
        "id": {"type": "string", "pattern": "^[0-9]{4}-[a-z0-9-]+$"},
        "title": {"type": "string", "minLength": 1},
        "council": {"type": "string", "minLength": 1},
        "kind": {"enum": ["corporate peer challenge", "finance peer challenge", "progress review",
                          "planning peer challenge", "other peer review"]},
        "visit": {
            "type": "object", "required": ["start", "end"], "additionalProperties": False,
            "properties": {"start": _DATE, "end": _DATE, "note": {"type": "string"}},
        },
        "action_plan": {
            "type": "object", "required": ["approved_on", "approved_by"], "additionalProperties": False,
            "properties": {"approved_on": _DATE, "approved_by": {"type": "string"},
                           "monitored_by": {"type": "string"}},
        },
        "source_date": _DATE,
        "recommendations_expected": {"type": "integer", "minimum": 1},
        "documents": {
            "type": "array", "minItems": 1,
            "items": {"type": "object", "required": ["file"], "additionalProperties": False,
                      "properties": {"file": {"type": "string"}, "describes": {"type": "string"}}},
        },
        "recorded_themes": {
            "type": "array",
            "items": {"type": "object", "required": ["as_recorded", "theme"], "additionalProperties": False,
                      "properties": {"as_recorded": {"type": "string"}, "theme": {"type": "string"}}},
        },
        "action_plan_table": {
            "type": "object", "required": ["file", "header", "columns"], "additionalProperties": False,
            "properties": {
                "file": {"type": "string"},
                "header": {"type": "string", "pattern": "\t"},
                "columns": {"type": "array", "minItems": 2, "uniqueItems": True,
                            "items": {"enum": TABLE_COLUMNS}, "contains": {"const": "recommendation"}},
                "sections": {"oneOf": [
                    {"const": "header_rows"},
                    {"type": "object", "required": ["summary_headings"], "additionalProperties": False,
                     "properties": {"summary_headings": {
                         "type": "object", "required": ["start", "end"], "additionalProperties": False,
                         "properties": {"start": {"type": "string"}, "end": {"type": "string"}}}}},
                ]},
            },
        },
        "reference_lists": {
            "type": "array",
            "items": {"type": "object", "required": ["name", "file", "start", "end", "first_rec_no"],
                      "additionalProperties": False,
                      "properties": {"name": {"type": "string"}, "file": {"type": "string"},
                                     "start": {"type": "string"}, "end": {"type": "string"},
                                     "skip": {"type": "array", "items": {"type": "string"}},
                                     "first_rec_no": {"type": "integer", "minimum": 1}}},
        },
    },
}


@dataclass(frozen=True)
class TableSpec:
    """Where a review's action-plan table is and how its columns read."""

    file: str
    header: str
    columns: list[str]
    sections: str | dict[str, Any] | None = None


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
    id: str
    title: str
    council: str
    kind: str
    visit_start: dt.date
    visit_end: dt.date
    approved_on: dt.date
    approved_by: str
    monitored_by: str | None
    source_date: dt.date
    recommendations_expected: int
    documents: list[str]
    recorded_themes: list[dict[str, str]]
    table: TableSpec | None
    reference_lists: list[ReferenceList]
    metadata_file: Path

    @property
    def year(self) -> int:
        return self.visit_start.year


def _line_of(node: yaml.Node, path: list[Any]) -> int:
    """1-based line in the YAML file of the value at `path` (or the nearest parent)."""
    for key in path:
        if isinstance(node, yaml.MappingNode):
            match = [v for k, v in node.value if k.value == key]
            if not match:
                break
            node = match[0]
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
            node = node.value[key]
        else:
            break
    return node.start_mark.line + 1


def _as_date(value: Any) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def load_review(path: Path) -> Review:
    """Read and validate one review metadata file."""
    if not path.exists():
        raise InputError("review metadata file not found", path)
    text = path.read_text(encoding="utf-8")
    try:
        node = yaml.compose(text)
        raw = yaml.safe_load(text)
    except yaml.YAMLError as err:
        raise yaml_error(err, path) from None
    if not isinstance(raw, dict):
        raise InputError("expected a mapping of review fields", path, 1)
    # YAML reads 2021-10-05 as a date; the schema speaks of ISO strings.
    plain = _dates_to_str(raw)
    checker = jsonschema.Draft202012Validator(REVIEW_SCHEMA, format_checker=jsonschema.FormatChecker())
    errors = sorted(checker.iter_errors(plain), key=lambda e: list(e.absolute_path))
    if errors:
        err = errors[0]
        where = ".".join(str(p) for p in err.absolute_path) or "(top level)"
        raise InputError(f"{where}: {err.message}", path, _line_of(node, list(err.absolute_path)))
    if raw["id"] != path.stem:
        raise InputError(f"id '{raw['id']}' does not match the file name '{path.stem}'", path,
                         _line_of(node, ["id"]))
    table = raw.get("action_plan_table")
    return Review(
        id=raw["id"], title=raw["title"], council=raw["council"], kind=raw["kind"],
        visit_start=_as_date(raw["visit"]["start"]), visit_end=_as_date(raw["visit"]["end"]),
        approved_on=_as_date(raw["action_plan"]["approved_on"]),
        approved_by=raw["action_plan"]["approved_by"],
        monitored_by=raw["action_plan"].get("monitored_by"),
        source_date=_as_date(raw["source_date"]),
        recommendations_expected=raw["recommendations_expected"],
        documents=[d["file"] for d in raw["documents"]],
        recorded_themes=list(raw.get("recorded_themes", [])),
        table=TableSpec(**table) if table else None,
        reference_lists=[ReferenceList(**r) for r in raw.get("reference_lists", [])],
        metadata_file=path,
    )


def _dates_to_str(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _dates_to_str(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_dates_to_str(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def load_reviews(ids: list[str] | None = None) -> dict[str, Review]:
    """All reviews in data/reviews/, oldest first; `ids` picks some (unknown ids are an error)."""
    folder = config.reviews_dir()
    reviews = [load_review(p) for p in sorted(folder.glob("*.yaml"))]
    if not reviews:
        raise InputError("no review metadata files (*.yaml) found", folder)
    by_id = {r.id: r for r in sorted(reviews, key=lambda r: (r.visit_start, r.id))}
    if ids:
        unknown = [i for i in ids if i not in by_id]
        if unknown:
            raise InputError(f"unknown review id(s) {', '.join(unknown)}; known: {', '.join(by_id)}", folder)
        return {i: by_id[i] for i in by_id if i in ids}
    return by_id
