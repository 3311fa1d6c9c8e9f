"""From a document to the plan's table: the format's reader run, the candidate tables found by their headings,
and one chosen (the only one, or TABLE=n of several)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from helpers.base.errors import InputError
from helpers.plans.importing.cells import Table
from helpers.plans.importing.document import kind_of
from helpers.plans.importing.headers import find_header_fields, note_words, spellings
from helpers.plans.importing.numbering import take_numbers
from helpers.plans.importing.shape import Shaped, shape


@dataclass
class Read:
    """A document read: its format, its tables, its text outside them, and the plan-like tables among them."""

    kind: str
    tables: list[Table]
    text: str
    candidates: list[tuple[Table, int, list[str | None]]]


def read_document(path: Path, mapped: dict[str, str]) -> Read:
    """The document's tables by its format's reader, and those whose heading row names plan fields."""
    kind = kind_of(path)
    if kind == "docx":
        from helpers.plans.importing.docx_reader import read_docx as reader
    elif kind == "pdf":
        from helpers.plans.importing.pdf_reader import read_pdf as reader
    elif kind == "html":
        from helpers.plans.importing.html_reader import read_html as reader
    else:
        from helpers.plans.importing.workbook_reader import read_workbook

        def reader(p: Path) -> tuple[list[Table], str]:
            return read_workbook(p, kind)

    tables, text = reader(path)
    known = spellings()
    candidates = []
    for table in tables:
        found = find_header_fields(table, known, mapped)
        if found:
            candidates.append((table, *found))
    return Read(kind, tables, text, candidates)


def describe(table: Table) -> str:
    """A candidate as listed: "table 2, p. 3-5 (14 rows): Rec | Recommendation | ..."."""
    first = next((r for r in table.rows if any(t.strip() for t in r.texts())), table.rows[0])
    heads = " | ".join(" ".join(t.split())[:20] for t in first.texts() if t.strip())
    return f"{table.label} ({len(table.rows)} rows): {heads}"


def choose(read: Read, path: Path, number: int | None) -> Shaped:
    """The plan's table shaped into actions: the only candidate, or the `number`th (TABLE=n) of several."""
    found = read.candidates
    if not found:
        where = f"its {len(read.tables)} table(s) have" if read.tables else "it has no tables, and so"
        raise InputError(
            f"no action-plan table found: {where} no heading row naming a recommendation or action column and "
            "another field (data/vocabulary.yaml, plan_headers)",
            path,
        )
    if number is None and len(found) > 1:
        listed = "; ".join(f"{n}: {describe(t)}" for n, (t, _, _) in enumerate(found, start=1))
        raise InputError(f"{len(found)} tables look like action plans, choose one with TABLE=n: {listed}", path)
    if number is not None and not 1 <= number <= len(found):
        raise InputError(f"TABLE={number}, but the document has {len(found)} plan-like table(s)", path)
    table, at, fields = found[(number or 1) - 1]
    shaped = shape(table, at, fields, note_words())
    if not shaped.actions:
        raise InputError(f"{table.label}: the heading row was found but no action rows follow it", path)
    shaped.numbers = take_numbers(shaped)
    return shaped
