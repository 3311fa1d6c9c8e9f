"""The imported plan written as today's extraction reads it: a transcription CSV (one row per action, citing
its place in the document) and beside it a provenance CSV naming where every cell came from."""

from __future__ import annotations

import csv
import io

from helpers.plans.importing.shape import Action
from helpers.plans.plan_tables import normalise_ref
from helpers.plans.transcriptions import OPTIONAL, REQUIRED

COLUMNS = ["rec_ref", "recommendation", "response", "section", "action_ref", "action"]
COLUMNS += [c for c in [*REQUIRED, *OPTIONAL] if c not in COLUMNS]
PROVENANCE = ["csv_row", "field", "page", "table", "row", "cell", "sheet", "address"]
_PER_ACTION = ("lead", "accountable", "responsible", "target", "status", "progress")


def transcription_rows(actions: list[Action], numbered: bool) -> list[dict[str, str]]:
    """One transcription row per action. A response column gives the recommendation's response (first row)
    and, where the plan has no action column, each action's text; a further action leaves the
    recommendation's text blank. `numbered`: the plan numbers its recommendations, in a reference column or
    at the start of each recommendation's cell (else rec_ref stays blank)."""
    rows = []
    for action in actions:
        cells = action.cells
        first = not action.continues
        row = dict.fromkeys(COLUMNS, "")
        row["rec_ref"] = normalise_ref(cells.get("rec_ref", "")) if numbered else ""
        if first:
            row.update(
                recommendation=cells.get("recommendation", ""),
                response=cells.get("response", ""),
                section=action.section,
            )
        row["action"] = cells.get("action", cells.get("response", ""))
        row["action_ref"] = normalise_ref(cells.get("action_ref", ""))
        row.update({k: cells.get(k, "") for k in _PER_ACTION})
        row["source"] = _source(action)
        rows.append(row)
    return rows


def _source(action: Action) -> str:
    """The action's place: "p. 2-3, table 1, rows 11-12", "table 1, row 4" or "sheet Plan, row 4"."""
    first, last = action.rows[0], action.rows[-1]
    if first.sheet:
        return f"sheet {first.sheet}, row {first.row}"
    pages = f"p. {first.page}" + (f"-{last.page}" if last.page != first.page else "") + ", " if first.page else ""
    rows = f"rows {first.row}-{last.row}" if last.row != first.row else f"row {first.row}"
    return f"{pages}table {first.table}, {rows}"


def provenance_rows(actions: list[Action]) -> list[dict[str, str]]:
    """A row per cell read: the transcription row (its CSV row number) and field, and where in the document."""
    out = []
    for n, action in enumerate(actions, start=2):
        for field, places in action.where.items():
            for place in places:
                out.append({"csv_row": str(n), "field": field, **_place(place)})
    return out


def _place(where: str) -> dict[str, str]:
    """A cell's place ("p. 3, table 1, row 4, cell 2" or "sheet Plan, B4") split into the provenance columns."""
    found = dict.fromkeys(PROVENANCE[2:], "")
    if where.startswith("sheet "):
        found["sheet"], found["address"] = where[6:].rsplit(", ", 1)
        return found
    for part in where.split(", "):
        key, _, value = part.partition(" ")
        found[{"p.": "page"}.get(key, key)] = value
    return found


def csv_text(columns: list[str], rows: list[dict[str, str]]) -> str:
    """Rows as CSV text (every cell quoted where needed; lines inside a cell kept)."""
    from helpers.base.readers import spreadsheet_safe

    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: spreadsheet_safe(str(row.get(k, ""))) for k in columns})
    return out.getvalue()
