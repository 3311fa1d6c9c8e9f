"""What each report folder holds, what it is called, and how it is written.

    reports/2023-24-Q4/                   every review, as at the end of 2023/24 Q4
    reports/2023-24-Q4--2021-finance/     a selection of reviews (never over the full report)
        report.html     the committee's page (helpers.html_export)
        report.pdf      the same page printed (helpers.pdf)
        report.ipynb    the executed notebook papermill wrote: the audit trail of every figure
        summary.json    the headline counts, for reports/index.html
    reports/_failed/2023-24-Q4.ipynb      the executed notebook of a report that failed

A folder's files are written all or nothing (helpers.tables.write_atomically): an
interrupted or failed write leaves the previous report as it was.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from helpers.errors import InputError

REPORT_FILE = "report.html"
NOTEBOOK_FILE = "report.ipynb"
SUMMARY_FILE = "summary.json"
FAILED = "_failed"
SUMMARY_TAG = "summary"  # the notebook cell whose JSON output feeds the index
_NAME = re.compile(r"^(\d{4})-(\d{2})-Q([1-4])(?:--([a-z0-9-]+))?$")


def folder_name(quarter_label: str, review_ids: list[str] | None) -> str:
    """ "2023-24-Q4" for every review; "2023-24-Q4--2021-finance" for a selection."""
    slug = quarter_label.replace("/", "-").replace(" ", "-")
    return f"{slug}--{'-'.join(sorted(review_ids))}" if review_ids else slug


def read_folder_name(name: str) -> tuple[str, str] | None:
    """("2023/24 Q4", "2021-finance") for "2023-24-Q4--2021-finance"; ("2023/24 Q4", "") for a full report;
    None for a folder that is not a report's."""
    match = _NAME.match(name)
    if not match:
        return None
    return f"{match.group(1)}/{match.group(2)} Q{match.group(3)}", match.group(4) or ""


def summary_of(nb: Any) -> dict | None:
    """The application/json output of the cell tagged `summary`, if the notebook has one."""
    for cell in nb.cells:
        if SUMMARY_TAG in cell.get("metadata", {}).get("tags", []):
            for output in cell.get("outputs", []):
                data = output.get("data", {})
                if "application/json" in data:
                    value = data["application/json"]
                    return json.loads(value) if isinstance(value, str) else dict(value)
    return None


def write_report(html_path: Path, page: str, summary: dict | None, notebook: str | None = None) -> bool:
    """Write report.html, summary.json and report.ipynb together, all or nothing. Returns whether the page
    differs from the one already there (an unchanged page is left untouched, and its PDF need not be printed)."""
    from helpers.tables import write_atomically

    try:
        changed = html_path.read_text(encoding="utf-8") != page
    except (OSError, UnicodeDecodeError):
        changed = True
    files = {html_path: page} if changed else {}
    if summary is not None:
        files[html_path.with_name(SUMMARY_FILE)] = json.dumps(summary, indent=2) + "\n"  # counts in display order
    if notebook is not None:
        files[html_path.with_name(NOTEBOOK_FILE)] = notebook
    try:
        write_atomically(files)
    except OSError as err:
        raise InputError(
            f"cannot write the report ({err.strerror}); check that the folder is writable", html_path.parent
        ) from None
    if summary is None:
        html_path.with_name(SUMMARY_FILE).unlink(missing_ok=True)
    return changed


def keep_failed(out_root: Path, name: str, notebook: str) -> Path | None:
    """reports/_failed/<name>.ipynb: the executed notebook of a report that failed (None if it cannot be kept)."""
    from helpers.tables import write_atomically

    kept = out_root / FAILED / f"{name}.ipynb"
    try:
        write_atomically({kept: notebook})
    except OSError:
        return None
    return kept


def clear_failed(out_root: Path, name: str) -> None:
    """Forget an earlier failure of this report, now that it has succeeded."""
    stale = out_root / FAILED / f"{name}.ipynb"
    if stale.exists():
        stale.unlink()
        if not any(stale.parent.iterdir()):
            stale.parent.rmdir()
