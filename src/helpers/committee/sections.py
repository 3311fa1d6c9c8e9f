"""What the committee report says: front matter, summary, changes, overdue and due actions, every action.

Everything comes from the workspace (documents, metadata, updates) and the
report settings in data/report.yaml; nothing about any council is written here.
All text is escaped through helpers.committee.presentation.
"""

from __future__ import annotations

import datetime as dt
import html

import pandas as pd
from IPython.display import HTML

from helpers.base import quarters
from helpers.base.dates import show_date
from helpers.base.targets import COMPLETE as COMPLETE_TARGET
from helpers.base.targets import ONGOING as ONGOING_TARGET
from helpers.base.vocabulary import (
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
from helpers.committee import covering
from helpers.committee.presentation import table_html
from helpers.tracking import council_settings, decisions
from helpers.tracking import requests as asked_of_committee
from helpers.tracking.changes import changes
from helpers.tracking.durations import Span, calendar_span, finished_late
from helpers.tracking.history import reported_by
from helpers.tracking.status import DUE_AT_QUARTER_END, RULES
from helpers.tracking.status_counts import due_next_quarter, following_counts, last_reported
from helpers.tracking.updates import PLAN
from helpers.tracking.workspace import Workspace

# LGA guidance on the peer challenge cycle, in months after the visit.
ACTION_PLAN_WITHIN, ACTION_PLAN_AT_MOST = 3, 5
PROGRESS_REVIEW_ABOUT = 10
PROGRESS_REPORT_WITHIN = 12


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


def report_title(
    quarter: pd.Period, title: str | None = None, council: str | None = None, committee: str | None = None
) -> str:
    """ "Peer review recommendations: progress report 2023/24 Q4 – Vale District Council, Audit and Governance
    Committee": the report's heading and page title, naming who it is for (the council alone where no committee
    is named)."""
    text = f"{title or settings()['title']}: progress report {quarters.label(quarter)}"
    who = ", ".join(part for part in (council, committee) if part)
    return f"{text} \u2013 {who}" if council else text


def front_matter(ws: Workspace, quarter: pd.Period, meeting_date: str | None = None) -> HTML:
    """Title, council, committee, meeting date, author, as-at date, the recommendation and its reason."""
    counted = ws.counted_reviews(quarter)
    councils = ", ".join(dict.fromkeys(counted["council"])) or "No review counts yet"
    named = ", ".join(council_settings.committees(ws, quarter))
    chosen = settings(ws, quarter)
    meeting = show_date(pd.Timestamp(meeting_date)) if meeting_date else "to be set"
    as_at = quarters.long_date(quarters.end(quarter))
    council, committee = council_settings.scope(ws, quarter)
    rows = [
        ("Council", councils),
        ("Committee", named or COMMITTEE_NOT_NAMED),
        ("Meeting date", meeting),
        ("Report of", covering.author_text(chosen)),
        ("Progress as at", as_at),
        ("Reviews covered", "; ".join(counted["title"]) or "none yet"),
    ]
    facts = "".join(f"<tr><th scope='row'>{html.escape(k)}</th><td>{html.escape(v)}</td></tr>" for k, v in rows)
    parts = covering.recommendation_parts(chosen, asked_of_committee.for_quarter(ws, quarter), quarter)
    reason = str((chosen.get("covering") or {}).get("reason") or "").strip()
    return HTML(
        f"<h1>{html.escape(report_title(quarter, chosen['title'], council, committee))}</h1>"
        f"<table class='front-matter'><caption>About this report</caption>{facts}</table>"
        f"<h2 id='recommendation'>Recommendation</h2>{covering.recommendation_html(named or None, parts)}"
        + (f"<h2 id='reason'>Reason for the recommendation</h2><p>{html.escape(reason)}</p>" if reason else "")
    )


def recommendation(ws: Workspace, quarter: pd.Period) -> str:
    """The recommendation for decision as one plain sentence (for the index, notebooks and tests)."""
    parts = covering.recommendation_parts(settings(ws, quarter), asked_of_committee.for_quarter(ws, quarter), quarter)
    return covering.recommendation_text(", ".join(council_settings.committees(ws, quarter)) or None, parts)


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


def action_table(status: pd.DataFrame, short: bool = False, notes: pd.DataFrame | None = None) -> pd.DataFrame:
    """The columns a reader needs for a list of actions: each action's own text, its recommendation once per group.

    The first action of a recommendation in the list carries the recommendation's reference and wording; its
    other actions point back to it, so several actions of one recommendation read apart. `notes` (from
    action_notes) adds who reported what, revision requests and decisions, and the previous quarter's status.
    """
    if notes is not None and len(status):
        status = status.merge(notes, on=["review_id", "action_ref"], how="left", suffixes=("", "_note"))
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
            "Latest update": [_comment(r) for r in rows],
            "Dated": [
                show_date(d, bool(a))
                for d, a in zip(status["latest_update_on"], status["latest_date_approximate"], strict=False)
            ],
        }
    )
    if short:  # lists that point to the appendix, where every column is shown
        frame = frame.drop(columns=["Original target", "Dated"])
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
    if row.get("revision_text"):
        day = f"{day}; {row['revision_text']}" if day else row["revision_text"]
    elif row["revision_requested"]:
        day = f"{day} (a revision is requested, not yet agreed)" if day else "a revision is requested, not yet agreed"
    if day and not day.startswith(("revision", "a revision")):
        return day
    if day:
        return f"{_current({**row, 'revision_text': '', 'revision_requested': False})}; {day}"
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
    done = row["status"] == COMPLETE
    if done and pd.notna(row.get("completed_on", pd.NaT)) and pd.notna(row.get("target_at_completion", pd.NaT)):
        late = finished_late(row["completed_on"], row["target_at_completion"])
        text += f", reported complete {late} after its target" if late else ", reported complete by its target"
    closure = row.get("closure_text")
    if isinstance(closure, str) and closure and (done or not closure.startswith("reported complete")):
        text += f" ({closure})"
    previous = row.get("previous_label")
    if isinstance(previous, str) and previous and previous != row["status_label"]:
        text += f" (was: {previous})"
    return text


