"""The record of the papers issued to committees: where they are kept, and what each one's manifest says.

`make issue` (helpers.publishing.issue) copies a report, as the committee receives it, into

    reports/issued/<2026-27-Q3>/<Council>--<Committee>[--<review ids>][--interim]/
        report.html, report.pdf, report.ipynb, summary.json   the paper, exactly as made
        issued.json   the manifest: quarter, council, committee, meeting date, the day it was issued, each
                      file's SHA-256, and the digest of the data the report was made from

and no later command writes there (a refreshed report goes to its usual folder beside it). This module reads
that record for the stages that need it (the decision sheet names the paper its decisions are on; the index
shows which paper the committee considered), so it sits before them.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

from helpers.base import config, quarters

ISSUED = "issued"  # reports/issued/
MANIFEST = "issued.json"


def issued_root(out_root: Path | None = None) -> Path:
    """reports/issued/: every paper issued to a committee, one folder each."""
    return Path(out_root or config.reports_dir()) / ISSUED


@dataclass(frozen=True)
class IssuedPaper:
    """One paper as issued: whose, which quarter, for which meeting, and where its files are."""

    folder: Path
    quarter: str
    council: str
    committee: str
    issued_on: str  # "2026-12-07"
    meeting_date: str | None = None
    interim: bool = False
    selection: tuple[str, ...] = ()
    progress_known_on: str | None = None  # an interim paper's day, "2026-12-07": its figures are as at then

    @property
    def considered_on(self) -> str:
        """ "10 December 2026": the meeting that considered it, else the day it was issued."""
        return quarters.long_date(dt.date.fromisoformat(self.meeting_date or self.issued_on))

    def describe(self) -> str:
        """ "reports/issued/2026-27-Q3/…/report.pdf, issued to Audit and Governance Committee for its meeting on
        10 December 2026" (as the decision sheet and messages name it)."""
        who = self.committee or "the committee"
        when = f"for its meeting on {self.considered_on}" if self.meeting_date else f"on {self.considered_on}"
        kind = "interim report " if self.interim else ""
        return f"{kind}{config.relative(self.folder / 'report.pdf')}, issued to {who} {when}"


def read_manifest(folder: Path) -> IssuedPaper | None:
    """The paper issued in `folder`, from its issued.json (None if it has none, or it does not read)."""
    try:
        data = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        return IssuedPaper(
            folder,
            str(data["quarter"]),
            str(data["council"]),
            str(data.get("committee") or ""),
            str(data["issued_on"]),
            data.get("meeting_date") or None,
            bool(data.get("interim")),
            tuple(data.get("selection") or ()),
            data.get("progress_known_on") or None,
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None


def issued_papers(quarter: str | None = None, out_root: Path | None = None) -> list[IssuedPaper]:
    """Every paper issued (for one quarter, "2026/27 Q3", if given), ordered by quarter and folder."""
    root = issued_root(out_root)
    folders = (
        sorted(root.glob(f"{quarters.slug(quarters.parse_quarter(quarter))}/*"))
        if quarter
        else sorted(root.glob("*/*"))
    )
    return [paper for paper in map(read_manifest, folders) if paper is not None]


def issued_to(quarter: str, council: str, committee: str, out_root: Path | None = None) -> list[IssuedPaper]:
    """The papers issued to one council's committee for a quarter (an interim one and a final one, say)."""
    return [p for p in issued_papers(quarter, out_root) if (p.council, p.committee) == (council, committee)]
