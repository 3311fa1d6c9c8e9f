"""Import an action plan from the document as published (.docx, .pdf with a text layer, .xlsx, .ods, .html).

    python -m helpers.plans.import_plan --from-env    # FILE, REVIEW and TABLE from the environment (make import-plan)

Files the document in data/raw/ with its manifest line, writes data/transcriptions/<review>.csv (what
extraction reads) with <review>.provenance.csv beside it (where each cell came from), writes a draft
data/reviews/<review>.yaml (or points an existing one at the imported plan), and prints one screen.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from helpers.base import config
from helpers.base.errors import ArgumentParser, InputError, run_cli
from helpers.plans.importing import filing, metadata, writing
from helpers.plans.importing.choosing import Read, choose, read_document
from helpers.plans.importing.headers import IGNORE
from helpers.plans.importing.shape import Shaped

_REVIEW_ID = re.compile(r"^[0-9]{4}-[a-z0-9-]+$")


def settings(file: str, review: str, table: str) -> tuple[Path, str, int | None]:
    """FILE, REVIEW and TABLE checked: the document's path, the review id and the table chosen (or None)."""
    if not file.strip():
        raise InputError(
            "FILE is missing: give the document, e.g. make import-plan FILE=path/to/plan.pdf REVIEW=2025-example-cpc"
        )
    if not review.strip():
        raise InputError(
            f"REVIEW is missing: give the review id, e.g. make import-plan FILE={file.strip()} REVIEW=2025-example-cpc"
        )
    if not _REVIEW_ID.match(review.strip()):
        raise InputError(f"REVIEW={review!r} is not a review id like 2025-example-cpc (year, then a-z, 0-9, -)")
    number = None
    if table.strip():
        if not table.strip().isdigit():
            raise InputError(f"TABLE={table!r} is not a table number (1, 2, ...)")
        number = int(table)
    return Path(file.strip()).expanduser(), review.strip(), number


def import_plan(path: Path, review_id: str, number: int | None) -> str:
    """Import the plan: read, choose, shape, then write everything at once. Returns the one-screen summary."""
    from helpers.plans.tables import write_atomically

    meta_path = config.reviews_dir() / f"{review_id}.yaml"
    existing = meta_path.read_text(encoding="utf-8") if meta_path.is_file() else None
    read = read_document(path, metadata.import_columns(existing) if existing else {})
    shaped = choose(read, path, number)
    name, manifest = filing.manifest_with(path, review_id, f"Action plan imported by make import-plan ({path.name})")
    numbered = "rec_ref" in shaped.fields or any(a.cells.get("rec_ref") for a in shaped.actions)
    rows = writing.transcription_rows(shaped.actions, numbered)
    cells = writing.provenance_rows(shaped.actions)
    relative = f"transcriptions/{review_id}.csv"
    transcription = config.data_dir() / relative
    recs = sum(not a.continues for a in shaped.actions)
    if existing is None:
        meta = metadata.draft(review_id, name, path.name, relative, metadata.stated(read.text), recs)
    else:
        meta = metadata.pointed(existing, relative, name)
    files = {
        transcription: writing.csv_text(writing.COLUMNS, rows),
        transcription.with_suffix(".provenance.csv"): writing.csv_text(writing.PROVENANCE, cells),
        meta_path: meta,
    }
    if manifest is not None:
        filing.copy_document(path, name)
        files[config.raw_dir() / "manifest.csv"] = manifest
    write_atomically(files)
    return summary(read, shaped, path, name, review_id, existing is None, manifest is not None, len(cells))


def summary(
    read: Read, shaped: Shaped, path: Path, name: str, review_id: str, new: bool, filed: bool, cells: int
) -> str:
    """The one screen: what was found, where each heading went, what was joined or set aside, what to do next."""
    recs = sum(not a.continues for a in shaped.actions)
    sections = len({a.section for a in shaped.actions if a.section})
    others = [t.label for t in read.tables if t is not shaped.table]
    lines = [
        f"Imported {path.name} ({read.kind}) for review {review_id}",
        f"  document: data/raw/{name} ({'copied, manifest line added' if filed else 'already filed'})",
        f"  plan table: {shaped.table.label}" + (f"; other tables, not read: {', '.join(others)}" if others else ""),
        f"  found {recs} recommendations, {len(shaped.actions)} actions"
        + (f", {sections} sections" if sections else ""),
        "Headings:",
    ]
    unmatched = []
    for text, field in zip(shaped.header.texts(), shaped.fields, strict=False):
        heading = " ".join(text.split()) or "(blank)"
        if field is None and text.strip():
            unmatched.append(heading)
        lines.append(f"  {heading[:40]:<40} -> {field or 'not matched'}{' (left out)' if field == IGNORE else ''}")
    if unmatched:
        lines.append(
            f"  unmatched: {', '.join(unmatched)}: map one with a line in data/reviews/{review_id}.yaml, "
            f'import_columns: {{"{unmatched[0]}": lead}}, and import again'
        )
    lines += [f"  {line}" for line in shaped.numbers]
    lines.append(f"Rows joined across page breaks: {len(shaped.joined)}")
    lines += [f"  {j}" for j in shaped.joined[:8]] + (
        [f"  and {len(shaped.joined) - 8} more"] if len(shaped.joined) > 8 else []
    )
    set_aside = ", ".join(f"{n} {what}" for what, n in shaped.dropped.items())
    lines.append(f"Rows set aside: {set_aside or 'none'}")
    lines.append(f"Cells not placed: {len(shaped.not_placed)}")
    lines += [f"  {c}" for c in shaped.not_placed[:8]] + (
        [f"  and {len(shaped.not_placed) - 8} more"] if len(shaped.not_placed) > 8 else []
    )
    lines.append(
        f"Wrote data/transcriptions/{review_id}.csv ({len(shaped.actions)} rows), {review_id}.provenance.csv "
        f"({cells} cells), data/reviews/{review_id}.yaml ("
        + ("a draft: check every unknown and # check: line" if new else "now reads the imported plan")
        + ")"
    )
    lines.append(
        "Next: " + (f"check data/reviews/{review_id}.yaml and data/leads.csv, then " if new else "") + "make extract"
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """The command line (`make import-plan FILE=... REVIEW=... [TABLE=n]`)."""
    parser = ArgumentParser(prog="python -m helpers.plans.import_plan", description=__doc__.split("\n")[0])
    parser.add_argument(
        "--from-env", action="store_true", required=True, help="read FILE, REVIEW and TABLE from the environment"
    )
    parser.parse_args(argv)
    path, review_id, number = settings(
        os.environ.get("FILE", ""), os.environ.get("REVIEW", ""), os.environ.get("TABLE", "")
    )
    print(import_plan(path, review_id, number))
    return 0


if __name__ == "__main__":
    run_cli(main)
