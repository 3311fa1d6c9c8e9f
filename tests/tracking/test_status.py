"""Status rules on real actions, and the progress-update log.

Expected statuses are worked out by hand from the 2021 action plan (Appendix 1
of the Cabinet report of 5 October 2021) and the rules in src/helpers/tracking/status.py.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers.base import quarters
from helpers.base.errors import InputError
from helpers.base.quarters import parse_quarter
from helpers.base.vocabulary import (
    STATUS_IDS,
)
from helpers.committee import action_tables, summary
from helpers.tracking import workspace
from helpers.tracking.changes import changes_since
from helpers.tracking.durations import Span, finished_late
from helpers.tracking.status import (
    DUE_RULE,
    DURATION_RULE,
    LEADS_DISAGREE_RULE,
    OVERDUE_RULE,
    StatusTracker,
)
from helpers.tracking.status_counts import counts_from_codes, due_next_quarter
from helpers.tracking.updates import COLUMNS as UPDATE_COLUMNS

UPDATE_HEADER = (
    "review_id,action_ref,status,comment,updated_on,revised_target,revision_reason,"
    "revision_approved_by,revision_approved_on\n"
)


# The three reviews these expectations are worked out from (other reviews may be added beside them).
DORSET = ["2019-cpc", "2021-finance", "2022-progress"]


@pytest.fixture(scope="module")
def ws():
    return workspace.load_workspace(DORSET)


def _status(ws, quarter: str) -> pd.Series:
    return ws.status(parse_quarter(quarter)).set_index(["review_id", "action_ref"])["status"]


def test_statuses_as_at_the_first_quarter_end_after_approval(ws):
    s = _status(ws, "2021/22 Q3")  # as at 31 December 2021; nothing reported since the plan
    assert s[("2021-finance", "1")] == "not-reported"  # October 2021: passed, but not known to be undone
    assert s[("2021-finance", "3")] == "not-yet-due"  # December 2021: due on the quarter end, not passed
    assert s[("2021-finance", "4")] == "not-yet-due"  # February 2022
    assert s[("2021-finance", "40")] == "not-reported"  # Autumn 2021 = 30 November 2021
    assert s[("2021-finance", "23")] == "complete"  # the plan says Complete
    assert s[("2021-finance", "6")] == "ongoing"
    assert s[("2021-finance", "47")] == "ongoing"  # "See 40." but its own target says Ongoing
    assert s[("2021-finance", "42")] == "no-target"  # no target given
    assert s[("2021-finance", "38")] == "no-action"  # no response and no lead
    assert s[("2021-finance", "46")] == "no-target"  # corrected: no target date
    assert not any(k[0] == "2022-progress" for k in s.index)  # approved 28 February 2023


def test_nothing_is_overdue_until_someone_reports(ws):
    s = _status(ws, "2023/24 Q4")
    assert "overdue" not in set(s)  # no update has been recorded since either plan


def test_rows_with_no_target_take_the_status_of_the_recommendation_they_follow(ws):
    frame = ws.status(parse_quarter("2021/22 Q3")).set_index("action_ref")
    finance = frame[frame["review_id"] == "2021-finance"]
    assert finance.loc["13", "status"] == finance.loc["7", "status"] == "ongoing"
    assert finance.loc["43", "status"] == finance.loc["41", "status"] == "not-yet-due"
    assert finance.loc["43", "status_basis"] == "as recommendation 41"
    later = _status(ws, "2022/23 Q4")
    assert later[("2021-finance", "43")] == later[("2021-finance", "41")] == "not-reported"


def test_counts_show_untranscribed_recommendations_as_a_gap_never_added_to_actions(ws):
    counts = ws.counts(parse_quarter("2023/24 Q4"))
    assert counts.loc["2019-cpc", "not-transcribed"] == 9  # the documents say 9; none transcribed
    assert counts.loc["2019-cpc", "Total actions"] == 0  # 9 recommendations are not 9 actions
    assert counts.loc["2021-finance", "Total actions"] == 48
    assert counts.loc["2022-progress", "complete"] == 1  # action 2's target says Complete


def test_the_headline_names_every_status_and_adds_up(ws):
    quarter = parse_quarter("2023/24 Q4")
    counts, status = ws.counts(quarter), ws.status(quarter)
    sentence = summary.headline(counts, quarter, status)
    # 48 actions in the 2021 plan and 8 in the 2022 plan; the 2019 plan is not transcribed.
    assert "56 actions are tracked" in sentence
    parts = re.search(r"tracked: (.*?)\. ", sentence).group(1)
    parts = re.sub(r" \([^)]*\)", "", parts)  # "(1 of them as recommendation 41)" is not another count
    assert sum(int(n) for n in re.findall(r"(?:^|, | and )(\d+) ", parts)) == 56
    assert "1 no action recorded" in sentence  # 2021 #38: the one the old headline left out
    # The 9 untranscribed recommendations are a sentence of their own, never added to the 56 actions.
    assert "9 recommendations are not transcribed" in sentence and "65" not in sentence
    # 43 ("As 41.") is past target only because 41 is; 13 ("See 7") and 36 ("See 35.") are ongoing only by following.
    assert "target passed, no update (1 of them as recommendation 41)" in sentence
    assert "ongoing (2 of them as recommendations 7 and 35)" in sentence


def test_review_summary_counts_actions_tracked_and_the_share_complete(ws):
    # Appendix 1 of the 2021 plan has 48 numbered actions; two give "Complete" as their target
    # (23 and 26), and nothing has been reported since: 2 of 48 = 4.2%, shown as 4%.
    # The 2019 review has 9 recommendations and none transcribed: no actions, 9 not transcribed.
    quarter = parse_quarter("2023/24 Q4")
    by_review = summary.review_summary(ws, ws.status(quarter), ws.counts(quarter), quarter)
    finance = by_review["Finance peer challenge 2021 (with the DSG / high needs block review)"]
    assert finance["Actions tracked"] == "48"
    assert finance["Complete"] == "2"
    assert finance["Share complete"] == "4%"
    cpc = by_review["Corporate peer challenge 2019"]
    assert cpc["Actions tracked"] == "0"
    assert cpc["Share complete"] == "no actions transcribed"
    assert cpc["Not transcribed (recommendations)"] == "9"


def _write(data, name, body):
    (data / "updates" / name).write_text(UPDATE_HEADER + body, encoding="utf-8")


def test_a_reported_update_separates_overdue_from_not_known(data_copy):
    _write(
        data_copy,
        "2023-24-Q4.csv",
        "2022-progress,4,Complete,Revised induction in use.,2024-03-12,,,,\n"
        "2021-finance,31,In progress,Survey designed.,2024-02-28,,,,\n",
    )
    ws = workspace.load_workspace(DORSET)
    before, after = _status(ws, "2023/24 Q3"), _status(ws, "2023/24 Q4")
    assert before[("2022-progress", "4")] == "not-reported"  # April 2023, nothing reported yet
    assert after[("2022-progress", "4")] == "complete"
    assert after[("2021-finance", "31")] == "overdue"  # March 2022 passed; the lead says in progress
    q = parse_quarter("2023/24 Q4")
    changes = changes_since(ws.status(q - 1), ws.status(q), ws.updates, q)
    assert list(changes["newly complete"]["action_ref"]) == ["4"]
    assert sorted(changes["new progress comments"]["action_ref"]) == ["31", "4"]
    assert changes["newly past target"].empty  # 31 was already past its target: not a change
    noted = ws.status(q).set_index(["review_id", "action_ref"])["update_note"]
    assert noted[("2021-finance", "31")] == ""
    assert noted[("2021-finance", "6")] == "no update this quarter"


def test_newly_overdue_lists_only_actions_that_passed_their_target_this_quarter(ws):
    # 2021/22 Q4 ends 31 March 2022: 4, 9, 22, 41 (Feb 2022) and 5 (Jan 2022) pass their targets, and 43 follows
    # 41; 31 (March 2022) is due at this quarter's end, not past. 3, 8, 16, 25, 27 and 32 (December 2021) were
    # due at the end of Q3 (31 December 2021), so they pass now. Actions already past target at 31 December 2021
    # (October and November 2021, Autumn 2021, July 2021) are not listed again.
    q = parse_quarter("2021/22 Q4")
    changes = changes_since(ws.status(q - 1), ws.status(q), ws.updates, q)
    newly = set(changes["newly past target"].query("review_id == '2021-finance'")["action_ref"])
    assert newly == {"3", "8", "16", "25", "27", "32", "4", "5", "9", "22", "41", "43"}


def test_an_agreed_revised_target_moves_the_status_and_keeps_the_original(data_copy):
    _write(
        data_copy,
        "2023-24-Q4.csv",
        "2021-finance,31,In progress,Fieldwork moved.,2024-02-28,September 2024,Survey contractor changed,"
        "Audit and Governance Committee,2024-03-20\n"
        "2021-finance,33,In progress,Training paused.,2024-02-28,December 2024,Trainer on leave,,\n",
    )
    ws = workspace.load_workspace(DORSET)
    frame = ws.status(parse_quarter("2023/24 Q4")).set_index("action_ref")
    row31, row33 = frame.loc["31"], frame.loc["33"]
    assert row31["status"] == "not-yet-due" and row31["target_revisions"] == 1
    assert row31["current_target_date"] == pd.Timestamp("2024-09-30")
    assert row31["target_date"] == pd.Timestamp("2022-03-31")  # the plan's target is never lost
    assert row33["status"] == "overdue" and row33["revision_requested"]  # requested, not agreed: no change
    shown = action_tables.action_table(frame.reset_index().query("action_ref in ['31', '33']"))
    assert "revised 1 time" in shown["Current target"].iloc[0]
    assert "(target moved)" in shown["Status"].iloc[0]  # never simply "not yet due"


@pytest.mark.parametrize(
    "row, message",
    [
        ("2021-finance,49,Complete,x,2024-03-01,,,,\n", "2023-24-Q4.csv:2: review 2021-finance has no action '49'"),
        ("2020-budget,1,Complete,x,2024-03-01,,,,\n", "2023-24-Q4.csv:2: unknown review '2020-budget'"),
        ("2021-finance,5,Finished,x,2024-03-01,,,,\n", "2023-24-Q4.csv:2: unknown status 'Finished'"),
        ("2021-finance,5,Complete,x,2024-04-01,,,,\n", "2023-24-Q4.csv:2: updated_on 2024-04-01 is outside 2023/24 Q4"),
        ("2021-finance,5,Complete,x,2023-12-31,,,,\n", "2023-24-Q4.csv:2: updated_on 2023-12-31 is outside 2023/24 Q4"),
        ("2021-finance,5,Complete,x,March 2024,,,,\n", "2023-24-Q4.csv:2: cannot read date 'March 2024'"),
        ("2021-finance,5,Complete,x,2024-02-30,,,,\n", "2023-24-Q4.csv:2: cannot read date '2024-02-30'"),
        (
            "2021-finance,5,,,2024-03-01,,,,\n",
            "2023-24-Q4.csv:2: an update needs a status, a comment or a revised target",
        ),
        ("2021-finance,5,,x,2024-03-01,June 2024,,,\n", "2023-24-Q4.csv:2: a revised target needs a reason"),
        (
            "2021-finance,5,,x,2024-03-01,,,,\n2021-finance,5,,x,2024-03-01,,,,\n",
            "2023-24-Q4.csv:3: this update repeats an earlier row",
        ),
    ],
)
def test_bad_updates_name_the_file_and_row(data_copy, row, message):
    _write(data_copy, "2023-24-Q4.csv", row)
    with pytest.raises(InputError) as err:
        workspace.load_workspace()
    assert message in str(err.value)


def test_the_2022_progress_column_is_a_comment_with_an_approximate_date(ws):
    plan = ws.updates[(ws.updates["review_id"] == "2022-progress") & (ws.updates["origin"] == "plan")]
    with_comment = plan[plan["comment"] != ""]
    assert len(with_comment) == 7  # action 6 has no progress comment
    assert with_comment["date_approximate"].all()
    assert set(plan["updated_on"]) == {pd.Timestamp("2023-02-28")}
    # Only action 2's "Complete" target gives a status; the progress column states none.
    assert set(plan.loc[plan["status"] != "", "action_ref"]) == {"2"}


def test_workload_counts_a_joint_action_once_per_lead(ws):
    q = parse_quarter("2021/22 Q3")
    table = ws.workload(q)
    # Cabinet leads 5 and 22 alone, and 14, 15 and 34 jointly.
    assert table.loc["Cabinet", "total"] == 5
    finance_leads = ws.action_leads[ws.action_leads["review_id"] == "2021-finance"]
    assert table["total"].sum() == len(finance_leads)  # 2022 not yet approved
    status = ws.status(q)
    assert set(status.loc[status["lead"] == "", "action_ref"]) == {"13", "36", "38"}
    due = due_next_quarter(status, q)
    # Due at this quarter's end (December 2021) or in January to March 2022.
    assert set(due["action_ref"]) == {"3", "8", "16", "25", "27", "32", "4", "5", "9", "22", "31", "41"}


def test_two_leads_reporting_the_same_words_on_the_same_day_are_two_reports(data_copy):
    # 2021 action 34 is led jointly by "Cabinet and SLT" (Appendix 1, line 157): each lead may return
    # the same status and comment on the same day; only one lead saying it twice is a repeat.
    (data_copy / "updates" / "2023-24-Q4.csv").write_text(
        "review_id,action_ref,status,comment,updated_on,lead\n"
        "2021-finance,34,In progress,Partner deals reviewed.,2024-03-01,Cabinet\n"
        "2021-finance,34,In progress,Partner deals reviewed.,2024-03-01,Senior Leadership Team (SLT)\n",
        encoding="utf-8",
    )
    ws = workspace.load_workspace(DORSET)
    reported = ws.updates[(ws.updates["origin"] == "update") & (ws.updates["action_ref"] == "34")]
    assert sorted(reported["lead"]) == ["Cabinet", "Senior Leadership Team (SLT)"]


def test_an_action_that_follows_another_is_complete_once_its_own_update_says_so(data_copy):
    # 43 says only "As 41." and has no target, so it takes 41's status (rule 3), unless its own latest
    # status closes it (rule 2 comes first).
    _write(data_copy, "2023-24-Q4.csv", "2021-finance,43,Complete,Done with the HNB strategy.,2024-03-01,,,,\n")
    frame = workspace.load_workspace().status(parse_quarter("2023/24 Q4")).set_index("action_ref")
    finance = frame[frame["review_id"] == "2021-finance"]
    assert finance.loc["41", "status"] == "not-reported"
    assert finance.loc["43", "status"] == "complete"
    assert finance.loc["43", "status_basis"] == "update: Complete"


def test_an_approval_date_without_a_revised_target_is_refused(data_copy):
    _write(
        data_copy,
        "2023-24-Q4.csv",
        "2021-finance,31,In progress,x,2024-03-01,,,Audit and Governance Committee,2024-03-20\n",
    )
    with pytest.raises(
        InputError, match=r"2023-24-Q4.csv:2: revision_approved_on is given but there is no revised_target"
    ):
        workspace.load_workspace()


def test_an_october_2023_target_is_5_months_past_at_31_march_2024(ws):
    # 2022 plan action 5: "Review Essex approach to 'One Council'", target October 2023, nothing reported since.
    frame = ws.status(parse_quarter("2023/24 Q4")).set_index(["review_id", "action_ref"])
    row = frame.loc[("2022-progress", "5")]
    assert (row["status"], row["months_past_target"], row["days_past_target"]) == ("not-reported", 5, 0)
    shown = action_tables.action_table(frame.reset_index().query("review_id == '2022-progress' and action_ref == '5'"))
    assert shown["Status"].iloc[0] == "Target passed, no update, 5 months past target"


def test_the_status_frame_gives_the_completion_date_and_the_target_in_force_then(data_copy):
    # 2022 action 4 (April 2023) reported complete on 12 March 2024: 10 months and 12 days after its target.
    _write(data_copy, "2023-24-Q4.csv", "2022-progress,4,Complete,Revised induction in use.,2024-03-12,,,,\n")
    frame = workspace.load_workspace(DORSET).status(parse_quarter("2023/24 Q4")).set_index("action_ref")
    row = frame[frame["review_id"] == "2022-progress"].loc["4"]
    assert row["completed_on"] == pd.Timestamp("2024-03-12")
    assert row["target_at_completion"] == pd.Timestamp("2023-04-30")
    assert finished_late(row["completed_on"], row["target_at_completion"]) == Span(10, 12)


# --- Due at quarter end, not passed (status.DUE_RULE) --------------------------------------------------


def test_an_action_due_on_the_quarter_end_is_due_not_passed_and_a_comment_changes_nothing(data_copy):
    # 2021 action 31 (March 2022) gets an agreed revised target of June 2024 with a comment and no status.
    # June 2024 = 30 June 2024, the last day of 2024/25 Q1: due at that quarter end, not passed. At the end of
    # Q2 (30 September 2024) it has passed by 3 months; only a comment was reported, so it is not known.
    _write(
        data_copy,
        "2023-24-Q4.csv",
        "2021-finance,31,,Fieldwork moved.,2024-02-28,June 2024,Survey contractor changed,"
        "Audit and Governance Committee,2024-03-20\n",
    )
    ws = workspace.load_workspace(DORSET)
    q1 = ws.status(parse_quarter("2024/25 Q1")).set_index("action_ref")
    row = q1[q1["review_id"] == "2021-finance"].loc["31"]
    assert row["status"] == "not-yet-due" and row["due_at_quarter_end"]
    shown = action_tables.action_table(q1.reset_index().query("review_id == '2021-finance' and action_ref == '31'"))
    assert shown["Status"].iloc[0] == "Not yet due, due at quarter end (target moved)"
    assert "31" in set(due_next_quarter(q1.reset_index(), parse_quarter("2024/25 Q1"))["action_ref"])
    q2 = ws.status(parse_quarter("2024/25 Q2")).set_index("action_ref")
    later = q2[q2["review_id"] == "2021-finance"].loc["31"]
    assert later["status"] == "not-reported" and later["months_past_target"] == 3
    assert later["latest_comment"] == "Fieldwork moved."  # shown, though it changes no status


# --- Overdue needs a status (status.OVERDUE_RULE) -------------------------------------------------------


def test_a_comment_or_a_revision_request_without_a_status_leaves_target_passed_no_update(data_copy):
    # 5 (January 2022) and 9 (February 2022) are long past target at 31 March 2024. 5 gets a comment only,
    # 9 a request to revise its target only, 22 (February 2022) a status: only 22 becomes Overdue.
    _write(
        data_copy,
        "2023-24-Q4.csv",
        "2021-finance,5,,Timetable drafted.,2024-03-01,,,,\n"
        "2021-finance,9,,,2024-03-01,June 2024,Waiting for the budget report,,\n"
        "2021-finance,22,In progress,Strategy statement drafted.,2024-03-01,,,,\n",
    )
    frame = workspace.load_workspace(DORSET).status(parse_quarter("2023/24 Q4")).set_index("action_ref")
    finance = frame[frame["review_id"] == "2021-finance"]
    assert finance.loc["5", "status"] == finance.loc["9", "status"] == "not-reported"
    assert finance.loc["5", "latest_comment"] == "Timetable drafted."
    assert finance.loc["9", "revision_requested"]
    assert finance.loc["22", "status"] == "overdue"
    shown = action_tables.action_table(finance.reset_index().query("action_ref == '5'"))
    assert shown["Status"].iloc[0] == (
        "Target passed, no update, 26 months past target; an update since the plan gave no status"
    )
    assert shown["Latest update"].iloc[0] == "Timetable drafted."


def test_the_report_key_states_the_rules(ws):
    key = summary.status_key()
    assert OVERDUE_RULE in key and DUE_RULE in key and DURATION_RULE in key and LEADS_DISAGREE_RULE in key
    assert any("5 months past at 31 March 2024" in line for line in key)


# --- Following another recommendation ---------------------------------------------------------------------


def test_as_41_follows_41_and_the_headline_says_how_many_moved_only_by_following(data_copy):
    # 43 says only "As 41." and has no target. Once 41 (February 2022) is reported in progress, both are
    # Overdue, and the headline says one of the two moved only by following.
    _write(data_copy, "2023-24-Q4.csv", "2021-finance,41,In progress,Communications plan drafted.,2024-03-01,,,,\n")
    ws = workspace.load_workspace(DORSET)
    quarter = parse_quarter("2023/24 Q4")
    status = ws.status(quarter)
    finance = status[status["review_id"] == "2021-finance"].set_index("action_ref")
    assert finance.loc["41", "status"] == finance.loc["43", "status"] == "overdue"
    assert finance.loc["43", "as_recommendation"] == "41" and finance.loc["41", "as_recommendation"] == ""
    sentence = summary.headline(ws.counts(quarter), quarter, status)
    assert "2 overdue (1 of them as recommendation 41)" in sentence
    shown = action_tables.action_table(finance.reset_index().query("action_ref == '43'"), short=True)
    assert shown["Status"].iloc[0] == "Overdue (as recommendation 41), 25 months past target"
    assert "recommendation 41" in shown["Latest update"].iloc[0]  # not "no progress reported since the plan"
    assert "41" in shown["Current target"].iloc[0]


# --- Leads who disagree (status.LEADS_DISAGREE_RULE) ------------------------------------------------------


def test_two_leads_disagreeing_on_the_same_day_a_claim_of_completion_does_not_count(data_copy):
    # 2021 action 20 is led by "All budget holders and finance team" (Budget Holders / Finance Team), target
    # December 2022. On 1 March 2024 one lead says Complete, the other In progress: not complete, so Overdue.
    _write_leads(
        data_copy,
        "2021-finance,20,Complete,Budget set.,2024-03-01,Budget Holders\n"
        "2021-finance,20,In progress,Modelling continues.,2024-03-01,Finance Team\n",
    )
    frame = workspace.load_workspace(DORSET).status(parse_quarter("2023/24 Q4")).set_index("action_ref")
    row = frame[frame["review_id"] == "2021-finance"].loc["20"]
    assert row["status"] == "overdue" and row["leads_disagree"]
    assert row["lead_statuses"] == "Budget Holders: Complete; Finance Team: In progress"
    shown = action_tables.action_table(frame.reset_index().query("review_id == '2021-finance' and action_ref == '20'"))
    assert "leads disagree: Budget Holders: Complete; Finance Team: In progress" in shown["Status"].iloc[0]


def test_leads_agreeing_or_a_later_report_settles_it(data_copy):
    _write_leads(
        data_copy,
        "2021-finance,20,In progress,Modelling continues.,2024-03-01,Finance Team\n"
        "2021-finance,20,Complete,Budget set.,2024-03-01,Budget Holders\n"
        "2021-finance,20,Complete,Budget agreed by Council.,2024-03-20,Finance Team\n"
        "2021-finance,14,Complete,Savings delivered.,2024-03-05,Cabinet\n"
        "2021-finance,14,Complete,Savings delivered.,2024-03-05,Budget Holders\n",
    )
    frame = workspace.load_workspace(DORSET).status(parse_quarter("2023/24 Q4")).set_index("action_ref")
    finance = frame[frame["review_id"] == "2021-finance"]
    assert finance.loc["20", "status"] == "complete" and not finance.loc["20", "leads_disagree"]
    assert finance.loc["20", "completed_on"] == pd.Timestamp("2024-03-20")
    assert finance.loc["14", "status"] == "complete" and finance.loc["14", "lead_statuses"] == ""


def _write_leads(data, body):
    (data / "updates" / "2023-24-Q4.csv").write_text(
        "review_id,action_ref,status,comment,updated_on,lead\n" + body, encoding="utf-8"
    )


# --- Plans' own statements, totals and units ----------------------------------------------------------------


def test_a_complete_target_reads_as_the_plans_statement_not_a_date(ws):
    # 2021 action 23: Timeline "Complete" (Appendix 1, line 140): a status as at 5 October 2021, not a target.
    frame = ws.status(parse_quarter("2023/24 Q4"))
    shown = action_tables.action_table(frame.query("review_id == '2021-finance' and action_ref == '23'"))
    assert shown["Original target"].iloc[0] == "Complete"
    assert shown["Current target"].iloc[0] == "none: the plan records it as complete"
    assert "5 Oct 2021" not in shown["Current target"].iloc[0]


def test_the_index_summary_counts_actions_and_keeps_untranscribed_recommendations_apart(ws):
    quarter = parse_quarter("2023/24 Q4")
    counts = ws.counts(quarter)
    data = summary.summary_json(ws, counts, quarter)
    assert data["total"] == sum(data["counts"].values()) == counts["Total actions"].sum()
    assert data["total_unit"] == "actions"
    assert data["data_gaps"] == {"Not transcribed (recommendations)": 9}
    assert f"{data['total']} actions are tracked" in summary.headline(counts, quarter)


def test_the_2019_review_says_not_obtained_and_judges_milestones_from_known_dates_only(ws):
    # The Cabinet report of 28 January 2020 says the action plan is its Appendix 2: it exists, we do not hold it.
    # The visit ended on 4 October 2019 ("four days from 1st October"); the plan was published on 28 January 2020:
    # 3 months and 24 days later, within the 5 allowed. The progress review came in September 2022 (no day given):
    # 35 months after October 2019, far beyond 12, so missed whatever the day; shown as the month, not a day.
    quarter = parse_quarter("2023/24 Q4")
    by_review = summary.review_summary(ws, ws.status(quarter), ws.counts(quarter), quarter)
    cpc = by_review["Corporate peer challenge 2019"]
    assert "not obtained" in cpc["Recommendations transcribed"] and "Appendix 2" in cpc["Recommendations transcribed"]
    assert "no action plan" not in " ".join(cpc.to_numpy())
    plan = next(v for k, v in cpc.items() if k.startswith("Action plan published"))
    visit = next(v for k, v in cpc.items() if k.startswith("Progress review visit"))
    # Within the 5 months allowed, but later than the 3 expected: said so, not "met".
    assert plan == (
        "later than the 3 months expected, within the 5-month limit (28 Jan 2020, 3 months and 24 days after the visit)"
    )
    assert visit == "missed (September 2022, about 35 months after the visit)"
    assert "30 Sep 2022" not in " ".join(cpc.to_numpy())


def test_a_visit_known_only_to_the_month_cannot_settle_a_close_verdict(ws):
    # The 2022 progress review visit was in "September 2022"; its plan was approved on 28 February 2023. From
    # 30 September that is 5 months (met), from 1 September 5 months and 27 days (missed): not known.
    review = ws.reviews.set_index("review_id").loc["2022-progress"].copy()
    review["review_id"] = "2022-progress"
    verdict = next(v for k, v in summary.milestones(review).items() if k.startswith("Action plan published"))
    assert verdict.startswith("not known (28 Feb 2023;")
    assert "so 5 to 6 months after the visit" in verdict  # in whole months: 5 rounded down, 5m27d up


# --- Laws the rules keep, for any data (Hypothesis) ----------------------------------------------------------

MONTH_ENDS = [pd.Timestamp(2021, 1, 1) + pd.offsets.MonthEnd(n) for n in range(60)]  # Jan 2021 to Dec 2025
QUARTERS = [parse_quarter(f"{y}/{str(y + 1)[2:]} Q{q}") for y in (2021, 2022, 2023, 2024) for q in (1, 2, 3, 4)]
# Few days, so two reports on one day (leads who disagree) and reports on a quarter's last day come up often.
DAYS = st.sampled_from(
    [pd.Timestamp(d) for d in ("2021-12-31", "2022-03-01", "2022-03-31", "2023-06-30", "2024-03-01", "2024-06-30")]
)

_action = st.fixed_dictionaries(
    {
        "kind": st.sampled_from(["month", "month", "month", "ongoing", "none", "complete"]),
        "target": st.sampled_from(MONTH_ENDS),
        "incomplete": st.sampled_from([False, False, False, True]),
        "no_action": st.sampled_from([False, False, False, True]),
        "follows": st.sampled_from([-1, -1, -1, 0, 1, 2]),  # -1: follows none; else the action it follows
    }
)
_update = st.fixed_dictionaries(
    {
        "action": st.integers(0, 2),
        "status": st.sampled_from(["", "", "Complete", "In progress"]),
        "comment": st.sampled_from(["", "A comment."]),
        "day": DAYS,
        "origin": st.sampled_from(["plan", "update", "update"]),
        "lead": st.sampled_from(["Lead A", "Lead B"]),
        "revised": st.sampled_from(["", "", "June 2024", "March 2023"]),
        "approved_after": st.one_of(st.none(), st.integers(0, 200)),
    }
)


def _workspace_frames(acts: list[dict], ups: list[dict], tracked: pd.Timestamp):
    n = len(acts)
    actions = pd.DataFrame(
        {
            "review_id": "r",
            "action_ref": [str(i + 1) for i in range(n)],
            "rec_ref": [str(i + 1) for i in range(n)],
            "action": ["" if a["no_action"] else "Do it." for a in acts],
            "source_incomplete": ["cut off" if a["incomplete"] else "" for a in acts],
            "target_kind": [a["kind"] for a in acts],
            "target_date": [a["target"] if a["kind"] in ("month", "complete") else pd.NaT for a in acts],
            "follows": [
                str(a["follows"] + 1) if 0 <= a["follows"] < n and a["follows"] != i else "" for i, a in enumerate(acts)
            ],
        }
    )
    rows = []
    for u in ups:
        if u["action"] >= n or not (u["status"] or u["comment"] or u["revised"]):
            continue
        plan = u["origin"] == "plan"
        approved = pd.NaT
        if u["revised"] and not plan and u["approved_after"] is not None:
            approved = u["day"] + pd.Timedelta(days=u["approved_after"])
        rows.append(
            {
                "review_id": "r",
                "action_ref": str(u["action"] + 1),
                "status": u["status"],
                "comment": u["comment"],
                "updated_on": u["day"],
                "date_approximate": False,
                "origin": u["origin"],
                "revised_target": "" if plan else u["revised"],
                "revision_reason": "a reason" if u["revised"] and not plan else "",
                "revision_approved_by": "",
                "revision_approved_on": approved,
                "evidence": "",
                "lead": u["lead"],
                "source": "",
            }
        )
    updates = pd.DataFrame(rows, columns=UPDATE_COLUMNS)
    updates["updated_on"] = pd.to_datetime(updates["updated_on"]).astype("datetime64[ns]")
    updates["revision_approved_on"] = pd.to_datetime(updates["revision_approved_on"]).astype("datetime64[ns]")
    updates["date_approximate"] = updates["date_approximate"].astype(bool)
    reviews = pd.DataFrame(
        {
            "review_id": ["r"],
            "tracked_from": [tracked],
            "recommendations_expected": [n + 2],
            "recommendations_transcribed": [n],
        }
    )
    return actions, reviews, updates


def _oracle(
    actions: pd.DataFrame, updates: pd.DataFrame, end: pd.Timestamp, tracked: pd.Timestamp, no_lead: list[bool]
) -> list[str]:
    """The rules of status.py's docstring, written out one action at a time, in order."""
    revised_to = {"June 2024": pd.Timestamp(2024, 6, 30), "March 2023": pd.Timestamp(2023, 3, 31)}

    def own(i: int) -> tuple[str, bool]:
        act = actions.iloc[i]
        ups = updates[(updates["action_ref"] == act["action_ref"]) & (updates["updated_on"] <= end)]
        said = ups[ups["status"] != ""]
        closed = False
        if len(said):
            last = said[said["updated_on"] == said["updated_on"].max()]
            closed = bool((last["status"] == "Complete").all())  # any other status that day: not complete
        if act["source_incomplete"]:
            return INCOMPLETE, closed
        if closed:
            return "complete", closed
        agreed = updates[
            (updates["action_ref"] == act["action_ref"])
            & updates["revision_approved_on"].notna()
            & (updates["revision_approved_on"] <= end)
        ].sort_values("revision_approved_on", kind="stable")
        target = act["target_date"] if act["target_kind"] == "month" else pd.NaT
        if len(agreed):
            target = revised_to[agreed["revised_target"].iloc[-1]]
        if act["action"] == "" and no_lead[i]:
            return "no-action", closed
        if pd.notna(target):
            if target >= end:
                return "not-yet-due", closed
            if ((ups["origin"] == "update") & (ups["status"] != "")).any():
                return "overdue", closed
            return "not-reported", closed
        return ("ongoing" if act["target_kind"] == "ongoing" else "no-target"), closed

    out = []
    for i in range(len(actions)):
        status, closed = own(i)
        follows = actions["follows"].iloc[i]
        if follows and status != INCOMPLETE and not closed:
            status = own(int(follows) - 1)[0]
        out.append(status if tracked <= end else "")
    return out


