"""reports/index.html: every quarter's report, newest first, with its headline counts where known.

Written from the report folders alone (report.html, report.pdf, summary.json), so it
lists exactly what is there, including what an interrupted run finished.
"""

from __future__ import annotations

import html
import json
from pathlib import Path

from helpers import config
from helpers.errors import InputError
from helpers.pdf import PDF_FILE
from helpers.report_folder import REPORT_FILE, SUMMARY_FILE, read_folder_name

INDEX_FILE = "index.html"


def _read_summary(folder: Path) -> dict:
    try:
        data = json.loads((folder / SUMMARY_FILE).read_text(encoding="utf-8"))
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


def _counts_text(summary: dict) -> str:
    counts = summary.get("counts")
    if not isinstance(counts, dict) or not counts:
        return ""
    parts = [f"{html.escape(str(name))}: {html.escape(str(value))}" for name, value in counts.items()]
    total = summary.get("total")
    if isinstance(total, int):
        parts.append(f"total {total}")
    return f'<span class="counts">{" &middot; ".join(parts)}</span>'


def write_index(out_root: Path | None = None) -> Path:
    """reports/index.html: every quarter's report, newest first, with its headline counts if known."""
    from helpers import quarters

    out_root = out_root or config.reports_dir()
    found = []
    for folder in out_root.iterdir() if out_root.exists() else []:
        named = read_folder_name(folder.name)
        if named and (folder / REPORT_FILE).exists():
            found.append((quarters.parse_quarter(named[0]), folder))
    found.sort(key=lambda item: (item[0], item[1].name.count("--") == 0), reverse=True)
    summaries = {folder.name: _read_summary(folder) for _, folder in found}
    councils: list[str] = []
    for summary in summaries.values():
        names = summary.get("councils")
        for name in names if isinstance(names, list) else []:
            if isinstance(name, str) and name not in councils:
                councils.append(name)
    whose = f"{html.escape(' and '.join(councils))}&rsquo;s" if councils else "the council&rsquo;s"
    rows = []
    for q, folder in found:
        name = html.escape(folder.name)
        extra = [f'<a href="{name}/{PDF_FILE}">PDF</a>'] if (folder / PDF_FILE).exists() else []
        counts = _counts_text(summaries[folder.name])
        selection = read_folder_name(folder.name)[1]
        which = f" (selected reviews: {html.escape(selection)})" if selection else ""
        rows.append(
            f'<li><a href="{name}/{REPORT_FILE}">{html.escape(quarters.label(q))}{which}</a>'
            f" &ndash; as at {html.escape(quarters.long_date(quarters.end(q)))}"
            + (f" ({', '.join(extra)})" if extra else "")
            + (f"<br>{counts}" if counts else "")
            + "</li>"
        )
    page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>Peer review recommendations: quarterly reports</title>
<style>body{{font-family:sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem;line-height:1.5;color:#1a1a1a}}
li{{margin-bottom:.6rem}} .counts{{color:#333;font-size:.95rem}} a{{color:#0b5394}}</style>
</head><body>
<main>
<h1>Peer review recommendations: quarterly reports</h1>
<p>Progress on the actions agreed after {whose} LGA peer reviews,
one report per financial-year quarter, newest first.</p>
<h2>Reports</h2>
<ul>{"".join(rows) or "<li>No reports yet: run <code>make report</code>.</li>"}</ul>
</main>
</body></html>
"""
    path = out_root / INDEX_FILE
    from helpers.tables import write_atomically

    try:
        write_atomically({path: page})
    except OSError as err:
        raise InputError(
            f"cannot write the index ({err.strerror}); check that the folder is writable", out_root
        ) from None
    return path
