"""The committee report's settings (data/report.yaml): wording, author, decision rules, covering-report sections.

Top-level values are the neutral defaults. `councils: {<council>: {...}}` gives one
council its own (author, closure rule, escalation thresholds, committee, wording),
and a council's `committees: {<committee>: {...}}` one committee its own (the
committee named in a review's `action_plan.monitored_by`). A mapping (such as
`implications`) is merged key by key; anything else replaces the default. A
council or committee named here must be one the review metadata knows: a stale
name is one line naming its line, never silently ignored. Nothing about any
council is written in code: it is all here.
"""

from __future__ import annotations

import copy
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from helpers.base import config
from helpers.base.errors import InputError
from helpers.tracking.decisions import DecisionRules

if TYPE_CHECKING:
    from helpers.tracking.workspace import Workspace

_TEXT = {"type": "string"}
_SECTION_PROPERTIES: dict[str, Any] = {
    "title": _TEXT,
    "author_role": _TEXT,
    "author_name": _TEXT,
    "contact": _TEXT,
    "recommendation": {
        "type": "object",
        "properties": {
            "notes": _TEXT,
            "nothing_transcribed": _TEXT,
            "revisions": _TEXT,
            "closures": _TEXT,
            "escalations": _TEXT,
        },
        "additionalProperties": False,
    },
    "decisions": {
        "type": "object",
        "properties": {
            "close_on_evidence": {"type": "boolean"},
            "escalate_after_quarters": {"type": "integer", "minimum": 1},
            "escalate_after_revisions": {"type": "integer", "minimum": 1},
        },
        "additionalProperties": False,
    },
    "covering": {
        "type": "object",
        "properties": {
            "reason": _TEXT,
            "options": _TEXT,
            "implications": {"type": "object", "additionalProperties": _TEXT},
        },
        "additionalProperties": False,
    },
}
_COMMITTEE = {"type": "object", "properties": _SECTION_PROPERTIES, "additionalProperties": False}
_COUNCIL = {
    "type": "object",
    "properties": {
        **_SECTION_PROPERTIES,
        "committee": _TEXT,
        "committees": {"type": "object", "additionalProperties": _COMMITTEE},
    },
    "additionalProperties": False,
}
SCHEMA = {
    "type": "object",
    "properties": {**_SECTION_PROPERTIES, "councils": {"type": "object", "additionalProperties": _COUNCIL}},
    "required": ["title", "recommendation"],
    "additionalProperties": False,
}
REQUIRED_WORDING = ("notes", "nothing_transcribed", "revisions", "closures", "escalations")

# E-mail to leads (helpers.cycle.emails): the council's SMTP relay and addresses, at the top level and per council
# (not per committee: leads hear from the council). The password is never here: `password_env` names the
# environment variable that holds it.
EMAIL_SETTINGS = {
    "type": "object",
    "properties": {
        "from": _TEXT,
        "reply_to": _TEXT,
        "host": _TEXT,
        "port": {"type": "integer", "minimum": 1, "maximum": 65535},
        "starttls": {"type": "boolean"},
        "username": _TEXT,
        "password_env": {"type": "string", "pattern": "^[A-Za-z_][A-Za-z0-9_]*$"},
    },
    "additionalProperties": False,
}
_COUNCIL["properties"]["email"] = EMAIL_SETTINGS
SCHEMA["properties"]["email"] = EMAIL_SETTINGS


