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
from helpers.status import (
    DUE_AT_QUARTER_END,
    RULES,
    Span,
    calendar_span,
    changes_since,
    due_next_quarter,
    following_counts,
    last_reported,
)
from helpers.targets import COMPLETE as COMPLETE_TARGET
from helpers.targets import ONGOING as ONGOING_TARGET
from helpers.updates import PLAN
from helpers.vocabulary import (
    COMPLETE,
    DATA_GAPS,
    NOT_REPORTED,
    NOT_TRANSCRIBED,
    NOT_YET_DUE,
    OVERDUE,
    STATUS_IDS,
    TOTAL_ACTIONS,
    status_labels,
    status_meanings,
)
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


def headline(counts: pd.DataFrame, quarter: pd.Period, status: pd.DataFrame | None = None) -> str:
    """One sentence with every status's count of actions; the parts add up to the total of actions.

    Untranscribed recommendations follow in a sentence of their own, never added to the actions. Given the
    quarter's `status` frame, a count says how many moved only by following another recommendation.
    """
    as_at = quarters.long_date(quarters.end(quarter))
    labels = status_labels()
    followed = following_counts(status) if status is not None else {}
    action_ids = [s for s in counts.columns if s in STATUS_IDS and s != NOT_TRANSCRIBED]
    total = int(counts[action_ids].to_numpy().sum()) if action_ids else 0
    parts = []
    for sid in action_ids:
        n = int(counts[sid].sum())
        if not n:
            continue
        text = f"{n} {labels[sid].lower()}"
        if sid in DATA_GAPS:
            text += " (a data gap)"
        if followed.get(sid):
            text += f" ({_followed(n, followed[sid])})"
        parts.append(text)
    noun = "action is" if total == 1 else "actions are"
    sentence = f"As at {as_at}, {total} {noun} tracked" + (": " + _join(parts) + "." if parts else ".")
    gap = int(counts[NOT_TRANSCRIBED].sum()) if NOT_TRANSCRIBED in counts else 0
    if gap:
        recs = "recommendation is" if gap == 1 else "recommendations are"
        sentence += f" A data gap, not counted in the actions: {gap} {recs} {labels[NOT_TRANSCRIBED].lower()}."
    return sentence


def _followed(n: int, refs: dict[str, int]) -> str:
    """ "1 of them as recommendation 41", or "as recommendation 41" when every one of the n is."""
    moved = sum(refs.values())
    which = f"recommendation{'s' if len(refs) > 1 else ''} {_join(list(refs))}"
    if moved == n:
        return f"as {which}" if n == 1 else f"all {n} as {which}"
    return f"{moved} of them as {which}"


