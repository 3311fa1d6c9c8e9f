"""Hand transcriptions of action plans that are not tab tables (web pages, PDFs).

An analyst fills data/transcriptions/<review>.csv from the published document,
one row per action, each row citing where it came from. The document itself
stays in data/raw/ with its manifest line. Rows become the same TableRow
objects the tab-table reader gives, so both routes are validated alike.
"""

from __future__ import annotations

import re
from pathlib import Path

from helpers.base import config
from helpers.base.errors import InputError
from helpers.plans.plan_tables import REF, PlanRows, TableRow, clean_text, normalise_ref
from helpers.plans.reviews import Review

REQUIRED = ["recommendation", "action", "source"]
OPTIONAL = [
    "rec_ref",
    "section",
    "response",
    "action_ref",
    "lead",
    "accountable",
    "responsible",
    "target",
    "status",
    "progress",
    "incomplete",
    "note",
]
_REF = re.compile(rf"^{REF}$")
# A citation: a page, lines, or (an imported plan) a table of a document or a sheet of a workbook.
_SOURCE = re.compile(
    r"^(?:p\.? ?\d+(?:-\d+)?|lines? \d+(?:-\d+)?|\d+(?:-\d+)?|table \d+|sheet [^,]+)(?:, ?.+)?$", re.IGNORECASE
)


def transcription_path(review: Review) -> Path:
    """The review's hand transcription (a CSV under data/)."""
    return config.data_dir() / review.transcription.file  # type: ignore[union-attr]


def read_transcription(review: Review) -> PlanRows:
    """The actions of a transcribed plan, checked row by row (errors name the CSV file and row).

    Where the plan numbers no recommendations, leave rec_ref blank on every row: a row with the
    recommendation's text starts the next one, numbered in document order and marked as generated; a row
    without it is a further action of the recommendation above.
    """
    from helpers.base.readers import read_csv

    path = transcription_path(review)
    frame = read_csv(path, required=REQUIRED, optional=OPTIONAL, what="transcription")
    if frame.empty:
        raise InputError("the transcription has a header but no rows", path, 1)
    generated = bool((frame["rec_ref"].str.strip() == "").all())
    rows: list[TableRow] = []
    recommendation: dict[str, tuple[str, str, str, int]] = {}
    counts: dict[str, int] = {}
    for cells in frame.to_dict("records"):
        row_no = int(cells["_row"])
        rec_ref = _rec_ref(cells, generated, recommendation, path, row_no)
        if not _SOURCE.match(cells["source"]):
            raise InputError(
                f"source {cells['source']!r} should cite the document: a page ('p. 4') or lines ('lines 120-124')",
                path,
                row_no,
            )
        _remember_recommendation(cells, rec_ref, recommendation, path, row_no)
        incomplete = clean_text(cells["incomplete"])
        action = clean_text(cells["action"])
        # An imported plan's blank cell is blank in the document; a hand transcription must say why.
        if not action and not incomplete and not review.transcription.imported:  # type: ignore[union-attr]
            raise InputError(
                f"recommendation {rec_ref}: action is blank; if the source row is cut off or "
                "illegible, say so in the 'incomplete' column",
                path,
                row_no,
            )
        counts[rec_ref] = counts.get(rec_ref, 0) + 1
        rows.append(_row(cells, rec_ref, recommendation[rec_ref], action, incomplete, path, generated))
    _number_actions(rows, counts, path)
    last = int(frame["_row"].iloc[-1])
    return PlanRows(rows, path, last, f"its last row ({last})")


def _remember_recommendation(
    cells: dict, rec_ref: str, recommendation: dict[str, tuple[str, str, str, int]], path: Path, row_no: int
) -> None:
    """Keep a recommendation's text, response and section from its first row; a later row may only repeat them."""
    text, response, section = (clean_text(cells[k]) for k in ("recommendation", "response", "section"))
    first = recommendation.get(rec_ref)
    if first is None:
        if not text:
            raise InputError(f"the first row of recommendation {rec_ref} needs its text", path, row_no)
        recommendation[rec_ref] = (text, response, section, row_no)
        return
    for name, value, kept in (
        ("recommendation", text, first[0]),
        ("response", response, first[1]),
        ("section", section, first[2]),
    ):
        if value and value != kept:
            raise InputError(
                f"recommendation {rec_ref}: {name} differs from row {first[3]} (leave it blank "
                "on later actions of the same recommendation)",
                path,
                row_no,
            )


def _row(
    cells: dict,
    rec_ref: str,
    first: tuple[str, str, str, int],
    action: str,
    incomplete: str,
    path: Path,
    generated: bool,
) -> TableRow:
    """One transcribed action as the tab-table reader gives it, with its recommendation's first-row text."""
    return TableRow(
        rec_ref=rec_ref,
        first_line=int(cells["_row"]),
        last_line=int(cells["_row"]),
        section=first[2],
        cells={
            "recommendation": first[0],
            "response": first[1],
            "action": action,
            **{k: clean_text(cells[k]) for k in ("lead", "accountable", "responsible", "target", "status", "progress")},
        },
        action_ref=normalise_ref(cells["action_ref"]),
        source=cells["source"],
        incomplete=incomplete,
        where=path,
        ref_generated=generated,
    )


def _rec_ref(cells: dict, generated: bool, known: dict, path: Path, row_no: int) -> str:
    """The row's recommendation reference: as written, or (in a plan that numbers none) generated in order."""
    if generated:
        if clean_text(cells["recommendation"]) or not known:
            return str(len(known) + 1)
        return list(known)[-1]  # a further action of the recommendation above
    rec_ref = normalise_ref(cells["rec_ref"])
    if not _REF.match(rec_ref):
        raise InputError(
            f"rec_ref {cells['rec_ref']!r} is not a reference like 7, R1 or 1.1 (leave rec_ref blank on every "
            "row only if the plan numbers none)",
            path,
            row_no,
        )
    return rec_ref


def _number_actions(rows: list[TableRow], counts: dict[str, int], path: Path) -> None:
    """Actions without a reference of their own: the recommendation's, or "<rec>.<n>" where it has several."""
    seen: dict[str, int] = {}
    nth: dict[str, int] = {}
    for row in rows:
        nth[row.rec_ref] = nth.get(row.rec_ref, 0) + 1
        if not row.action_ref:
            row.action_ref = row.rec_ref if counts[row.rec_ref] == 1 else f"{row.rec_ref}.{nth[row.rec_ref]}"
            row.action_ref_generated = row.ref_generated or counts[row.rec_ref] > 1
        if row.action_ref in seen:
            raise InputError(
                f"action {row.action_ref} appears twice (first at row {seen[row.action_ref]})", path, row.first_line
            )
        seen[row.action_ref] = row.first_line