@lru_cache(maxsize=4)
def _load(path: Path) -> tuple[dict, Any]:
    import sys

    sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]  # see reviews.load_review
    import jsonschema

    from helpers.base.yaml_reader import read_yaml

    data, lines = read_yaml(path)
    if not isinstance(data, dict):
        raise InputError("expected a mapping of report settings (title, recommendation, councils, ...)", path, 1)
    errors = sorted(jsonschema.Draft202012Validator(SCHEMA).iter_errors(data), key=lambda e: list(e.absolute_path))
    if errors:
        err = errors[0]
        at = list(err.absolute_path)
        where = ".".join(str(p) for p in at) or "(top level)"
        known = sorted((err.schema.get("properties") or {}) if isinstance(err.schema, dict) else {})
        if err.validator == "additionalProperties" and known:
            extra = sorted(set(err.instance) - set(known))[0]
            raise InputError(
                f"{where}: unknown setting {extra!r}; known: {', '.join(known)}", path, lines.line_of([*at, extra])
            )
        raise InputError(f"{where}: {err.message}", path, lines.line_of(at))
    missing = [k for k in REQUIRED_WORDING if not str(data["recommendation"].get(k) or "").strip()]
    if missing:
        raise InputError(
            f"recommendation: give the wording for {', '.join(missing)} (see data/README.md)",
            path,
            lines.line_of(["recommendation"]),
        )
    for at, block in _blocks(data):
        _check_wording(block.get("recommendation") or {}, path, lines, [*at, "recommendation"])
        _check_wording(_covering_text(block), path, lines, [*at, "covering"], COVERING_FIELDS)
    if not data["title"].strip():
        raise InputError("title: must not be blank", path, lines.line_of(["title"]))
    _check_names(data, path, lines)
    return data, lines


def _check_names(data: dict, path: Path, lines) -> None:
    """Each council and committee named under `councils:` is one the review metadata knows (data/reviews/): a
    stale or misspelt name would otherwise be ignored without a word and its reviews reported as unnamed."""
    from helpers.plans.reviews import load_reviews

    councils = data.get("councils") or {}
    if not councils:
        return
    reported: dict[str, set[str]] = {}  # council: the committees its reviews report to (committee_for's rule)
    for review in load_reviews().values():
        default = str((councils.get(review.council) or {}).get("committee") or "")
        reported.setdefault(review.council, set()).add(review.monitored_by or default)
    for name, council in councils.items():
        if name not in reported:
            raise InputError(
                f"councils: {name!r} is not a council in the review metadata (data/reviews/); "
                f"known: {', '.join(sorted(reported))}",
                path,
                lines.key_line(["councils", name]),
            )
        for committee in council.get("committees") or {}:
            if committee not in reported[name]:
                known = ", ".join(sorted(c for c in reported[name] if c)) or "none named"
                raise InputError(
                    f"councils.{name}.committees: {committee!r} is not a committee {name}'s reviews are reported to "
                    f"(action_plan.monitored_by in data/reviews/, else the council's `committee`); known: {known}",
                    path,
                    lines.key_line(["councils", name, "committees", committee]),
                )


def _blocks(data: dict) -> list[tuple[list[str], dict]]:
    """Every block of settings with where it is: the defaults, each council's, each of its committees'."""
    found: list[tuple[list[str], dict]] = [([], data)]
    for name, council in (data.get("councils") or {}).items():
        found.append((["councils", name], council))
        for committee, block in (council.get("committees") or {}).items():
            found.append((["councils", name, "committees", committee], block))
    return found


def _covering_text(block: dict) -> dict:
    """The covering report's sentences a block sets ({committee} filled in): reason and options."""
    covering = block.get("covering") or {}
    return {key: covering[key] for key in ("reason", "options") if key in covering}


# What the recommendation's wording may fill in (covering.recommendation_parts).
WORDING_FIELDS = {
    "count": 2,
    "table": "Table A",
    "as_at": "30 June 2024",
    "quarter": "2024/25 Q1",
    "actions": "the 2 actions",
    "dates": "the 2 revised target dates",
    "are": "are",
}


# What the covering report's reason and options may fill in: the body the report goes to.
COVERING_FIELDS = {"committee": "Audit and Governance Committee"}


def _check_wording(wording: dict, path: Path, lines, at: list, known: dict | None = None) -> None:
    """Each wording fills in only the known {fields}: a typo is one line, not a failed report."""
    known = WORDING_FIELDS if known is None else known
    for key, text in wording.items():
        try:
            str(text).format(**known)
        except (KeyError, IndexError, ValueError) as err:
            shown = f"{{{err.args[0]}}}" if isinstance(err, KeyError) else "a { or } that is not a {field}"
            fields = ", ".join("{" + f + "}" for f in known)
            raise InputError(
                f"{'.'.join(str(p) for p in [*at, key])}: {shown} is not something the wording can fill in; "
                f"use {fields}",
                path,
                lines.line_of([*at, key]),
            ) from None


