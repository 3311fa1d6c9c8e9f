"""Extraction step: data/raw + data/reviews -> data/processed tables.

python -m helpers.plans.extract           # rebuild the processed tables
python -m helpers.plans.extract --check   # exit 1 if the committed tables differ from a fresh extraction
"""

from __future__ import annotations

import argparse
import re
from dataclasses import dataclass

import pandas as pd

from helpers.base import config
from helpers.base.errors import InputError, run_cli
from helpers.base.targets import NONE, UnreadableTarget, parse_target
from helpers.base.vocabulary import read_update_status, update_statuses
from helpers.plans import tables
from helpers.plans.corrections import Correction, check_all_used, load_corrections
from helpers.plans.leads import UnknownLead, split_leads
from helpers.plans.plan_tables import (
    PlanRows,
    TableRow,
    cross_references,
    is_only_cross_reference,
    parse_reference_list,
    parse_table,
    read_source,
    wording_differences,
)
from helpers.plans.reviews import LEAD_ROLES, Review, load_reviews
from helpers.plans.transcriptions import read_transcription


@dataclass
class Extracted:
    """The processed tables one extraction makes."""

    reviews: pd.DataFrame
    recommendations: pd.DataFrame
    actions: pd.DataFrame
    action_leads: pd.DataFrame
    wording_differences: pd.DataFrame

    def as_tables(self) -> dict[str, pd.DataFrame]:
        """The tables by their processed file names."""
        return {
            "reviews": self.reviews,
            "recommendations": self.recommendations,
            "actions": self.actions,
            "action_leads": self.action_leads,
            "wording_differences": self.wording_differences,
        }


class _Corrector:
    """Applies data/corrections.csv to one review's cells and remembers which corrections were used."""

    def __init__(self, corrections: dict[tuple[str, str, str], Correction]):
        self.corrections = corrections
        self.used: set[tuple[str, str, str]] = set()

    def apply(self, review_id: str, action_ref: str, field: str, value: str, notes: list[str]) -> str:
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


def _action(review: Review, row: TableRow, order: int, fix: _Corrector) -> tuple[dict, list[dict]]:
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
    lead_rows = []
    written = [(role, cells[role]) for role in LEAD_ROLES if cells.get(role)]
    lead_as_written = (
        written[0][1] if [r for r, _ in written] == ["lead"] else "; ".join(f"{role}: {text}" for role, text in written)
    )
    for role in LEAD_ROLES:
        if role not in cells:
            continue
        value = fix.apply(review.id, ref, role, cells[role], notes)
        try:
            names = split_leads(value, review.council)
        except UnknownLead as err:
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
        "lead_as_written": lead_as_written,
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


def _recommendations(review: Review, rows: list[TableRow]) -> list[dict]:
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


def _resolve_cross_references(review: Review, rows: list[TableRow], actions: list[dict]) -> None:
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
    shown = ", ".join(refs[:most])
    return shown + (f" and {len(refs) - most} more" if len(refs) > most else "") if refs else "none"


def _check_count(review: Review, rows: PlanRows | list[TableRow], recs: int) -> None:
    """Fewer recommendations read than the metadata expects stops extraction, unless the review says why."""
    expected = review.recommendations_expected
    if expected is not None and recs > expected:
        raise InputError(
            f"the plan has {recs} recommendations but recommendations_expected is {expected}",
            review.metadata_file,
        )
    if expected is None or recs >= expected or review.recommendations_note:
        return
    if not (review.table or review.transcription):
        return  # no plan is held: the metadata says so (action_plan.not_obtained), and the note says it
    read: PlanRows = rows  # type: ignore[assignment]  # a held plan is always read into PlanRows
    raise InputError(
        f"the action plan ends here, at {read.ended_by}, after {recs} recommendation{'s' if recs != 1 else ''}, "
        f"but {config.relative(review.metadata_file)} expects {expected} (recommendations_expected); if the "
        "document really holds fewer, say why in recommendations_note",
        read.path,
        read.ended_at,
    )


