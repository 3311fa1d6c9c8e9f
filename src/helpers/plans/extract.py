"""Extraction step: data/raw + data/reviews -> data/processed tables.

python -m helpers.plans.extract           # rebuild the processed tables
python -m helpers.plans.extract --check   # exit 1 if the committed tables differ from a fresh extraction
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from helpers.base import config
from helpers.base.errors import InputError, run_cli
from helpers.plans import tables
from helpers.plans.action_rows import Corrector, action_row, recommendation_rows, resolve_cross_references
from helpers.plans.corrections import check_all_used, load_corrections
from helpers.plans.plan_tables import PlanRows, TableRow, parse_table, read_source
from helpers.plans.reference_lists import parse_reference_list, wording_differences
from helpers.plans.reviews import Review, load_reviews
from helpers.plans.transcriptions import read_transcription

# Documents filed as published (make import-plan): their text is read into a transcription, never as text.
_BINARY = (".docx", ".pdf", ".xlsx", ".ods")


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
        if Path(doc).suffix.lower() in _BINARY:  # a published file read by make import-plan: only needs to be there
            if not (config.raw_dir() / doc).is_file():
                raise InputError("raw document not found", config.raw_dir() / doc)
        else:
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
    fix = Corrector(load_corrections())
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
        these = [action_row(review, row, n, fix) for n, row in enumerate(rows, start=1)]
        resolve_cross_references(review, rows, [a for a, _ in these])
        review_recs = recommendation_rows(review, rows)
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
