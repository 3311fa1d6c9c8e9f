"""The workspace an analysis or report works on: processed tables and the update log for chosen reviews."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd

from helpers.base import quarters
from helpers.base.errors import InputError
from helpers.plans import tables
from helpers.plans.leads import WorkloadCounter
from helpers.tracking import changes, requests
from helpers.tracking.decisions import apply_decisions, load_decisions
from helpers.tracking.status import StatusTracker
from helpers.tracking.status_counts import counts_from_codes
from helpers.tracking.updates import load_updates


def lead_text(action_leads: pd.DataFrame) -> pd.Series:
    """Each action's leads as a reader sees them: "A / B", or "Accountable: A; Responsible: B" by role."""
    from itertools import groupby

    ordered = action_leads.sort_values(["review_id", "action_ref", "lead_position"], kind="stable")
    rows = zip(ordered["review_id"], ordered["action_ref"], ordered["role"], ordered["lead"], strict=True)
    text: dict[tuple[str, str], str] = {}
    # A plain loop: one small group per action, which pandas' groupby would handle one Python call at a time.
    for key, group in groupby(rows, key=lambda r: (r[0], r[1])):
        by_role: dict[str, list[str]] = {}
        for _, _, role, lead in group:
            by_role.setdefault(role, []).append(lead)
        if list(by_role) == ["lead"]:
            text[key] = " / ".join(by_role["lead"])
        else:
            text[key] = "; ".join(f"{role.capitalize()}: {' / '.join(names)}" for role, names in by_role.items())
    index = pd.MultiIndex.from_tuples(list(text), names=["review_id", "action_ref"]) if text else None
    return pd.Series(list(text.values()), index=index, dtype=object)


Quarter = str | pd.Period
# The columns an analyst reads first in a status table; the rest follow in their own order.
FIRST_COLUMNS = [
    "review_id",
    "action_ref",
    "status_label",
    "lead",
    "current_target_date",
    "last_reported_on",
    "latest_status",
    "latest_comment",
]