def _duration(months: int, days: int) -> str:
    """ "5 months", "1 month and 3 days", "12 days": calendar months (status.DURATION_RULE)."""
    return str(Span(int(months), int(days)))


def _comment(row: dict) -> str:
    if row.get("update_text"):
        return row["update_text"]
    if not row["latest_comment"] and row["latest_status"]:
        source = "The plan says" if row["latest_origin"] == PLAN else "Status reported"
        return f"{source}: {row['latest_status']}"
    if not row["latest_comment"] and row.get("as_recommendation"):
        return f"Nothing reported on this action; it takes recommendation {row['as_recommendation']}'s status"
    if not row["latest_comment"]:
        return "No progress reported since the plan" if row["status"] != COMPLETE else ""
    prefix = "From the plan: " if row["latest_origin"] == PLAN else ""
    return prefix + row["latest_comment"]


def _update_line(row: dict, by: str) -> str:
    """ "Finance Team (responsible), 30 Jun 2024: In progress. Survey designed. Evidence: <link>." """
    parts = [f"{by}, {show_date(row['updated_on'])}:"]
    if row["status"]:
        parts.append(f"{row['status']}.")
    if row["comment"]:
        parts.append(row["comment"])
    if row["evidence"]:
        parts.append(f"Evidence: {row['evidence']}.")
    if not row["status"] and not row["comment"] and row["revised_target"]:
        parts.append("asks to move the target (see Current target).")
    return " ".join(parts)


