"""What each report folder holds, what it is called, and how it is written.

Every report is for one council and one committee, as at one quarter end:

    reports/2023-24-Q4/                                   the quarter (forms/ and decisions/ live here too)
        Vale-District-Council--Audit-and-Governance-Committee/   every review the council reports to that committee
        Vale-District-Council--Audit-and-Governance-Committee--2021-finance/
                                                          a selection of its reviews (never over the full report)
        Test-Valley-Borough-Council--Cabinet/             another council's report for the same quarter
        Vale-District-Council--Audit-and-Governance-Committee--interim/
                                                          an interim report, made before the quarter ended
            report.html     the committee's page (helpers.publishing.html_export)
            report.pdf      the same page printed (helpers.publishing.pdf)
            report.ipynb    the executed notebook papermill wrote: the audit trail of every figure
            summary.json    the headline counts, who the report is for, and the data it was made from
                            (helpers.publishing.report_inputs), for reports/index.html
    reports/_failed/2023-24-Q4--Vale-District-Council--Audit-and-Governance-Committee.ipynb
                            the executed notebook of a report that failed

The quarter comes first so that a quarter's cycle (forms out, reports, decision
sheets) sits in one folder; inside it, one folder per council and committee, named
from the review metadata ("committee-not-named" where no committee is named). The
index (helpers.publishing.index) groups the reports by council.

A folder's files are written all or nothing (helpers.plans.tables.write_atomically): an
interrupted or failed write leaves the previous report as it was.
"""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path
from typing import Any

from helpers.base.errors import InputError

REPORT_FILE = "report.html"
NOTEBOOK_FILE = "report.ipynb"
SUMMARY_FILE = "summary.json"
FAILED = "_failed"
SUMMARY_TAG = "summary"  # the notebook cell whose JSON output feeds the index
INTERIM = "interim"  # the last part of an interim report's folder name
UNNAMED_COMMITTEE = "committee-not-named"  # the folder name's part where no committee is named
_QUARTER = re.compile(r"^(\d{4})-(\d{2})-Q([1-4])$")
# Report folders of the layout before reports were per council: reports/2023-24-Q4/report.html (every review)
# and reports/2023-24-Q4--2021-finance/report.html (a selection). Listed by the index, never written.
_EARLIER = re.compile(r"^(\d{4})-(\d{2})-Q([1-4])(?:--([a-z0-9-]+))?$")


def name_part(text: str) -> str:
    """Letters, digits and single hyphens: "Audit & Governance Committee" -> "Audit-and-Governance-Committee"."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    plain = re.sub(r"['\u2019]", "", plain).replace("&", " and ")
    return re.sub(r"[^A-Za-z0-9]+", "-", plain).strip("-")


def quarter_folder_name(quarter_label: str) -> str:
    """ "2023-24-Q4" for "2023/24 Q4"."""
    return quarter_label.replace("/", "-").replace(" ", "-")


def folder_name(
    council: str, committee: str, selection: list[str] | tuple[str, ...] | None = None, interim: bool = False
) -> str:
    """ "Vale-District-Council--Audit-and-Governance-Committee" for a council's report to a committee; with a selection
    of its reviews, their ids follow ("...--2021-finance-2022-progress"); an interim report's ends "--interim"."""
    parts = [name_part(council) or "council", name_part(committee) or UNNAMED_COMMITTEE]
    if selection:
        parts.append("-".join(sorted(selection)))
    if interim:
        parts.append(INTERIM)
    return "--".join(parts)


def report_folder(
    out_root: Path,
    quarter_label: str,
    council: str,
    committee: str,
    selection: list[str] | tuple[str, ...] | None = None,
    interim: bool = False,
) -> Path:
    """reports/<2023-24-Q4>/<Council>--<Committee>[--<review ids>][--interim]/"""
    return out_root / quarter_folder_name(quarter_label) / folder_name(council, committee, selection, interim)


def read_quarter_folder(name: str) -> str | None:
    """ "2023/24 Q4" for a quarter's folder "2023-24-Q4"; None for any other folder."""
    match = _QUARTER.match(name)
    return f"{match.group(1)}/{match.group(2)} Q{match.group(3)}" if match else None


def report_folders(out_root: Path) -> list[tuple[str, Path]]:
    """(quarter label, folder) for every folder under reports/ that holds a report.html, in the layout above."""
    found = []
    for quarter_dir in out_root.iterdir() if out_root.is_dir() else []:
        label = read_quarter_folder(quarter_dir.name)
        if label is None or not quarter_dir.is_dir():
            continue
        found += [(label, f) for f in quarter_dir.iterdir() if "--" in f.name and (f / REPORT_FILE).is_file()]
    return found


def earlier_report_folders(out_root: Path) -> list[tuple[str, Path]]:
    """(quarter label, folder) for reports written in the layout before reports were per council."""
    found = []
    for folder in out_root.iterdir() if out_root.is_dir() else []:
        match = _EARLIER.match(folder.name)
        if match and (folder / REPORT_FILE).is_file():
            found.append((f"{match.group(1)}/{match.group(2)} Q{match.group(3)}", folder))
    return found


def failed_name(out_root: Path, folder: Path) -> str:
    """ "2023-24-Q4--Vale-District-Council--Audit-and-Governance-Committee": a folder's name in reports/_failed/."""
    try:
        return "--".join(folder.relative_to(out_root).parts)
    except ValueError:
        return folder.name


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


def read_summary(folder: Path) -> dict:
    """A report folder's summary.json ({} if missing or unreadable)."""
    try:
        data = json.loads((folder / SUMMARY_FILE).read_text(encoding="utf-8"))
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


def write_report(html_path: Path, page: str, summary: dict | None, notebook: str | None = None) -> bool:
    """Write report.html, summary.json and report.ipynb together, all or nothing. Returns whether the page
    differs from the one already there (an unchanged page is left untouched, and its PDF need not be printed)."""
    from helpers.plans.tables import write_atomically

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
    from helpers.plans.tables import write_atomically

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
