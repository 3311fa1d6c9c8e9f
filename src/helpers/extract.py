"""Extraction step: data/raw + data/reviews -> data/processed tables.

    python -m helpers.extract           # rebuild the processed tables
    python -m helpers.extract --check   # exit 1 if the committed tables differ from a fresh extraction
"""
from __future__ import annotations

import argparse
from dataclasses import dataclass

import pandas as pd

from helpers import config, tables
from helpers.corrections import check_all_used, load_corrections
from helpers.errors import InputError, run_cli
from helpers.extraction import (TableRow, cross_references, is_only_cross_reference, parse_reference_list,
                                parse_table, read_source, wording_differences)
from helpers.leads import UnknownLead, leads_long, split_leads
from helpers.reviews import Review, load_reviews
from helpers.targets import UnreadableTarget, parse_target


@dataclass
class Extracted:
    recommendations: pd.DataFrame
    recommendation_leads: pd.DataFrame
    reviews: pd.DataFrame
    wording_differences: pd.DataFrame

    def as_tables(self) -> dict[str, pd.DataFrame]:
        return {"recommendations": self.recommendations, "recommendation_leads": self.recommendation_leads,
                "reviews": self.reviews, "wording_differences": self.wording_differences}


def _recommendation(review: Review, row: TableRow, corrections: dict, used: set) -> dict[str, object]:
    """One tidy recommendation row from a table row: leads split, target typed, corrections applied."""
    spec = review.table
    path = config.raw_dir() / spec.file
    cells = row.cells
    typed = {}
    notes = []
    for field in ("target", "lead"):
        value = cells.get(field, "")
        correction = corrections.get((review.id, row.rec_no, field))
        if correction:
            used.add((review.id, row.rec_no, field))
            if correction.raw_value.strip() != value:
                raise InputError(f"correction for {field} of recommendation {row.rec_no} expects "
                                 f"{correction.raw_value!r} but the document has {value!r}",
                                 config.rules_file("corrections.csv"), correction.row)
            value = correction.corrected_value
            notes.append(correction.describe())
        typed[field] = value
    try:
        target = parse_target(typed["target"], review.source_date)
        leads = split_leads(typed["lead"])
    except (UnreadableTarget, UnknownLead) as err:
        raise InputError(f"recommendation {row.rec_no}: {err}", path, row.first_line) from None
    response = cells.get("response", "")
    refs = cross_references(response)
    return {
        "review_id": review.id, "rec_no": row.rec_no, "section": row.section,
        "recommendation": cells["recommendation"], "response": response,
        "lead": cells.get("lead", ""), "leads": "; ".join(leads),
        "target": cells.get("target", ""), "target_date": target.date, "target_kind": target.kind,
        "progress": cells.get("progress", ""), "see_also": "; ".join(map(str, refs)),
        "follows": refs[0] if is_only_cross_reference(response) and len(refs) == 1 else None,
        "correction": " | ".join(notes),
        "source_file": spec.file, "source_lines": row.line_range,
    }


def _check_cross_references(review: Review, rows: list[TableRow], records: list[dict]) -> None:
    numbers = {r.rec_no for r in rows}
    for row, rec in zip(rows, records):
        path = config.raw_dir() / rec["source_file"]
        for ref in filter(None, str(rec["see_also"]).split("; ")):
            if int(ref) not in numbers:
                raise InputError(f"recommendation {row.rec_no} refers to {ref}, which this review does not have",
                                 path, row.first_line)
            if int(ref) == row.rec_no:
                raise InputError(f"recommendation {row.rec_no} refers to itself", path, row.first_line)


def _review_row(review: Review, transcribed: int) -> dict[str, object]:
    note = f"{transcribed} of {review.recommendations_expected} transcribed"
    if transcribed < review.recommendations_expected:
        note += (" (the published documents hold no action-plan table)" if review.table is None
                 else " (fewer rows than the documents say)")
    return {
        "review_id": review.id, "title": review.title, "council": review.council, "kind": review.kind,
        "visit_start": review.visit_start, "visit_end": review.visit_end, "approved_on": review.approved_on,
        "approved_by": review.approved_by, "source_date": review.source_date,
        "recommendations_expected": review.recommendations_expected, "recommendations_transcribed": transcribed,
        "transcribed_note": note,
        "recorded_themes": "; ".join(t["as_recorded"] for t in review.recorded_themes),
        "recorded_theme_ids": "; ".join(t["theme"] for t in review.recorded_themes),
        "documents": "; ".join(review.documents),
    }


def extract(review_ids: list[str] | None = None) -> Extracted:
    """Read every review's documents into the processed tables (in memory)."""
    reviews = load_reviews(review_ids)
    corrections = load_corrections()
    used: set = set()
    records: list[dict] = []
    review_rows: list[dict] = []
    differences: list[dict] = []
    for review in reviews.values():
        for doc in review.documents:
            read_source(doc)  # a missing document is an error even where no table is read
        rows: list[TableRow] = parse_table(review) if review.table else []
        recs = [_recommendation(review, row, corrections, used) for row in rows]
        _check_cross_references(review, rows, recs)
        if len(rows) > review.recommendations_expected:
            raise InputError(f"the table has {len(rows)} rows but recommendations_expected is "
                             f"{review.recommendations_expected}", review.metadata_file)
        for ref in review.reference_lists:
            differences += wording_differences(review.id, rows, ref, parse_reference_list(ref))
        records += recs
        review_rows.append(_review_row(review, len(rows)))
    if review_ids is None:
        check_all_used(corrections, used, set(reviews))
    recommendations = pd.DataFrame.from_records(records, columns=list(tables.RECOMMENDATIONS.columns))
    recommendations["target_date"] = pd.to_datetime(recommendations["target_date"]).astype("datetime64[ns]")
    recommendations["follows"] = recommendations["follows"].astype("Int64")
    recommendations["rec_no"] = recommendations["rec_no"].astype("int64")
    for col in ("section", "response", "lead", "leads", "target", "progress", "see_also", "correction"):
        recommendations[col] = recommendations[col].fillna("").astype(str)
    reviews_table = pd.DataFrame.from_records(review_rows, columns=list(tables.REVIEWS.columns))
    for col in ("visit_start", "visit_end", "approved_on", "source_date"):
        reviews_table[col] = pd.to_datetime(reviews_table[col]).astype("datetime64[ns]")
    wording = pd.DataFrame.from_records(differences, columns=list(tables.WORDING_DIFFERENCES.columns))
    wording["rec_no"] = wording["rec_no"].astype("int64")
    result = Extracted(recommendations, leads_long(recommendations), reviews_table, wording)
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
    lines = []
    for rev in result.reviews.itertuples():
        lines.append(f"  {rev.review_id:<15} {rev.transcribed_note}")
    recs = result.recommendations
    corrected = recs[recs["correction"] != ""]
    lines.append(f"  {len(recs)} recommendations, {result.recommendation_leads['lead'].nunique()} leads, "
                 f"{len(corrected)} correction(s), {len(result.wording_differences)} wording difference(s) "
                 "against the reports' own lists")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m helpers.extract", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true",
                        help="do not write; exit 1 if data/processed differs from a fresh extraction")
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
