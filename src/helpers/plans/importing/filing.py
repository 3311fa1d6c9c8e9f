"""The imported document filed in data/raw/ with its manifest line; one already there under another name
is refused (by its SHA-256), and a different document under the same name too."""

from __future__ import annotations

import csv
import hashlib
import io
import re
from pathlib import Path

from helpers.base import config
from helpers.base.errors import InputError

MANIFEST_COLUMNS = ["file", "original_name", "review_id", "role", "sha256", "bytes", "description"]


def raw_name(original: Path) -> str:
    """The name the document is filed under: its own, in lower case, spaces and odd characters as hyphens."""
    stem = re.sub(r"[^a-z0-9]+", "-", original.stem.lower()).strip("-") or "document"
    return f"{stem}{original.suffix.lower()}"


def _manifest_rows() -> list[dict[str, str]]:
    """data/raw/manifest.csv's rows (checked by the shared CSV reader)."""
    from helpers.base.readers import read_csv

    frame = read_csv(
        config.raw_dir() / "manifest.csv",
        required=["file", "original_name", "sha256"],
        optional=["review_id", "role", "bytes", "description"],
        what="raw document manifest",
    )
    return frame.drop(columns=["_row"]).to_dict("records")


def manifest_with(source: Path, review_id: str, description: str) -> tuple[str, str | None]:
    """(the name in data/raw/, the manifest's text with the document's line added, or None where the same
    document is already filed for this review: importing it again files nothing new). Writes nothing."""
    data = source.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    name = raw_name(source)
    rows = _manifest_rows()
    for row in rows:
        if row["sha256"].lower() == digest:
            if row["file"] == name and row.get("review_id", "") in ("", review_id):
                return name, None
            raise InputError(
                f"this document is already in data/raw/manifest.csv as {row['file']}"
                + (f" (review {row['review_id']})" if row.get("review_id") else ""),
                source,
            )
    if name in {r["file"] for r in rows} or (config.raw_dir() / name).exists():
        raise InputError(f"data/raw/ already has a different document named {name}: rename this file", source)
    rows.append(
        {
            "file": name,
            "original_name": source.name,
            "review_id": review_id,
            "role": "source",
            "sha256": digest,
            "bytes": str(len(data)),
            "description": description,
        }
    )
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=MANIFEST_COLUMNS, lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return name, out.getvalue()


def copy_document(source: Path, name: str) -> Path:
    """The document copied into data/raw/ under `name` (whole, or not at all)."""
    import os
    import tempfile

    target = config.raw_dir() / name
    fd, tmp = tempfile.mkstemp(prefix=f".{name}.", dir=target.parent)
    with os.fdopen(fd, "wb") as f:
        f.write(source.read_bytes())
    os.chmod(tmp, 0o644)
    os.replace(tmp, target)
    return target
