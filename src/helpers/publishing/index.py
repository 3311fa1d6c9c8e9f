"""reports/index.html: every report, grouped by council, newest first, with its headline counts.

    python -m helpers.publishing.index     # write it again (make index), e.g. after `make collect`, to see what changed

Written from the report folders alone (report.html, report.pdf, summary.json; see
helpers.publishing.report_folder), so it lists exactly what is there, including what an
interrupted run finished. Each council has a heading; each report names its quarter,
its committee and the reviews it covers, and gives its counts in the report's own
units: actions by status, with recommendations not yet transcribed as a data gap
beside them, never added in. A report whose data has changed since it was written
(helpers.publishing.report_inputs: the digest in its summary.json against the data now) is
marked, naming what changed and the command that brings it up to date (with INTERIM=1 while its quarter
has not ended: the index never suggests a command that refuses). An interim report says so, and the day it was
made. A paper issued to its committee (`make issue`, reports/issued/) is listed with the report made since:
"Issued to <committee> for its meeting on <date>", and what the current one is: that paper, made again from the
same data (another meeting date, say), or refreshed from later data (the digests in the two summary.json files).
"""

from __future__ import annotations

import datetime as dt
import html
import re
import shlex
from dataclasses import dataclass, field
from pathlib import Path

from helpers.base import config
from helpers.base.errors import InputError, run_cli
from helpers.publishing.index_trend import trend_html
from helpers.publishing.pdf import PDF_FILE
from helpers.publishing.report_folder import (
    REPORT_FILE,
    earlier_report_folders,
    name_part,
    read_summary,
    report_folders,
)

INDEX_FILE = "index.html"
TITLE = "Peer review recommendations: quarterly reports"

_STYLE = """body{font-family:sans-serif;max-width:50rem;margin:2rem auto;padding:0 1rem;line-height:1.5;color:#1a1a1a}
li{margin-bottom:.9rem} .counts,.reviews,.gaps{color:#333;font-size:.95rem} a{color:#0b5394}
nav ul{list-style:none;padding:0;display:flex;flex-wrap:wrap;gap:.25rem 1.25rem}
.stale{margin:.3rem 0 0;padding:.3rem .6rem;border-left:.3rem solid #8a5300;background:#fff4e0;color:#1a1a1a}
.issued{display:inline-block;margin-top:.2rem}
.note{padding:.3rem .6rem;border-left:.3rem solid #8a5300;background:#fff4e0}
code{font-size:.9rem;word-break:break-word}
table.trend{border-collapse:collapse;font-size:.9rem;margin:.3rem 0} .trend caption{text-align:left;font-weight:bold}
.trend th,.trend td{border:1px solid #767676;padding:.15rem .4rem;text-align:left} .trend-change{margin:.2rem 0 .8rem}
.visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}"""


@dataclass
class Entry:
    """One report as the index lists it (from its folder and summary.json)."""

    quarter: str
    folder: Path
    council: str
    committee: str
    summary: dict
    selection: list[str] = field(default_factory=list)
    changed: list[str] | None = None  # inputs changed since it was written; None: not known
    issued: list = field(default_factory=list)  # the papers issued from this report folder (IssuedPaper)

    @property
    def committee_text(self) -> str:
        """The committee's name, or "committee not named"."""
        return self.committee or "committee not named"


def _entry(quarter: str, folder: Path) -> Entry:
    summary = read_summary(folder)
    council = summary.get("council") if isinstance(summary.get("council"), str) else ""
    committee = summary.get("committee") if isinstance(summary.get("committee"), str) else ""
    if not council:  # a report whose summary does not say: its folder's name is all there is
        council = folder.name.split("--")[0].replace("-", " ")
    selection = summary.get("selection")
    chosen = [r for r in selection if isinstance(r, str)] if isinstance(selection, list) else []
    return Entry(quarter, folder, council, committee, summary, chosen)


def _add_issued(entries: list[Entry], out_root: Path) -> None:
    """Attach each issued paper to its report's entry; a paper whose report folder is gone gets an entry of its
    own (its issued copy)."""
    from helpers.tracking.issued_papers import issued_papers

    by_folder = {(e.folder.parent.name, e.folder.name): e for e in entries}
    for paper in issued_papers(out_root=out_root):
        entry = by_folder.get((paper.folder.parent.name, paper.folder.name))
        if entry is None:
            entry = _entry(paper.quarter, paper.folder)
            entries.append(entry)
            by_folder[(paper.folder.parent.name, paper.folder.name)] = entry
        entry.issued.append(paper)


def _check_data(entries: list[Entry]) -> str | None:
    """Mark each entry's changed inputs (helpers.publishing.report_inputs); the reason if the data cannot be read."""
    from helpers.publishing.report_inputs import Inputs, changed

    inputs = Inputs()
    for entry in entries:
        recorded = (entry.summary.get("inputs") or {}).get("files") if isinstance(entry.summary, dict) else None
        if not isinstance(recorded, dict):
            continue  # made before reports recorded their data
        try:
            now = inputs.report(entry.quarter, entry.council, entry.committee, entry.selection or None)
        except (InputError, OSError, ValueError) as err:
            return str(err)
        entry.changed = changed(recorded, now)
    return None


