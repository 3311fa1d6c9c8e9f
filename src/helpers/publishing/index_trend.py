"""The index's trend for each council: a row of counts per quarter for its latest report's committee, and what
changed since its previous report (helpers.publishing.index calls trend_html under each council's heading).

Made from the reports' own summary.json files (the counts each report showed, in its units: actions by status), so
the trend is exactly what the committee was told quarter by quarter. Only whole reports of the same committee are
compared (a report for selected reviews covers a different set of actions). A quarter with an interim report and
a final one has a row for each, the interim one marked with the day its progress was known on
("2024/25 Q1 (interim, 25 June 2024)") and placed before the final one.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Sequence
from typing import Protocol

TREND_QUARTERS = 8  # the last two years of reports


class ReportEntry(Protocol):
    """What the trend needs of an index entry (helpers.publishing.index.Entry)."""

    quarter: str
    summary: dict
    selection: list[str]

    @property
    def committee_text(self) -> str:
        """The committee's name."""
        ...


def trend_series(entries: Sequence[ReportEntry]) -> list[ReportEntry]:
    """The whole reports of the latest report's committee that give counts in actions, oldest first (at most
    TREND_QUARTERS of them). `entries`: one council's reports, newest first."""
    from helpers.base import quarters

    if not entries:
        return []
    latest = entries[0]
    same = [
        e
        for e in entries
        if e.committee_text == latest.committee_text
        and not e.selection
        and isinstance(e.summary.get("counts"), dict)
        and e.summary.get("total_unit") == "actions"
    ]
    ordered = sorted(same, key=lambda e: (quarters.parse_quarter(e.quarter), _known_on(e) is None, _known_on(e) or ""))
    return ordered[-TREND_QUARTERS:]


def _known_on(entry: ReportEntry) -> str | None:
    """The day an interim report's progress is known on ("2024-06-25"); None for a report as at its quarter end."""
    day = entry.summary.get("progress_known_on") if entry.summary.get("interim") else None
    return day if isinstance(day, str) else None


def row_label(entry: ReportEntry) -> str:
    """ "2024/25 Q1", or for an interim report "2024/25 Q1 (interim, 25 June 2024)": a quarter can have both."""
    from helpers.base import quarters

    day = _known_on(entry)
    return f"{entry.quarter} (interim, {quarters.long_date(dt.date.fromisoformat(day))})" if day else entry.quarter


def _labels(series: Sequence[ReportEntry]) -> list[str]:
    """Every status label any of the reports counts, in the order the reports give them."""
    return list(dict.fromkeys(label for e in series for label in e.summary["counts"]))


def change_sentence(series: Sequence[ReportEntry]) -> str:
    """ "Since the previous report (2023/24 Q3): Complete 2 to 3 (+1); actions 56 (unchanged)." """
    if len(series) < 2:
        return "No earlier report of this committee to compare with."
    before, after = series[-2].summary, series[-1].summary
    moved = []
    for label in _labels(series[-2:]):
        old, new = int(before["counts"].get(label, 0)), int(after["counts"].get(label, 0))
        if old != new:
            moved.append(f"{label} {old} to {new} ({new - old:+d})")
    total = f"actions {before.get('total', 0)} to {after.get('total', 0)}"
    if before.get("total") == after.get("total"):
        total = f"actions {after.get('total', 0)} (unchanged)"
    changes = "; ".join(moved) if moved else "no status count changed"
    return f"Since the previous report ({row_label(series[-2])}): {changes}; {total}."


def trend_html(entries: Sequence[ReportEntry]) -> str:
    """A small table of actions by status at each of the latest committee's reports, and the change since the
    previous one; "" when the council has no report with counts."""
    series = trend_series(entries)
    if not series:
        return ""
    labels = _labels(series)
    esc = html.escape
    head = "".join(f'<th scope="col">{esc(label)}</th>' for label in labels)
    rows = "".join(
        f'<tr><th scope="row">{esc(row_label(e))}</th>'
        + "".join(f"<td>{int(e.summary['counts'].get(label, 0))}</td>" for label in labels)
        + f"<td>{esc(str(e.summary.get('total', '')))}</td></tr>"
        for e in series
    )
    caption = f"Trend: actions by status in each quarter's report to the {series[-1].committee_text}"
    return (
        f'<table class="trend"><caption>{esc(caption)}</caption><thead><tr><th scope="col">Quarter</th>{head}'
        f'<th scope="col">Actions</th></tr></thead><tbody>{rows}</tbody></table>'
        f'<p class="trend-change">{esc(change_sentence(series))}</p>'
    )