@dataclass
class Workspace:
    """The processed tables, update log and committee decisions for the chosen reviews.

    Every method that takes a quarter accepts its label ("2023/24 Q4") or a pandas period. With `as_of` (an
    interim report's day) every status, count and window is as at that day where it comes before the quarter
    end (`as_at`), and the updates and decisions are those known by it (load_workspace).
    """

    reviews: pd.DataFrame
    recommendations: pd.DataFrame
    actions: pd.DataFrame
    action_leads: pd.DataFrame
    updates: pd.DataFrame
    decisions: pd.DataFrame | None = None
    as_of: dt.date | None = None

    def as_at(self, quarter: Quarter) -> dt.date:
        """The day this workspace's figures for `quarter` are as at: its end, or the earlier `as_of` day of an
        interim report (helpers.base.quarters.as_at)."""
        return quarters.as_at(quarters.as_quarter(quarter), self.as_of)

    @property
    def review_ids(self) -> list[str]:
        """The chosen reviews' ids, in the order of data/processed/reviews.csv."""
        return list(self.reviews["review_id"])

    @property
    def titles(self) -> dict[str, str]:
        """{review id: the review's title as reports show it}."""
        return dict(zip(self.reviews["review_id"], self.reviews["title"], strict=False))

    @property
    def councils(self) -> list[str]:
        """The councils the chosen reviews belong to, in order of first appearance."""
        return list(dict.fromkeys(self.reviews["council"]))

    @cached_property
    def tracked(self) -> pd.DataFrame:
        """Actions with their recommendation's text and section and a readable lead column."""
        key = ["review_id", "rec_ref"]
        recs = self.recommendations[[*key, "rec_order", "section", "recommendation", "response"]]
        frame = self.actions.merge(recs, on=key, how="left")
        leads = lead_text(self.action_leads)
        index = pd.MultiIndex.from_arrays([frame["review_id"], frame["action_ref"]])
        frame["lead"] = leads.reindex(index).fillna("").to_numpy() if len(leads) else ""
        return frame

    def themed(self) -> pd.DataFrame:
        """Recommendations with their themes (primary first) from the taxonomy and overrides."""
        from helpers.plans.themes import assign_themes

        return assign_themes(self.recommendations)

    def themes_long(self) -> pd.DataFrame:
        """One row per (review, theme, recommendation), with untranscribed reviews' recorded themes."""
        from helpers.plans.themes import theme_long

        return theme_long(self.themed(), self.reviews)

    @cached_property
    def tracker(self) -> StatusTracker:
        """The status rules (helpers.tracking.status) applied to these actions and updates, for any quarter end."""
        frame = self.tracked
        has_lead = (frame["lead"] != "").to_numpy()
        return StatusTracker(frame, self.reviews, self.updates, has_lead=has_lead, as_of=self.as_of)

    @cached_property
    def workload_counter(self) -> WorkloadCounter:
        """Lead workload by status group, matched to the actions once (helpers.plans.leads.WorkloadCounter)."""
        return WorkloadCounter(self.action_leads, self.tracker.actions)

    def status(self, quarter: Quarter) -> pd.DataFrame:
        """Every counted action with its status as at the quarter end (the rules: helpers.tracking.status).

        The columns an analyst reads first come first: review_id, action_ref, status_label, lead,
        current_target_date, last_reported_on, latest_status, latest_comment; then the rest.
        """
        frame = self.tracker.status(quarters.as_quarter(quarter))
        first = [c for c in FIRST_COLUMNS if c in frame.columns]
        return frame[first + [c for c in frame.columns if c not in first]]

    @cached_property
    def _review_codes(self) -> tuple[np.ndarray, pd.Index]:
        return pd.factorize(self.tracker.actions["review_id"])

    def counts(self, quarter: Quarter) -> pd.DataFrame:
        """Review x status counts as at the quarter end (from status codes: no display table is built)."""
        quarter = quarters.as_quarter(quarter)
        codes, ids = self._review_codes
        counted = self.counted_reviews(quarter)  # as at an interim report's day too
        return counts_from_codes(codes, ids, self.tracker.status_codes(quarter), counted, quarter)

    def workload(self, quarter: Quarter) -> pd.DataFrame:
        """Actions per lead doing the work (see leads.WorkloadCounter), indexed by a display name."""
        return self.workload_counter.count(self.tracker.status_codes(quarters.as_quarter(quarter)), display_names=True)

    def past_target_by_lead(self, quarter: Quarter) -> pd.DataFrame:
        """Leads with actions past their target, most first: overdue (a lead said not complete), target passed
        with no update (not known), and both together."""
        from helpers.base.vocabulary import NOT_REPORTED, OVERDUE, status_labels

        labels = status_labels()
        table = self.workload(quarter)
        frame = pd.DataFrame(
            {
                labels[OVERDUE]: table["overdue"],
                labels[NOT_REPORTED]: table["not-reported"],
                "past target": table["overdue"] + table["not-reported"],
            }
        )
        frame = frame[frame["past target"] > 0]
        return frame.sort_values(["past target", labels[OVERDUE]], ascending=False, kind="stable")

    def changes(self, quarter: Quarter) -> dict[str, pd.DataFrame]:
        """What changed in the quarter: "status changes" (with previous_status), "targets revised" and
        "updates reported" (every update with its lead), as the committee report shows them."""
        return changes.changes(self, quarters.as_quarter(quarter))

    def requests(self, quarter: Quarter):
        """What the quarter's report asks its committee to decide (helpers.tracking.decisions.Requests: revisions,
        closures, escalations), with the rules in data/report.yaml."""
        return requests.for_quarter(self, quarters.as_quarter(quarter))

    def counted_reviews(self, quarter: Quarter) -> pd.DataFrame:
        """Reviews whose actions count by the quarter end, or an interim report's day (tracked from on or before it)."""
        end = pd.Timestamp(self.as_at(quarter))
        return self.reviews[self.reviews["tracked_from"] <= end].reset_index(drop=True)

    def status_history(self, first: Quarter | None, last: Quarter) -> pd.DataFrame:
        """The status of every action at every quarter end from `first` (None: the first a chosen plan counts) to
        `last`, one row each: review_id, action_ref, quarter, quarter_end, status, status_label,
        current_target_date, target_revisions (helpers.tracking.status_history; same rules as every report)."""
        from helpers.tracking.status_history import history_quarters, status_history

        start = None if first is None else quarters.as_quarter(first)
        span = history_quarters(self.reviews, start, quarters.as_quarter(last))
        return status_history(self.tracker, span)

    def slippage(self, quarter: Quarter, by: str | None = None) -> pd.DataFrame:
        """Slippage and completion on time as at the quarter end (helpers.tracking.slippage): one row per action
        (by=None), per review (by="review_id"), per lead doing the work (by="lead"; joint actions count for each)
        or per primary theme of the action's recommendation (by="theme")."""
        from helpers.plans.leads import working_leads
        from helpers.tracking.slippage import slippage, slippage_summary

        status = self.status(quarter)
        table = slippage(status, quarter)
        if by is None:
            return table
        if by == "theme":
            from helpers.plans.themes import theme_names

            key = ["review_id", "rec_ref"]
            primary = status[key].merge(self.themed()[[*key, "primary_theme"]], on=key, how="left")  # keeps order
            table["theme"] = primary["primary_theme"].map(theme_names()).fillna("no theme recorded").to_numpy()
        doing = working_leads(self.action_leads)
        if doing["council"].nunique() > 1:  # leads at different councils are never merged
            doing = doing.assign(lead=doing["lead"] + " (" + doing["council"] + ")")
        return slippage_summary(table, by, doing if by == "lead" else None)

    def history(self, review_id: str, action_ref: str | int) -> pd.DataFrame:
        """Everything recorded on one action, oldest first: the plan, every update (with its lead and role),
        each revision asked for, and every decision of the committee."""
        from helpers.tracking.history import action_history

        return action_history(self, review_id, str(action_ref))


