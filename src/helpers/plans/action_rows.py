"""One review's plan rows as tidy tables: an action row and its lead rows per action, a row per recommendation.

Each action's target is typed, its leads split by role, its plan status checked against the vocabulary and
data/corrections.csv applied on the way; the references between actions are read in the plan's own style.
"""

from __future__ import annotations

import re

from helpers.base import config
from helpers.base.errors import InputError
from helpers.base.targets import NONE, UnreadableTarget, parse_target
from helpers.base.vocabulary import read_update_status, update_statuses
from helpers.plans.corrections import Correction
from helpers.plans.leads import UnknownLead, split_leads
from helpers.plans.plan_tables import TableRow, cross_references, is_only_cross_reference
from helpers.plans.review_schema import LEAD_ROLES
from helpers.plans.reviews import Review


class Corrector:
    """Applies data/corrections.csv to one review's cells and remembers which corrections were used."""

    def __init__(self, corrections: dict[tuple[str, str, str], Correction]):
        self.corrections = corrections
        self.used: set[tuple[str, str, str]] = set()

    def apply(self, review_id: str, action_ref: str, field: str, value: str, notes: list[str]) -> str:
        """The cell as corrected (its correction noted in `notes`), or as it is if no correction is for it."""
        correction = self.corrections.get((review_id, action_ref, field))
        if not correction:
            return value
        self.used.add((review_id, action_ref, field))
        if field != "incomplete" and correction.raw_value.strip() != value:
            raise InputError(
                f"correction for {field} of action {action_ref} expects {correction.raw_value!r} but "
                f"the document has {value!r}",
                config.rules_file("corrections.csv"),
                correction.row,
            )
        notes.append(correction.describe())
        return correction.reason if field == "incomplete" else correction.corrected_value


def _where(review: Review, row: TableRow) -> tuple[object, int]:
    """The file and line an error about this row should name."""
    return (row.where or config.raw_dir() / review.table.file), row.first_line  # type: ignore[union-attr]


def action_row(review: Review, row: TableRow, order: int, fix: Corrector) -> tuple[dict, list[dict]]:
    """One tidy action row and its lead rows: leads split by role, target typed, corrections applied."""
    cells, ref = row.cells, row.action_ref or row.rec_ref
    path, line = _where(review, row)
    notes: list[str] = []
    target_raw = cells.get("target", "")
    target_text = fix.apply(review.id, ref, "target", target_raw, notes)
    incomplete = row.incomplete or fix.apply(review.id, ref, "incomplete", "", notes)
    try:
        target = parse_target(target_text, review.source_date)
    except UnreadableTarget as err:
        raise InputError(f"action {ref}: {err}", path, line) from None
    lead_rows = _lead_rows(review, row, fix, notes)
    plan_status = cells.get("status", "")
    if read_update_status(plan_status) is None:
        raise InputError(
            f"action {ref}: status {plan_status!r} is not in data/vocabulary.yaml (update_statuses: "
            f"{', '.join(update_statuses())}); add it as another spelling ('also')",
            path,
            line,
        )
    text = cells.get("action") or cells.get("response", "")
    refs = cross_references(text)
    follows = refs[0] if target.kind == NONE and len(refs) == 1 and is_only_cross_reference(text) else ""
    action = {
        "review_id": review.id,
        "action_ref": ref,
        "action_order": order,
        "rec_ref": row.rec_ref,
        "ref_generated": row.action_ref_generated if row.action_ref else row.ref_generated,
        "action": text,
        "lead_as_written": _lead_as_written(cells),
        "target": target_raw,
        "target_corrected": target_text,
        "target_date": target.date,
        "target_start": target.start,
        "target_kind": target.kind,
        "timescales": "; ".join(d.isoformat() for d in target.timescales),
        "plan_status": plan_status,
        "progress": cells.get("progress", ""),
        "see_also": "; ".join(refs),
        "follows": follows,
        "source_incomplete": incomplete,
        "correction": " | ".join(notes),
        "source_file": review.transcription.document if review.transcription else review.table.file,  # type: ignore
        "source_lines": row.line_range,
    }
    return action, lead_rows