def settings_file() -> Path:
    """data/report.yaml, the report's wording and decision rules."""
    return config.rules_file("report.yaml")


def settings(council: str | None = None, committee: str | None = None) -> dict:
    """The settings for one council's report to one committee (defaults where either is None or not listed)."""
    data, _ = _load(settings_file())
    merged = {k: copy.deepcopy(v) for k, v in data.items() if k != "councils"}
    council_block = (data.get("councils") or {}).get(council or "") or {}
    for block in (council_block, (council_block.get("committees") or {}).get(committee or "") or {}):
        for key, value in block.items():
            if key in ("committees", "committee"):
                continue
            if isinstance(value, dict) and isinstance(merged.get(key), dict):
                merged[key] = _merge(merged[key], value)
            else:
                merged[key] = copy.deepcopy(value)
    return merged


def _merge(base: dict, extra: dict) -> dict:
    out = copy.deepcopy(base)
    for key, value in extra.items():
        out[key] = _merge(out[key], value) if isinstance(value, dict) and isinstance(out.get(key), dict) else value
    return out


def own_settings(council: str | None) -> bool:
    """True when data/report.yaml gives this council settings of its own (else the report uses the defaults); a
    block with only the council's `email` settings (for `make emails`) is none of the report's."""
    data, _ = _load(settings_file())
    councils = data.get("councils") or {}
    return bool(council) and council in councils and set(councils[council] or {}) != {"email"}


def decision_rules(council: str | None = None, committee: str | None = None) -> DecisionRules:
    """What this council's committee is asked to decide (closures on evidence, escalation thresholds)."""
    return DecisionRules.from_settings(settings(council, committee), settings_file())


def committee_for(council: str, monitored_by: str) -> str:
    """The committee a review's progress is reported to: its own `monitored_by`, else the council's
    `committee` in data/report.yaml (for reviews whose documents name none), else "" (not named)."""
    if monitored_by:
        return monitored_by
    data, _ = _load(settings_file())
    return str(((data.get("councils") or {}).get(council) or {}).get("committee") or "")


def audiences(reviews: pd.DataFrame) -> dict[tuple[str, str], list[str]]:
    """{(council, committee): [review ids]} in the reviews' order: who each review's report goes to."""
    groups: dict[tuple[str, str], list[str]] = {}
    for rid, council, monitored in zip(reviews["review_id"], reviews["council"], reviews["monitored_by"], strict=True):
        groups.setdefault((council, committee_for(council, monitored)), []).append(rid)
    return groups


def committees(ws: Workspace, quarter: pd.Period) -> list[str]:
    """The committees the counted reviews' progress is reported to (review metadata, else data/report.yaml)."""
    groups = audiences(ws.counted_reviews(quarter))
    return list(dict.fromkeys(committee for _, committee in groups if committee))


def scope(ws: Workspace, quarter: pd.Period) -> tuple[str | None, str | None]:
    """The council and the committee a report is for; None for either where the counted reviews name none or several."""
    councils = list(dict.fromkeys(ws.counted_reviews(quarter)["council"]))
    named = committees(ws, quarter)
    return (councils[0] if len(councils) == 1 else None, named[0] if len(named) == 1 else None)


def email_settings(council: str) -> dict:
    """A council's `email` block (the top-level one merged with the council's own), its addresses checked."""
    from helpers.plans.leads import address_problem

    data, lines = _load(settings_file())
    block = settings(council).get("email") or {}
    for key in ("from", "reply_to"):
        if block.get(key) and (problem := address_problem(block[key])):
            at = ["councils", council, "email", key] if key in _council_email(data, council) else ["email", key]
            raise InputError(f"{'.'.join(at)}: {problem}", settings_file(), lines.line_of(at))
    return block


def _council_email(data: dict, council: str) -> dict:
    """The council's own `email` block as written ({} where it has none)."""
    return ((data.get("councils") or {}).get(council) or {}).get("email") or {}