def action_notes(ws: Workspace, status: pd.DataFrame) -> pd.DataFrame:
    """Per action, as at the status frame's quarter end: each lead's latest update (with role, status, evidence),
    a revision asked for or decided, a closure awaiting or given the committee's agreement, and last quarter's
    status. Columns: review_id, action_ref, update_text, revision_text, closure_text, previous_label."""
    columns = ["review_id", "action_ref", "update_text", "revision_text", "closure_text", "previous_label"]
    if status.empty:
        return pd.DataFrame(columns=columns)
    quarter = quarters.parse_quarter(status["quarter"].iloc[0])
    end = pd.Timestamp(quarters.end(quarter))
    keys = set(zip(status["review_id"], status["action_ref"], strict=True))
    log = ws.updates[(ws.updates["origin"] != PLAN) & (ws.updates["updated_on"] <= end)]
    # A boolean array, not a list: an empty list would select no columns rather than no rows.
    log = log.loc[pd.MultiIndex.from_frame(log[["review_id", "action_ref"]]).isin(keys)]
    who = dict(zip(log.index, reported_by(ws, log), strict=True)) if len(log) else {}
    previous = ws.status(quarter - 1).set_index(["review_id", "action_ref"])["status_label"]
    rules = council_settings.decision_rules(*council_settings.scope(ws, quarter))
    out = {k: {"update_text": "", "revision_text": "", "closure_text": "", "previous_label": ""} for k in keys}
    for key in keys:
        out[key]["previous_label"] = previous.get(key, "") if key in previous.index else ""
    for key, group in log.groupby(["review_id", "action_ref"], sort=False):
        latest_by_lead = group.sort_values("updated_on", kind="stable").groupby("lead", sort=False).tail(1)
        latest_by_lead = latest_by_lead.sort_values("updated_on", kind="stable")
        out[key]["update_text"] = " | ".join(
            _update_line(row, who[i])
            for i, row in zip(latest_by_lead.index, latest_by_lead.to_dict("records"), strict=True)
        )
        asked = group[group["revised_target"] != ""].sort_values("updated_on", kind="stable")
        notes = []
        for row, by in ((r, who[i]) for i, r in zip(asked.index, asked.to_dict("records"), strict=True)):
            wanted = _requested_date(row["agreed_target"] or row["revised_target"])
            when = show_date(row["updated_on"])
            if pd.notna(row["revision_approved_on"]) and row["revision_approved_on"] <= end:
                notes.append(f"revision to {wanted} agreed {show_date(row['revision_approved_on'])}")
            elif pd.notna(row.get("revision_refused_on")) and row["revision_refused_on"] <= end:
                notes.append(
                    f"revision to {wanted} asked by {by} on {when} refused {show_date(row['revision_refused_on'])}"
                )
            else:
                reason = f" (reason: {row['revision_reason']})" if row["revision_reason"] else ""
                notes.append(f"revision to {wanted} requested by {by} on {when}{reason}, not yet agreed")
        out[key]["revision_text"] = "; ".join(notes)
        if rules.close_on_evidence:
            closing = group[group["status"].isin(decisions.closing_statuses())]
            if len(closing):
                last = closing.iloc[-1]
                if pd.notna(last["closure_agreed_on"]) and last["closure_agreed_on"] <= end:
                    out[key]["closure_text"] = f"closure agreed by the committee {show_date(last['closure_agreed_on'])}"
                elif pd.notna(last["closure_refused_on"]) and last["closure_refused_on"] <= end:
                    out[key]["closure_text"] = (
                        f"closure refused by the committee {show_date(last['closure_refused_on'])}"
                    )
                else:
                    out[key]["closure_text"] = "reported complete; awaiting the committee's agreement"
    frame = pd.DataFrame([{"review_id": k[0], "action_ref": k[1], **v} for k, v in out.items()], columns=columns)
    return frame


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
        notes = action_notes(ws, group) if ws is not None else None
        parts.append(table_html(action_table(group, short, notes), caption=f"{caption}: {title}"))
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
    """Open actions due at this quarter's end or during the next quarter, soonest first."""
    return due_next_quarter(status, quarter)


