"""What the committee report's summary says: the headline, each review's summary and LGA milestones, the gaps
in reporting, the counts by status, the status key, notes on the data, and the counts for the index page.

Everything comes from the workspace (documents, metadata, updates); nothing about any council is written here.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from helpers.base import quarters
from helpers.base.dates import show_date
from helpers.base.vocabulary import (
    COMPLETE,
    DATA_GAPS,
    NOT_TRANSCRIBED,
    STATUS_IDS,
    TOTAL_ACTIONS,
    status_labels,
    status_meanings,
)
from helpers.tracking import council_settings
from helpers.tracking.durations import Span, calendar_span
from helpers.tracking.status import RULES
from helpers.tracking.status_counts import following_counts, last_reported
from helpers.tracking.status_table import as_at_day
from helpers.tracking.workspace import Workspace

# LGA guidance on the peer challenge cycle, in months after the visit.
ACTION_PLAN_WITHIN, ACTION_PLAN_AT_MOST = 3, 5
PROGRESS_REVIEW_ABOUT = 10
PROGRESS_REPORT_WITHIN = 12


def headline(counts: pd.DataFrame, quarter: pd.Period, status: pd.DataFrame | None = None) -> str:
    """One sentence with every status's count of actions; the parts add up to the total of actions.

    Untranscribed recommendations follow in a sentence of their own, never added to the actions. Given the
    quarter's `status` frame, a count says how many moved only by following another recommendation, and the
    sentence gives the day its statuses are as at (an interim report's day, before the quarter end).
    """
    as_at = quarters.long_date(as_at_day(status if status is not None else pd.DataFrame(), quarter).date())
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
    """Calendar months (and days) from `start` to `end` (durations.calendar_span: the report's one rule)."""
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


def _judge(
    visit: tuple[dt.date, dt.date, str] | None, done: object, limit: int, what: str, expected: int | None = None
) -> str:
    """Met, missed or not known: `done` within `limit` calendar months of the visit's end, from known dates only.
    With `expected` (a shorter time the guidance expects), a date within the limit but surely later than
    expected says so rather than "met"."""
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
        if verdict == "met" and expected is not None and shortest > Span(expected, 0):
            verdict = f"later than the {expected} months expected, within the {limit}-month limit"
        if exact:
            return f"{verdict} ({when[2]}, {longest} after the visit)"
        months = (when[1].year - visit[1].year) * 12 + when[1].month - visit[1].month
        return f"{verdict} ({when[2]}, about {months} months after the visit)"
    day_unknown = "the visit's day" if visit[0] != visit[1] else f"the {what}'s day"
    return (
        f"not known ({when[2]}; {day_unknown} is not recorded, so {_months_range(shortest, longest)} after the "
        f"visit, against {limit} months)"
    )


def _months_range(shortest: Span, longest: Span) -> str:
    """ "5 to 6 months": a span known only between two lengths, in whole months, the shorter rounded down and the
    longer up (so the true span is inside it: 5 months to 5 months and 27 days reads "5 to 6 months")."""
    up = longest.months + (1 if longest.days else 0)
    return f"{shortest.months} to {up} months" if up != shortest.months else str(Span(up, 0))


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
            plan_label: _judge(visit, plan, ACTION_PLAN_AT_MOST, "action plan", ACTION_PLAN_WITHIN),
            visit_label: not_applicable,
            report_label: not_applicable,
        }
    return {
        plan_label: _judge(visit, plan, ACTION_PLAN_AT_MOST, "action plan", ACTION_PLAN_WITHIN),
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
    """Actions whose source cells were corrected, with the correction and where the cell is."""
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
    """Who the report is for and its headline counts, for the index page (text and numbers only), in the
    report's units.

    `council` and `committee` are the report's ("" for a committee not named); `reviews` the reviews it covers
    (id and title). `counts` and `total` are actions (as the headline); untranscribed recommendations are under
    `data_gaps`, never added to the total.
    """
    labels = status_labels()
    actions = [s for s in labels if s != NOT_TRANSCRIBED]
    gap = int(counts[NOT_TRANSCRIBED].sum()) if NOT_TRANSCRIBED in counts else 0
    counted = ws.counted_reviews(quarter)
    council, _ = council_settings.scope(ws, quarter)
    return {
        "quarter": quarters.label(quarter),
        "council": council or ", ".join(dict.fromkeys(counted["council"])),
        "committee": ", ".join(council_settings.committees(ws, quarter)),
        "reviews": [{"id": r, "title": t} for r, t in zip(counted["review_id"], counted["title"], strict=True)],
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

    def __repr__(self) -> str:
        # The notebook stores this as the output's plain text: no memory address, so it is the same every run.
        return "<summary for the reports index>"


def index_summary(ws: Workspace, counts: pd.DataFrame, quarter: pd.Period) -> _IndexSummary:
    """Who the report is for and its headline counts, as a JSON output (cell tagged "summary") for
    reports/index.html (the report command adds the data it was made from)."""
    return _IndexSummary(summary_json(ws, counts, quarter))