def _lead_as_written(cells: dict[str, str]) -> str:
    """The lead cells as the plan writes them: the lead alone, or each role's cell named by its role."""
    written = [(role, cells[role]) for role in LEAD_ROLES if cells.get(role)]
    return (
        written[0][1] if [r for r, _ in written] == ["lead"] else "; ".join(f"{role}: {text}" for role, text in written)
    )


def _lead_rows(review: Review, row: TableRow, fix: Corrector, notes: list[str]) -> list[dict]:
    """A row per lead of the action, role by role (lead, accountable, responsible), each cell corrected first."""
    cells, ref = row.cells, row.action_ref or row.rec_ref
    lead_rows = []
    for role in LEAD_ROLES:
        if role not in cells:
            continue
        value = fix.apply(review.id, ref, role, cells[role], notes)
        try:
            names = split_leads(value, review.council)
        except UnknownLead as err:
            path, line = _where(review, row)
            raise InputError(f"action {ref}: {err}", path, line) from None
        lead_rows += [
            {
                "review_id": review.id,
                "action_ref": ref,
                "council": review.council,
                "lead": name,
                "role": role,
                "lead_position": n,
                "joint": len(names) > 1,
            }
            for n, name in enumerate(names, start=1)
        ]
    return lead_rows


def recommendation_rows(review: Review, rows: list[TableRow]) -> list[dict]:
    """One row per recommendation, in the order first met (its first action's provenance)."""
    found: dict[str, dict] = {}
    for row in rows:
        if row.rec_ref not in found:
            found[row.rec_ref] = {
                "review_id": review.id,
                "rec_ref": row.rec_ref,
                "rec_order": len(found) + 1,
                "ref_generated": row.ref_generated,
                "section": row.section,
                "recommendation": row.cells.get("recommendation", ""),
                "response": row.cells.get("response", ""),
                "source_file": review.transcription.document if review.transcription else review.table.file,
                "source_lines": row.line_range,
            }
    return list(found.values())


def resolve_cross_references(review: Review, rows: list[TableRow], actions: list[dict]) -> None:
    """Each reference an action points to, in the plan's own style: "2" in a plan of R1..R5 is R2, with a note.

    A reference that matches no recommendation, or could be several, stops extraction with the references
    the plan has.
    """
    known = list(dict.fromkeys(r.rec_ref for r in rows))
    for row, action in zip(rows, actions, strict=True):
        path, line = _where(review, row)
        resolved, notes = [], []
        for ref in filter(None, action["see_also"].split("; ")):
            found = ref if ref in known else _in_plan_style(ref, known)
            if found is None:
                like = [k for k in known if _number_part(k) == _number_part(ref)]
                could = f"; it could be {' or '.join(like)}" if like else ""
                raise InputError(
                    f"action {action['action_ref']} refers to recommendation {ref}, which this review does not "
                    f"have{could}; its references are {_listing(known)}",
                    path,
                    line,
                )
            if found != ref:
                notes.append(f"cross-reference '{ref}' read as {found}: the plan's references are {_listing(known)}")
            if found == row.rec_ref:
                raise InputError(f"action {action['action_ref']} refers to its own recommendation", path, line)
            resolved.append(found)
            if action["follows"] == ref:
                action["follows"] = found
        action["see_also"] = "; ".join(dict.fromkeys(resolved))
        if notes:
            action["correction"] = " | ".join(filter(None, [action["correction"], *notes]))


def _number_part(ref: str) -> str:
    """A reference without its letters: "R2" -> "2", "2" -> "2"."""
    return re.sub(r"^[A-Za-z]+", "", ref)


def _in_plan_style(ref: str, known: list[str]) -> str | None:
    """The one known reference that `ref` means when written without (or with other) letters; None if not one."""
    like = [k for k in known if _number_part(k) == _number_part(ref)]
    return like[0] if len(like) == 1 else None


def _listing(refs: list[str], most: int = 12) -> str:
    """The references, the first `most` of them, then how many more; "none" if there are none."""
    shown = ", ".join(refs[:most])
    return shown + (f" and {len(refs) - most} more" if len(refs) > most else "") if refs else "none"
