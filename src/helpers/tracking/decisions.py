"""The committee's decisions: what each report asks it to decide, and what it decided.

A report asks its committee to decide three kinds of thing (KINDS):

- a **revision**: a lead asks to move an action's target (an update with a
  revised target and its reason);
- a **closure**: a lead says an action is complete, with the evidence (only
  where the council closes actions on evidence: `decisions.close_on_evidence`
  in data/report.yaml);
- an **escalation**: an open action past its target with nothing reported for
  `decisions.escalate_after_quarters` whole quarters, or whose target the
  committee has moved more than `decisions.escalate_after_revisions` times.

After the meeting the decisions are recorded in data/decisions/<quarter>.csv,
named after the quarter whose report the committee considered (written by
`make record-decisions` from the filled decision sheet, or typed by hand): one
row per decision, naming the request it answers (review, action, kind, and for
a revision or closure the lead and date of the update that asked). A request
stays open, and comes back in every report, until a decision agrees or refuses
it; a deferred request comes back too.

Decisions take effect on the day they were made (`decided_on`, the meeting):

- an agreed revision makes the requested date (or the date the committee set
  instead, `amended_target`) the action's current target;
- a refused revision is no longer pending; the target stays as it was;
- a refused closure means the lead's "Complete" no longer closes the action:
  it reads as not complete;
- an agreed closure, and any escalation decision, change no status: they are
  the record of what the committee did.

Revisions agreed before decision records existed (`revision_approved_by` and
`revision_approved_on` filled in an update file) are agreed decisions too, read
from the update row itself (source: that row).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from helpers.base import config, quarters
from helpers.base.errors import InputError

REVISION, CLOSURE, ESCALATION = "revision", "closure", "escalation"
KINDS = (REVISION, CLOSURE, ESCALATION)
AGREED, REFUSED, DEFERRED, NOTED = "agreed", "refused", "deferred", "noted"
# What the committee may decide on each kind of request; a final decision closes the request.
OUTCOMES = {
    REVISION: (AGREED, REFUSED, DEFERRED),
    CLOSURE: (AGREED, REFUSED, DEFERRED),
    ESCALATION: (AGREED, NOTED, DEFERRED),
}
FINAL = (AGREED, REFUSED, NOTED)
KIND_LABELS = {REVISION: "Revised target", CLOSURE: "Closure on evidence", ESCALATION: "Escalation"}

FILE_COLUMNS = ["review_id", "action_ref", "kind", "decision", "decided_on"]
OPTIONAL_COLUMNS = [
    "requested_on",
    "lead",
    "decided_by",
    "minute",
    "amended_target",
    "note",
    "source",
    "recorded_on",
]
COLUMNS = [
    "review_id",
    "action_ref",
    "kind",
    "requested_on",
    "lead",
    "decision",
    "decided_on",
    "decided_by",
    "minute",
    "amended_target",
    "note",
    "source",
    "recorded_on",
]
# The update-log columns this module adds (read by helpers.tracking.status): each request's state by date.
LOG_COLUMNS = ["agreed_target", "revision_refused_on", "closure_agreed_on", "closure_refused_on"]
_FILE_NAME = re.compile(r"^(\d{4})-(\d{2})-Q([1-4])\.csv$")


def decisions_dir() -> Path:
    """data/decisions/: one file of decisions per quarter's report."""
    return config.data_dir() / "decisions"


def decision_file(quarter: pd.Period, folder: Path | None = None) -> Path:
    """data/decisions/2024-25-Q1.csv: the decisions on the 2024/25 Q1 report."""
    return (folder or decisions_dir()) / f"{quarters.slug(quarter)}.csv"


# --- Settings --------------------------------------------------------------------------------