def _update_table(ws: Workspace, frame: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Review": frame["review_id"].map(ws.titles),
            "Ref": frame["action_ref"],
            "Reported by": reported_by(ws, frame),
            "Status given": frame["status"].replace("", "none (comment only)"),
            "Comment": frame["comment"],
            "Evidence": frame["evidence"],
            "Revised target asked for": [
                f"{t} (reason: {r})" if t else ""
                for t, r in zip(frame["revised_target"], frame["revision_reason"], strict=True)
            ],
            "Dated": frame["updated_on"],
        }
    )


def changes_html(ws: Workspace, quarter: pd.Period) -> HTML:
    """Status changes since the previous quarter end, targets revised, and every update reported in the quarter."""
    found = changes(ws, quarter)
    previous = quarters.label(quarter - 1)
    labels = status_labels()
    parts = []
    for name, frame in found.items():
        parts.append(f"<h3>{html.escape(name.capitalize())} ({len(frame)})</h3>")
        if frame.empty:
            parts.append(f"<p>None since {html.escape(previous)}.</p>")
            continue
        if name == "updates reported":
            shown = _update_table(ws, frame)
        elif name == "status changes":
            shown = pd.DataFrame(
                {
                    "Review": frame["review_id"].map(ws.titles).to_numpy(),
                    "Ref": frame["action_ref"].to_numpy(),
                    "Lead": frame["lead"].replace("", "none named").to_numpy(),
                    f"Status at the end of {previous}": frame["previous_status"].map(labels).to_numpy(),
                    f"Status at the end of {quarters.label(quarter)}": [_status(r) for r in frame.to_dict("records")],
                }
            )
        else:
            shown = action_table(frame, short=True)[["Ref", "Recommendation", "Lead", "Current target", "Status"]]
            shown.insert(0, "Review", frame["review_id"].map(ws.titles).to_numpy())
        parts.append(table_html(shown, caption=f"{name.capitalize()} in {quarters.label(quarter)}"))
    return HTML("".join(parts))


# --- Decisions for the committee ----------------------------------------------------------------


def short_text(text: str, limit: int = 160) -> str:
    """The start of a long text, cut at a word, with "…" (the appendix shows it in full)."""
    text = " ".join(str(text).split())
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0].rstrip(",;:.") + " …"


def _lateness(done: object, target: object) -> str:
    """ "by its target", or how long after its target an action was reported complete (status.LATENESS_RULE)."""
    if pd.isna(target):
        return "no target date to judge against"
    late = finished_late(done, target)
    return "by its target" if late is None else f"{late} after its target"


def _earlier(ws: Workspace, frame: pd.DataFrame, kind: str, end: pd.Timestamp) -> list[str]:
    """Deferrals already recorded on each request ("deferred 12 Sep 2024 (minute 45)")."""
    made = ws.decisions if ws.decisions is not None else pd.DataFrame(columns=decisions.COLUMNS)
    made = made[(made["kind"] == kind) & (made["decided_on"] <= end)]
    out = []
    for row in frame.to_dict("records"):
        mine = made[
            (made["review_id"] == row["review_id"])
            & (made["action_ref"] == row["action_ref"])
            & (made["requested_on"] == row["updated_on"])
            & (made["lead"] == row["requested_by"])
        ]
        out.append(
            "; ".join(
                f"{d['decision']} {show_date(d['decided_on'])}" + (f" (minute {d['minute']})" if d["minute"] else "")
                for d in mine.to_dict("records")
            )
            or "none"
        )
    return out


def _requested_date(text: str) -> str:
    from helpers.base.targets import parse_target

    read = parse_target(text, dt.date.today()).date
    shown = show_date(pd.Timestamp(read)) if read else ""
    return text if not shown or shown == text else f"{shown} (as written: {text})"