def _review_row(review: Review, recs: int, actions: int) -> dict[str, object]:
    expected = review.recommendations_expected
    held = bool(review.table or review.transcription)
    if expected is None:
        note = f"{recs} recommendation{'s' if recs != 1 else ''} transcribed; how many the review made is not known"
    else:
        note = f"{recs} of {expected} recommendations transcribed"
    if actions != recs:
        note += f" ({actions} actions)"
    if not held:
        note += (
            f": the action plan is not obtained ({review.not_obtained})"
            if review.not_obtained
            else ": no copy of the action plan is held (no table or transcription is declared)"
        )
    if review.recommendations_note:
        note += f" ({review.recommendations_note})"
    milestone = {k: (v.isoformat() if hasattr(v, "isoformat") else str(v)) for k, v in review.milestones.items()}
    return {
        "review_id": review.id,
        "title": review.title,
        "council": review.council,
        "kind": review.kind,
        "visit_start": review.visit_start,
        "visit_end": review.visit_end,
        "visit_month_only": review.visit_month_only,
        "visit_note": review.visit_note,
        "approved_on": review.approved_on,
        "approved_by": review.approved_by,
        "monitored_by": review.monitored_by,
        "approval_note": review.approval_note,
        "tracked_from": review.tracked_from,
        "source_date": review.source_date,
        "recommendations_expected": expected,
        "recommendations_transcribed": recs,
        "actions_transcribed": actions,
        "transcribed_note": note,
        "recorded_themes": "; ".join(t["as_recorded"] for t in review.recorded_themes),
        "recorded_theme_ids": "; ".join(t["theme"] for t in review.recorded_themes),
        "action_plan_published": milestone.get("action_plan_published", ""),
        "progress_review_visit": milestone.get("progress_review_visit", ""),
        "progress_review_report": milestone.get("progress_review_report", ""),
        "documents": "; ".join(review.documents),
    }


def _frame(name: str, records: list[dict]) -> pd.DataFrame:
    """Records as a table with the schema's columns and types."""
    schema = tables.SCHEMAS[name]
    frame = pd.DataFrame.from_records(records, columns=list(schema.columns))
    for col, spec in schema.columns.items():
        dtype = str(spec.dtype)
        if dtype.startswith("datetime"):
            frame[col] = pd.to_datetime(frame[col]).astype("datetime64[ns]")
        elif dtype == "Int64":  # a count that may be unknown
            frame[col] = pd.array(frame[col].tolist(), dtype="Int64")
        elif dtype.startswith("int"):
            frame[col] = frame[col].astype("int64")
        elif dtype == "bool":
            frame[col] = frame[col].astype(bool)
        else:
            frame[col] = frame[col].fillna("").astype(str)
    return frame


def check_manifest() -> dict[str, str]:
    """Every raw document must match its manifest line (SHA-256): a changed or cut-short document is refused."""
    import hashlib

    from helpers.base.readers import read_csv

    path = config.raw_dir() / "manifest.csv"
    manifest = read_csv(
        path,
        required=["file", "original_name", "sha256"],
        optional=["review_id", "role", "bytes", "description"],
        what="raw document manifest",
    )
    found = {}
    for row in manifest.to_dict("records"):
        doc = config.raw_dir() / row["file"]
        if doc.is_dir():
            raise InputError("is a folder, expected a raw document", doc)
        if not doc.is_file():
            raise InputError(f"{row['file']} is listed but is not a file in data/raw/", path, row["_row"])
        if hashlib.sha256(doc.read_bytes()).hexdigest() != row["sha256"].lower():
            raise InputError(
                "this document differs from the one recorded in data/raw/manifest.csv (SHA-256): "
                "raw documents are never edited; if a new version was published, add it under a new "
                "name with its own manifest line",
                doc,
            )
        found[row["file"]] = row["sha256"]
    return found


def _check_documents(review: Review, manifest: dict[str, str]) -> None:
    for doc in dict.fromkeys(
        [
            *review.documents,
            *([review.table.file] if review.table else []),
            *([review.transcription.document] if review.transcription else []),
        ]
    ):
        read_source(doc)  # a missing document is an error even where no table is read
        if doc not in manifest:
            raise InputError(
                f"{doc} is not listed in data/raw/manifest.csv: add its line (file, original name, SHA-256)",
                review.metadata_file,
            )


