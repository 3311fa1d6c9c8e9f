"""The status history and slippage (helpers.tracking.status_history, helpers.tracking.slippage), worked by hand.

Three quarters of scripted returns on the 2021 finance plan (approved by Cabinet on 5 October 2021, so it first
counts at the end of 2021/22 Q3, 31 December 2021). Targets from Appendix 1 of that Cabinet report:
3 December 2021, 4 February 2022, 5 January 2022, 9 February 2022, 33 November 2021; 6 is ongoing.

- 2021/22 Q3: 3 reported complete (10 Dec 2021, before its target); 33 reported complete (14 Dec 2021);
  5 "In progress", asking to move its target to June 2022.
- 2021/22 Q4: the committee refuses 33's closure (15 Feb 2022); 4 gets a comment with no status (10 Feb 2022).
- 2022/23 Q1: the committee agrees 5's revision (20 Apr 2022); 9 reported complete (20 May 2022).

Mutations each of which fails tests here (checked by hand on the status rules and this history): a plan counted a
quarter late or early, or a history starting a quarter after its plan counts; a revision applied a quarter before
the meeting that agreed it; a closure the committee refused still counted as complete.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers.base import quarters
from helpers.base.errors import InputError
from helpers.tracking import workspace
from helpers.tracking.durations import Span
from helpers.tracking.slippage import LATE, NOT_JUDGED, NOT_YET, ON_TIME, PAST, median_slip, slippage_summary
from helpers.tracking.status_history import history_counts, quarters_past_target
from scripted_history import FIN, Q1, Q3, Q4, SCRIPTED, script

# The status of each scripted action at each quarter end, worked out from the rules in docs/status-rules.md.
EXPECTED = {
    "3": ["complete", "complete", "complete"],  # complete 10 Dec 2021, never questioned
    "33": ["complete", "overdue", "overdue"],  # as known: complete until refused on 15 Feb 2022, then open again
    "5": ["not-yet-due", "overdue", "not-yet-due"],  # Jan 2022 passes in Q4; June 2022 agreed on 20 Apr 2022
    "4": ["not-yet-due", "not-reported", "not-reported"],  # Feb 2022 passes; a comment alone changes nothing
    "9": ["not-yet-due", "not-reported", "complete"],  # Feb 2022 passes, nothing reported; complete 20 May 2022
    "6": ["ongoing", "ongoing", "ongoing"],
}
TARGETS_5 = [("2022-01-31", 0), ("2022-01-31", 0), ("2022-06-30", 1)]  # the revision counts from the meeting


@pytest.fixture
def ws(data_copy: Path) -> workspace.Workspace:
    script(data_copy)
    return workspace.load_workspace([FIN])


def _scripted(history: pd.DataFrame) -> pd.DataFrame:
    return history[history["action_ref"].isin(SCRIPTED)]


def test_each_scripted_action_has_the_status_worked_out_by_hand_at_each_quarter_end(ws):
    history = _scripted(ws.status_history(Q3, Q1))
    got = {ref: list(rows.sort_values("quarter")["status"].astype(str)) for ref, rows in history.groupby("action_ref")}
    assert got == EXPECTED
    five = history[history["action_ref"] == "5"].sort_values("quarter")
    pairs = zip(five["current_target_date"], five["target_revisions"], strict=True)
    assert [(str(t.date()), n) for t, n in pairs] == TARGETS_5


def test_a_plan_approved_mid_quarter_first_counts_at_that_quarter_s_end(ws):
    # Approved 5 October 2021: not counted at 30 September 2021 (2021/22 Q2), counted at 31 December 2021.
    history = ws.status_history("2021/22 Q1", Q3)
    assert list(history["quarter"].astype(str).unique()) == [Q3]
    assert set(history["review_id"]) == {FIN} and len(history) == 48  # Appendix 1 numbers 48 actions


def test_the_first_quarter_defaults_to_the_first_a_plan_counts_and_a_later_plan_joins_at_its_own(data_copy):
    # The 2022 progress review's plan was approved on 28 February 2023: it joins at 2022/23 Q4 (31 March 2023).
    ws = workspace.load_workspace([FIN, "2022-progress"])
    history = ws.status_history(None, "2023/24 Q1")
    first = history.groupby("review_id", observed=True)["quarter"].min().astype(str)
    assert first.to_dict() == {FIN: Q3, "2022-progress": "2022/23 Q4"}
    assert history["quarter"].cat.categories[0] == Q3


def test_before_any_update_each_quarter_end_shows_what_the_plan_said(data_copy):
    history = workspace.load_workspace([FIN]).status_history(Q3, Q4).set_index(["action_ref", "quarter"])["status"]
    assert history[("23", Q3)] == "complete"  # the plan says Complete
    assert history[("1", Q3)] == "not-reported"  # October 2021 passed; nothing reported
    assert history[("31", Q4)] == "not-yet-due"  # March 2022: due at the quarter end, not passed


def test_the_history_is_the_report_s_status_at_each_quarter_end(ws):
    history = ws.status_history(Q3, Q1)
    for quarter in (Q3, Q4, Q1):
        report = ws.status(quarter).set_index("action_ref")
        at = history[history["quarter"] == quarter].set_index("action_ref")
        assert list(at.index) == list(report.index)
        assert (at["status"].astype(str) == report["status"]).all()
        assert (
            at["current_target_date"].fillna(pd.Timestamp(0)) == report["current_target_date"].fillna(pd.Timestamp(0))
        ).all()


def test_a_history_ending_before_it_starts_is_refused(ws):
    with pytest.raises(InputError, match="cannot end earlier"):
        ws.status_history(Q1, Q3)


def test_counts_by_quarter_add_up_to_the_actions_counted(ws):
    counts = history_counts(ws.status_history(Q3, Q1))
    assert (counts.drop(columns="actions").sum(axis=1) == counts["actions"]).all()
    assert set(counts["actions"]) == {48}
    assert "not-transcribed" not in counts.columns  # that counts recommendations, never actions


def test_quarters_past_target_counts_the_run_up_to_the_last_quarter_end(ws):
    streak = quarters_past_target(ws.status_history(Q3, Q1)).xs(FIN)
    # 33: overdue at Q4 and Q1 (complete at Q3); 4: not reported at Q4 and Q1; 1: past since October 2021: all three.
    assert (streak["33"], streak["4"], streak["1"], streak["3"], streak["5"]) == (2, 2, 3, 0, 0)


# --- Slippage and completion on time, as at 2022/23 Q1 (30 June 2022) ------------------------------------


def test_slippage_per_action_is_measured_from_the_plan_s_target(ws):
    table = ws.slippage(Q1).set_index("action_ref").loc[SCRIPTED]
    assert table.loc["3", "outcome"] == ON_TIME  # complete 10 Dec 2021, target 31 Dec 2021
    # 9: target 28 Feb 2022 (a month's last day), complete 20 May 2022: to 30 April is 2 months, then 20 days.
    assert table.loc["9", "outcome"] == LATE and table.loc["9", "slip"] == Span(2, 20)
    # Not complete and past the plan's target, counted to 30 June 2022 (month end to month end: whole months).
    assert table.loc["33", "outcome"] == PAST and table.loc["33", "slip"] == Span(7, 0)  # from 30 Nov 2021
    assert table.loc["4", "outcome"] == PAST and table.loc["4", "slip"] == Span(4, 0)  # from 28 Feb 2022
    assert table.loc["5", "outcome"] == PAST and table.loc["5", "slip"] == Span(5, 0)  # from 31 Jan 2022
    assert table.loc["5", "times_moved"] == 1
    assert table.loc["5", "original_target"] == pd.Timestamp("2022-01-31")
    assert table.loc["5", "current_target"] == pd.Timestamp("2022-06-30")
    assert table.loc["6", "outcome"] == NOT_JUDGED and table.loc["6", "slip"] is None  # ongoing: no dated target


def test_the_summary_counts_actions_and_keeps_those_with_no_dated_target_apart(ws):
    table = ws.slippage(Q1)
    row = slippage_summary(table[table["action_ref"].isin(SCRIPTED)]).iloc[0]
    assert (row["actions"], row["with a dated target"], row[NOT_JUDGED]) == (6, 5, 1)
    assert (row[ON_TIME], row[LATE], row[PAST], row[NOT_YET]) == (1, 1, 3, 0)
    assert row["share complete by original target"] == pytest.approx(1 / 5)
    assert (row["targets moved"], row["moves agreed"]) == (1, 1)
    # Slips 2 months 20 days, 4, 5 and 7 months: of the two middle ones, the shorter.
    assert row["median slip"] == Span(4, 0)


def test_slippage_by_lead_counts_a_lead_s_actions(ws):
    by_lead = ws.slippage(Q1, by="lead").set_index("lead")
    # 33, 4 and others are led by the Corporate Director Finance & Commercial; 3 is the only action of its lead.
    assert by_lead.loc["Executive Director Corporate Development", ON_TIME] == 1
    assert by_lead["actions"].sum() >= 48  # a joint action counts for each of its leads


@given(st.lists(st.tuples(st.integers(0, 40), st.integers(0, 30)), min_size=1, max_size=9))
def test_the_median_slip_is_one_of_the_slips_with_half_at_or_below_it(pairs):
    slips = [Span(m, d) for m, d in pairs]
    middle = median_slip([*slips, None])  # an action with no slip never enters a median
    assert middle in slips
    assert sum(s <= middle for s in slips) >= len(slips) / 2
    assert sum(s >= middle for s in slips) >= len(slips) / 2


@pytest.fixture(scope="module")
def finance() -> workspace.Workspace:
    """The real data, with no returns: read once for the property below."""
    return workspace.load_workspace([FIN])


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, 14), st.integers(0, 6))
def test_any_span_of_the_history_agrees_with_the_report_at_each_of_its_quarter_ends(finance, start, length):
    first = quarters.parse_quarter("2021/22 Q1") + start
    history = finance.status_history(first, first + length)
    for quarter, rows in history.groupby("quarter", observed=True):
        report = finance.status(quarter)
        assert list(rows["status"].astype(str)) == list(report["status"])
        assert list(rows["target_revisions"]) == list(report["target_revisions"])


def test_a_made_up_council_s_leads_are_named_with_their_council_and_its_plan_s_completion_is_on_time(data_copy):
    from conftest import run_module
    from made_up_reviews import COUNCIL, add_both_reviews

    add_both_reviews(data_copy)
    assert run_module("helpers.plans.extract", data=data_copy).returncode == 0
    ws = workspace.load_workspace([FIN, "2024-wessex-cpc"])
    by_lead = ws.slippage("2024/25 Q1", by="lead").set_index("lead")
    assert all(lead.endswith(("(Dorset Council)", f"({COUNCIL})")) for lead in by_lead.index)
    # R2 (Head of Finance responsible, target Dec 2024): the plan of 4 March 2024 says Complete, before its target.
    assert by_lead.loc[f"Head of Finance ({COUNCIL})", ON_TIME] == 1


def test_quarters_past_target_counts_only_the_actions_at_the_last_quarter_end():
    # Made up: action 1 overdue at both quarter ends, 2 not reported at the first and complete at the last, 3 overdue
    # at the first only and not counted at the last (its plan withdrawn). Only actions at the last end are counted.
    ends = pd.Categorical(["2024/25 Q1", "2024/25 Q1", "2024/25 Q1", "2024/25 Q2", "2024/25 Q2"], ordered=True)
    history = pd.DataFrame(
        {
            "review_id": "made-up",
            "action_ref": ["1", "2", "3", "1", "2"],
            "quarter": ends,
            "status": ["overdue", "not-reported", "overdue", "overdue", "complete"],
        }
    )
    counts = quarters_past_target(history)
    assert counts.to_dict() == {("made-up", "1"): 2, ("made-up", "2"): 0}
