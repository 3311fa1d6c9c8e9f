"""Which data a report is made from, as a digest: so the index can mark a report whose data has changed since.

A report for one council's committee as at a quarter end reads, through helpers.tracking.workspace
and notebook 04, the part of these files that concerns the reviews it covers (those of the
council's reviews for that committee counted by the quarter end, or a selection of them):

- data/processed/reviews.csv, recommendations.csv, actions.csv, action_leads.csv: those reviews' rows;
- data/updates/<quarter>.csv for the report's quarter and earlier ones: those reviews' rows (an update
  file holds only its own quarter's updates, so a later quarter's returns never change an earlier report);
  the report's own quarter's file whole, and the returned forms in data/updates/returns/<quarter>/,
  since the report says how many of the quarter's returns are collected;
- data/decisions/*.csv: those reviews' decisions dated on or before the quarter end;
- data/theme_overrides.csv: those reviews' rows; data/raw/manifest.csv: their documents' rows;
- data/vocabulary.yaml and data/themes.csv whole; data/report.yaml as it applies to this council
  and committee (helpers.tracking.council_settings.settings), less its `email` block, which only
  `make emails` reads (so adding the council's SMTP settings marks no report);
- and which reviews it covers: a review added to the council's committee that counts by the quarter
  end changes the report.

Each of these gets a SHA-256 of the part the report reads, so a change that cannot alter
the report (another council's plan or returns, a later quarter's updates, a decision taken
after the quarter end) never marks it. Rows are compared as the checked reader reads them
(helpers.base.readers: cells stripped, blank rows skipped), so re-saving a file unchanged does
not mark a report either. The report command records these digests in each report's
summary.json (helpers.publishing.notebook_run); the index computes them again and names what changed.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from helpers.base import config

REVIEWS_COVERED = "reviews covered"  # the digest's entry for which reviews a report covers
PROCESSED = ("reviews", "recommendations", "actions", "action_leads")
RETURN_SUFFIX = ".xlsx"
# data/report.yaml's blocks that no report reads: `email` is for `make emails` alone (helpers.cycle.emails)
NOT_REPORTED = ("email",)


def _sha(value: object) -> str:
    return hashlib.sha256(json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")).hexdigest()


def _file_sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def shown(path: Path) -> str:
    """A data file as the index names it: "data/updates/2024-25-Q1.csv" (wherever PEER_REVIEW_DATA points)."""
    try:
        return "data/" + path.relative_to(config.data_dir()).as_posix()
    except ValueError:
        return str(path)


@dataclass
class _Rows:
    """A CSV file's header and rows as the checked reader gives them; None for a file it refuses."""

    header: tuple[str, ...]
    rows: list[tuple[str, ...]]
    _groups: dict[str, dict[str, list[tuple[str, ...]]]] = field(default_factory=dict)

    def column(self, name: str) -> int | None:
        return self.header.index(name) if name in self.header else None

    def by(self, name: str) -> dict[str, list[tuple[str, ...]]] | None:
        """{value of the column `name`: its rows, in file order} (None without that column), worked out once."""
        at = self.column(name)
        if at is None:
            return None
        if name not in self._groups:
            groups: dict[str, list[tuple[str, ...]]] = {}
            for row in self.rows:
                groups.setdefault(row[at], []).append(row)
            self._groups[name] = groups
        return self._groups[name]