def _shell(value: str) -> str:
    """A value as typed after `make report NAME=`: in double quotes where that is safe, else shell-quoted."""
    return f'"{value}"' if not re.search(r'["$`\\!]', value) else shlex.quote(value)


def refresh_command(entry: Entry, today: dt.date | None = None) -> str:
    """`make report QUARTER="2024/25 Q1" COUNCIL="Vale District Council"` (and REVIEWS for a selection; INTERIM=1
    while the quarter has not ended by `today`, default today: without it the command would refuse)."""
    from helpers.base import quarters

    command = f"make report QUARTER={_shell(entry.quarter)} COUNCIL={_shell(entry.council)}"
    if entry.selection:
        command += f" REVIEWS={_shell(' '.join(entry.selection))}"
    if not quarters.has_ended(entry.quarter, today or dt.date.today()):
        command += " INTERIM=1"
    return command


def _issued_html(entry: Entry) -> str:
    """Each paper issued from this report, linked, and whether the report beside it was refreshed since."""
    if not entry.issued:
        return ""
    items = []
    for paper in entry.issued:
        base = "/".join(html.escape(p) for p in paper.folder.relative_to(paper.folder.parents[2]).parts)
        who = html.escape(paper.committee or "the committee")
        when = f"for its meeting on {paper.considered_on}" if paper.meeting_date else f"on {paper.considered_on}"
        items.append(
            f'<strong>Issued to {who} {html.escape(when)}</strong>: <a href="{base}/{REPORT_FILE}">the paper the '
            f'committee considered</a> (<a href="{base}/{PDF_FILE}">PDF</a>)'
        )
    return f'<br><span class="issued">{"; ".join(items)}; {_since_issued(entry)}.</span>'


def _since_issued(entry: Entry) -> str:
    """What the report beside the last issued paper is: that paper, the same data made again (another meeting
    date or day made, say), or later data; "made again" alone when either does not record its data."""
    if _same_page(entry):
        return "the report above is that paper"
    then = _data_digest(read_summary(entry.issued[-1].folder))
    now = _data_digest(entry.summary)
    if then is None or now is None:
        return "the report above was made again since"
    if then == now:
        return "the report above was made again since, from the same data"
    return "the report above was refreshed since, from later data"


def _data_digest(summary: dict) -> str | None:
    """The digest of the data a report was made from (its summary.json `inputs`), None if it does not say."""
    inputs = summary.get("inputs") if isinstance(summary, dict) else None
    found = inputs.get("digest") if isinstance(inputs, dict) else None
    return found if isinstance(found, str) else None


def _same_page(entry: Entry) -> bool:
    """Whether the report folder's page is still the one last issued (byte for byte)."""
    try:
        return (entry.folder / REPORT_FILE).read_bytes() == (entry.issued[-1].folder / REPORT_FILE).read_bytes()
    except OSError:
        return False


def _counts_html(summary: dict) -> str:
    """ "56 actions: Complete: 12 · ..." and, apart, "A data gap, not counted in the actions: 9 recommendations
    not transcribed"; nothing where the summary does not say its unit (an old summary may have added the two)."""
    counts, total, unit = summary.get("counts"), summary.get("total"), summary.get("total_unit")
    if not isinstance(counts, dict) or not isinstance(total, int) or not isinstance(unit, str):
        return ""
    parts = [f"{html.escape(str(name))}: {html.escape(str(value))}" for name, value in counts.items()]
    one = unit[:-1] if total == 1 and unit.endswith("s") else unit  # "1 action", "56 actions"
    shown = f"{total} {html.escape(one)}" + (f": {' &middot; '.join(parts)}" if parts else "")
    out = f'<br><span class="counts">{shown}</span>'
    gaps = summary.get("data_gaps")
    if isinstance(gaps, dict) and gaps:
        listed = "; ".join(f"{html.escape(str(name))}: {html.escape(str(n))}" for name, n in gaps.items())
        out += f'<br><span class="gaps">A data gap, not counted in the {html.escape(unit)}: {listed}</span>'
    return out


def _reviews_html(entry: Entry) -> str:
    reviews = entry.summary.get("reviews")
    titles = [str(r.get("title") or r.get("id")) for r in reviews if isinstance(r, dict)] if reviews else []
    if not titles and entry.selection:
        titles = entry.selection
    if not titles:
        return ""
    what = "Selected reviews" if entry.selection else "Reviews"
    return f'<br><span class="reviews">{what}: {html.escape("; ".join(titles))}</span>'


def _stale_html(entry: Entry) -> str:
    if entry.changed is None and "inputs" not in entry.summary:
        why = "This report does not record the data it was made from (it was made before reports did)."
    elif entry.changed:
        why = (
            "<strong>The data behind this report has changed since it was written</strong>: "
            f"{html.escape(', '.join(entry.changed))}."
        )
    else:
        return ""
    return f'<p class="stale">{why} To bring it up to date, run <code>{html.escape(refresh_command(entry))}</code>.</p>'


