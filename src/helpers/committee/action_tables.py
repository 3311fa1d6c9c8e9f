"""The committee report's tables of actions: each action's cells (reference, targets, status, latest update),
the notes from the update log, and the lists of actions past their target, due next and every action.

All text is escaped through helpers.committee.presentation.
"""

from __future__ import annotations

import datetime as dt
import html
import re

import pandas as pd
from IPython.display import HTML

from helpers.base import quarters
from helpers.base.dates import show_date
from helpers.base.targets import COMPLETE as COMPLETE_TARGET
from helpers.base.targets import ONGOING as ONGOING_TARGET
from helpers.base.vocabulary import COMPLETE, NOT_REPORTED, NOT_YET_DUE, OVERDUE
from helpers.committee.presentation import grouped_table_html, table_html
from helpers.tracking import council_settings, decisions
from helpers.tracking.durations import Span, finished_late
from helpers.tracking.history import reported_by
from helpers.tracking.status import DUE_AT_QUARTER_END
from helpers.tracking.status_counts import due_next_quarter
from helpers.tracking.status_table import as_at_day
from helpers.tracking.updates import PLAN
from helpers.tracking.workspace import Workspace


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
    end = as_at_day(status, quarter)
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


def _requested_date(text: str) -> str:
    from helpers.base.targets import parse_target

    read = parse_target(text, dt.date.today()).date
    shown = show_date(pd.Timestamp(read)) if read else ""
    return text if not shown or shown == text else f"{shown} (as written: {text})"


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
        ids = [action_anchor(r, a) for r, a in zip(group["review_id"], group["action_ref"], strict=True)]
        frame = action_table(group, short, notes)
        parts.append(table_html(frame if short else _fewer_columns(frame), caption=f"{caption}: {title}", row_ids=ids))
        if "ref_generated" in group and group["ref_generated"].any():
            parts.append(
                f"<p class='note'>References marked &ldquo;{GENERATED_REF}&rdquo; are numbered in the order of the "
                "document, which numbers none.</p>"
            )
    return HTML("".join(parts))


def _fewer_columns(frame: pd.DataFrame) -> pd.DataFrame:
    """The full table with both targets in one column and the update's date with its text: two columns fewer,
    so the widest texts (action, recommendation) get the width and rows are shorter."""
    target = [
        current if original in ("", "none given") or original == current else f"{current} (the plan: {original})"
        for original, current in zip(frame["Original target"], frame["Current target"], strict=True)
    ]
    update = [
        f"{dated}: {text}" if dated and text else text
        for dated, text in zip(frame["Dated"], frame["Latest update"], strict=True)
    ]
    shown = frame.drop(columns=["Original target", "Current target", "Dated"]).assign(Target=target)
    shown["Latest update"] = update
    return shown[["Ref", "Recommendation", "Action", "Lead", "Target", "Status", "Latest update"]]


def action_anchor(review_id: str, action_ref: str) -> str:
    """The id of an action's row in the appendix ("every action"), which the shorter lists link to."""
    return "action-" + re.sub(r"[^\w-]+", "-", f"{review_id}-{action_ref}").strip("-")


TITLE_LIMIT = 90  # characters of an action's text in the lists that point to the appendix


def short_title(row: dict) -> str:
    """An action's text cut short; where the plan gives no action, the recommendation's, marked as such (the
    appendix shows both in full)."""
    if str(row.get("action") or "").strip():
        return short_text(row["action"], TITLE_LIMIT)
    return f"(no action given) Recommendation: {short_text(row['recommendation'], TITLE_LIMIT)}"


def ref_links(frame: pd.DataFrame) -> pd.Series:
    """Each row's link to its action in the appendix."""
    return pd.Series([f"#{action_anchor(r, a)}" for r, a in zip(frame["review_id"], frame["action_ref"], strict=True)])


def review_groups(ws: Workspace, frame: pd.DataFrame) -> tuple[pd.DataFrame, pd.Series]:
    """The rows in the order given, each review's rows brought together (reviews in their first row's order),
    and each row's review title, for presentation.grouped_table_html."""
    order = {rid: n for n, rid in enumerate(dict.fromkeys(frame["review_id"]))}
    frame = frame.assign(_g=frame["review_id"].map(order)).sort_values("_g", kind="stable").drop(columns="_g")
    frame = frame.reset_index(drop=True)
    return frame, frame["review_id"].map(lambda rid: ws.titles.get(rid, rid))


def short_list(ws: Workspace, status: pd.DataFrame, label: str, empty: str) -> HTML:
    """Actions in one table, grouped by review (named once): each action's ref (a link to the appendix, where
    it is shown in full), a short title, lead, current target and status, in the order given."""
    if status.empty:
        return HTML(f"<p>{html.escape(empty)}</p>")
    status, groups = review_groups(ws, status)
    notes = action_notes(ws, status) if ws is not None else None
    full = action_table(status, short=True, notes=notes)
    frame = pd.DataFrame(
        {
            "Ref": full["Ref"],
            "Action": [short_title(r) for r in status.to_dict("records")],
            "Lead": full["Lead"],
            "Current target": full["Current target"],
            "Status": full["Status"],
        }
    )
    return HTML(grouped_table_html(frame, groups, label, links={"Ref": ref_links(status)}))


def overdue(status: pd.DataFrame) -> pd.DataFrame:
    """Overdue and not-reported actions, the longest past target first."""
    late = status[status["status"].isin((OVERDUE, NOT_REPORTED))]
    return late.sort_values(["days_overdue", "review_id", "action_order"], ascending=[False, True, True])


def due_next(status: pd.DataFrame, quarter: pd.Period) -> pd.DataFrame:
    """Open actions due at this quarter's end or during the next quarter, soonest first."""
    return due_next_quarter(status, quarter)


def short_text(text: str, limit: int = 160) -> str:
    """The start of a long text, cut at a word, with "…" (the appendix shows it in full)."""
    text = " ".join(str(text).split())
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0].rstrip(",;:.") + " …"
