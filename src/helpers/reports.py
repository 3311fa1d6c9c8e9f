"""What notebooks and reports show: the loaded workspace, and tables and sentences as safe HTML.

Every piece of text from documents or updates goes through html.escape (or
pandas' escaping) here, so a "<script>" in a recommendation is shown as text.
"""
from __future__ import annotations

import html
from dataclasses import dataclass
from functools import cached_property

import pandas as pd
from IPython.display import HTML

from helpers import config, quarters, tables
from helpers.leads import without_lead, workload
from helpers.errors import InputError
from helpers.status import OVERDUE, StatusTracker, changes_since, due_next_quarter, status_counts
from helpers.themes import assign_themes, theme_long
from helpers.updates import load_updates


@dataclass
class Workspace:
    """The processed tables and update log for the chosen reviews."""

    reviews: pd.DataFrame
    recommendations: pd.DataFrame
    leads: pd.DataFrame
    updates: pd.DataFrame

    @property
    def review_ids(self) -> list[str]:
        return list(self.reviews["review_id"])

    @property
    def titles(self) -> dict[str, str]:
        return dict(zip(self.reviews["review_id"], self.reviews["title"]))

    @property
    def council(self) -> str:
        return ", ".join(dict.fromkeys(self.reviews["council"]))

    def themed(self) -> pd.DataFrame:
        return assign_themes(self.recommendations)

    def themes_long(self) -> pd.DataFrame:
        return theme_long(self.themed(), self.reviews)

    @cached_property
    def tracker(self) -> StatusTracker:
        return StatusTracker(self.recommendations, self.reviews, self.updates)

    def status(self, quarter: pd.Period) -> pd.DataFrame:
        return self.tracker.status(quarter)

    def counts(self, quarter: pd.Period) -> pd.DataFrame:
        return status_counts(self.status(quarter), self.reviews, quarter)

    def workload(self, quarter: pd.Period) -> pd.DataFrame:
        return workload(self.status(quarter), self.leads)


def load_workspace(review_ids: list[str] | None = None) -> Workspace:
    """Read the processed tables and updates; `review_ids` (None = all) must all be known reviews."""
    all_reviews = tables.read("reviews")
    known = list(all_reviews["review_id"])
    unknown = [i for i in review_ids or [] if i not in known]
    if unknown:
        raise InputError(f"unknown review id(s) {', '.join(unknown)}; known: {', '.join(known)}",
                         config.processed_dir() / "reviews.csv")
    keep = [i for i in known if not review_ids or i in review_ids]
    reviews = all_reviews[all_reviews["review_id"].isin(keep)].reset_index(drop=True)
    all_recs = tables.read("recommendations")
    updates = load_updates(all_recs, all_reviews)
    return Workspace(
        reviews=reviews,
        recommendations=all_recs[all_recs["review_id"].isin(keep)].reset_index(drop=True),
        leads=tables.read("recommendation_leads").query("review_id in @keep").reset_index(drop=True),
        updates=updates[updates["review_id"].isin(keep)].reset_index(drop=True),
    )


# --- Safe HTML ------------------------------------------------------------------

def text(*parts: str, tag: str = "p") -> HTML:
    """A paragraph (or heading) of plain text, escaped."""
    return HTML(f"<{tag}>{html.escape(''.join(parts))}</{tag}>")


def bullets(items: list[str]) -> HTML:
    return HTML("<ul>" + "".join(f"<li>{html.escape(i)}</li>" for i in items) + "</ul>")


def table(frame: pd.DataFrame, empty: str = "None.", index: bool = False) -> HTML:
    """A frame as an HTML table (escaped), or a sentence when it is empty.

    A table with a "Recommendation" column is styled to give that column room.
    """
    if frame.empty:
        return text(empty)
    shown = frame.copy()
    for col in shown.columns:
        if pd.api.types.is_datetime64_any_dtype(shown[col]):
            shown[col] = shown[col].dt.strftime("%d %b %Y").fillna("")
    classes = "report-table" + (" actions" if "Recommendation" in shown.columns else "")
    return HTML(shown.to_html(index=index, escape=True, na_rep="", border=0, classes=classes))


# --- Report content -------------------------------------------------------------

def title_block(ws: Workspace, quarter: pd.Period) -> HTML:
    as_at = quarters.long_date(quarters.end(quarter))
    return HTML(
        f"<h1>Peer review recommendations: progress report {html.escape(quarters.label(quarter))}</h1>"
        f"<p class='subtitle'>{html.escape(ws.council)} &middot; as at {html.escape(as_at)}</p>")


def reviews_agreed_by(ws: Workspace, quarter: pd.Period) -> list[str]:
    """Ids of the reviews whose action plan was approved by the quarter end."""
    end = pd.Timestamp(quarters.end(quarter))
    return list(ws.reviews.loc[ws.reviews["approved_on"] <= end, "review_id"])


