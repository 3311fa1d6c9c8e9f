"""Status of each action as at a quarter end: the one place these rules live.

An action counts from the quarter holding its review's `tracked_from` date (the
action plan's approval, where known). Then, in order, the first rule that
applies decides (ids from helpers.base.vocabulary; labels in data/vocabulary.yaml):

1. incomplete-source: the source row is cut off or illegible.
2. complete: the latest status on or before the quarter end closes the action
   (from a progress update, or the plan itself: a status column or a "Complete"
   target, dated the plan's source_date). Where leads report different statuses
   on that latest date, a claim of completion counts only if no lead reporting
   on that date says otherwise (LEADS_DISAGREE_RULE).
3. follows another: an action with no target of its own whose text is only
   "See N" / "As N" takes recommendation N's status (basis "as recommendation N").
4. no-action: the plan gives no action text and no lead.
5. not-yet-due: the current target date is on or after the quarter end (an
   action due on the quarter's last day is due, not passed: "due at quarter end").
6. overdue: the current target date has passed, and the latest update since the
   plan *with a status* says the action is not complete (OVERDUE_RULE). A comment
   or a revision request without a status never changes the status.
7. not-reported: the current target date has passed and no status has been
   reported since the plan: not known, so never counted as overdue.
8. ongoing: the target says ongoing (no end date).
9. no-target: the plan gives no target date ("Complete" as a target is a status,
   not a date).

The current target is the plan's, or the latest revision agreed (approved) on or
before the quarter end. How long (past target, finished late) is counted in
calendar months by `calendar_span` (DURATION_RULE). Recommendations the documents
count but nobody has transcribed appear as not-transcribed in the counts, beside
the actions and never added to them.
"""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

import numpy as np
import pandas as pd

from helpers.base import quarters
from helpers.base.targets import COMPLETE as COMPLETE_TARGET
from helpers.base.targets import NONE
from helpers.base.targets import ONGOING as ONGOING_TARGET
from helpers.base.vocabulary import (
    COMPLETE,
    INCOMPLETE_SOURCE,
    NO_ACTION,
    NO_TARGET,
    NOT_REPORTED,
    NOT_TRANSCRIBED,
    NOT_YET_DUE,
    ONGOING,
    OPEN,
    OVERDUE,
    STATUS_IDS,
    TOTAL_ACTIONS,
    status_labels,
    status_order,
    update_statuses,
)
from helpers.tracking.updates import PLAN

NO_UPDATE = "no update this quarter"
DUE_AT_QUARTER_END = "due at quarter end"
# The written rules a report's key prints (committee.status_key); the code below applies them.
DURATION_RULE = (
    "How long: counted in calendar months, as a reader counts them. From a day to the same day of a later "
    "month is a month, and from a month's last day to a later month's last day is whole months (a target of "
    "October 2023 is 5 months past at 31 March 2024); days left over are counted as days."
)
OVERDUE_RULE = (
    "What makes an action overdue: its target date has passed and the latest update since the plan that gives "
    "a status says it is not complete. A comment or a request to revise the target without a status never changes an "
    "action's status (it is shown as the latest comment); with no status reported since the plan, an action "
    "past its target is 'not known', never overdue."
)
DUE_RULE = (
    "An action whose target is the quarter's last day is due, not passed, at that quarter end: it is shown as "
    "not yet due, 'due at quarter end'."
)
LEADS_DISAGREE_RULE = (
    "Leads who disagree: where the leads of a shared action report different statuses on the same latest date, "
    "a claim of completion counts only if no lead reporting on that date says otherwise; each lead's status is shown."
)
FOLLOWS_RULE = (
    "An action with no target of its own whose text only points to another recommendation ('As 41.') takes that "
    "recommendation's status, shown 'as recommendation 41'; counts say how many moved only by following."
)
LATENESS_RULE = (
    "How late a completed action is: counted from its target in force to the day its completion was reported, "
    "the only date a return gives, so the work may have finished earlier."
)
CLOSURE_RULE = (
    "An action counts as complete from the day a lead reports it complete. Where the committee agrees closures on "
    "the evidence, the report puts each such claim to it, marked 'awaiting the committee's agreement' until it "
    "decides; a closure it refuses reopens the action from the meeting day."
)
RULES = (OVERDUE_RULE, DUE_RULE, LEADS_DISAGREE_RULE, FOLLOWS_RULE, DURATION_RULE, LATENESS_RULE, CLOSURE_RULE)

