"""Column headings matched to fields by the spellings in data/vocabulary.yaml (plan_headers), and the
analyst's own mapping of a heading in the review's metadata (import_columns)."""

from __future__ import annotations

import re

from helpers.base.errors import InputError
from helpers.base.vocabulary import vocabulary
from helpers.plans.importing.cells import Row, Table
from helpers.plans.review_schema import TABLE_ROLES

IGNORE = "ignore"


def fold(text: str) -> str:
    """Text as headings are compared: lower case, punctuation as spaces, spaces folded."""
    return " ".join(re.sub(r"[^0-9a-z]+", " ", str(text).casefold()).split())


def spellings() -> dict[str, list[str]]:
    """{field: its spellings, folded} from the vocabulary's plan_headers."""
    from helpers.base import config

    found = vocabulary().get("plan_headers")
    if not isinstance(found, dict) or "recommendation" not in found:
        raise InputError(
            "plan_headers must list the spellings of each column heading, recommendation among them",
            config.rules_file("vocabulary.yaml"),
        )
    unknown = [f for f in found if f not in TABLE_ROLES]
    if unknown:
        raise InputError(
            f"plan_headers: {unknown[0]!r} is not a field (fields: {', '.join(TABLE_ROLES)})",
            config.rules_file("vocabulary.yaml"),
        )
    return {f: [fold(s) for s in (words or [])] for f, words in found.items()}


def note_words() -> list[str]:
    """Words that start a totals or notes row (folded)."""
    return [fold(w) for w in vocabulary().get("plan_table_notes") or []]


def field_of(heading: str, known: dict[str, list[str]], mapped: dict[str, str]) -> str | None:
    """The field a heading means: the analyst's mapping first, then the longest vocabulary spelling it holds."""
    folded = fold(heading)
    for text, role in mapped.items():
        if fold(text) == folded:
            return role
    best: tuple[int, int, str] | None = None
    for field, words in known.items():
        for word in words:
            if word and (folded == word or f" {word} " in f" {folded} "):
                score = (folded == word, len(word), field)
                best = max(best, score) if best else score
    return best[2] if best else None


def match_header(row: Row, known: dict[str, list[str]], mapped: dict[str, str]) -> list[str | None]:
    """The field of each cell of a header row (None where nothing matches; a field taken once, leftmost)."""
    fields: list[str | None] = []
    for text in row.texts():
        field = field_of(text, known, mapped) if text.strip() else None
        fields.append(field if field == IGNORE or field not in fields else None)
    return fields


def is_header(fields: list[str | None]) -> bool:
    """A row is a plan's header where it names a recommendation or action column and one other field."""
    named = {f for f in fields if f and f != IGNORE}
    return bool(named & {"recommendation", "action", "response"}) and len(named) >= 2


def find_header_fields(table: Table, known: dict, mapped: dict[str, str]) -> tuple[int, list[str | None]] | None:
    """(index, fields) of the table's heading row among its first rows, or None if it has none."""
    for n, row in enumerate(table.rows[:6]):
        fields = match_header(row, known, mapped)
        if is_header(fields):
            return n, fields
    return None
