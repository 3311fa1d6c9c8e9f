"""What the committee report says: front matter, summary, changes, overdue and due actions, every action.

Everything comes from the workspace (documents, metadata, updates) and the
report settings in data/report.yaml; nothing about any council is written here.
All text is escaped through helpers.presentation.
"""

from __future__ import annotations

import datetime as dt
import html

import pandas as pd
from IPython.display import HTML

from helpers import covering, decisions, quarters, report_settings
from helpers.decisions import Requests
from helpers.presentation import show_date, table_html
from helpers.status import changes_since, due_next_quarter, last_reported
from helpers.updates import PLAN
from helpers.vocabulary import DATA_GAPS, NOT_REPORTED, NOT_TRANSCRIBED, OVERDUE, status_labels, status_meanings
from helpers.workspace import Workspace

# LGA guidance on the peer challenge cycle, in months after the visit.
ACTION_PLAN_WITHIN, ACTION_PLAN_AT_MOST = 3, 5
PROGRESS_REVIEW_ABOUT = 10
PROGRESS_REPORT_WITHIN = 12


def committees(ws: Workspace, quarter: pd.Period) -> list[str]:
    """The committees the counted reviews' progress is reported to (review metadata, else data/report.yaml)."""
    groups = report_settings.audiences(ws.counted_reviews(quarter))
    return list(dict.fromkeys(committee for _, committee in groups if committee))


def scope(ws: Workspace, quarter: pd.Period) -> tuple[str | None, str | None]:
    """The council and the committee a report is for; None for either where the counted reviews name none or several."""
    councils = list(dict.fromkeys(ws.counted_reviews(quarter)["council"]))
    named = committees(ws, quarter)
    return (councils[0] if len(councils) == 1 else None, named[0] if len(named) == 1 else None)


def settings(ws: Workspace | None = None, quarter: pd.Period | None = None) -> dict:
    """data/report.yaml for this report's council and committee (the defaults without a workspace)."""
    if ws is None or quarter is None:
        return report_settings.settings()
    return report_settings.settings(*scope(ws, quarter))


def report_title(quarter: pd.Period, title: str | None = None) -> str:
    return f"{title or settings()['title']}: progress report {quarters.label(quarter)}"


def requests(ws: Workspace, quarter: pd.Period) -> Requests:
    """What this quarter's report asks its committee to decide (rules from data/report.yaml)."""
    rules = report_settings.decision_rules(*scope(ws, quarter))
    return decisions.requests(ws.updates, ws.status(quarter), quarter, rules)


def front_matter(ws: Workspace, quarter: pd.Period, meeting_date: str | None = None) -> HTML:
    """Title, council, committee, meeting date, author, as-at date, the recommendation and its reason."""
    counted = ws.counted_reviews(quarter)
    councils = ", ".join(dict.fromkeys(counted["council"])) or "No review counts yet"
    named = ", ".join(committees(ws, quarter))
    chosen = settings(ws, quarter)
    meeting = show_date(pd.Timestamp(meeting_date)) if meeting_date else "to be set"
    as_at = quarters.long_date(quarters.end(quarter))
    rows = [
        ("Council", councils),
        ("Committee", named or "not named in the review metadata"),
        ("Meeting date", meeting),
        ("Report of", covering.author_text(chosen)),
        ("Progress as at", as_at),
        ("Reviews covered", "; ".join(counted["title"]) or "none yet"),
    ]
    facts = "".join(f"<tr><th scope='row'>{html.escape(k)}</th><td>{html.escape(v)}</td></tr>" for k, v in rows)
    parts = covering.recommendation_parts(chosen, requests(ws, quarter), quarter)
    reason = str((chosen.get("covering") or {}).get("reason") or "").strip()
    return HTML(
        f"<h1>{html.escape(report_title(quarter, chosen['title']))}</h1>"
        f"<table class='front-matter'><caption>About this report</caption>{facts}</table>"
        f"<h2 id='recommendation'>Recommendation</h2>{covering.recommendation_html(named or None, parts)}"
        + (f"<h2 id='reason'>Reason for the recommendation</h2><p>{html.escape(reason)}</p>" if reason else "")
    )