def revision_table(ws: Workspace, frame: pd.DataFrame, quarter: pd.Period) -> pd.DataFrame:
    """The revised targets the committee is asked to agree or refuse."""
    end = pd.Timestamp(quarters.end(quarter))
    records = frame.to_dict("records")
    return pd.DataFrame(
        {
            "Review": frame["review_id"].map(ws.titles),
            "Ref": frame["action_ref"],
            "Action": frame["action"].map(short_text),
            "Asked by": [
                f"{who}, {show_date(d)}"
                for who, d in zip(reported_by(ws, frame, "requested_by"), frame["updated_on"], strict=True)
            ],
            "Original target": [_target(r) for r in records],
            "Current target": [
                show_date(r["current_target_date"]) or ("ongoing" if r["target_kind"] == "ongoing" else "none")
                for r in records
            ],
            "Requested target": frame["revised_target"].map(_requested_date),
            "Reason": frame["revision_reason"],
            "Times already moved": frame["target_revisions"].astype(int).astype(str),
            "Earlier decisions": _earlier(ws, frame, decisions.REVISION, end),
        }
    )


def closure_table(ws: Workspace, frame: pd.DataFrame, quarter: pd.Period) -> pd.DataFrame:
    """The completions the committee is asked to agree on their evidence."""
    end = pd.Timestamp(quarters.end(quarter))
    return pd.DataFrame(
        {
            "Review": frame["review_id"].map(ws.titles),
            "Ref": frame["action_ref"],
            "Action": frame["action"].map(short_text),
            "Reported complete by": [
                f"{who}, {show_date(d)}"
                for who, d in zip(reported_by(ws, frame, "requested_by"), frame["updated_on"], strict=True)
            ],
            "Evidence": frame["evidence"].replace("", "none given"),
            "Comment": frame["comment"],
            "Target in force": [show_date(d) or "none" for d in frame["current_target_date"]],
            "Reported complete": [
                _lateness(d, t) for d, t in zip(frame["updated_on"], frame["current_target_date"], strict=True)
            ],
            "Earlier decisions": _earlier(ws, frame, decisions.CLOSURE, end),
        }
    )


def escalation_table(ws: Workspace, frame: pd.DataFrame) -> pd.DataFrame:
    """The actions the rules escalate to the committee, and why."""
    return pd.DataFrame(
        {
            "Review": frame["review_id"].map(ws.titles),
            "Ref": frame["action_ref"],
            "Action": frame["action"].map(short_text),
            "Lead": frame["lead"].replace("", "none named"),
            "Current target": [show_date(d) or "none" for d in frame["current_target_date"]],
            "Why it is escalated": frame["escalation_reason"],
        }
    )


def decisions_made(ws: Workspace, quarter: pd.Period) -> pd.DataFrame:
    """Decisions recorded with a date in this quarter (after the previous quarter end, up to this one)."""
    made = ws.decisions if ws.decisions is not None else pd.DataFrame(columns=decisions.COLUMNS)
    return decisions.made_between(made, quarters.end(quarter - 1), quarters.end(quarter))


def decisions_made_table(ws: Workspace, made: pd.DataFrame) -> pd.DataFrame:
    """The committee's recorded decisions as the report shows them: review, ref, request, decision."""
    return pd.DataFrame(
        {
            "Review": made["review_id"].map(ws.titles),
            "Ref": made["action_ref"],
            "Request": [
                decisions.KIND_LABELS[k] + (f" asked by {lead}, {show_date(d)}" if lead else "")
                for k, lead, d in zip(made["kind"], made["lead"], made["requested_on"], strict=True)
            ],
            "Decision": [
                d.capitalize() + (f": new target {t}" if t else "")
                for d, t in zip(made["decision"], made["amended_target"], strict=True)
            ],
            "Decided on": made["decided_on"],
            "By": made["decided_by"],
            "Minute": made["minute"],
            "Note": made["note"],
        }
    )