def data_gaps(ws: Workspace, quarter: pd.Period) -> list[str]:
    """Sentences naming each review whose recommendations are not all transcribed."""
    end = pd.Timestamp(quarters.end(quarter))
    notes = []
    for rev in ws.reviews[ws.reviews["approved_on"] <= end].itertuples():
        if rev.recommendations_transcribed < rev.recommendations_expected:
            notes.append(f"{rev.title}: {rev.transcribed_note}. Its recommendations are counted as "
                         "'Not transcribed', not given a status.")
    return notes


def headline(counts: pd.DataFrame, quarter: pd.Period) -> str:
    """One sentence with the quarter's headline figures."""
    as_at = quarters.long_date(quarters.end(quarter))
    transcribed = int(counts["Total"].sum() - counts["Not transcribed"].sum())
    return (f"As at {as_at}, {transcribed} actions are tracked: {int(counts['Complete'].sum())} complete, "
            f"{int(counts[OVERDUE].sum())} overdue, {int(counts['Ongoing'].sum())} ongoing and "
            f"{int(counts['Not yet due'].sum())} not yet due. A further {int(counts['Not transcribed'].sum())} "
            "recommendations have not been transcribed.")


def action_table(status: pd.DataFrame) -> pd.DataFrame:
    """The columns a reader needs for a list of actions (Review is the short review id)."""
    columns = {"review_id": "Review", "rec_no": "No.", "recommendation": "Recommendation", "lead": "Lead",
               "target": "Target", "status": "Status", "latest_comment": "Latest progress",
               "latest_update_on": "Progress dated", "update_note": "Note"}
    frame = status.reindex(columns=list(columns)).rename(columns=columns)
    frame["Latest progress"] = frame["Latest progress"].fillna("").replace("", "No progress recorded")
    return frame


def changes(ws: Workspace, quarter: pd.Period) -> dict[str, pd.DataFrame]:
    return changes_since(ws.status(quarter - 1), ws.status(quarter), ws.updates, quarter)


def overdue(status: pd.DataFrame) -> pd.DataFrame:
    return status[status["status"] == OVERDUE].sort_values(["target_date", "review_id", "rec_no"])


def due_next(status: pd.DataFrame, quarter: pd.Period) -> pd.DataFrame:
    return due_next_quarter(status, quarter)


def corrections(ws: Workspace) -> pd.DataFrame:
    recs = ws.recommendations
    return recs.loc[recs["correction"] != "", ["review_id", "rec_no", "correction", "source_file", "source_lines"]]


def no_lead(status: pd.DataFrame) -> pd.DataFrame:
    return without_lead(status)[["review_id", "rec_no", "recommendation", "status", "status_basis"]]


def counts_table(counts: pd.DataFrame, titles: dict[str, str]) -> pd.DataFrame:
    """Status counts with review ids (as the other tables use) and titles, ready to show."""
    shown = counts.reset_index().rename(columns={"review": "Review"})
    shown.insert(1, "Title", shown["Review"].map(lambda r: titles.get(r, r)))
    return shown


def changes_html(ws: Workspace, quarter: pd.Period) -> HTML:
    """Newly complete, newly overdue and new progress comments since the previous quarter end."""
    found = changes(ws, quarter)
    previous = quarters.label(quarter - 1)
    parts = []
    for name, frame in found.items():
        parts.append(f"<h3>{html.escape(name.capitalize())} ({len(frame)})</h3>")
        if frame.empty:
            parts.append(f"<p>None since {html.escape(previous)}.</p>")
            continue
        if name == "new progress comments":
            shown = frame[["review_id", "rec_no", "status", "comment", "updated_on"]].rename(columns={
                "review_id": "Review", "rec_no": "No.", "status": "Status given", "comment": "Comment",
                "updated_on": "Dated"})
        else:
            shown = action_table(frame)[["Review", "No.", "Recommendation", "Lead", "Target"]]
        parts.append(table(shown).data)
    return HTML("".join(parts))


def data_notes(ws: Workspace, status: pd.DataFrame) -> list[str]:
    """Plain statements about the data behind the report: gaps, corrections, missing updates."""
    notes = []
    waiting = int((status["update_note"] != "").sum())
    if waiting:
        notes.append(f"{waiting} open actions have no progress update recorded this quarter "
                     "(marked 'no update this quarter' in the appendix).")
    for row in corrections(ws).itertuples():
        notes.append(f"Correction to {ws.titles.get(row.review_id, row.review_id)} recommendation {row.rec_no} "
                     f"({row.source_file}, line {row.source_lines}): {row.correction}")
    no_target = status[status["target_kind"] == "none"]
    if len(no_target):
        notes.append(f"{len(no_target)} actions have no target date in the source documents.")
    return notes
