"""The one home of the status and target vocabulary: ids in code, words in data/vocabulary.yaml.

Code refers to a status only through the constants below; what a reader sees
(the label) and what it means come from the vocabulary file, which analysts edit.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from helpers.base import config
from helpers.base.errors import InputError

# Status ids: the rules in helpers.tracking.status assign these.
COMPLETE = "complete"
NOT_YET_DUE = "not-yet-due"
ONGOING = "ongoing"
NO_TARGET = "no-target"
OVERDUE = "overdue"
NOT_REPORTED = "not-reported"
NO_ACTION = "no-action"
INCOMPLETE_SOURCE = "incomplete-source"
NOT_TRANSCRIBED = "not-transcribed"
STATUS_IDS = (
    COMPLETE,
    NOT_YET_DUE,
    ONGOING,
    NO_TARGET,
    OVERDUE,
    NOT_REPORTED,
    NO_ACTION,
    INCOMPLETE_SOURCE,
    NOT_TRANSCRIBED,
)
# Open: the action is not complete and its state is known.
OPEN = (NOT_YET_DUE, ONGOING, NO_TARGET, OVERDUE, NOT_REPORTED)
# Data gaps: not a status of the action but of what we know about it.
DATA_GAPS = (INCOMPLETE_SOURCE, NOT_TRANSCRIBED)
# The column of a counts table that adds up the actions (not-transcribed counts recommendations: never added).
TOTAL_ACTIONS = "Total actions"

_SECTIONS = ("targets", "statuses", "update_statuses", "cross_references")


@lru_cache(maxsize=4)
def _load(path: Path) -> dict[str, Any]:
    from helpers.base.yaml_reader import read_yaml

    data, lines = read_yaml(path)
    where = "vocabulary file"
    if not isinstance(data, dict):
        raise InputError(f"the {where} should be a mapping of sections", path, 1)
    for key in _SECTIONS:
        if key not in data:
            raise InputError(f"missing section '{key}'", path, 1)
    statuses = data["statuses"]
    if not isinstance(statuses, dict) or set(statuses) != set(STATUS_IDS):
        have = set(statuses) if isinstance(statuses, dict) else set()
        raise InputError(
            f"statuses must list exactly the ids {', '.join(STATUS_IDS)} "
            f"(missing: {', '.join(sorted(set(STATUS_IDS) - have)) or 'none'}; "
            f"unknown: {', '.join(sorted(have - set(STATUS_IDS))) or 'none'})",
            path,
            lines.line_of(["statuses"]),
        )
    for sid, spec in statuses.items():
        if not isinstance(spec, dict) or not str(spec.get("label") or "").strip():
            raise InputError(f"status {sid!r} needs a label", path, lines.line_of(["statuses", sid]))
    targets = data["targets"]
    for key in ("ongoing", "complete", "seasons"):
        if not isinstance(targets, dict) or not targets.get(key):
            raise InputError(f"targets.{key} must list at least one word", path, lines.line_of(["targets"]))
    for name, season in targets["seasons"].items():
        month = season.get("last_month") if isinstance(season, dict) else None
        if not isinstance(month, int) or not 1 <= month <= 12:
            raise InputError(
                f"season {name!r}: last_month must be a month number 1-12, not {month!r}",
                path,
                lines.line_of(["targets", "seasons", name]),
            )
    updates = data["update_statuses"]
    if not isinstance(updates, dict) or not updates:
        raise InputError("update_statuses must list at least one status", path, lines.line_of(["update_statuses"]))
    if not any(isinstance(v, dict) and v.get("closes") for v in updates.values()):
        raise InputError(
            "at least one update status must close an action (closes: true)", path, lines.line_of(["update_statuses"])
        )
    return data


def vocabulary() -> dict[str, Any]:
    """The whole of data/vocabulary.yaml, checked."""
    return _load(config.rules_file("vocabulary.yaml"))


def status_order() -> list[str]:
    """Status ids in display order (as the vocabulary file lists them)."""
    return list(vocabulary()["statuses"])


def status_labels() -> dict[str, str]:
    """{status id: label a reader sees}, in display order."""
    return {sid: str(spec["label"]) for sid, spec in vocabulary()["statuses"].items()}


def status_label(status_id: str) -> str:
    """The label of a status id (the id itself if the vocabulary has none)."""
    return status_labels().get(status_id, status_id)


def status_meanings() -> dict[str, str]:
    """{status id: what it means}, as the report's key says."""
    return {sid: str(spec.get("meaning", "")) for sid, spec in vocabulary()["statuses"].items()}


def update_statuses() -> dict[str, bool]:
    """{update status: closes the action?} for progress updates and plan status columns."""
    return {name: bool((v or {}).get("closes")) for name, v in vocabulary()["update_statuses"].items()}


def update_status_spellings() -> dict[str, str]:
    """{folded spelling: update status} including each status's other spellings."""
    found: dict[str, str] = {}
    for name, spec in vocabulary()["update_statuses"].items():
        for spelling in [name, *((spec or {}).get("also") or [])]:
            found[str(spelling).strip().casefold()] = name
    return found


def read_update_status(text: str) -> str | None:
    """The update status a word names ("Completed" -> "Complete"), or None if unknown; "" for blank."""
    folded = " ".join(str(text or "").split()).casefold()
    if not folded:
        return ""
    return update_status_spellings().get(folded)


def cross_reference_phrases() -> list[str]:
    """Phrases that make an action a pointer to another recommendation ("See", "As per", ...)."""
    return [str(p) for p in vocabulary()["cross_references"]]
