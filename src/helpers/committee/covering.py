"""The covering report, as councils' committee papers have it: the recommendation and its reason,
options considered, implications, the author and background papers.

The wording comes from data/report.yaml (per council and committee, see
helpers.tracking.council_settings); the background papers are the source documents of the
reviews the report covers, from data/raw/manifest.csv. Text is escaped here.
"""

from __future__ import annotations

import datetime as dt
import html

import pandas as pd

from helpers.base import config, quarters
from helpers.tracking.decisions import CLOSURE, ESCALATION, REVISION
from helpers.tracking.requests import TABLE_ORDER, Requests, table_letters

MANIFEST_REQUIRED = ["file", "original_name", "sha256"]
MANIFEST_OPTIONAL = ["review_id", "role", "bytes", "description"]
TABLE_IDS = {REVISION: "decisions-revisions", CLOSURE: "decisions-closures", ESCALATION: "decisions-escalations"}
# The keys of data/report.yaml's `recommendation` wording for each kind of decision.
WORDING = {REVISION: "revisions", CLOSURE: "closures", ESCALATION: "escalations"}


def read_manifest() -> pd.DataFrame:
    """data/raw/manifest.csv, checked: one row per raw document (file, original name, review, description)."""
    from helpers.base.readers import read_csv

    return read_csv(
        config.raw_dir() / "manifest.csv",
        required=MANIFEST_REQUIRED,
        optional=MANIFEST_OPTIONAL,
        what="raw document manifest",
    )


def _counted(n: int) -> dict[str, str]:
    """The wording's counted phrases: {actions} "the action" / "the 3 actions", {dates} "the revised target date" /
    "the 3 revised target dates", {are} "is" / "are"."""
    if n == 1:
        return {"actions": "the action", "dates": "the revised target date", "are": "is"}
    return {"actions": f"the {n} actions", "dates": f"the {n} revised target dates", "are": "are"}


def recommendation_parts(
    settings: dict, requests: Requests, quarter: pd.Period, transcribed: bool = True, as_at: dt.date | None = None
) -> list[str]:
    """The parts of the recommendation for decision: one per kind of decision asked for, then `notes` (or
    `nothing_transcribed` where the reviews covered have no action transcribed, so no progress to note). `as_at`:
    the day the figures are as at where not the quarter end (an interim report's day)."""
    wording = settings["recommendation"]
    letters = table_letters(requests)
    counts = requests.counts()
    as_at_text = quarters.long_date(as_at or quarters.end(quarter))
    parts = [
        str(wording[WORDING[kind]]).format(
            count=counts[kind],
            table=letters[kind],
            as_at=as_at_text,
            quarter=quarters.label(quarter),
            **_counted(counts[kind]),
        )
        for kind in TABLE_ORDER
        if counts[kind]
    ]
    last = wording["notes" if transcribed else "nothing_transcribed"]
    parts.append(str(last).format(as_at=as_at_text, quarter=quarters.label(quarter), count=0, table=""))
    return parts


def recommendation_text(committee: str | None, parts: list[str]) -> str:
    """ "That the X notes ..." or "That the X: (a) ...; (b) ...; and (c) notes ..." as one plain sentence."""
    who = f"That the {committee}" if committee else "That the committee"
    if len(parts) == 1:
        return f"{who} {parts[0]}."
    lettered = [f"({chr(ord('a') + n)}) {part}" for n, part in enumerate(parts)]
    return f"{who}: " + "; ".join(lettered[:-1]) + "; and " + lettered[-1] + "."


def recommendation_html(committee: str | None, parts: list[str]) -> str:
    """The recommendation as the report shows it: a sentence, or a lettered list when it asks for decisions."""
    who = html.escape(f"That the {committee}" if committee else "That the committee")
    if len(parts) == 1:
        return f"<p>{who} {html.escape(parts[0])}.</p>"
    items = "".join(
        f"<li>{html.escape(part)}{';' if n < len(parts) - 2 else ('; and' if n == len(parts) - 2 else '.')}</li>"
        for n, part in enumerate(parts)
    )
    return f"<p>{who}:</p><ol type='a' class='recommendation'>{items}</ol>"


def author_text(settings: dict) -> str:
    """ "Jane Smith, Corporate Policy and Performance Manager (jane.smith@...)" from what is set ("" if nothing)."""
    name, role, contact = (str(settings.get(k) or "").strip() for k in ("author_name", "author_role", "contact"))
    text = ", ".join(p for p in (name, role) if p)
    return f"{text} ({contact})" if contact else text


def background_papers(documents: pd.Series) -> pd.DataFrame:
    """The source documents of the reviews covered ("a.txt; b.txt" each): description and file (from the manifest)."""
    manifest = read_manifest().set_index("file")
    rows = []
    for files in documents:
        for file in [f.strip() for f in str(files).split(";") if f.strip()]:
            described = manifest["description"].get(file, "") if file in manifest.index else ""
            rows.append({"Document": described or file, "File (data/raw)": file})
    return pd.DataFrame(rows).drop_duplicates(ignore_index=True) if rows else pd.DataFrame(rows)


# What the covering report says where data/report.yaml gives no implications for the council: words for the
# committee; the analyst is told what to give by the report command (settings_gaps) and docs/adding-a-review.md.
IMPLICATIONS_NOT_SET = "Not assessed for this report."


def settings_gaps(settings: dict) -> list[str]:
    """The settings a committee paper needs that data/report.yaml does not give for this council and committee
    ("author_role", "covering.implications"), for the report command to name; the paper says "Not set"."""
    gaps = [] if author_text(settings) else ["author_role"]
    return gaps + ([] if (settings.get("covering") or {}).get("implications") else ["covering.implications"])


def covering_text(settings: dict, key: str, committee: str | None) -> str:
    """The covering report's `reason` or `options` with {committee} filled in: the body the report goes to
    ("Cabinet"), or "committee" where none is named; "" where the settings give none."""
    text = str((settings.get("covering") or {}).get(key) or "").strip()
    return text.format(committee=committee or "committee")


def covering_html(settings: dict, documents: pd.Series, committee: str | None = None) -> str:
    """Options considered, implications and background papers: the covering report's closing sections."""
    from helpers.committee.presentation import table_html

    covering = settings.get("covering") or {}
    parts = []
    options = covering_text(settings, "options", committee)
    if options:
        parts.append(f"<h2 id='options'>Options considered</h2><p>{html.escape(options)}</p>")
    implications = covering.get("implications") or {}
    if implications:
        frame = pd.DataFrame(
            {
                "Implication": [k.capitalize() for k in implications],
                "Assessment": [str(v) for v in implications.values()],
            }
        )
        parts.append(
            "<h2 id='implications'>Implications</h2>"
            + table_html(frame).replace("<table", "<table aria-labelledby='implications'", 1)
        )
    else:  # no assessment is made up for a council whose settings give none
        parts.append(f"<h2 id='implications'>Implications</h2><p>{html.escape(IMPLICATIONS_NOT_SET)}</p>")
    papers = background_papers(documents)
    parts.append(
        "<h2 id='background-papers'>Background papers</h2>"
        + table_html(papers, caption="Background papers: the published documents this report draws on", empty="None.")
    )
    return "".join(parts)