INCOMPLETE = "incomplete-source"


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    acts=st.lists(_action, min_size=1, max_size=4),
    ups=st.lists(_update, max_size=6),
    quarter=st.sampled_from(QUARTERS),
    tracked=st.sampled_from([pd.Timestamp(2021, 10, 5), pd.Timestamp(2023, 2, 28)]),
    leads=st.lists(st.booleans(), min_size=4, max_size=4),
)
def test_every_action_gets_exactly_the_status_of_the_first_rule_that_applies(acts, ups, quarter, tracked, leads):
    actions, reviews, updates = _workspace_frames(acts, ups, tracked)
    has_lead = leads[: len(actions)]
    tracker = StatusTracker(actions, reviews, updates, has_lead=np.array(has_lead))
    end = pd.Timestamp(quarters.end(quarter))
    got = list(tracker.status_ids(quarter))
    assert got == _oracle(actions, updates, end, tracked, [not h for h in has_lead])
    counted = [s for s in got if s]
    assert all(s in STATUS_IDS for s in counted)
    codes = tracker.status_codes(quarter)
    counts = counts_from_codes(np.zeros(len(actions), int), ["r"], codes, reviews, quarter)
    if len(counts):  # each counted action is in exactly one status column, and the total adds up the actions
        assert counts.loc["r", "Total actions"] == len(counted)
        assert counts.loc["r", [s for s in STATUS_IDS if s != "not-transcribed"]].sum() == len(counted)
        assert counts.loc["r", "not-transcribed"] == 2  # recommendations, beside the actions


