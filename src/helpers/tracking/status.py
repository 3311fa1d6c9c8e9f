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
before the quarter end. An interim report's tracker (`as_of`, the day it is made, before the quarter end)
applies every rule as at that day instead (`helpers.base.quarters.as_at`): targets after it are not yet due,
updates and decisions after it do not count, and durations run to it. How long (past target, finished
late) is counted in calendar months by `helpers.tracking.durations.calendar_span` (DURATION_RULE).
Recommendations the documents count but nobody has transcribed appear as
not-transcribed in the counts (`helpers.tracking.status_counts`), beside the
actions and never added to them. A quarter's status table is laid out by
`helpers.tracking.status_table`.
"""

from __future__ import annotations

import datetime as dt

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
    NOT_YET_DUE,
    ONGOING,
    OVERDUE,
    STATUS_IDS,
    update_statuses,
)
from helpers.tracking.status_arrays import NAT, dates, pick
from helpers.tracking.status_table import status_table
from helpers.tracking.updates import PLAN

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


class StatusTracker:
    """The status rules applied to one set of actions and updates, for any number of quarter ends.

    Work that does not depend on the quarter (matching each update to its action,
    sorting updates by date) is done once, so a backfill of every quarter stays
    linear in the size of the data.
    """

    def __init__(
        self,
        actions: pd.DataFrame,
        reviews: pd.DataFrame,
        updates: pd.DataFrame,
        has_lead: np.ndarray | None = None,
        as_of: dt.date | None = None,
    ):
        self.actions = actions.reset_index(drop=True)
        # An interim report's day: every quarter's statuses are as at it where it comes before the quarter end.
        self.as_of = as_of
        self._last: tuple[pd.Period, dict[str, np.ndarray]] | None = None
        keys = pd.MultiIndex.from_arrays([self.actions["review_id"], self.actions["action_ref"]])
        tracked = reviews.set_index("review_id")["tracked_from"]
        self.tracked_from = self.actions["review_id"].map(tracked).to_numpy("datetime64[ns]")
        order = np.argsort(updates["updated_on"].to_numpy("datetime64[ns]"), kind="stable")
        upd = updates.iloc[order].reset_index(drop=True)
        self._index_updates(upd, keys)
        self._index_revisions(upd, keys)
        self._index_requests(upd, keys)
        # A completion the committee refused stops closing the action from the day it was refused.
        self.update_refused_on = dates(upd, "closure_refused_on")
        self._index_follows()
        self._read_plan(has_lead)

    def _index_updates(self, upd: pd.DataFrame, keys: pd.MultiIndex) -> None:
        """The update log (in date order) as arrays, each update matched to its action once for every quarter."""
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

    def _index_revisions(self, upd: pd.DataFrame, keys: pd.MultiIndex) -> None:
        """Agreed target revisions, in order of approval."""
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

    def _index_requests(self, upd: pd.DataFrame, keys: pd.MultiIndex) -> None:
        """Every revision asked for: pending at a quarter end unless agreed or refused by then."""
        requested = upd[upd["revised_target"] != ""]
        self.req_on = requested["updated_on"].to_numpy("datetime64[ns]")
        self.req_action = keys.get_indexer(pd.MultiIndex.from_arrays([requested["review_id"], requested["action_ref"]]))
        self.req_text = requested["revised_target"].to_numpy(object)
        self.req_decided_on = np.fmin(dates(requested, "revision_approved_on"), dates(requested, "revision_refused_on"))

    def _index_follows(self) -> None:
        """Where each action that follows another takes its status from: its recommendation's first action."""
        first = self.actions.reset_index().drop_duplicates(["review_id", "rec_ref"])
        first_key = pd.MultiIndex.from_arrays([first["review_id"], first["rec_ref"]])
        found = first_key.get_indexer(pd.MultiIndex.from_arrays([self.actions["review_id"], self.actions["follows"]]))
        self.follow_pos = np.where(
            (self.actions["follows"] != "").to_numpy() & (found >= 0),
            first["index"].to_numpy()[np.maximum(found, 0)],
            -1,
        )

    def _read_plan(self, has_lead: np.ndarray | None) -> None:
        """What the plan itself says of each action: no action, an incomplete source row, its kind of target."""
        lead = np.ones(len(self.actions), bool) if has_lead is None else has_lead
        self.no_action = (self.actions["action"] == "").to_numpy() & ~lead
        self.incomplete = (self.actions["source_incomplete"] != "").to_numpy()
        kind = self.actions["target_kind"].to_numpy(object)
        # "Complete" as a target is the plan's status (an update dated source_date), not a date to meet.
        plan_date = self.actions["target_date"].to_numpy("datetime64[ns]")
        self.target_date = np.where(kind == COMPLETE_TARGET, NAT, plan_date).astype("datetime64[ns]")
        self.ongoing_target = kind == ONGOING_TARGET
        self.no_target = kind == NONE

    def latest_positions(
        self, on: np.ndarray, action: np.ndarray, n: int, mask: np.ndarray | None = None
    ) -> np.ndarray:
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

    def rule_arrays(self, quarter: pd.Period) -> dict[str, np.ndarray]:
        """The arrays the rules leave for `quarter` (status codes, current target, revisions agreed, ...), in
        self.actions order: what the status table, the counts and the status history are all made from."""
        return self._compute(quarter)

    def status(self, quarter: pd.Period) -> pd.DataFrame:
        """Every counted action with its status as at the end of `quarter` (rules in this module's docstring)."""
        return status_table(self, quarter, self._compute(quarter))

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
        open_on_latest = pick(self.day_open, latest, has, False).astype(bool)
        return {
            # A claim of completion counts only if no status on that date says otherwise.
            "decisive": np.where(open_on_latest, pick(self.day_last_open, latest, has, -1), latest),
            "has_status": has,
            "closed": pick(self.day_closes, latest, has, False).astype(bool) & ~open_on_latest,
            "disagree": pick(self.day_differ, latest, has, False).astype(bool),
            "status_on": pick(self.update_on, latest, has, NAT).astype("datetime64[ns]"),
        }

    def _apply_rules(self, quarter: pd.Period) -> dict[str, np.ndarray]:
        """Every action's status as at the end of `quarter` (or the tracker's earlier `as_of` day), as codes and
        ids, and the arrays that decided it."""
        end = np.datetime64(pd.Timestamp(quarters.as_at(quarter, self.as_of)), "ns")
        start = np.datetime64(pd.Timestamp(quarters.start(quarter)), "ns")
        n = int(np.searchsorted(self.update_on, end, side="right"))
        latest = self.latest_positions(self.update_on, self.update_action, n)
        latest_reported = self._latest_in(self.reported_rows, n)
        # Only a status makes an action overdue: a comment or a revision request alone does not (OVERDUE_RULE).
        status_reported = np.zeros(len(self.actions), bool)
        reported_rows = self.reported_status_rows[: int(np.searchsorted(self.reported_status_rows, n))]
        status_reported[self.update_action[reported_rows]] = True
        decided = self._latest_statuses(n)
        has_update, has_status, reported = latest >= 0, decided["has_status"], latest_reported >= 0
        decisive = decided["decisive"]
        # A completion the committee refused no longer closes the action from the day it was refused.
        refused = pick(self.update_refused_on, decisive, has_status, NAT) <= end
        closed = decided["closed"] & ~refused
        target, revisions, pending = self._targets(end)
        dated = ~np.isnat(target)
        own = self._own_codes(closed, dated & (target >= end), dated & status_reported, dated)
        code = own.copy()
        follows = (self.follow_pos >= 0) & ~closed & ~self.incomplete
        code[follows] = own[self.follow_pos[follows]]
        counted = self.tracked_from <= end
        code = np.where(counted, code, -1).astype(np.int8)
        return {
            "end": end,
            "quarter_end": np.datetime64(pd.Timestamp(quarters.end(quarter)), "ns"),
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
            "latest_status": pick(self.update_status, decisive, has_status, ""),
            "target": target,
            "revisions": revisions,
            "pending": pending,
            "dated": dated,
        }

    def _targets(self, end: np.datetime64) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(current target, revisions agreed, revision pending) of each action at `end`: the plan's target, or the
        latest revision agreed on or before it."""
        n_rev = int(np.searchsorted(self.rev_on, end, side="right"))
        latest_rev = self.latest_positions(self.rev_on, self.rev_action, n_rev)
        target = np.where(
            latest_rev >= 0, pick(self.rev_date, latest_rev, latest_rev >= 0, NAT), self.target_date
        ).astype("datetime64[ns]")
        revisions = np.bincount(self.rev_action[:n_rev][self.rev_action[:n_rev] >= 0], minlength=len(self.actions))
        pending = np.zeros(len(self.actions), bool)
        asked = (self.req_on <= end) & (self.req_action >= 0) & ~(self.req_decided_on <= end)
        pending[self.req_action[asked]] = True
        return target, revisions, pending

    def _own_codes(
        self, closed: np.ndarray, not_yet_due: np.ndarray, overdue: np.ndarray, past: np.ndarray
    ) -> np.ndarray:
        """Each action's own status code (a position in STATUS_IDS): the first rule that applies decides."""
        # Status codes, not strings: counts and workload of every quarter use them.
        return np.select(
            [
                self.incomplete,
                closed,
                self.no_action,
                not_yet_due,
                overdue,
                past,
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

    def completion(self, c: dict[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
        """For complete actions: the date completion was reported, and the target in force on that date."""
        done = c["closed"]
        completed_on = np.where(done, c["status_on"], NAT).astype("datetime64[ns]")
        n_rev = int(np.searchsorted(self.rev_on, c["end"], side="right"))
        acts = self.rev_action[:n_rev]
        in_force = np.zeros(n_rev, bool)
        known = acts >= 0
        in_force[known] = done[acts[known]] & (self.rev_on[:n_rev][known] <= completed_on[acts[known]])
        latest = self.latest_positions(self.rev_on, self.rev_action, n_rev, in_force)
        target = np.where(latest >= 0, pick(self.rev_date, latest, latest >= 0, NAT), self.target_date)
        return completed_on, np.where(done, target, NAT).astype("datetime64[ns]")
