"""An interim report's figures are as at the day it is made (Workspace.as_of, StatusTracker's as_of).

Expectations worked out by hand from the status rules (helpers.tracking.status) for 2026/27 Q3, which ends on
31 December 2026, with an interim report made on 7 December 2026.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers.base import quarters
from helpers.committee import front_matter, summary
from helpers.tracking import workspace
from helpers.tracking.status import StatusTracker
from helpers.tracking.updates import COLUMNS as UPDATE_COLUMNS

Q3 = quarters.parse_quarter("2026/27 Q3")
REPORT_DAY = dt.date(2026, 12, 7)
DORSET = ["2019-cpc", "2021-finance", "2022-progress"]


def _frames(targets: list[pd.Timestamp], ups: list[tuple[int, str, pd.Timestamp]]):
    """One review tracked from 1 April 2026; actions with dated targets; updates (action, status, day)."""
    actions = pd.DataFrame(
        {
            "review_id": "r",
            "action_ref": [str(i + 1) for i in range(len(targets))],
            "rec_ref": [str(i + 1) for i in range(len(targets))],
            "action": "Do it.",
            "source_incomplete": "",
            "target_kind": "day",
            "target_date": pd.to_datetime(targets).astype("datetime64[ns]"),
            "follows": "",
        }
    )
    rows = [
        {
            "review_id": "r",
            "action_ref": str(a + 1),
            "status": status,
            "comment": "",
            "updated_on": day,
            "date_approximate": False,
            "origin": "update",
            "revised_target": "",
            "revision_reason": "",
            "revision_approved_by": "",
            "revision_approved_on": pd.NaT,
            "evidence": "",
            "lead": "Lead A",
            "source": "",
        }
        for a, status, day in ups
    ]
    updates = pd.DataFrame(rows, columns=UPDATE_COLUMNS)
    for column in ("updated_on", "revision_approved_on"):
        updates[column] = pd.to_datetime(updates[column]).astype("datetime64[ns]")
    updates["date_approximate"] = updates["date_approximate"].astype(bool)
    reviews = pd.DataFrame({"review_id": ["r"], "tracked_from": [pd.Timestamp(2026, 4, 1)]})
    return actions, reviews, updates


def test_an_interim_status_is_as_at_the_report_day_and_the_final_one_as_at_the_quarter_end():
    # 1: target 20 Dec 2026, nothing reported: not yet due on 7 December; passed, no update at 31 December.
    # 2: target 31 Oct 2026, "In progress" reported on 15 December (after the report day): on 7 December not
    #    known (the update is not counted), 1 month and 7 days past (31 Oct -> 30 Nov is a month, then 7 days);
    #    at 31 December overdue, 2 months past (31 Oct -> 31 Dec, month end to month end).
    # 3: target 31 Dec 2026: due at the quarter end in both, not passed.
    # 4: "Complete" reported on 1 December: complete in both.
    targets = [pd.Timestamp(2026, 12, 20), pd.Timestamp(2026, 10, 31), pd.Timestamp(2026, 12, 31)]
    actions, reviews, updates = _frames(
        [*targets, pd.Timestamp(2027, 3, 31)],
        [(1, "In progress", pd.Timestamp(2026, 12, 15)), (3, "Complete", pd.Timestamp(2026, 12, 1))],
    )
    interim = StatusTracker(actions, reviews, updates, as_of=REPORT_DAY).status(Q3).set_index("action_ref")
    final = StatusTracker(actions, reviews, updates).status(Q3).set_index("action_ref")
    assert list(interim["status"]) == ["not-yet-due", "not-reported", "not-yet-due", "complete"]
    assert list(final["status"]) == ["not-reported", "overdue", "not-yet-due", "complete"]
    assert (interim.loc["2", "months_past_target"], interim.loc["2", "days_past_target"]) == (1, 7)
    assert (final.loc["2", "months_past_target"], final.loc["2", "days_past_target"]) == (2, 0)
    assert pd.isna(interim.loc["2", "last_reported_on"])  # the 15 December update is not known on 7 December
    assert interim.loc["3", "due_at_quarter_end"] and final.loc["3", "due_at_quarter_end"]
    assert not interim.loc["1", "due_at_quarter_end"]
    assert set(interim["as_at"]) == {pd.Timestamp(REPORT_DAY)}
    assert set(final["as_at"]) == {pd.Timestamp(2026, 12, 31)}


_DAYS = [pd.Timestamp(2026, 4, 1) + pd.Timedelta(days=n) for n in range(0, 400, 9)]


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    targets=st.lists(st.sampled_from(_DAYS), min_size=1, max_size=4),
    ups=st.lists(
        st.tuples(st.integers(0, 3), st.sampled_from(["Complete", "In progress"]), st.sampled_from(_DAYS)), max_size=5
    ),
    later=st.integers(0, 400),
    quarter=st.sampled_from([Q3 - 1, Q3, Q3 + 1]),
)
def test_as_of_on_or_after_the_quarter_end_changes_nothing(targets, ups, later, quarter):
    ups = [(a, s, d) for a, s, d in ups if a < len(targets)]
    actions, reviews, updates = _frames(targets, ups)
    as_of = quarters.end(quarter) + dt.timedelta(days=later)
    plain = StatusTracker(actions, reviews, updates).status(quarter)
    late = StatusTracker(actions, reviews, updates, as_of=as_of).status(quarter)
    pd.testing.assert_frame_equal(plain, late)


def _write(data, name: str, body: str) -> None:
    header = (
        "review_id,action_ref,status,comment,updated_on,revised_target,revision_reason,"
        "revision_approved_by,revision_approved_on\n"
    )
    (data / "updates" / name).write_text(header + body, encoding="utf-8")


def test_an_interim_workspace_counts_and_says_its_figures_as_at_the_report_day(data_copy):
    # 2021 action 4 (February 2022) gets a revised target of 20 December 2026, agreed on 10 November 2026, with
    # no status: on 7 December not yet due; at 31 December its target has passed with no status (not known).
    # 2021 action 22 (February 2022) gets "In progress" on 15 December 2026: not known on 7 December (nothing
    # reported by then), overdue at 31 December.
    _write(
        data_copy,
        "2026-27-Q3.csv",
        "2021-finance,4,,Moved.,2026-11-01,20 December 2026,New contractor,Audit and Governance Committee,2026-11-10\n"
        "2021-finance,22,In progress,Drafted.,2026-12-15,,,,\n",
    )
    interim = workspace.load_workspace(DORSET, as_of="2026-12-07")
    final = workspace.load_workspace(DORSET)
    assert interim.as_at(Q3) == REPORT_DAY and final.as_at(Q3) == dt.date(2026, 12, 31)
    now = interim.status(Q3).set_index(["review_id", "action_ref"])["status"]
    then = final.status(Q3).set_index(["review_id", "action_ref"])["status"]
    assert now[("2021-finance", "4")] == "not-yet-due" and then[("2021-finance", "4")] == "not-reported"
    assert now[("2021-finance", "22")] == "not-reported" and then[("2021-finance", "22")] == "overdue"
    assert not (interim.updates["updated_on"] > pd.Timestamp(REPORT_DAY)).any()
    # Counts agree with the status table, and the headline and front matter give the report day.
    counts = interim.counts(Q3)
    status = interim.status(Q3)
    by_status = status["status"].value_counts()
    for sid, n in by_status.items():
        assert counts[sid].sum() == n
    assert counts["not-yet-due"].sum() == (then == "not-yet-due").sum() + 1
    assert summary.headline(counts, Q3, status).startswith("As at 7 December 2026, ")
    assert front_matter.figures_note(interim, Q3) == (
        "Figures are as at 7 December 2026, the day this interim report was made."
    )
    assert front_matter.figures_note(final, Q3) == ""
    assert "As at 31 December 2026, " in summary.headline(final.counts(Q3), Q3, final.status(Q3))