class Inputs:
    """Digests of what reports read, for one report or many (each file is read once per Inputs)."""

    def __init__(self) -> None:
        self._rows: dict[Path, _Rows | None] = {}
        self._whole: dict[Path, str] = {}
        self._listed: dict[tuple[Path, str], list[Path]] = {}
        self._settings: dict[tuple[str, str], str] = {}
        self._audiences: list | None = None

    # --- Reading ---------------------------------------------------------------------------------

    def _read(self, path: Path) -> _Rows | None:
        if path not in self._rows:
            from helpers.base.errors import InputError
            from helpers.base.readers import read_csv

            try:
                frame = read_csv(path, required=[], allow_extra=True, what="data file")
            except (InputError, OSError):
                self._rows[path] = None  # not readable as a table: compared whole
            else:
                columns = tuple(c for c in frame.columns if c != "_row")  # row numbers move when others' rows do
                self._rows[path] = _Rows(columns, list(frame[list(columns)].itertuples(index=False, name=None)))
        return self._rows[path]

    def whole(self, path: Path) -> str:
        """The SHA-256 of a whole file ("missing" if there is none)."""
        if path not in self._whole:
            try:
                self._whole[path] = _file_sha(path)
            except OSError:
                self._whole[path] = "missing"
        return self._whole[path]

    def rows(
        self,
        path: Path,
        column: str,
        values: Iterable[str],
        keep: Callable[[_Rows, tuple[str, ...]], bool] = lambda table, row: True,
    ) -> str | None:
        """The digest of a CSV file's header and its rows whose `column` holds one of `values` (and that `keep`
        keeps); None when there are none (the file does not concern the report). A file the reader refuses,
        or without that column, is compared whole."""
        table = self._read(path)
        groups = table.by(column) if table is not None else None
        if table is None or groups is None:
            return self.whole(path) if path.exists() else None
        kept = [row for value in sorted(set(values)) for row in groups.get(value, ()) if keep(table, row)]
        return _sha([table.header, kept]) if kept else None

    def _list(self, folder: Path, pattern: str) -> list[Path]:
        if (folder, pattern) not in self._listed:
            self._listed[folder, pattern] = sorted(folder.glob(pattern)) if folder.is_dir() else []
        return self._listed[folder, pattern]

    def _settings_digest(self, council: str, committee: str) -> str:
        """data/report.yaml as it applies to this council and committee (the whole file if it is refused)."""
        from helpers.base.errors import InputError
        from helpers.tracking import council_settings as report_settings

        if (council, committee) not in self._settings:
            try:
                read = report_settings.settings(council, committee)
                self._settings[council, committee] = _sha({k: v for k, v in read.items() if k not in NOT_REPORTED})
            except InputError:
                self._settings[council, committee] = self.whole(report_settings.settings_file())
        return self._settings[council, committee]

    # --- One report ------------------------------------------------------------------------------

    def covered(self, quarter_label: str, council: str, committee: str, selection: list[str] | None) -> list[str]:
        """The reviews a report covers, as the data stands: the selection's, or the council's reviews for that
        committee, in either case those counted by the quarter end."""
        from helpers.base import quarters
        from helpers.committee import report_audiences

        end = quarters.end(quarters.parse_quarter(quarter_label))
        dates = report_audiences.tracked_from()
        if selection:
            return [r for r in selection if r in dates and dates[r] <= end]
        if self._audiences is None:
            self._audiences = report_audiences.audiences()
        found = [a for a in self._audiences if (a.council, a.committee) == (council, committee)]
        return report_audiences.counted_by(found[0], end) if found else []

    def report(
        self, quarter_label: str, council: str, committee: str, selection: list[str] | None = None
    ) -> dict[str, str]:
        """{data file (or "reviews covered"): SHA-256 of the part this report reads}, sorted by name."""
        from helpers.base import quarters
        from helpers.tracking import council_settings as report_settings
        from helpers.tracking.decisions import decisions_dir

        quarter = quarters.parse_quarter(quarter_label)
        end = quarters.end(quarter).isoformat()
        covered = self.covered(quarter_label, council, committee, selection)
        found: dict[str, str | None] = {REVIEWS_COVERED: _sha(sorted(covered))}
        for name in PROCESSED:
            path = config.processed_dir() / f"{name}.csv"
            found[shown(path)] = self.rows(path, "review_id", covered)

        updates = config.updates_dir()
        for path in self._list(updates, "*.csv"):
            try:
                of = quarters.parse_quarter(path.stem.replace("-", "/", 1).replace("-", " "))
            except quarters.BadQuarter:
                of = None  # not a quarter's file: the report command refuses it before any report is made
            if of == quarter:
                found[shown(path)] = self.whole(path)  # the report counts the quarter's collected returns
            elif of is None or of < quarter:
                found[shown(path)] = self.rows(path, "review_id", covered)
        returns = updates / "returns" / quarters.slug(quarter)
        returned = [
            p.name
            for p in self._list(returns, "*")
            if p.suffix.lower() == RETURN_SUFFIX and not p.name.startswith(("~$", "."))
        ]
        if returned:
            found[shown(returns) + "/"] = _sha(returned)

        def decided_by_then(table: _Rows, row: tuple[str, ...]) -> bool:
            at = table.column("decided_on")
            return at is None or not row[at] or row[at] <= end

        for path in self._list(decisions_dir(), "*.csv"):
            found[shown(path)] = self.rows(path, "review_id", covered, decided_by_then)

        overrides = config.rules_file("theme_overrides.csv")
        found[shown(overrides)] = self.rows(overrides, "review_id", covered)
        manifest = config.raw_dir() / "manifest.csv"
        found[shown(manifest)] = self.rows(manifest, "file", self._documents(covered))
        for name in ("vocabulary.yaml", "themes.csv"):
            found[shown(config.rules_file(name))] = self.whole(config.rules_file(name))
        found[shown(report_settings.settings_file())] = self._settings_digest(council, committee)
        return {k: v for k, v in sorted(found.items()) if v is not None}

    def _documents(self, ids: list[str]) -> set[str]:
        """The source documents of these reviews (reviews.csv `documents`), whose manifest rows the report shows."""
        table = self._read(config.processed_dir() / "reviews.csv")
        groups = table.by("review_id") if table is not None else None
        docs = table.column("documents") if table is not None else None
        if groups is None or docs is None:
            return set()
        return {d.strip() for r in ids for row in groups.get(r, ()) for d in row[docs].split(";") if d.strip()}


def digest(files: dict[str, str]) -> str:
    """One SHA-256 for all of a report's inputs."""
    return _sha(sorted(files.items()))


def changed(recorded: dict[str, str], now: dict[str, str]) -> list[str]:
    """The inputs that differ between two digests (added, removed or changed), by name."""
    return sorted(k for k in set(recorded) | set(now) if recorded.get(k) != now.get(k))