def recommendation(ws: Workspace, quarter: pd.Period) -> str:
    """The recommendation for decision as one plain sentence (for the index, notebooks and tests)."""
    parts = covering.recommendation_parts(settings(ws, quarter), requests(ws, quarter), quarter)
    return covering.recommendation_text(", ".join(committees(ws, quarter)) or None, parts)


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


def lead_roles(ws: Workspace) -> dict[tuple[str, str, str], str]:
    """{(review, action, lead): "accountable" / "responsible" / "lead"}: each lead's role on each action."""
    frame = ws.action_leads
    return {
        (r, a, lead): role
        for r, a, lead, role in zip(frame["review_id"], frame["action_ref"], frame["lead"], frame["role"], strict=True)
    }


def reported_by(ws: Workspace, frame: pd.DataFrame, lead_column: str = "lead") -> list[str]:
    """ "Finance Team (responsible)" for each update row; "not recorded" where the update names no lead."""
    roles = lead_roles(ws)
    out = []
    for review_id, action_ref, lead in zip(frame["review_id"], frame["action_ref"], frame[lead_column], strict=True):
        role = roles.get((review_id, action_ref, lead))
        out.append(f"{lead} ({role})" if lead and role else (lead or "not recorded"))
    return out


def updates_reported(ws: Workspace, quarter: pd.Period) -> pd.DataFrame:
    """Every update reported in the quarter (not the plans' own statements), each with its lead: oldest first."""
    start, end = pd.Timestamp(quarters.start(quarter)), pd.Timestamp(quarters.end(quarter))
    log = ws.updates
    found = log[(log["updated_on"] >= start) & (log["updated_on"] <= end) & (log["origin"] != PLAN)]
    counted = ws.status(quarter).set_index(["review_id", "action_ref"]).index
    found = found[found.set_index(["review_id", "action_ref"]).index.isin(counted)]
    return found.reset_index(drop=True)


def status_changes(ws: Workspace, quarter: pd.Period) -> pd.DataFrame:
    """Actions whose status differs from the previous quarter end (direction of travel), in status order."""
    from helpers.vocabulary import status_order

    before = ws.status(quarter - 1).set_index(["review_id", "action_ref"])["status"]
    now = ws.status(quarter)
    was = before.reindex(pd.MultiIndex.from_frame(now[["review_id", "action_ref"]])).to_numpy()
    moved = now[pd.notna(was) & (was != now["status"].to_numpy())].copy()
    moved["previous_status"] = was[moved.index]
    rank = {sid: n for n, sid in enumerate(status_order())}
    moved["_rank"] = moved["status"].map(rank)
    return moved.sort_values(["_rank", "review_id", "action_order"], kind="stable").drop(columns="_rank")


def changes(ws: Workspace, quarter: pd.Period) -> dict[str, pd.DataFrame]:
    """Status changes (with the previous status), targets revised and every update reported in the quarter."""
    found = changes_since(ws.status(quarter - 1), ws.status(quarter), ws.updates, quarter)
    return {
        "status changes": status_changes(ws, quarter),
        "targets revised": found["targets revised"],
        "updates reported": updates_reported(ws, quarter),
    }


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


def _months_late(done: object, target: object) -> str:
    """ "on time", or "N months after its target" in calendar months (days where under a month)."""
    if pd.isna(done) or pd.isna(target):
        return "no target date to judge against"
    done, target = pd.Timestamp(done), pd.Timestamp(target)
    if done <= target:
        return "on time"
    months = (done.year - target.year) * 12 + done.month - target.month - (done.day < target.day)
    if months >= 1:
        return f"{months} month{'s' if months != 1 else ''} after its target"
    days = (done - target).days
    return f"{days} day{'s' if days != 1 else ''} after its target"


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
    from helpers.targets import parse_target

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
            "Finished": [
                _months_late(d, t) for d, t in zip(frame["updated_on"], frame["current_target_date"], strict=True)
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
    asked = requests(ws, quarter)
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
