"""Status rules on real actions, and the progress-update log.

Expected statuses are worked out by hand from the 2021 action plan (Appendix 1
of the Cabinet report of 5 October 2021) and the rules in src/helpers/status.py.
"""

from __future__ import annotations

import pandas as pd
import pytest

from helpers import committee, workspace
from helpers.errors import InputError
from helpers.quarters import parse_quarter
from helpers.status import changes_since, due_next_quarter

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
    assert s[("2021-finance", "3")] == "not-reported"  # December 2021: due on the quarter end
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


def test_counts_show_untranscribed_recommendations_as_a_gap(ws):
    counts = ws.counts(parse_quarter("2023/24 Q4"))
    assert counts.loc["2019-cpc", "not-transcribed"] == 9  # the documents say 9; none transcribed
    assert counts.loc["2019-cpc", "Total"] == 9
    assert counts.loc["2021-finance", "Total"] == 48
    assert counts.loc["2022-progress", "complete"] == 1  # action 2's target says Complete


def test_the_headline_names_every_status_and_adds_up(ws):
    quarter = parse_quarter("2023/24 Q4")
    counts = ws.counts(quarter)
    sentence = committee.headline(counts, quarter)
    tracked = int(counts["Total"].sum() - counts["not-transcribed"].sum())
    assert f"{tracked} actions are tracked" in sentence
    import re

    parts = re.search(r"tracked: (.*?)\.", sentence).group(1)
    numbers = [int(n) for n in re.findall(r"(\d+) [a-z]", parts)]
    assert sum(numbers) == tracked
    assert "1 no action recorded" in sentence  # 2021 #38: the one the old headline left out


def test_review_summary_counts_actions_tracked_and_the_share_complete(ws):
    # Appendix 1 of the 2021 plan has 48 numbered actions; two give "Complete" as their target
    # (23 and 26), and nothing has been reported since: 2 of 48 = 4.2%, shown as 4%.
    # The 2019 review has 9 recommendations and none transcribed: no actions, 9 not transcribed.
    quarter = parse_quarter("2023/24 Q4")
    summary = committee.review_summary(ws, ws.status(quarter), ws.counts(quarter), quarter)
    finance = summary["Finance peer challenge 2021 (with the DSG / high needs block review)"]
    assert finance["Actions tracked"] == "48"
    assert finance["Complete"] == "2"
    assert finance["Share complete"] == "4%"
    cpc = summary["Corporate peer challenge 2019"]
    assert cpc["Actions tracked"] == "0"
    assert cpc["Share complete"] == "no actions transcribed"
    assert cpc["Not transcribed"] == "9"


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
    # 2021/22 Q4 ends 31 March 2022: 4, 9, 22, 41 (Feb 2022), 5 (Jan 2022) and 31 (Mar 2022) pass their targets,
    # and 43 follows 41. Actions already past target at 31 December 2021 are not listed again.
    q = parse_quarter("2021/22 Q4")
    changes = changes_since(ws.status(q - 1), ws.status(q), ws.updates, q)
    newly = set(changes["newly past target"].query("review_id == '2021-finance'")["action_ref"])
    assert newly == {"4", "5", "9", "22", "31", "41", "43"}


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
    shown = committee.action_table(frame.reset_index().query("action_ref in ['31', '33']"))
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
    assert set(due["action_ref"]) == {"4", "5", "9", "22", "31", "41"}


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
