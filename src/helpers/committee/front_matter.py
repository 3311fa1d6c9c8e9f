"""The committee report's front matter: its title, who it is for, the recommendation and the covering report.

Everything comes from the workspace and the report settings in data/report.yaml (for this report's council
and committee); nothing about any council is written here. All text is escaped (html.escape, or
helpers.committee.presentation).
"""

from __future__ import annotations

import datetime as dt
import html

import pandas as pd
from IPython.display import HTML

from helpers.base import quarters
from helpers.base.dates import show_date
from helpers.committee import covering
from helpers.tracking import council_settings
from helpers.tracking import requests as asked_of_committee
from helpers.tracking.workspace import Workspace


def settings(ws: Workspace | None = None, quarter: pd.Period | None = None) -> dict:
    """data/report.yaml for this report's council and committee (the defaults without a workspace)."""
    if ws is None or quarter is None:
        return council_settings.settings()
    return council_settings.settings(*council_settings.scope(ws, quarter))


# What the front matter says where no committee is named, and how an analyst names one.
COMMITTEE_NOT_NAMED = (
    "Not named in the review metadata (name it in the review's action_plan.monitored_by in data/reviews/, "
    "or as the council's committee in data/report.yaml)"
)
# What the front matter says where data/report.yaml names no author for this council (the report command tells the
# analyst what to give: helpers.committee.covering.settings_gaps).
AUTHOR_NOT_SET = "Not set"


def defaults_note(ws: Workspace, quarter: pd.Period) -> str:
    """Why this report uses data/report.yaml's defaults ("" where its council has settings of its own)."""
    councils = list(dict.fromkeys(ws.counted_reviews(quarter)["council"]))
    if len(councils) > 1:
        return "This report covers several councils, so data/report.yaml's defaults are used"
    if councils and not council_settings.own_settings(councils[0]):
        return "This council has no settings of its own in data/report.yaml: defaults used"
    return ""


def transcribed(ws: Workspace, quarter: pd.Period) -> bool:
    """False only where the report covers reviews and none of them has an action transcribed (no progress to note)."""
    counted = ws.counted_reviews(quarter)["review_id"]
    return counted.empty or bool(ws.actions["review_id"].isin(counted).any())


def report_title(
    quarter: pd.Period,
    title: str | None = None,
    council: str | None = None,
    committee: str | None = None,
    interim: bool = False,
) -> str:
    """ "Peer review recommendations: progress report 2023/24 Q4 – Vale District Council, Audit and Governance
    Committee": the report's heading and page title (so the PDF's running header), naming who it is for (the
    council alone where no committee is named); "interim progress report" for a quarter not yet ended."""
    text = f"{title or settings()['title']}: {'interim ' if interim else ''}progress report {quarters.label(quarter)}"
    who = ", ".join(part for part in (council, committee) if part)
    return f"{text} \u2013 {who}" if council else text


def as_at_row(quarter: pd.Period, known_on: str | None = None) -> tuple[str, str]:
    """("Progress as at", "31 December 2026"), or for an interim report made on 7 December 2026
    ("Progress known on", "7 December 2026 (interim report: the quarter ends on 31 December 2026)")."""
    as_at = quarters.long_date(quarters.end(quarter))
    if not known_on:
        return "Progress as at", as_at
    made = quarters.long_date(dt.date.fromisoformat(known_on))
    return "Progress known on", f"{made} (interim report: the quarter ends on {as_at})"


def _as_at(ws: Workspace, quarter: pd.Period) -> dt.date | None:
    """The day the figures are as at where it is not the quarter end (an interim report's day), else None."""
    day = ws.as_at(quarter)
    return day if day != quarters.end(quarter) else None


def figures_note(ws: Workspace, quarter: pd.Period) -> str:
    """The one sentence an interim report gives on the day its figures are as at ("" for a report as at the
    quarter end): "Figures are as at 7 December 2026, the day this interim report was made"."""
    day = _as_at(ws, quarter)
    return f"Figures are as at {quarters.long_date(day)}, the day this interim report was made." if day else ""


def front_matter(
    ws: Workspace, quarter: pd.Period, meeting_date: str | None = None, known_on: str | None = None
) -> HTML:
    """Title, council, committee, meeting date, author, as-at date, the recommendation and its reason. An interim
    report (`known_on`: the day it is made, before the quarter ends) says so in its title and gives that day."""
    counted = ws.counted_reviews(quarter)
    councils = ", ".join(dict.fromkeys(counted["council"])) or "No review counts yet"
    named = ", ".join(council_settings.committees(ws, quarter))
    chosen = settings(ws, quarter)
    meeting = show_date(pd.Timestamp(meeting_date)) if meeting_date else "to be set"
    council, committee = council_settings.scope(ws, quarter)
    rows = [
        ("Council", councils),
        ("Committee", named or COMMITTEE_NOT_NAMED),
        ("Meeting date", meeting),
        ("Report of", covering.author_text(chosen) or AUTHOR_NOT_SET),
        as_at_row(quarter, known_on),
        ("Reviews covered", "; ".join(counted["title"]) or "none yet"),
    ]
    if defaults_note(ws, quarter):
        rows.append(("Report settings", defaults_note(ws, quarter)))
    facts = "".join(f"<tr><th scope='row'>{html.escape(k)}</th><td>{html.escape(v)}</td></tr>" for k, v in rows)
    asked = asked_of_committee.for_quarter(ws, quarter)
    parts = covering.recommendation_parts(chosen, asked, quarter, transcribed(ws, quarter), _as_at(ws, quarter))
    reason = covering.covering_text(chosen, "reason", named)
    return HTML(
        f"<h1>{html.escape(report_title(quarter, chosen['title'], council, committee, bool(known_on)))}</h1>"
        f"<table class='front-matter'><caption>About this report</caption>{facts}</table>"
        + (f"<p class='figures-as-at'>{html.escape(note)}</p>" if (note := figures_note(ws, quarter)) else "")
        + f"<h2 id='recommendation'>Recommendation</h2>{covering.recommendation_html(named or None, parts)}"
        + (f"<h2 id='reason'>Reason for the recommendation</h2><p>{html.escape(reason)}</p>" if reason else "")
    )


def recommendation(ws: Workspace, quarter: pd.Period) -> str:
    """The recommendation for decision as one plain sentence (for the index, notebooks and tests)."""
    asked = asked_of_committee.for_quarter(ws, quarter)
    parts = covering.recommendation_parts(
        settings(ws, quarter), asked, quarter, transcribed(ws, quarter), _as_at(ws, quarter)
    )
    return covering.recommendation_text(", ".join(council_settings.committees(ws, quarter)) or None, parts)


def covering_html(ws: Workspace, quarter: pd.Period) -> HTML:
    """Options considered, implications and background papers for this report's council and committee."""
    named = ", ".join(council_settings.committees(ws, quarter))
    return HTML(covering.covering_html(settings(ws, quarter), ws.counted_reviews(quarter)["documents"], named))
