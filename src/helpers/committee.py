"""What the committee report says: front matter, summary, changes, overdue and due actions, every action.

Everything comes from the workspace (documents, metadata, updates) and the
report settings in data/report.yaml; nothing about any council is written here.
All text is escaped through helpers.presentation.
"""

from __future__ import annotations

import datetime as dt
import html
from functools import lru_cache
from pathlib import Path

import pandas as pd
from IPython.display import HTML

from helpers import config, quarters
from helpers.errors import InputError
from helpers.presentation import show_date, table_html
from helpers.status import changes_since, due_next_quarter, last_reported
from helpers.updates import PLAN
from helpers.vocabulary import DATA_GAPS, NOT_REPORTED, NOT_TRANSCRIBED, OVERDUE, status_labels, status_meanings
from helpers.workspace import Workspace

# LGA guidance on the peer challenge cycle, in months after the visit.
ACTION_PLAN_WITHIN, ACTION_PLAN_AT_MOST = 3, 5
PROGRESS_REVIEW_ABOUT = 10
PROGRESS_REPORT_WITHIN = 12


@lru_cache(maxsize=4)
def _settings(path: Path) -> dict:
    from helpers.readers import read_yaml

    data, _ = read_yaml(path)
    needed = ("title", "author_role", "recommendation")
    if not isinstance(data, dict) or any(not str(data.get(k) or "").strip() for k in needed):
        raise InputError(f"report settings need {', '.join(needed)}", path, 1)
    return data


def settings() -> dict:
    """data/report.yaml: the report's title, author role and recommendation for decision."""
    return _settings(config.rules_file("report.yaml"))


def report_title(quarter: pd.Period) -> str:
    return f"{settings()['title']}: progress report {quarters.label(quarter)}"


def committees(ws: Workspace, quarter: pd.Period) -> list[str]:
    """The committees that monitor the counted reviews' plans (from review metadata)."""
    named = [c for c in ws.counted_reviews(quarter)["monitored_by"] if c]
    return list(dict.fromkeys(named))


def front_matter(ws: Workspace, quarter: pd.Period, meeting_date: str | None = None) -> HTML:
    """Title, committee, meeting date, author role, as-at date and the recommendation for decision."""
    counted = ws.counted_reviews(quarter)
    councils = ", ".join(dict.fromkeys(counted["council"])) or "No review counts yet"
    named = ", ".join(committees(ws, quarter))
    committee = named or "the committee"
    meeting = show_date(pd.Timestamp(meeting_date)) if meeting_date else "to be set"
    as_at = quarters.long_date(quarters.end(quarter))
    rows = [
        ("Council", councils),
        ("Committee", named or "not named in the review metadata"),
        ("Meeting date", meeting),
        ("Report of", settings()["author_role"]),
        ("Progress as at", as_at),
        ("Reviews covered", "; ".join(counted["title"]) or "none yet"),
    ]
    facts = "".join(f"<tr><th scope='row'>{html.escape(k)}</th><td>{html.escape(v)}</td></tr>" for k, v in rows)
    recommendation = str(settings()["recommendation"]).format(
        committee=committee, quarter=quarters.label(quarter), as_at=as_at
    )
    return HTML(
        f"<h1>{html.escape(report_title(quarter))}</h1>"
        f"<table class='front-matter'><caption>About this report</caption>{facts}</table>"
        f"<h2 id='recommendation'>Recommendation</h2><p>{html.escape(recommendation)}</p>"
    )


def headline(counts: pd.DataFrame, quarter: pd.Period) -> str:
    """One sentence with every status's count; the parts add up to the total."""
    as_at = quarters.long_date(quarters.end(quarter))
    labels = status_labels()
    tracked = counts.drop(columns=["Total", *DATA_GAPS], errors="ignore")
    total_actions = int(tracked.to_numpy().sum())
    parts = [f"{int(counts[s].sum())} {labels[s].lower()}" for s in tracked.columns if counts[s].sum()]
    sentence = f"As at {as_at}, {total_actions} actions are tracked"
    sentence += ": " + _join(parts) + "." if parts else "."
    gaps = [f"{int(counts[s].sum())} {labels[s].lower()}" for s in DATA_GAPS if s in counts and counts[s].sum()]
    if gaps:
        sentence += f" Data gaps, not statuses: {_join(gaps)}."
    return sentence