# Status ids by code; code -1 (not counted yet) reads as "".
_NAMES = np.array([*STATUS_IDS, ""], dtype=object)
_CODE = {sid: n for n, sid in enumerate(STATUS_IDS)}
_NAT = np.datetime64("NaT", "ns")


# --- Calendar arithmetic: every "how long" a report states -----------------------------


class Span(NamedTuple):
    """A length of time in calendar months and the days left over (see DURATION_RULE)."""

    months: int
    days: int

    def __str__(self) -> str:
        months = f"{self.months} month{'s' if self.months != 1 else ''}"
        days = f"{self.days} day{'s' if self.days != 1 else ''}"
        if self.months and self.days:
            return f"{months} and {days}"
        return months if self.months else days


def _month_end(year: int, month: int) -> dt.date:
    following = dt.date(year + month // 12, month % 12 + 1, 1)
    return following - dt.timedelta(days=1)


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later; a month's last day stays a month's last day, a missing day is the month's last."""
    year, month0 = divmod(day.year * 12 + day.month - 1 + months, 12)
    last = _month_end(year, month0 + 1)
    if day == _month_end(day.year, day.month):
        return last
    return dt.date(year, month0 + 1, min(day.day, last.day))


def calendar_span(start: dt.date, end: dt.date) -> Span:
    """Whole calendar months from `start` to `end`, and the days left over (DURATION_RULE).

    31 October 2023 to 31 March 2024 is Span(5, 0); 15 January to 14 March is Span(1, 28).
    `end` before `start` is an error: a span is never negative.
    """
    start, end = _as_date(start), _as_date(end)
    if end < start:
        raise ValueError(f"a span ends ({end}) before it starts ({start})")
    months = (end.year - start.year) * 12 + end.month - start.month
    if add_months(start, months) > end:
        months -= 1
    return Span(months, (end - add_months(start, months)).days)


def _as_date(value: object) -> dt.date:
    return value if type(value) is dt.date else pd.Timestamp(value).date()  # type: ignore[return-value]


def past_target(target: object, as_at: object) -> Span | None:
    """How long past its target an action is at `as_at`; None when the target is not before `as_at` (or unknown)."""
    if target is None or pd.isna(target) or _as_date(target) >= _as_date(as_at):
        return None
    return calendar_span(_as_date(target), _as_date(as_at))


def finished_late(completed_on: object, target_in_force: object) -> Span | None:
    """How long after the target in force an action was completed; None when on time, or either date is unknown.

    For "finished N months after its target": the status frame gives `completed_on` and `target_at_completion`.
    """
    if completed_on is None or pd.isna(completed_on):
        return None
    return past_target(target_in_force, completed_on)


def _dates(frame: pd.DataFrame, column: str) -> np.ndarray:
    """A date column of the update log as datetime64 (all NaT where the log has no such column)."""
    if column not in frame:
        return np.full(len(frame), np.datetime64("NaT", "ns"))
    return frame[column].to_numpy("datetime64[ns]")


def _pick(values: np.ndarray, positions: np.ndarray, present: np.ndarray, default: object) -> np.ndarray:
    """values[positions] where present, else default; safe when there are no values at all."""
    if len(values) == 0:
        return np.full(len(positions), default)
    return np.where(present, values[np.maximum(positions, 0)], default)


class StatusTracker:
    """The status rules applied to one set of actions and updates, for any number of quarter ends.

    Work that does not depend on the quarter (matching each update to its action,
    sorting updates by date) is done once, so a backfill of every quarter stays
    linear in the size of the data.
    """

    def __init__(
        self, actions: pd.DataFrame, reviews: pd.DataFrame, updates: pd.DataFrame, has_lead: np.ndarray | None = None
    ):
        self.actions = actions.reset_index(drop=True)
        self._last: tuple[pd.Period, dict[str, np.ndarray]] | None = None
        keys = pd.MultiIndex.from_arrays([self.actions["review_id"], self.actions["action_ref"]])
        tracked = reviews.set_index("review_id")["tracked_from"]
        self.tracked_from = self.actions["review_id"].map(tracked).to_numpy("datetime64[ns]")
        order = np.argsort(updates["updated_on"].to_numpy("datetime64[ns]"), kind="stable")
        upd = updates.iloc[order].reset_index(drop=True)
        self.update_on = upd["updated_on"].to_numpy("datetime64[ns]")
        self.update_action = keys.get_indexer(pd.MultiIndex.from_arrays([upd["review_id"], upd["action_ref"]]))
        self.update_status = upd["status"].to_numpy(object)
        self.update_comment = upd["comment"].to_numpy(object)
        self.update_lead = (upd["lead"] if "lead" in upd else pd.Series("", index=upd.index)).to_numpy(object)
        self.update_approx = upd["date_approximate"].to_numpy(bool)
        self.update_origin = upd["origin"].to_numpy(object)
        self.has_status = self.update_status != ""
        self.reported = self.update_origin != PLAN
        closing = [name for name, closes in update_statuses().items() if closes]
        self.update_closes = upd["status"].isin(closing).to_numpy()
        # Positions (in date order) of the updates each rule looks at, found once for every quarter.
        matched = self.update_action >= 0
        self.status_rows = np.nonzero(self.has_status & matched)[0]
        self._same_day_statuses()
        self.reported_rows = np.nonzero(self.reported & matched)[0]
        self.reported_status_rows = np.nonzero(self.reported & self.has_status & matched)[0]
        # Agreed target revisions, in order of approval.
        revised = upd[(upd["revised_target"] != "") & upd["revision_approved_on"].notna()]
        if len(revised):
            from helpers.tracking.updates import target_revisions

            rev = target_revisions(revised)
            rev = rev.sort_values("revision_approved_on", kind="stable")
            self.rev_on = rev["revision_approved_on"].to_numpy("datetime64[ns]")
            self.rev_action = keys.get_indexer(pd.MultiIndex.from_arrays([rev["review_id"], rev["action_ref"]]))
            self.rev_date = rev["new_target_date"].to_numpy("datetime64[ns]")
        else:
            self.rev_on = np.array([], "datetime64[ns]")
            self.rev_action = np.array([], int)
            self.rev_date = np.array([], "datetime64[ns]")
        # Every revision asked for: pending at a quarter end unless agreed or refused by then.
        requested = upd[upd["revised_target"] != ""]
        self.req_on = requested["updated_on"].to_numpy("datetime64[ns]")
        self.req_action = keys.get_indexer(pd.MultiIndex.from_arrays([requested["review_id"], requested["action_ref"]]))
        self.req_text = requested["revised_target"].to_numpy(object)
        self.req_decided_on = np.fmin(
            _dates(requested, "revision_approved_on"), _dates(requested, "revision_refused_on")
        )
        # A completion the committee refused stops closing the action from the day it was refused.
        self.update_refused_on = _dates(upd, "closure_refused_on")
        # "Follows" names a recommendation: take the status of its first action.
        first = self.actions.reset_index().drop_duplicates(["review_id", "rec_ref"])
        first_key = pd.MultiIndex.from_arrays([first["review_id"], first["rec_ref"]])
        found = first_key.get_indexer(pd.MultiIndex.from_arrays([self.actions["review_id"], self.actions["follows"]]))
        self.follow_pos = np.where(
            (self.actions["follows"] != "").to_numpy() & (found >= 0),
            first["index"].to_numpy()[np.maximum(found, 0)],
            -1,
        )
        lead = np.ones(len(self.actions), bool) if has_lead is None else has_lead
        self.no_action = (self.actions["action"] == "").to_numpy() & ~lead
        self.incomplete = (self.actions["source_incomplete"] != "").to_numpy()
        kind = self.actions["target_kind"].to_numpy(object)
        # "Complete" as a target is the plan's status (an update dated source_date), not a date to meet.
        plan_date = self.actions["target_date"].to_numpy("datetime64[ns]")
        self.target_date = np.where(kind == COMPLETE_TARGET, _NAT, plan_date).astype("datetime64[ns]")
        self.ongoing_target = kind == ONGOING_TARGET
        self.no_target = kind == NONE

    def _latest(self, on: np.ndarray, action: np.ndarray, n: int, mask: np.ndarray | None = None) -> np.ndarray:
        """Position of each action's latest entry among the first `n` (date order); -1 for none."""
        positions = np.arange(n)
        acts = action[:n]
        if mask is not None:
            positions, acts = positions[mask[:n]], acts[mask[:n]]
        known = acts >= 0
        latest = np.full(len(self.actions), -1)
        np.maximum.at(latest, acts[known], positions[known])
        return latest

    def status_ids(self, quarter: pd.Period) -> np.ndarray:
        """Each action's status id as at the end of `quarter`, in self.actions order ("" where not counted yet)."""
        return self._compute(quarter)["status"]

    def status_codes(self, quarter: pd.Period) -> np.ndarray:
        """Each action's status as a position in vocabulary.STATUS_IDS (-1 where not counted yet)."""
        return self._compute(quarter)["code"]

    def status(self, quarter: pd.Period) -> pd.DataFrame:
        """Every counted action with its status as at the end of `quarter` (rules in this module's docstring)."""
        return self._frame(quarter, self._compute(quarter))

    def _compute(self, quarter: pd.Period) -> dict[str, np.ndarray]:
        # Counts, workload and the status table of one quarter all start from the same arrays.
        if self._last is not None and self._last[0] == quarter:
            return self._last[1]
        result = self._apply_rules(quarter)
        self._last = (quarter, result)
        return result

    def _latest_in(self, rows: np.ndarray, n: int) -> np.ndarray:
        """Each action's latest position among `rows` (positions in date order) below `n`; -1 for none."""
        rows = rows[: int(np.searchsorted(rows, n))]
        latest = np.full(len(self.actions), -1)
        np.maximum.at(latest, self.update_action[rows], rows)
        return latest

    def _same_day_statuses(self) -> None:
        """For each status, what every status given on the same action on the same day says (LEADS_DISAGREE_RULE).

        A day's statuses are all on or before a quarter end or all after it, so this is worked out once: rows
        sorted by action and day, each (action, day) group reduced with numpy (a pandas groupby costs 10 times more).
        """
        size = len(self.update_on)
        self.day_open, self.day_closes, self.day_differ = (np.zeros(size, bool) for _ in range(3))
        self.day_last_open = np.full(size, -1)
        if not len(self.status_rows):
            return
        code = pd.factorize(self.update_status)[0]
        action, day = self.update_action[self.status_rows], self.update_on[self.status_rows].view("i8")
        rows = self.status_rows[np.lexsort((day, action))]
        action, day = self.update_action[rows], self.update_on[rows].view("i8")
        first = np.r_[True, (action[1:] != action[:-1]) | (day[1:] != day[:-1])]
        starts, group = np.nonzero(first)[0], np.cumsum(first) - 1
        open_ = (~self.update_closes[rows]).astype(np.int8)
        self.day_open[rows] = np.maximum.reduceat(open_, starts)[group].astype(bool)
        self.day_closes[rows] = ~np.minimum.reduceat(open_, starts)[group].astype(bool)
        self.day_last_open[rows] = np.maximum.reduceat(np.where(open_ == 1, rows, -1), starts)[group]
        self.day_differ[rows] = (np.maximum.reduceat(code[rows], starts) != np.minimum.reduceat(code[rows], starts))[
            group
        ]

    def _latest_statuses(self, n: int) -> dict[str, np.ndarray]:
        """The statuses that decide each action, from the first `n` updates (LEADS_DISAGREE_RULE)."""
        latest = self._latest_in(self.status_rows, n)
        has = latest >= 0
        open_on_latest = _pick(self.day_open, latest, has, False).astype(bool)
        return {
            # A claim of completion counts only if no status on that date says otherwise.
            "decisive": np.where(open_on_latest, _pick(self.day_last_open, latest, has, -1), latest),
            "has_status": has,
            "closed": _pick(self.day_closes, latest, has, False).astype(bool) & ~open_on_latest,
            "disagree": _pick(self.day_differ, latest, has, False).astype(bool),
            "status_on": _pick(self.update_on, latest, has, _NAT).astype("datetime64[ns]"),
        }

    def _apply_rules(self, quarter: pd.Period) -> dict[str, np.ndarray]:
        end = np.datetime64(pd.Timestamp(quarters.end(quarter)), "ns")
        start = np.datetime64(pd.Timestamp(quarters.start(quarter)), "ns")
        n = int(np.searchsorted(self.update_on, end, side="right"))
        latest = self._latest(self.update_on, self.update_action, n)
        latest_reported = self._latest_in(self.reported_rows, n)
        # Only a status makes an action overdue: a comment or a revision request alone does not (OVERDUE_RULE).
        status_reported = np.zeros(len(self.actions), bool)
        reported_rows = self.reported_status_rows[: int(np.searchsorted(self.reported_status_rows, n))]
        status_reported[self.update_action[reported_rows]] = True
        decided = self._latest_statuses(n)
        has_update, has_status, reported = latest >= 0, decided["has_status"], latest_reported >= 0
        decisive = decided["decisive"]
        # A completion the committee refused no longer closes the action from the day it was refused.
        refused = _pick(self.update_refused_on, decisive, has_status, _NAT) <= end
        closed = decided["closed"] & ~refused
        latest_status = _pick(self.update_status, decisive, has_status, "")

        n_rev = int(np.searchsorted(self.rev_on, end, side="right"))
        latest_rev = self._latest(self.rev_on, self.rev_action, n_rev)
        target = np.where(
            latest_rev >= 0, _pick(self.rev_date, latest_rev, latest_rev >= 0, _NAT), self.target_date
        ).astype("datetime64[ns]")
        revisions = np.bincount(self.rev_action[:n_rev][self.rev_action[:n_rev] >= 0], minlength=len(self.actions))
        pending = np.zeros(len(self.actions), bool)
        asked = (self.req_on <= end) & (self.req_action >= 0) & ~(self.req_decided_on <= end)
        pending[self.req_action[asked]] = True
        dated = ~np.isnat(target)

        # Status codes (positions in STATUS_IDS), not strings: counts and workload of every quarter use them.
        own = np.select(
            [
                self.incomplete,
                closed,
                self.no_action,
                dated & (target >= end),
                dated & status_reported,
                dated,
                self.ongoing_target,
            ],
            [
                _CODE[INCOMPLETE_SOURCE],
                _CODE[COMPLETE],
                _CODE[NO_ACTION],
                _CODE[NOT_YET_DUE],
                _CODE[OVERDUE],
                _CODE[NOT_REPORTED],
                _CODE[ONGOING],
            ],
            default=_CODE[NO_TARGET],
        ).astype(np.int8)
        code = own.copy()
        follows = (self.follow_pos >= 0) & ~closed & ~self.incomplete
        code[follows] = own[self.follow_pos[follows]]

        counted = self.tracked_from <= end
        code = np.where(counted, code, -1).astype(np.int8)
        return {
            "end": end,
            "start": start,
            "n": n,
            "code": code,
            "status": _NAMES[code],
            "closed": closed,
            "follows": follows,
            "decisive": decisive,
            "disagree": decided["disagree"],
            "status_on": decided["status_on"],
            "has_status": has_status,
            "status_reported": status_reported,
            "counted": counted,
            "has_update": has_update,
            "latest": latest,
            "reported": reported,
            "latest_reported": latest_reported,
            "latest_status": latest_status,
            "target": target,
            "revisions": revisions,
            "pending": pending,
            "dated": dated,
        }

    def _basis(self, c: dict[str, np.ndarray]) -> np.ndarray:
        """Why each action has its status: the target, an update, the plan, or the recommendation it follows."""
        origin = _pick(self.update_origin, c["decisive"], c["has_status"], "")
        basis = np.select(
            [self.incomplete, c["closed"] & (origin == PLAN), c["closed"]],
            ["source row incomplete", "the plan says complete", "update: " + c["latest_status"].astype(str)],
            default="target",
        ).astype(object)
        follows = c["follows"]
        basis[follows] = "as recommendation " + self.actions["follows"].to_numpy()[follows].astype(str)
        return basis

    def _lead_statuses(self, c: dict[str, np.ndarray]) -> np.ndarray:
        """Where leads disagree, each lead's status on the latest status date: "Cabinet: Complete; SLT: In progress"."""
        text = np.full(len(self.actions), "", dtype=object)
        for a in np.nonzero(c["disagree"])[0]:
            rows = np.nonzero(
                (self.update_action[: c["n"]] == a)
                & self.has_status[: c["n"]]
                & (self.update_on[: c["n"]] == c["status_on"][a])
            )[0]
            said = {}
            for r in rows:  # a lead's later row that day replaces its earlier one
                said[self.update_lead[r] or "a lead not named"] = self.update_status[r]
            text[a] = "; ".join(f"{lead}: {status}" for lead, status in said.items())
        return text

    def _completion(self, c: dict[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
        """For complete actions: the date completion was reported, and the target in force on that date."""
        done = c["closed"]
        completed_on = np.where(done, c["status_on"], _NAT).astype("datetime64[ns]")
        n_rev = int(np.searchsorted(self.rev_on, c["end"], side="right"))
        acts = self.rev_action[:n_rev]
        in_force = np.zeros(n_rev, bool)
        known = acts >= 0
        in_force[known] = done[acts[known]] & (self.rev_on[:n_rev][known] <= completed_on[acts[known]])
        latest = self._latest(self.rev_on, self.rev_action, n_rev, in_force)
        target = np.where(latest >= 0, _pick(self.rev_date, latest, latest >= 0, _NAT), self.target_date)
        return completed_on, np.where(done, target, _NAT).astype("datetime64[ns]")

    def _frame(self, quarter: pd.Period, c: dict[str, np.ndarray]) -> pd.DataFrame:
        latest, has_update, counted, status = c["latest"], c["has_update"], c["counted"], c["status"]
        updated_on = _pick(self.update_on, latest, has_update, _NAT)
        reported_on = _pick(self.update_on, c["latest_reported"], c["reported"], _NAT)
        this_quarter = c["reported"] & (reported_on >= c["start"])
        # The target that decided the status: a follower's is the one it follows.
        target = c["target"].copy()
        follows = c["follows"]
        target[follows] = c["target"][self.follow_pos[follows]]
        late = np.isin(status, (OVERDUE, NOT_REPORTED)) & ~np.isnat(target)
        end = pd.Timestamp(c["end"]).date()
        spans = {day: past_target(day, end) for day in np.unique(target[late])}
        span = [spans[t] if is_late else None for t, is_late in zip(target, late, strict=True)]
        completed_on, target_then = self._completion(c)
        frame = self.actions.loc[counted].copy()
        frame["latest_comment"] = _pick(self.update_comment, latest, has_update, "")[counted]
        frame["latest_update_on"] = updated_on[counted]
        frame["latest_date_approximate"] = _pick(self.update_approx, latest, has_update, False).astype(bool)[counted]
        frame["latest_origin"] = _pick(self.update_origin, latest, has_update, "")[counted]
        frame["latest_status"] = c["latest_status"][counted]
        frame["last_reported_on"] = reported_on[counted]
        # A report since the plan that gives no status (a comment, a revision request): shown, changes nothing.
        frame["reported_without_status"] = (c["reported"] & ~c["status_reported"])[counted]
        frame["current_target_date"] = c["target"][counted]
        frame["target_revisions"] = c["revisions"][counted]
        frame["revision_requested"] = c["pending"][counted]
        frame["status"] = status[counted]
        frame["status_label"] = pd.Series(status[counted]).map(status_labels()).to_numpy()
        frame["status_basis"] = self._basis(c)[counted]
        frame["as_recommendation"] = np.where(follows, self.actions["follows"].to_numpy(), "")[counted]
        frame["leads_disagree"] = c["disagree"][counted]
        frame["lead_statuses"] = self._lead_statuses(c)[counted]
        frame["updated_this_quarter"] = this_quarter[counted]
        days = (c["end"] - target) / np.timedelta64(1, "D")
        frame["days_overdue"] = np.where(late, days, np.nan)[counted]
        frame["months_past_target"] = pd.array([s.months if s else pd.NA for s in span], dtype="Int64")[counted]
        frame["days_past_target"] = pd.array([s.days if s else pd.NA for s in span], dtype="Int64")[counted]
        frame["due_at_quarter_end"] = ((status == NOT_YET_DUE) & (target == c["end"]))[counted]
        frame["completed_on"] = completed_on[counted]
        frame["target_at_completion"] = target_then[counted]
        frame["update_note"] = np.where(np.isin(status, OPEN) & ~this_quarter, NO_UPDATE, "")[counted]
        frame["quarter"] = quarters.label(quarter)
        return frame.reset_index(drop=True)


def status_counts(status: pd.DataFrame, reviews: pd.DataFrame, quarter: pd.Period) -> pd.DataFrame:
    """Review x status id counts of actions (display order) and their total; untranscribed recommendations beside.

    See counts_from_codes.
    """
    review_codes, review_ids = pd.factorize(status["review_id"])
    status_codes = pd.Categorical(status["status"], categories=list(STATUS_IDS)).codes
    return counts_from_codes(review_codes, review_ids, status_codes, reviews, quarter)


def counts_from_codes(
    review_codes: np.ndarray, review_ids, status_codes: np.ndarray, reviews: pd.DataFrame, quarter: pd.Period
) -> pd.DataFrame:
    """Review x status counts from integer codes (status code -1: not counted), so a backfill encodes its strings once.

    Every column counts actions except not-transcribed, which counts recommendations nobody has transcribed
    (a data gap; 0 where the review's expected count is unknown). TOTAL_ACTIONS adds up the actions only.
    """
    # bincount over codes: pandas' crosstab aggregates each group in Python, 4 s a backfill at national scale.
    known = status_codes >= 0
    width = len(STATUS_IDS)
    grid = np.bincount(review_codes[known] * width + status_codes[known], minlength=len(review_ids) * width)
    grid = grid.reshape(len(review_ids), width)
    quarter_end = pd.Timestamp(quarters.end(quarter))
    counted = reviews[reviews["tracked_from"] <= quarter_end]
    at = pd.Index(list(review_ids)).get_indexer(counted["review_id"])
    rows = np.where((at >= 0)[:, None], grid[np.maximum(at, 0)], 0) if len(grid) else np.zeros((len(at), width), int)
    shown = [s for s in status_order() if s != NOT_TRANSCRIBED]
    actions = rows[:, [STATUS_IDS.index(s) for s in shown]]
    expected = counted["recommendations_expected"].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    gap = np.nan_to_num(np.clip(expected - counted["recommendations_transcribed"].to_numpy(), 0, None))
    table = pd.DataFrame(
        np.column_stack([actions, actions.sum(axis=1), gap.astype(int)]).astype(int),
        index=pd.Index(list(counted["review_id"]), name="review"),
        columns=[*shown, TOTAL_ACTIONS, NOT_TRANSCRIBED],
    )
    return table


def following_counts(status: pd.DataFrame) -> dict[str, dict[str, int]]:
    """{status id: {recommendation followed: actions}} for actions whose status came only from following another."""
    found: dict[str, dict[str, int]] = {}
    if "as_recommendation" not in status:  # a frame without the column (not from StatusTracker) follows nothing
        return found
    moved = status[status["as_recommendation"] != ""]
    for sid, ref in zip(moved["status"], moved["as_recommendation"], strict=True):
        found.setdefault(sid, {})
        found[sid][ref] = found[sid].get(ref, 0) + 1
    return found


def due_next_quarter(status: pd.DataFrame, quarter: pd.Period) -> pd.DataFrame:
    """Open actions due at this quarter's end (DUE_RULE) or during the next quarter, soonest first."""
    nxt = quarter + 1
    start, end = pd.Timestamp(quarters.end(quarter)), pd.Timestamp(quarters.end(nxt))
    mask = (status["status"] == NOT_YET_DUE) & status["current_target_date"].between(start, end)
    return status[mask].sort_values(["current_target_date", "review_id", "action_order"]).reset_index(drop=True)


def last_reported(status: pd.DataFrame) -> pd.Series:
    """Per review, the date progress was last reported since its plan (NaT where never)."""
    return status.groupby("review_id")["last_reported_on"].max()
