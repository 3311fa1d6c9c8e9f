"""One report to make (a Run), what every report of a command shares (Settings), and what became of it (Outcome).

A report is for one quarter, one council and one committee (helpers.publishing.report decides which
reports a command makes); each is a Run, and gets its own folder (helpers.publishing.report_folder).
helpers.publishing.runner makes them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from helpers.publishing.kernel import KERNEL_NAME


class ReportFailed(Exception):
    """A report could not be made; the message says where and what to check."""


@dataclass(frozen=True)
class Run:
    """One report to make: a quarter ("2023/24 Q4"), the council and committee it is for ("" where no committee
    is named), the reviews the notebook is given, its folder, and whether those reviews are a selection
    (REVIEWS) rather than all the council's reviews for that committee."""

    quarter: str
    council: str
    committee: str
    reviews: tuple[str, ...]
    folder: Path
    selection: bool = False
    known_on: str | None = None  # an interim report's day ("2026-12-07"): the quarter has not ended by then

    @property
    def interim(self) -> bool:
        """Whether this is an interim report: a quarter not ended, reported as the progress known on a day."""
        return self.known_on is not None

    @property
    def name(self) -> str:
        """ "2023/24 Q4, Vale District Council, Audit and Governance Committee" (as messages name a report)."""
        selected = f" (reviews {', '.join(self.reviews)})" if self.selection else ""
        interim = f" (interim, progress known on {self.known_on})" if self.interim else ""
        return f"{self.quarter}, {self.council}, {self.committee or 'committee not named'}{selected}{interim}"


@dataclass(frozen=True)
class Settings:
    """What every report of a command shares."""

    notebook: Path
    out_root: Path
    meeting_date: str | None = None
    pdf: bool = False
    require_pdf: bool = False  # a PDF that cannot be printed fails its report (REQUIRE_PDF, on unless 0)
    kernel_name: str = KERNEL_NAME


@dataclass(frozen=True)
class Outcome:
    """What became of one Run: the report's HTML, or why there is none."""

    run: Run
    path: Path | None
    error: str | None = None

    @property
    def quarter(self) -> str:
        """The quarter of the run, as its label."""
        return self.run.quarter