def _join(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def _months_between(start: dt.date, end: dt.date) -> float:
    return (end - start).days / 30.44


def milestones(review: pd.Series) -> dict[str, str]:
    """The LGA milestones for one review: met, missed or not known (with the dates that decide it)."""
    visit = review["visit_end"] if pd.notna(review["visit_end"]) else None
    plan = review["action_plan_published"] or (
        review["approved_on"].date().isoformat() if pd.notna(review["approved_on"]) else ""
    )

    def judge(done: str, limit_months: float, what: str) -> str:
        if visit is None or not done or done == "unknown":
            return f"not known ({what} date not recorded)" if visit is not None else "not known (visit date unknown)"
        months = _months_between(visit.date(), dt.date.fromisoformat(done))
        verdict = "met" if months <= limit_months else "missed"
        return f"{verdict} ({show_date(pd.Timestamp(done))}, {months:.0f} months after the visit)"

    plan_label = f"Action plan published (expected within {ACTION_PLAN_WITHIN} months, at most {ACTION_PLAN_AT_MOST})"
    visit_label = f"Progress review visit (expected about {PROGRESS_REVIEW_ABOUT} months after)"
    report_label = f"Progress review report (expected within {PROGRESS_REPORT_WITHIN} months)"
    if review["kind"] == "progress review":
        not_applicable = "not applicable: this review is itself a progress review"
        return {
            plan_label: judge(plan, ACTION_PLAN_AT_MOST, "action plan"),
            visit_label: not_applicable,
            report_label: not_applicable,
        }
    return {
        plan_label: judge(plan, ACTION_PLAN_AT_MOST, "action plan"),
        visit_label: judge(review["progress_review_visit"], PROGRESS_REVIEW_ABOUT + 2, "progress review"),
        report_label: judge(review["progress_review_report"], PROGRESS_REPORT_WITHIN, "progress review report"),
    }


def review_summary(ws: Workspace, status: pd.DataFrame, counts: pd.DataFrame, quarter: pd.Period) -> pd.DataFrame:
    """One column per counted review: actions, % complete, counts by status, last progress reported, LGA milestones."""
    labels = status_labels()
    reported = last_reported(status) if len(status) else pd.Series(dtype="datetime64[ns]")
    columns = {}
    for review in ws.counted_reviews(quarter).to_dict("records"):
        rid = review["review_id"]
        row = counts.loc[rid] if rid in counts.index else pd.Series(dtype=int)
        actions = int(row.drop(labels=["Total", *DATA_GAPS], errors="ignore").sum())
        complete = int(row.get("complete", 0))
        since = reported.get(rid, pd.NaT)
        plan_date = show_date(review["approved_on"]) or show_date(review["tracked_from"])
        out = {
            "Actions tracked": str(actions),
            # Half up (1 of 8 is 13%), as a reader rounds, not Python's half to even.
            "Share complete": f"{int(100 * complete / actions + 0.5)}%" if actions else "no actions transcribed",
        }
        for sid, label in labels.items():
            if sid in row.index and row[sid]:
                out[label] = str(int(row[sid]))
        if not review["actions_transcribed"]:
            out["Progress last reported"] = "no actions transcribed"
        else:
            out["Progress last reported"] = (
                show_date(since) if pd.notna(since) else f"none since the plan ({plan_date})"
            )
        out.update(milestones(pd.Series(review)))
        columns[review["title"]] = out
    table = pd.DataFrame(columns).fillna("0")
    order = ["Actions tracked", "Share complete", *labels.values()]
    table = table.reindex([r for r in order if r in table.index] + [r for r in table.index if r not in order])
    return table


def reporting_gaps(ws: Workspace, status: pd.DataFrame, quarter: pd.Period) -> list[str]:
    """Plain sentences for reviews with no progress reported since their plan, and untranscribed reviews."""
    notes = []
    reported = last_reported(status) if len(status) else pd.Series(dtype="datetime64[ns]")
    for review in ws.counted_reviews(quarter).to_dict("records"):
        rid, title = review["review_id"], review["title"]
        if review["actions_transcribed"] and pd.isna(reported.get(rid, pd.NaT)):
            plan_date = show_date(review["approved_on"]) or show_date(review["tracked_from"])
            notes.append(
                f"{title}: no progress has been reported since the action plan ({plan_date}). Actions whose "
                "target has passed are shown as 'target passed, no update', not as overdue: whether they "
                "are done is not known."
            )
        if review["recommendations_transcribed"] < review["recommendations_expected"]:
            notes.append(
                f"{title}: {review['transcribed_note']}. Untranscribed recommendations are counted as "
                f"'{status_labels()[NOT_TRANSCRIBED]}', not given a status."
            )
    return notes


def action_table(status: pd.DataFrame, short: bool = False) -> pd.DataFrame:
    """The columns a reader needs for a list of actions (review title, peers' wording, council's action, ...)."""
    frame = pd.DataFrame(
        {
            "Ref": status["action_ref"],
            "Recommendation": status["recommendation"],
            "Council's response / action": status["action"],
            "Lead": status["lead"].replace("", "none named"),
            "Original target": [_target(r) for r in status.to_dict("records")],
            "Current target": [_current(r) for r in status.to_dict("records")],
            "Status": [_status(r) for r in status.to_dict("records")],
            "Latest comment": [_comment(r) for r in status.to_dict("records")],
            "Comment dated": [
                show_date(d, bool(a))
                for d, a in zip(status["latest_update_on"], status["latest_date_approximate"], strict=False)
            ],
        }
    )
    if short:  # lists that point to the appendix, where every column is shown
        frame = frame.drop(columns=["Council's response / action"])
    return frame


def _target(row: dict) -> str:
    text = row["target_corrected"] or "none given"
    if row["correction"] and row["target_corrected"] != row["target"]:
        text += f" (corrected; the document says {row['target']!r})"
    return text


def _current(row: dict) -> str:
    day = show_date(row["current_target_date"])
    if row["target_revisions"]:
        day += f" (revised {row['target_revisions']} time{'s' if row['target_revisions'] > 1 else ''})"
    if row["revision_requested"]:
        day += " (a revision is requested, not yet agreed)"
    return day or ("ongoing" if row["target_kind"] == "ongoing" else "none")


def _status(row: dict) -> str:
    text = row["status_label"]
    if row["status_basis"].startswith("as recommendation"):
        text += f" ({row['status_basis']})"
    if row["status"] in (OVERDUE, NOT_REPORTED) and pd.notna(row["days_overdue"]):
        text += f", {_duration(row['days_overdue'])} past target"
    if row["target_revisions"] and row["status"] not in (OVERDUE, NOT_REPORTED, "complete"):
        text += " (target moved)"
    return text


def _duration(days: float) -> str:
    months = int(days // 30.44)
    return f"{months} month{'s' if months != 1 else ''}" if months else f"{int(days)} days"


def _comment(row: dict) -> str:
    if not row["latest_comment"] and row["latest_status"]:
        source = "The plan says" if row["latest_origin"] == PLAN else "Status reported"
        return f"{source}: {row['latest_status']}"
    if not row["latest_comment"]:
        return "No progress reported since the plan" if row["status"] not in ("complete",) else ""
    prefix = "From the plan: " if row["latest_origin"] == PLAN else ""
    return prefix + row["latest_comment"]


def grouped_actions(ws: Workspace, status: pd.DataFrame, caption: str, empty: str, short: bool = False) -> HTML:
    """One table per review (titled), in the review's own order."""
    if status.empty:
        return HTML(f"<p>{html.escape(empty)}</p>")
    parts = []
    for rid, group in status.groupby("review_id", sort=False):
        title = ws.titles.get(rid, rid)
        parts.append(table_html(action_table(group, short), caption=f"{caption}: {title}"))
    return HTML("".join(parts))


def overdue(status: pd.DataFrame) -> pd.DataFrame:
    """Overdue and not-reported actions, the longest past target first."""
    late = status[status["status"].isin((OVERDUE, NOT_REPORTED))]
    return late.sort_values(["days_overdue", "review_id", "action_order"], ascending=[False, True, True])


def due_next(status: pd.DataFrame, quarter: pd.Period) -> pd.DataFrame:
    return due_next_quarter(status, quarter)


def changes(ws: Workspace, quarter: pd.Period) -> dict[str, pd.DataFrame]:
    return changes_since(ws.status(quarter - 1), ws.status(quarter), ws.updates, quarter)


def changes_html(ws: Workspace, quarter: pd.Period) -> HTML:
    """Newly complete, newly overdue, targets revised and new comments since the previous quarter end."""
    found = changes(ws, quarter)
    previous = quarters.label(quarter - 1)
    parts = []
    for name, frame in found.items():
        parts.append(f"<h3>{html.escape(name.capitalize())} ({len(frame)})</h3>")
        if frame.empty:
            parts.append(f"<p>None since {html.escape(previous)}.</p>")
            continue
        if name == "new progress comments":
            shown = pd.DataFrame(
                {
                    "Review": frame["review_id"].map(ws.titles),
                    "Ref": frame["action_ref"],
                    "Status given": frame["status"],
                    "Comment": frame["comment"],
                    "Dated": frame["updated_on"],
                }
            )
        else:
            shown = action_table(frame, short=True)[["Ref", "Recommendation", "Lead", "Current target", "Status"]]
            shown.insert(0, "Review", frame["review_id"].map(ws.titles).to_numpy())
        parts.append(table_html(shown, caption=f"{name.capitalize()} in {quarters.label(quarter)}"))
    return HTML("".join(parts))


def counts_table(counts: pd.DataFrame, titles: dict[str, str]) -> pd.DataFrame:
    """Status counts by review title, with status labels, ready to show."""
    labels = status_labels()
    shown = counts.rename(columns=labels).rename(index=lambda r: titles.get(r, r))
    shown.index.name = "Review"
    return shown.reset_index()


def status_key() -> list[str]:
    """What each status means, for the report's key."""
    return [f"{label}: {status_meanings()[sid]}" for sid, label in status_labels().items()]


def corrections(ws: Workspace) -> pd.DataFrame:
    acts = ws.actions
    return acts.loc[acts["correction"] != "", ["review_id", "action_ref", "correction", "source_file", "source_lines"]]


def data_notes(ws: Workspace, status: pd.DataFrame) -> list[str]:
    """Plain statements about the data behind the report: corrections, approximate dates, missing targets."""
    notes = []
    for row in corrections(ws).to_dict("records"):
        notes.append(
            f"Correction to {ws.titles.get(row['review_id'], row['review_id'])} action {row['action_ref']} "
            f"({row['source_file']}, line {row['source_lines']}): {row['correction']}"
        )
    approx = status[status["latest_date_approximate"]]
    if len(approx):
        notes.append(
            f"{len(approx)} actions' latest comment comes from the plan's own progress column; the plan "
            "gives no exact date for it, so it is shown as 'about' the plan's date."
        )
    waiting = int((status["update_note"] != "").sum())
    if waiting:
        notes.append(f"{waiting} open actions have no progress update recorded this quarter.")
    return notes


def summary_json(ws: Workspace, counts: pd.DataFrame, quarter: pd.Period) -> dict:
    """The quarter's headline counts, for the index page (labels and numbers only)."""
    labels = status_labels()
    return {
        "quarter": quarters.label(quarter),
        "councils": list(dict.fromkeys(ws.counted_reviews(quarter)["council"])),
        "counts": {labels[s]: int(counts[s].sum()) for s in labels if s in counts and counts[s].sum()},
        "total": int(counts["Total"].sum()) if "Total" in counts else 0,
    }


class _IndexSummary:
    """A notebook output the report runner reads for the index page (JSON only; shows nothing in HTML)."""

    def __init__(self, data: dict):
        self.data = data

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict:
        return {"application/json": self.data}


def index_summary(ws: Workspace, counts: pd.DataFrame, quarter: pd.Period) -> _IndexSummary:
    """The quarter's headline counts as a JSON output (cell tagged "summary") for reports/index.html."""
    return _IndexSummary(summary_json(ws, counts, quarter))