def _entry_html(entry: Entry) -> str:
    from helpers.base import quarters
    from helpers.tracking.issued_papers import ISSUED

    kept = 3 if entry.folder.parent.parent.name == ISSUED else 2  # an issued paper whose report folder is gone
    base = "/".join(html.escape(part) for part in entry.folder.parts[-kept:])
    which = f"{entry.quarter}: {entry.committee_text}" + (", selected reviews" if entry.selection else "")
    pdf = ""
    if (entry.folder / PDF_FILE).exists():
        hidden = f'<span class="visually-hidden"> of {html.escape(which)}, {html.escape(entry.council)}</span>'
        pdf = f' (<a href="{base}/{PDF_FILE}">PDF{hidden}</a>)'
    as_at = "as at " + quarters.long_date(quarters.end(quarters.parse_quarter(entry.quarter)))
    known_on = entry.summary.get("progress_known_on") if entry.summary.get("interim") else None
    if isinstance(known_on, str):
        as_at = f"interim report, progress known on {quarters.long_date(dt.date.fromisoformat(known_on))}"
        which += " (interim)"
    return (
        f'<li><a href="{base}/{REPORT_FILE}">{html.escape(which)}</a> &ndash; {html.escape(as_at)}{pdf}'
        f"{_reviews_html(entry)}{_counts_html(entry.summary)}{_issued_html(entry)}{_stale_html(entry)}</li>"
    )


def _earlier_html(out_root: Path) -> str:
    from helpers.base import quarters

    found = sorted(earlier_report_folders(out_root), key=lambda f: (quarters.parse_quarter(f[0]), f[1].name))
    if not found:
        return ""
    rows = "".join(
        f'<li><a href="{html.escape(folder.name)}/{REPORT_FILE}">{html.escape(label)}'
        + (f" (reviews {html.escape(folder.name.split('--', 1)[1])})" if "--" in folder.name else "")
        + "</a></li>"
        for label, folder in reversed(found)
    )
    return (
        '<h2 id="earlier">Earlier reports</h2>'
        "<p>Made before each report was for one council and committee: "
        f"they may cover several councils' reviews together.</p><ul>{rows}</ul>"
    )


def page(out_root: Path) -> str:
    """The index page for the report folders under `out_root`."""
    from helpers.base import quarters

    entries = [_entry(label, folder) for label, folder in report_folders(out_root)]
    _add_issued(entries, out_root)
    problem = _check_data(entries) if entries else None
    by_council: dict[str, list[Entry]] = {}
    for entry in sorted(
        entries,
        key=lambda e: (-quarters.parse_quarter(e.quarter).ordinal, e.committee_text.casefold(), bool(e.selection)),
    ):
        by_council.setdefault(entry.council, []).append(entry)
    names = sorted(by_council, key=str.casefold)
    anchors = {name: f"council-{name_part(name).lower() or 'unnamed'}" for name in names}
    sections = "".join(
        f'<h2 id="{html.escape(anchors[name])}">{html.escape(name)}</h2>{trend_html(by_council[name])}'
        f'<ul class="reports">{"".join(_entry_html(e) for e in by_council[name])}</ul>'
        for name in names
    )
    nav = (
        '<nav aria-label="Councils"><ul>'
        + "".join(f'<li><a href="#{html.escape(anchors[n])}">{html.escape(n)}</a></li>' for n in names)
        + "</ul></nav>"
        if len(names) > 1
        else ""
    )
    note = (
        f'<p class="note">Whether each report is up to date could not be checked: {html.escape(problem)}</p>'
        if problem
        else ""
    )
    body = sections or "<p>No reports yet: run <code>make report</code>.</p>"
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>{TITLE}</title>
<style>{_STYLE}</style>
</head><body>
<main>
<h1>{TITLE}</h1>
<p>Progress on the actions each council agreed after its LGA peer reviews: one report a quarter for each
council and the committee that monitors its reviews, newest first. Counts are of actions, as in the
reports; recommendations not yet transcribed are a data gap, counted apart.</p>
{nav}{note}{body}{_earlier_html(out_root)}
</main>
</body></html>
"""


def write_index(out_root: Path | None = None) -> Path:
    """reports/index.html: every report, grouped by council, newest first, with its counts and whether its data
    has changed since it was written."""
    out_root = out_root or config.reports_dir()
    text = page(out_root)
    path = out_root / INDEX_FILE
    from helpers.plans.tables import write_atomically

    try:
        write_atomically({path: text})
    except OSError as err:
        raise InputError(
            f"cannot write the index ({err.strerror}); check that the folder is writable", out_root
        ) from None
    return path


def main(argv: list[str] | None = None) -> int:
    """Write reports/index.html again."""
    from helpers.base.errors import ArgumentParser

    ArgumentParser(prog="python -m helpers.publishing.index", description=__doc__).parse_args(argv)
    print(f"index: {config.relative(write_index())}")
    return 0


if __name__ == "__main__":
    run_cli(main)