@settings(max_examples=150, deadline=None)
@given(
    counts=st.lists(st.integers(0, 40), min_size=len(STATUS_IDS), max_size=len(STATUS_IDS)),
    followed=st.integers(0, 3),
    quarter=st.sampled_from(QUARTERS),
)
def test_the_headline_counts_add_up_to_its_total_of_actions(counts, followed, quarter):
    frame = pd.DataFrame([counts], index=["r"], columns=list(STATUS_IDS))
    actions = [s for s in STATUS_IDS if s != "not-transcribed"]
    frame["Total actions"] = frame[actions].sum(axis=1)
    moved = min(followed, counts[STATUS_IDS.index("overdue")])
    status = pd.DataFrame({"status": ["overdue"] * moved, "as_recommendation": ["41"] * moved})
    sentence = summary.headline(frame, quarter, status)
    total = int(re.search(r", (\d+) actions? (?:are|is) tracked", sentence).group(1))
    assert total == sum(counts[STATUS_IDS.index(s)] for s in actions)
    listed = re.search(r"tracked: (.*?)\.(?: A data gap|$)", sentence)
    parts = re.sub(r" \([^)]*\)", "", listed.group(1)) if listed else ""
    assert sum(int(n) for n in re.findall(r"(?:^|, | and )(\d+) ", parts)) == total
    gap = counts[STATUS_IDS.index("not-transcribed")]
    assert (f"{gap} recommendation" in sentence) == bool(gap)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    acts=st.lists(_action, min_size=1, max_size=4),
    ups=st.lists(_update, max_size=6),
    extra=st.lists(st.tuples(st.integers(0, 3), DAYS, st.sampled_from(["", "June 2024"])), min_size=1, max_size=4),
    quarter=st.sampled_from(QUARTERS),
)
def test_comments_and_revision_requests_without_a_status_never_change_a_status(acts, ups, extra, quarter):
    actions, reviews, updates = _workspace_frames(acts, ups, pd.Timestamp(2021, 10, 5))
    more = [
        {
            "action": a,
            "status": "",
            "comment": "Only a comment.",
            "day": day,
            "origin": "update",
            "lead": "Lead C",
            "revised": revised,
            "approved_after": None,
        }
        for a, day, revised in extra
    ]
    _, _, with_comments = _workspace_frames(acts, ups + more, pd.Timestamp(2021, 10, 5))
    before = StatusTracker(actions, reviews, updates).status_ids(quarter)
    after = StatusTracker(actions, reviews, with_comments).status_ids(quarter)
    assert list(after) == list(before)


@settings(max_examples=100, deadline=None)
@given(said=st.lists(st.sampled_from(["Complete", "In progress", "Behind schedule"]), min_size=1, max_size=4))
def test_a_claim_of_completion_counts_only_if_no_lead_that_day_says_otherwise(said):
    acts = [
        {"kind": "month", "target": pd.Timestamp(2022, 1, 31), "incomplete": False, "no_action": False, "follows": -1}
    ]
    ups = [
        {
            "action": 0,
            "status": s,
            "comment": "",
            "day": pd.Timestamp(2024, 3, 1),
            "origin": "update",
            "lead": f"Lead {n}",
            "revised": "",
            "approved_after": None,
        }
        for n, s in enumerate(said)
    ]
    actions, reviews, updates = _workspace_frames(acts, ups, pd.Timestamp(2021, 10, 5))
    row = StatusTracker(actions, reviews, updates).status(parse_quarter("2023/24 Q4")).iloc[0]
    assert row["status"] == ("complete" if set(said) == {"Complete"} else "overdue")
    assert row["leads_disagree"] == (len(set(said)) > 1)
    assert bool(row["lead_statuses"]) == row["leads_disagree"]