@dataclass(frozen=True)
class DecisionRules:
    """What a council's committee is asked to decide (data/report.yaml, `decisions`)."""

    close_on_evidence: bool = True
    escalate_after_quarters: int = 2
    escalate_after_revisions: int = 2

    @classmethod
    def from_settings(cls, settings: dict, path: Path | None = None) -> DecisionRules:
        """The rules from a report-settings mapping's `decisions` block (defaults where a key is absent)."""
        block = settings.get("decisions") or {}
        if not isinstance(block, dict):
            raise InputError("decisions: expected keys close_on_evidence, escalate_after_quarters, ...", path)
        unknown = sorted(set(block) - {"close_on_evidence", "escalate_after_quarters", "escalate_after_revisions"})
        if unknown:
            raise InputError(
                f"decisions: unknown setting(s) {', '.join(unknown)}; known: close_on_evidence, "
                "escalate_after_quarters, escalate_after_revisions",
                path,
            )
        rules = cls(**block)
        if not isinstance(rules.close_on_evidence, bool):
            raise InputError("decisions.close_on_evidence must be true or false", path)
        for name in ("escalate_after_quarters", "escalate_after_revisions"):
            value = getattr(rules, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise InputError(f"decisions.{name} must be a whole number of at least 1, not {value!r}", path)
        return rules


# --- Reading the decision files ----------------------------------------------------------------


def _request_key(frame: pd.DataFrame, on: str) -> pd.MultiIndex:
    return pd.MultiIndex.from_arrays(
        [frame["review_id"], frame["action_ref"], pd.to_datetime(frame[on]).dt.normalize(), frame["lead"].fillna("")]
    )


def closing_statuses() -> list[str]:
    """The update statuses that close an action when reported (data/vocabulary.yaml): a closure request."""
    from helpers.base.vocabulary import update_statuses

    return [name for name, closes in update_statuses().items() if closes]


def read_decision_file(path: Path, updates: pd.DataFrame, actions: pd.DataFrame) -> pd.DataFrame:
    """One quarter's decisions, checked; each must answer a request in the update log (errors name file and row)."""
    from helpers.base.readers import read_csv

    match = _FILE_NAME.match(path.name)
    if not match:
        raise InputError("decision files are named after the report's quarter, like 2024-25-Q1.csv", path)
    quarter = quarters.parse_quarter(f"{match.group(1)}/{match.group(2)} Q{match.group(3)}")
    frame = read_csv(path, required=FILE_COLUMNS, optional=OPTIONAL_COLUMNS, what="decision file")
    known = set(zip(actions["review_id"], actions["action_ref"], strict=True))
    asked = updates[updates["origin"] != "plan"]
    requests = {
        REVISION: set(_request_key(asked[asked["revised_target"] != ""], "updated_on")),
        CLOSURE: set(_request_key(asked[asked["status"].isin(closing_statuses())], "updated_on")),
    }
    rows = [_decision(row, path, quarter, known, requests) for row in frame.to_dict("records")]
    return pd.DataFrame(rows, columns=[*COLUMNS, "_row", "_file"])


def _decision(row: dict, path: Path, quarter: pd.Period, known: set, requests: dict[str, set]) -> dict[str, object]:
    """One row of a decision file, checked, in the decision log's columns."""
    from helpers.base.readers import check_date

    n = row["_row"]
    ref = row["action_ref"].rstrip(".")
    if (row["review_id"], ref) not in known:
        raise InputError(f"{row['review_id']} has no action {row['action_ref']!r}", path, n)
    kind = row["kind"].casefold().strip()
    if kind not in KINDS:
        raise InputError(f"unknown kind {row['kind']!r}; use one of {', '.join(KINDS)}", path, n)
    decision = row["decision"].casefold().strip()
    if decision not in OUTCOMES[kind]:
        raise InputError(
            f"decision {row['decision']!r} is not one for a {kind}; use one of {', '.join(OUTCOMES[kind])}",
            path,
            n,
        )
    decided = check_date(row["decided_on"], path, n, "decided_on")
    recorded = check_date(row["recorded_on"], path, n, "recorded_on") if row["recorded_on"] else decided
    requested = _requested_on(row, ref, kind, decided, path, requests)
    if requested is not None and requested > quarters.end(quarter):
        raise InputError(
            f"requested_on {requested.isoformat()} is after {quarters.label(quarter)}, the report this file "
            "records decisions on",
            path,
            n,
        )
    amended = row["amended_target"]
    if amended:
        _check_amended_target(amended, kind, decision, decided, path, n)
    return {
        "review_id": row["review_id"],
        "action_ref": ref,
        "kind": kind,
        "requested_on": pd.Timestamp(requested) if requested else pd.NaT,
        "lead": row["lead"],
        "decision": decision,
        "decided_on": pd.Timestamp(decided),
        "decided_by": row["decided_by"],
        "minute": row["minute"],
        "amended_target": amended,
        "note": row["note"],
        "source": row["source"] or f"{config.relative(path)}:{n}",
        "recorded_on": pd.Timestamp(recorded),
        "_row": n,
        "_file": path,
    }


def _requested_on(
    row: dict, ref: str, kind: str, decided: dt.date, path: Path, requests: dict[str, set]
) -> dt.date | None:
    """The day of the request a decision answers: a revision or a closure must name one in the update log, reported
    by its lead, and be decided on or after it; an escalation may give one."""
    from helpers.base.readers import check_date

    n = row["_row"]
    if kind == ESCALATION:
        return check_date(row["requested_on"], path, n, "requested_on") if row["requested_on"] else None
    requested = check_date(row["requested_on"], path, n, "requested_on")
    key = (row["review_id"], ref, pd.Timestamp(requested), row["lead"])
    if key not in requests[REVISION if kind == REVISION else CLOSURE]:
        what = "revised target" if kind == REVISION else "completion"
        by = f" by {row['lead']}" if row["lead"] else " with no lead named"
        raise InputError(
            f"no {what} was reported{by} on {requested.isoformat()} for {row['review_id']} action "
            f"{ref} in data/updates; requested_on and lead must name the update the decision answers",
            path,
            n,
        )
    if decided < requested:
        raise InputError(f"decided_on {decided.isoformat()} is before the request ({requested.isoformat()})", path, n)
    return requested


def _check_amended_target(amended: str, kind: str, decision: str, decided: dt.date, path: Path, n: int) -> None:
    """An amended target is only for an agreed revision, and must read as a date."""
    from helpers.base.targets import DATED, UnreadableTarget, parse_target

    if kind != REVISION or decision != AGREED:
        raise InputError("amended_target is only for an agreed revision (the date the committee set)", path, n)
    try:
        target = parse_target(amended, decided)
    except UnreadableTarget as err:
        raise InputError(f"amended_target: {err}", path, n) from None
    if target.kind not in DATED or target.date is None:
        raise InputError(f"amended_target {amended!r} is not a date", path, n)


def _from_update_files(updates: pd.DataFrame) -> pd.DataFrame:
    """Revisions approved by hand in an update file (revision_approved_on), as agreed decisions."""
    approved = updates[(updates["revised_target"] != "") & updates["revision_approved_on"].notna()]
    return pd.DataFrame(
        {
            "review_id": approved["review_id"],
            "action_ref": approved["action_ref"],
            "kind": REVISION,
            "requested_on": approved["updated_on"],
            "lead": approved["lead"],
            "decision": AGREED,
            "decided_on": approved["revision_approved_on"],
            "decided_by": approved["revision_approved_by"],
            "minute": "",
            "amended_target": "",
            "note": "approval recorded in the update file",
            "source": approved["source"],
            "recorded_on": approved["revision_approved_on"],
            "_row": None,
            "_file": None,
        }
    )


def load_decisions(updates: pd.DataFrame, actions: pd.DataFrame, folder: Path | None = None) -> pd.DataFrame:
    """Every decision, oldest first: data/decisions/*.csv, and approvals typed into update files."""
    folder = folder or decisions_dir()
    parts = [_from_update_files(updates)]
    if folder.exists():
        for path in sorted(folder.glob("*.csv")):
            parts.append(read_decision_file(path, updates, actions))
    parts = [p for p in parts if len(p)]
    if not parts:
        return pd.DataFrame(columns=COLUMNS)
    frame = pd.concat(parts, ignore_index=True)
    frame["requested_on"] = pd.to_datetime(frame["requested_on"]).astype("datetime64[ns]")
    frame["decided_on"] = pd.to_datetime(frame["decided_on"]).astype("datetime64[ns]")
    frame["recorded_on"] = pd.to_datetime(frame["recorded_on"]).astype("datetime64[ns]")
    frame = frame.sort_values(["decided_on", "review_id", "action_ref"], kind="stable", ignore_index=True)
    _check_sequence(frame)
    return frame[COLUMNS].reset_index(drop=True)


def _where(row: dict) -> tuple[Path | None, int | None, str]:
    """The file and row of a decision, and how to name it in a message."""
    if row["_file"] is not None and not pd.isna(row["_file"]):
        return row["_file"], int(row["_row"]), f"{config.relative(row['_file'])}:{int(row['_row'])}"
    return None, None, f"{row['source']} (revision_approved_on)"


def _check_sequence(frame: pd.DataFrame) -> None:
    """A request gets at most one final decision (agreed, refused or noted); deferrals may come before it."""
    keys = ["review_id", "action_ref", "kind", "requested_on", "lead"]
    final = frame[frame["decision"].isin(FINAL) & (frame["kind"] != ESCALATION)]
    seen: dict[tuple, dict] = {}
    for row in final.to_dict("records"):
        key = tuple("" if pd.isna(row[k]) else row[k] for k in keys)
        if key in seen:
            first = seen[key]
            same = first["decision"] == row["decision"] and first["decided_on"] == row["decided_on"]
            if same and (first["_file"] is None or row["_file"] is None or pd.isna(first["_file"])):
                continue  # the same approval, recorded both in the update file and as a decision
            path, line, _ = _where(row) if row["_file"] is not None and not pd.isna(row["_file"]) else _where(first)
            raise InputError(
                f"{row['review_id']} action {row['action_ref']}: the {row['kind']} requested on "
                f"{pd.Timestamp(row['requested_on']).date()} was already {first['decision']} on "
                f"{pd.Timestamp(first['decided_on']).date()} ({_where(first)[2]}); a request gets one final decision",
                path,
                line,
            )
        seen[key] = row


# --- The decisions' effect on the update log -----------------------------------------------------


def apply_decisions(updates: pd.DataFrame, decisions: pd.DataFrame) -> pd.DataFrame:
    """The update log with each request's decisions as dated columns (LOG_COLUMNS; what helpers.tracking.status reads).

    An agreed revision fills revision_approved_on / revision_approved_by (and agreed_target where
    the committee set another date); refusals and closures get their own dates.
    """
    log = updates.copy()
    log["agreed_target"] = ""
    for column in LOG_COLUMNS[1:]:
        log[column] = pd.Series(pd.NaT, index=log.index, dtype="datetime64[ns]")
    if decisions.empty or log.empty:
        return log
    asked = log[log["origin"] != "plan"]
    rows = {
        REVISION: _first_by_key(asked[asked["revised_target"] != ""]),
        CLOSURE: _first_by_key(asked[asked["status"].isin(closing_statuses())]),
    }
    for row in decisions[decisions["kind"] != ESCALATION].to_dict("records"):
        if row["decision"] == DEFERRED:
            continue
        where = rows[row["kind"]].get((row["review_id"], row["action_ref"], row["requested_on"], row["lead"]))
        if where is None:
            continue  # checked when read: every recorded decision names a request in the log
        if row["kind"] == REVISION and row["decision"] == AGREED:
            log.at[where, "revision_approved_on"] = row["decided_on"]
            log.at[where, "revision_approved_by"] = row["decided_by"] or log.at[where, "revision_approved_by"]
            log.at[where, "agreed_target"] = row["amended_target"]
        elif row["kind"] == REVISION:
            log.at[where, "revision_refused_on"] = row["decided_on"]
        elif row["decision"] == AGREED:
            log.at[where, "closure_agreed_on"] = row["decided_on"]
        else:
            log.at[where, "closure_refused_on"] = row["decided_on"]
    return log


def _first_by_key(frame: pd.DataFrame) -> dict[tuple, object]:
    """{(review, action, day, lead): index of the first such row}: the request a decision answers."""
    found: dict[tuple, object] = {}
    for index, key in zip(frame.index, _request_key(frame, "updated_on"), strict=True):
        found.setdefault(key, index)
    return found


# --- What a report asks the committee to decide ---------------------------------------------------


def made_between(decisions: pd.DataFrame, after: dt.date | None, until: dt.date) -> pd.DataFrame:
    """Decisions made after `after` (None: from the start) up to and including `until`."""
    until_ts = pd.Timestamp(until)
    mask = decisions["decided_on"] <= until_ts
    if after is not None:
        mask &= decisions["decided_on"] > pd.Timestamp(after)
    return decisions[mask].reset_index(drop=True)