def _check_recorded_themes(review: Review) -> None:
    from helpers.plans.themes import taxonomy

    known = set(taxonomy()["theme_id"])
    for n, theme in enumerate(review.recorded_themes):
        if theme["theme"] not in known:
            raise InputError(
                f"recorded_themes[{n}]: theme {theme['theme']!r} is not in data/themes.csv "
                f"(known: {', '.join(sorted(known))})",
                review.metadata_file,
            )


def source_rows(review: Review) -> PlanRows | list[TableRow]:
    """A review's actions as read from its tab table or its transcription ([] when it has neither)."""
    if review.table:
        return parse_table(review)
    if review.transcription:
        return read_transcription(review)
    return []


def extract(review_ids: list[str] | None = None) -> Extracted:
    """Read every review's documents into the processed tables (in memory)."""
    every = load_reviews()
    reviews = load_reviews(review_ids) if review_ids else every
    fix = _Corrector(load_corrections())
    manifest = check_manifest()
    recs: list[dict] = []
    actions: list[dict] = []
    leads: list[dict] = []
    review_rows: list[dict] = []
    differences: list[dict] = []
    for review in reviews.values():
        _check_documents(review, manifest)
        _check_recorded_themes(review)
        rows = source_rows(review)
        these = [_action(review, row, n, fix) for n, row in enumerate(rows, start=1)]
        _resolve_cross_references(review, rows, [a for a, _ in these])
        review_recs = _recommendations(review, rows)
        _check_count(review, rows, len(review_recs))
        if review.table:
            for ref in review.reference_lists:
                differences += wording_differences(review.id, rows, ref, parse_reference_list(ref))
        recs += review_recs
        actions += [a for a, _ in these]
        leads += [lead for _, rows_ in these for lead in rows_]
        review_rows.append(_review_row(review, len(review_recs), len(rows)))
    check_all_used(fix.corrections, fix.used, set(reviews), set(every))
    result = Extracted(
        _frame("reviews", review_rows),
        _frame("recommendations", recs),
        _frame("actions", actions),
        _frame("action_leads", leads),
        _frame("wording_differences", differences),
    )
    for name, frame in result.as_tables().items():
        tables.validate(name, frame)
    return result


def write(result: Extracted) -> dict[str, int]:
    """Write the processed tables atomically; returns rows written per table."""
    folder = config.processed_dir()
    files = {folder / f"{name}.csv": tables.to_csv_text(frame) for name, frame in result.as_tables().items()}
    tables.write_atomically(files)
    return {name: len(frame) for name, frame in result.as_tables().items()}


def stale_tables(result: Extracted) -> list[str]:
    """Names of committed processed tables that differ from `result`."""
    stale = []
    for name, frame in result.as_tables().items():
        path = config.processed_dir() / f"{name}.csv"
        if not path.exists() or path.read_text(encoding="utf-8") != tables.to_csv_text(frame):
            stale.append(name)
    return stale


def summary(result: Extracted) -> str:
    """A few lines on what was extracted, for the terminal."""
    lines = [f"  {rev.review_id:<15} {rev.transcribed_note}" for rev in result.reviews.itertuples()]
    leads = result.action_leads[["council", "lead"]].drop_duplicates()
    corrected = result.actions[result.actions["correction"] != ""]
    lines.append(
        f"  {len(result.recommendations)} recommendations, {len(result.actions)} actions, {len(leads)} leads, "
        f"{len(corrected)} corrected action(s), {len(result.wording_differences)} wording difference(s) "
        "against the reports' own lists"
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """The extraction command: write data/processed, or with --check compare it with a fresh extraction."""
    parser = argparse.ArgumentParser(
        prog="python -m helpers.plans.extract",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--check", action="store_true", help="do not write; exit 1 if data/processed differs from a fresh extraction"
    )
    args = parser.parse_args(argv)
    result = extract()
    if args.check:
        stale = stale_tables(result)
        if stale:
            print(f"out of date: {', '.join(stale)} (run `make extract`)")
            return 1
        print("data/processed is up to date")
        return 0
    write(result)
    print(f"Wrote {config.relative(config.processed_dir())}/:\n{summary(result)}")
    return 0


if __name__ == "__main__":
    run_cli(main)