def decisions_html(ws: Workspace, quarter: pd.Period) -> HTML:
    """What the committee is asked to decide this quarter (lettered tables), and what it decided in the quarter."""
    asked = asked_of_committee.for_quarter(ws, quarter)
    letters = covering.table_letters(asked)
    counts = asked.counts()
    parts = []
    if asked.empty:
        parts.append(
            "<p>Nothing needs a decision this quarter: no revised target is waiting for agreement"
            + (", no completion is waiting to be agreed on its evidence" if asked.rules.close_on_evidence else "")
            + ", and no action meets the escalation rules.</p>"
        )
    else:
        asked_for = [f"{counts[k]} {decisions.KIND_LABELS[k].lower()}{'s' if counts[k] != 1 else ''}" for k in letters]
        parts.append(f"<p>The committee is asked to decide on {html.escape(_join(asked_for))}.</p>")
    tables = {
        decisions.REVISION: (
            "Revised target dates requested",
            "A lead asks to move the target. Until the committee agrees, the current target stands.",
            lambda f: revision_table(ws, f, quarter),
            asked.revisions,
        ),
        decisions.CLOSURE: (
            "Actions reported complete, with their evidence",
            "The council closes actions on evidence: the committee agrees that each is complete, "
            "or says what more it needs.",
            lambda f: closure_table(ws, f, quarter),
            asked.closures,
        ),
        decisions.ESCALATION: (
            "Actions escalated",
            f"Past their target with nothing reported for {asked.rules.escalate_after_quarters} or more whole "
            f"quarters, or with a target moved more than {asked.rules.escalate_after_revisions} times.",
            lambda f: escalation_table(ws, f),
            asked.escalations,
        ),
    }
    for kind, letter in letters.items():
        title, explain, build, frame = tables[kind]
        parts.append(
            f"<h3 id='{covering.TABLE_IDS[kind]}'>{html.escape(letter)}: {html.escape(title)}</h3>"
            f"<p>{html.escape(explain)}</p>" + table_html(build(frame), caption=f"{letter}: {title}")
        )
    made = decisions_made(ws, quarter)
    parts.append(
        f"<h3 id='decisions-made'>Decisions recorded in {html.escape(quarters.label(quarter))} ({len(made)})</h3>"
    )
    parts.append(
        table_html(
            decisions_made_table(ws, made),
            caption=f"Decisions recorded in {quarters.label(quarter)}",
            empty=f"No decision on these actions is recorded with a date in {quarters.label(quarter)}.",
        )
    )
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


def index_summary(ws: Workspace, counts: pd.DataFrame, quarter: pd.Period) -> _IndexSummary:
    """Who the report is for and its headline counts, as a JSON output (cell tagged "summary") for
    reports/index.html (the report command adds the data it was made from)."""
    return _IndexSummary(summary_json(ws, counts, quarter))


def covering_html(ws: Workspace, quarter: pd.Period) -> HTML:
    """Options considered, implications and background papers for this report's council and committee."""
    return HTML(covering.covering_html(settings(ws, quarter), ws.counted_reviews(quarter)["documents"]))


def decision_history(ws: Workspace, quarter: pd.Period) -> pd.DataFrame:
    """Every decision recorded up to the quarter end on the counted actions, action by action, oldest first."""
    made = ws.decisions if ws.decisions is not None else pd.DataFrame(columns=decisions.COLUMNS)
    made = decisions.made_between(made, None, quarters.end(quarter))
    order = ws.status(quarter).set_index(["review_id", "action_ref"])["action_order"]
    index = pd.MultiIndex.from_frame(made[["review_id", "action_ref"]])
    made = made.assign(_order=order.reindex(index).to_numpy()).dropna(subset=["_order"])
    return made.sort_values(["review_id", "_order", "decided_on"], kind="stable").drop(columns="_order")


def decision_history_html(ws: Workspace, quarter: pd.Period) -> HTML:
    """The committee's decisions to date, action by action."""
    made = decision_history(ws, quarter)
    return HTML(
        table_html(
            decisions_made_table(ws, made),
            caption=f"Decisions recorded up to {quarters.long_date(quarters.end(quarter))}",
            empty="No decision of the committee on these actions is recorded yet.",
        )
    )