def load_workspace(
    review_ids: list[str] | str | None = None,
    councils: list[str] | str | None = None,
    as_of: dt.date | str | None = None,
) -> Workspace:
    """Read the processed tables, updates and decisions for some reviews (None = all), or all the reviews of
    some councils; every id and council must be known. `as_of` (a date or "YYYY-MM-DD"): an interim report's
    day, by which its figures are (Workspace.as_at); updates and decisions dated after it are left out."""
    all_reviews = tables.read("reviews")
    known = list(all_reviews["review_id"])
    review_ids = [review_ids] if isinstance(review_ids, str) else review_ids
    councils = [councils] if isinstance(councils, str) else councils
    unknown = [i for i in review_ids or [] if i not in known]
    if unknown:
        raise InputError(f"unknown review id(s) {', '.join(unknown)}; known: {', '.join(known)}")
    named = list(dict.fromkeys(all_reviews["council"]))
    strangers = [c for c in councils or [] if c not in named]
    if strangers:
        raise InputError(f"no review of {', '.join(strangers)} in the workspace; councils: {'; '.join(named)}")
    keep = [
        i
        for i, council in zip(all_reviews["review_id"], all_reviews["council"], strict=True)
        if (not review_ids or i in review_ids) and (not councils or council in councils)
    ]

    def chosen(frame: pd.DataFrame) -> pd.DataFrame:
        return frame[frame["review_id"].isin(keep)].reset_index(drop=True)

    all_actions = tables.read("actions")
    # Every update and decision file is checked against every review, so a bad row is caught whatever the selection.
    updates = load_updates(all_actions, all_reviews)
    decided = load_decisions(updates, all_actions)
    day = dt.date.fromisoformat(as_of) if isinstance(as_of, str) else as_of
    if day is not None:
        updates, decided = known_by(updates, decided, day)
    return Workspace(
        reviews=chosen(all_reviews),
        recommendations=chosen(tables.read("recommendations")),
        actions=chosen(all_actions),
        action_leads=chosen(tables.read("action_leads")),
        updates=chosen(apply_decisions(updates, decided)),
        decisions=chosen(decided),
        as_of=day,
    )


def known_by(updates: pd.DataFrame, decided: pd.DataFrame, day: dt.date) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The updates and the committee's decisions dated on or before `day` (an interim report's): nothing later
    can be known when the report is made, so an update or decision dated after it never counts."""
    last = pd.Timestamp(day)
    return (
        updates[updates["updated_on"] <= last].reset_index(drop=True),
        decided[pd.to_datetime(decided["decided_on"]) <= last].reset_index(drop=True),
    )
