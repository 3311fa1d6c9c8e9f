"""The schema a review's metadata (data/reviews/<id>.yaml) must meet, and the one-line message for a breach."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from helpers.base.errors import InputError

# What a column of an action-plan table may hold. `ignore` may repeat.
TABLE_ROLES = [
    "rec_ref",
    "recommendation",
    "response",
    "action",
    "lead",
    "accountable",
    "responsible",
    "target",
    "status",
    "progress",
    "ignore",
]
LEAD_ROLES = ("lead", "accountable", "responsible")

_DATE = {"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"}
# A month alone ("2022-09") where the documents give no day: shown as the month, never as an exact day.
_MONTH = {"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}$"}
UNKNOWN = "unknown"
_DATE_OR_UNKNOWN = {"oneOf": [_DATE, {"const": UNKNOWN}]}
_DATE_MONTH_OR_UNKNOWN = {"oneOf": [_DATE, _MONTH, {"const": UNKNOWN}]}

REVIEW_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": [
        "id",
        "title",
        "council",
        "kind",
        "visit",
        "action_plan",
        "source_date",
        "recommendations_expected",
        "documents",
    ],
    "additionalProperties": False,
    "properties": {
        "id": {"type": "string", "pattern": "^[0-9]{4}-[a-z0-9-]+$"},
        "title": {"type": "string", "minLength": 1},
        "council": {"type": "string", "minLength": 1},
        "kind": {
            "enum": [
                "corporate peer challenge",
                "finance peer challenge",
                "progress review",
                "planning peer challenge",
                "other peer review",
            ]
        },
        "visit": {
            "type": "object",
            "required": ["start", "end"],
            "additionalProperties": False,
            "properties": {
                "start": _DATE_MONTH_OR_UNKNOWN,
                "end": _DATE_MONTH_OR_UNKNOWN,
                "note": {"type": "string"},
            },
        },
        "action_plan": {
            "type": "object",
            "required": ["approved_on", "approved_by"],
            "additionalProperties": False,
            "properties": {
                "approved_on": _DATE_OR_UNKNOWN,
                "approved_by": {"type": "string"},
                "monitored_by": {"type": "string"},
                "note": {"type": "string"},
                "not_obtained": {"type": "string", "minLength": 1},
            },
        },
        "tracked_from": _DATE,
        "source_date": _DATE_OR_UNKNOWN,
        "source_date_note": {"type": "string", "minLength": 1},
        "recommendations_expected": {"oneOf": [{"type": "integer", "minimum": 1}, {"const": UNKNOWN}]},
        "recommendations_note": {"type": "string", "minLength": 1},
        "documents": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["file"],
                "additionalProperties": False,
                "properties": {"file": {"type": "string"}, "describes": {"type": "string"}},
            },
        },
        "recorded_themes": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["as_recorded", "theme"],
                "additionalProperties": False,
                "properties": {
                    "as_recorded": {"type": "string"},
                    "theme": {"type": "string"},
                    "source": {"type": "string"},
                },
            },
        },
        "milestones": {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "action_plan_published": _DATE_MONTH_OR_UNKNOWN,
                "progress_review_visit": _DATE_MONTH_OR_UNKNOWN,
                "progress_review_report": _DATE_MONTH_OR_UNKNOWN,
                "note": {"type": "string"},
            },
        },
        "action_plan_table": {
            "type": "object",
            "required": ["file", "header", "columns"],
            "additionalProperties": False,
            "properties": {
                "file": {"type": "string"},
                "header": {"type": "string", "minLength": 1},
                "columns": {
                    "type": "array",
                    "minItems": 2,
                    "items": {"enum": [*TABLE_ROLES, "rec_no"]},
                    "contains": {"const": "recommendation"},
                },
                "sections": {
                    "oneOf": [
                        {"const": "header_rows"},
                        {
                            "type": "object",
                            "required": ["summary_headings"],
                            "additionalProperties": False,
                            "properties": {
                                "summary_headings": {
                                    "type": "object",
                                    "required": ["start", "end"],
                                    "additionalProperties": False,
                                    "properties": {"start": {"type": "string"}, "end": {"type": "string"}},
                                }
                            },
                        },
                    ]
                },
            },
        },
        "transcription": {
            "type": "object",
            "required": ["file", "document"],
            "additionalProperties": False,
            "properties": {
                "file": {"type": "string", "pattern": "^[A-Za-z0-9._/-]+[.]csv$"},
                "document": {"type": "string"},
                "note": {"type": "string"},
                "imported": {"type": "boolean"},
            },
        },
        # make import-plan: a column heading of the published plan the vocabulary does not know, and its field.
        "import_columns": {"type": "object", "additionalProperties": {"enum": TABLE_ROLES}},
        "reference_lists": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["name", "file", "start", "end", "first_rec_no"],
                "additionalProperties": False,
                "properties": {
                    "name": {"type": "string"},
                    "file": {"type": "string"},
                    "start": {"type": "string"},
                    "end": {"type": "string"},
                    "skip": {"type": "array", "items": {"type": "string"}},
                    "first_rec_no": {"type": "integer", "minimum": 1},
                },
            },
        },
    },
}


def check_schema(raw: dict, path: Path, lines: Any) -> None:
    """Refuse metadata that breaks REVIEW_SCHEMA, naming the first breach's key and line."""
    import sys

    # jsonschema's format module imports rfc3987_syntax when installed (JupyterLab pulls it in), which builds a
    # grammar taking ~2.3 s. We check no URI formats, so keep it out: a missing module is what jsonschema expects.
    sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]
    import jsonschema

    plain = _dates_to_str(raw)
    checker = jsonschema.Draft202012Validator(REVIEW_SCHEMA)
    errors = sorted(checker.iter_errors(plain), key=lambda e: list(e.absolute_path))
    if errors:
        err = errors[0]
        where = ".".join(str(p) for p in err.absolute_path) or "(top level)"
        raise InputError(f"{where}: {_message(err)}", path, lines.line_of(list(err.absolute_path)))


def _message(err: Any) -> str:
    """jsonschema's message for a breach, in the metadata's own words where a date or a count is wrong."""
    message = err.message
    if err.validator == "oneOf" and err.absolute_path and err.absolute_path[-1] == "recommendations_expected":
        message = f"{err.instance!r} is not a whole number of recommendations or '{UNKNOWN}'"
    elif err.validator == "oneOf" and isinstance(err.instance, str):
        month = _MONTH in err.schema.get("oneOf", [])
        message = f"{err.instance!r} is not a date (YYYY-MM-DD){', a month (YYYY-MM)' if month else ''} or 'unknown'"
    return message


def _dates_to_str(value: Any) -> Any:
    """The metadata with any date object written out as YYYY-MM-DD, as the schema expects text."""
    if isinstance(value, dict):
        return {k: _dates_to_str(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_dates_to_str(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value