def _join(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def _months_between(start: dt.date, end: dt.date) -> Span:
    """Calendar months (and days) from `start` to `end` (status.calendar_span: the report's one rule)."""
    return calendar_span(start, end)


def _interval(value: object, month_only: bool = False) -> tuple[dt.date, dt.date, str] | None:
    """(earliest, latest, as shown) for a milestone date: "2020-01-28", or "2022-09" when only the month is known."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    text = str(value)
    if text in ("", "unknown"):
        return None
    if len(text) == 7:  # YYYY-MM: the day is not known
        first = dt.date.fromisoformat(text + "-01")
        return first, (pd.Timestamp(first) + pd.offsets.MonthEnd(0)).date(), f"{first:%B %Y}"
    day = pd.Timestamp(text).date()
    if month_only:
        first = day.replace(day=1)
        return first, (pd.Timestamp(first) + pd.offsets.MonthEnd(0)).date(), f"{first:%B %Y}"
    return day, day, show_date(pd.Timestamp(day))


def _judge(visit: tuple[dt.date, dt.date, str] | None, done: object, limit: int, what: str) -> str:
    """Met, missed or not known: `done` within `limit` calendar months of the visit's end, from known dates only."""
    if visit is None:
        return "not known (visit date unknown)"
    when = _interval(done)
    if when is None:
        return f"not known ({what} date not recorded)"
    shortest = _months_between(visit[1], when[0]) if when[0] >= visit[1] else Span(0, 0)
    longest = _months_between(visit[0], when[1]) if when[1] >= visit[0] else Span(0, 0)
    exact = visit[0] == visit[1] and when[0] == when[1]
    if shortest > Span(limit, 0) or longest <= Span(limit, 0):
        verdict = "met" if longest <= Span(limit, 0) else "missed"
        if exact:
            return f"{verdict} ({when[2]}, {longest} after the visit)"
        months = (when[1].year - visit[1].year) * 12 + when[1].month - visit[1].month
        return f"{verdict} ({when[2]}, about {months} months after the visit)"
    day_unknown = "the visit's day" if visit[0] != visit[1] else f"the {what}'s day"
    return (
        f"not known ({when[2]}; {day_unknown} is not recorded, so between {shortest} and {longest} after the "
        f"visit, against {limit} months)"
    )


def milestones(review: pd.Series) -> dict[str, str]:
    """The LGA milestones for one review: met, missed or not known, judged only from dates the documents give.

    A date known only to the month ("2022-09", or a visit recorded by month) is shown as the month, and a
    verdict it cannot settle is "not known".
    """
    month_only = bool(review.get("visit_month_only", False))
    visit_end = review["visit_end"]
    visit = None
    if pd.notna(visit_end):
        visit = _interval(pd.Timestamp(visit_end).date().isoformat(), month_only)
    plan = review["action_plan_published"] or (
        review["approved_on"].date().isoformat() if pd.notna(review["approved_on"]) else ""
    )
    plan_label = f"Action plan published (expected within {ACTION_PLAN_WITHIN} months, at most {ACTION_PLAN_AT_MOST})"
    visit_label = f"Progress review visit (expected about {PROGRESS_REVIEW_ABOUT} months after)"
    report_label = f"Progress review report (expected within {PROGRESS_REPORT_WITHIN} months)"
    if review["kind"] == "progress review":
        not_applicable = "not applicable: this review is itself a progress review"
        return {
            plan_label: _judge(visit, plan, ACTION_PLAN_AT_MOST, "action plan"),
            visit_label: not_applicable,
            report_label: not_applicable,
        }
    return {
        plan_label: _judge(visit, plan, ACTION_PLAN_AT_MOST, "action plan"),
        visit_label: _judge(visit, review["progress_review_visit"], PROGRESS_REVIEW_ABOUT + 2, "progress review"),
        report_label: _judge(visit, review["progress_review_report"], PROGRESS_REPORT_WITHIN, "progress review report"),
    }


def review_summary(ws: Workspace, status: pd.DataFrame, counts: pd.DataFrame, quarter: pd.Period) -> pd.DataFrame:
    """One column per counted review: actions, % complete, counts by status, last progress reported, LGA milestones.

    Status rows count actions; the "Not transcribed" row counts recommendations and says so.
    """
    labels = status_labels()
    gap_label = f"{labels[NOT_TRANSCRIBED]} (recommendations)"
    reported = last_reported(status) if len(status) else pd.Series(dtype="datetime64[ns]")
    columns = {}
    for review in ws.counted_reviews(quarter).to_dict("records"):
        rid = review["review_id"]
        row = counts.loc[rid] if rid in counts.index else pd.Series(dtype=int)
        actions = int(row.get(TOTAL_ACTIONS, 0))
        complete = int(row.get(COMPLETE, 0))
        since = reported.get(rid, pd.NaT)
        plan_date = show_date(review["approved_on"]) or show_date(review["tracked_from"])
        out = {
            "Recommendations transcribed": review["transcribed_note"],
            "Actions tracked": str(actions),
            # Half up (1 of 8 is 13%), as a reader rounds, not Python's half to even.
            "Share complete": f"{int(100 * complete / actions + 0.5)}%" if actions else "no actions transcribed",
        }
        for sid, label in labels.items():
            if sid in row.index and row[sid]:
                out[gap_label if sid == NOT_TRANSCRIBED else label] = str(int(row[sid]))
        if not review["actions_transcribed"]:
            out["Progress last reported"] = "no actions transcribed"
        else:
            out["Progress last reported"] = (
                show_date(since) if pd.notna(since) else f"none since the plan ({plan_date})"
            )
        out.update(milestones(pd.Series(review)))
        columns[review["title"]] = out
    table = pd.DataFrame(columns).fillna("0")
    shown = [gap_label if sid == NOT_TRANSCRIBED else label for sid, label in labels.items()]
    order = ["Recommendations transcribed", "Actions tracked", "Share complete", *shown]
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
        expected = review["recommendations_expected"]
        if pd.isna(expected):
            notes.append(
                f"{title}: {review['transcribed_note']}. No count of untranscribed recommendations is shown, "
                "because the documents do not say how many there are."
            )
        elif review["recommendations_transcribed"] < expected:
            notes.append(
                f"{title}: {review['transcribed_note']}. Untranscribed recommendations are counted as "
                f"'{status_labels()[NOT_TRANSCRIBED]}' beside the actions, never added to them or given a status."
            )
    return notes


def action_table(status: pd.DataFrame, short: bool = False) -> pd.DataFrame:
    """The columns a reader needs for a list of actions: each action's own text, its recommendation once per group.

    The first action of a recommendation in the list carries the recommendation's reference and wording; its
    other actions point back to it, so several actions of one recommendation read apart.
    """
    rows = status.to_dict("records")
    seen: set[tuple[str, str]] = set()
    recommendation = []
    for row in rows:
        key = (row["review_id"], row["rec_ref"])
        ref = _ref(row["rec_ref"], row.get("ref_generated", False))
        if key in seen:
            recommendation.append(f"(recommendation {ref}, as above)")
        else:
            seen.add(key)
            several = row["action_ref"] != row["rec_ref"]
            recommendation.append(f"{ref}: {row['recommendation']}" if several else row["recommendation"])
    frame = pd.DataFrame(
        {
            "Ref": [_ref(r["action_ref"], r.get("ref_generated", False)) for r in rows],
            "Recommendation": recommendation,
            "Action": [r["action"] or "none given" for r in rows],
            "Lead": status["lead"].replace("", "none named").to_numpy(),
            "Original target": [_target(r) for r in rows],
            "Current target": [_current(r) for r in rows],
            "Status": [_status(r) for r in rows],
            "Latest comment": [_comment(r) for r in rows],
            "Comment dated": [
                show_date(d, bool(a))
                for d, a in zip(status["latest_update_on"], status["latest_date_approximate"], strict=False)
            ],
        }
    )
    if short:  # lists that point to the appendix, where every column is shown
        frame = frame.drop(columns=["Original target", "Comment dated"])
    return frame


# How a reference the plan does not give (numbered in document order) is marked wherever it is shown.
GENERATED_REF = "our numbering"


def _ref(ref: str, generated: bool) -> str:
    return f"{ref} ({GENERATED_REF})" if generated else ref


def _target(row: dict) -> str:
    text = row["target_corrected"] or "none given"
    if row["correction"] and row["target_corrected"] != row["target"]:
        text += f" (corrected; the document says {row['target']!r})"
    return text


def _current(row: dict) -> str:
    if row["target_kind"] == COMPLETE_TARGET and not row["target_revisions"]:
        return "none: the plan records it as complete"
    day = show_date(row["current_target_date"])
    if row["target_revisions"]:
        day += f" (revised {row['target_revisions']} time{'s' if row['target_revisions'] > 1 else ''})"
    if row["revision_requested"]:
        day += " (a revision is requested, not yet agreed)"
    if day:
        return day
    if row["target_kind"] == ONGOING_TARGET:
        start = row.get("target_start")
        return f"ongoing from {show_date(start)}" if start is not None and pd.notna(start) else "ongoing"
    if row.get("as_recommendation"):
        return f"none of its own (recommendation {row['as_recommendation']}'s applies)"
    return "none"


def _status(row: dict) -> str:
    text = row["status_label"]
    if row.get("as_recommendation"):
        text += f" (as recommendation {row['as_recommendation']})"
    if row.get("leads_disagree") and row.get("lead_statuses"):
        text += f" (leads disagree: {row['lead_statuses']})"
    if row["status"] in (OVERDUE, NOT_REPORTED) and pd.notna(row.get("months_past_target", pd.NA)):
        text += f", {_duration(row['months_past_target'], row['days_past_target'])} past target"
    if row["status"] == NOT_REPORTED and row.get("reported_without_status"):
        text += "; an update since the plan gave no status"
    if row["status"] == NOT_YET_DUE and row.get("due_at_quarter_end"):
        text += f", {DUE_AT_QUARTER_END}"
    if row["target_revisions"] and row["status"] not in (OVERDUE, NOT_REPORTED, COMPLETE):
        text += " (target moved)"
    return text


def _duration(months: int, days: int) -> str:
    """ "5 months", "1 month and 3 days", "12 days": calendar months (status.DURATION_RULE)."""
    return str(Span(int(months), int(days)))


def _comment(row: dict) -> str:
    if not row["latest_comment"] and row["latest_status"]:
        source = "The plan says" if row["latest_origin"] == PLAN else "Status reported"
        return f"{source}: {row['latest_status']}"
    if not row["latest_comment"] and row.get("as_recommendation"):
        return f"Nothing reported on this action; it takes recommendation {row['as_recommendation']}'s status"
    if not row["latest_comment"]:
        return "No progress reported since the plan" if row["status"] != COMPLETE else ""
    prefix = "From the plan: " if row["latest_origin"] == PLAN else ""
    return prefix + row["latest_comment"]


def grouped_actions(ws: Workspace, status: pd.DataFrame, caption: str, empty: str, short: bool = False) -> HTML:
    """One table per review (titled), each recommendation's actions together, in the order given."""
    if status.empty:
        return HTML(f"<p>{html.escape(empty)}</p>")
    parts = []
    for rid, group in status.groupby("review_id", sort=False):
        title = ws.titles.get(rid, rid)
        # Keep the given order of recommendations (their first action's place) and bring their actions together.
        first = group.groupby("rec_ref", sort=False).cumcount() == 0
        rank = pd.Series(range(len(group)), index=group.index).where(first).groupby(group["rec_ref"]).transform("max")
        group = group.assign(_rank=rank).sort_values("_rank", kind="stable").drop(columns="_rank")
        parts.append(table_html(action_table(group, short), caption=f"{caption}: {title}"))
        if "ref_generated" in group and group["ref_generated"].any():
            parts.append(
                f"<p class='note'>References marked &ldquo;{GENERATED_REF}&rdquo; are numbered in the order of the "
                "document, which numbers none.</p>"
            )
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
    """What each status means, and the rules that decide it (status.RULES), for the report's key."""
    meanings = [f"{label}: {status_meanings()[sid]}" for sid, label in status_labels().items()]
    return [*meanings, *RULES]


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
    """The quarter's headline counts, for the index page (labels and numbers only), in the report's units.

    `counts` and `total` are actions (as the headline); untranscribed recommendations are under `data_gaps`,
    never added to the total.
    """
    labels = status_labels()
    actions = [s for s in labels if s != NOT_TRANSCRIBED]
    gap = int(counts[NOT_TRANSCRIBED].sum()) if NOT_TRANSCRIBED in counts else 0
    return {
        "quarter": quarters.label(quarter),
        "councils": list(dict.fromkeys(ws.counted_reviews(quarter)["council"])),
        "counts": {labels[s]: int(counts[s].sum()) for s in actions if s in counts and counts[s].sum()},
        "total": int(counts[TOTAL_ACTIONS].sum()) if TOTAL_ACTIONS in counts else 0,
        "total_unit": "actions",
        "data_gaps": {f"{labels[NOT_TRANSCRIBED]} (recommendations)": gap} if gap else {},
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
