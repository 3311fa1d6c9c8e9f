"""What the committee report writes for one action, in its tables and notes, to the letter.

Each expectation is worked out by hand from the stated rules (the docstrings of helpers.committee.action_tables, the
status rules in helpers.tracking.status, README "Status rules"), on made-up rows: no test depends on today's data.
Labels come from data/vocabulary.yaml through status_labels(), so an analyst may rename a status without editing a
test.
Written against the survivors of `make mutants` (MODULES=committee).
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from committee_rows import DECISIONS_HEADER, Q4, SLT, Tables, _role, reported_workspace

from helpers.base.quarters import parse_quarter
from helpers.base.vocabulary import COMPLETE, NOT_REPORTED, NOT_YET_DUE, ONGOING, OVERDUE, status_labels
from helpers.committee import action_tables, summary
from helpers.tracking import council_settings, history


@pytest.fixture
def reported(data_copy):
    """2021-finance as at 2023/24 Q4, with four updates dated in that quarter (committee_rows.reported_workspace)."""
    return reported_workspace(data_copy)


def row(**given) -> dict:
    """One action as the status frame gives it (an open action with a plan target and nothing reported)."""
    base = {
        "status": NOT_YET_DUE,
        "status_label": status_labels()[NOT_YET_DUE],
        "target": "March 2025",
        "target_corrected": "March 2025",
        "correction": "",
        "target_kind": "month",
        "target_revisions": 0,
        "current_target_date": pd.Timestamp("2025-03-31"),
        "revision_requested": False,
        "latest_comment": "",
        "latest_status": "",
        "latest_origin": "",
    }
    return {**base, **given}


def test_a_short_text_keeps_a_text_of_exactly_the_limit_and_cuts_a_longer_one_at_a_word():
    assert action_tables.short_text("abcd efgh", limit=9) == "abcd efgh"
    assert action_tables.short_text("  abcd \n efgh  ", limit=9) == "abcd efgh"  # spaces and line breaks made one
    # Ten characters against a limit of nine: cut at the last space within the first nine, then "…".
    assert action_tables.short_text("abcd, efgh", limit=9) == "abcd …"  # the comma before the cut goes too
    assert action_tables.short_text("one two three four", limit=12) == "one two …"
    assert len(action_tables.short_text("word " * 100)) <= 160 + 2  # the default limit, plus " …"


def test_the_original_target_says_what_the_document_said_when_it_was_corrected():
    assert action_tables._target(row()) == "March 2025"
    assert action_tables._target(row(target_corrected="", target="")) == "none given"
    corrected = row(target="Marhc 2025", target_corrected="March 2025", correction="typing error")
    assert action_tables._target(corrected) == "March 2025 (corrected; the document says 'Marhc 2025')"
    # A correction of another cell leaves the target as the document gave it, with nothing added.
    assert action_tables._target(row(correction="lead corrected")) == "March 2025"


def test_the_current_target_gives_the_date_and_how_often_it_moved():
    assert action_tables._current(row()) == "31 Mar 2025"
    assert action_tables._current(row(target_revisions=1)) == "31 Mar 2025 (revised 1 time)"
    assert action_tables._current(row(target_revisions=2)) == "31 Mar 2025 (revised 2 times)"
    assert action_tables._current(row(revision_requested=True)) == (
        "31 Mar 2025 (a revision is requested, not yet agreed)"
    )
    # The appendix's note on a revision (action_notes) takes the place of the bare "requested".
    assert action_tables._current(row(revision_requested=True, revision_text="revision to 30 Jun 2025 requested")) == (
        "31 Mar 2025; revision to 30 Jun 2025 requested"
    )


def test_a_revision_asked_for_an_action_without_a_date_says_what_it_has_now():
    ongoing = row(target_kind="ongoing", current_target_date=pd.NaT, revision_requested=True)
    assert action_tables._current(ongoing) == "ongoing; a revision is requested, not yet agreed"
    none = row(target_kind="none", current_target_date=pd.NaT, revision_requested=True)
    assert action_tables._current(none) == "none; a revision is requested, not yet agreed"


def test_the_current_target_of_an_action_without_a_date():
    complete = row(target_kind="complete", current_target_date=pd.NaT)
    assert action_tables._current(complete) == "none: the plan records it as complete"
    # Once a revision is agreed, a plan's "Complete" is no longer what decides the target.
    assert action_tables._current(
        {**complete, "target_revisions": 1, "current_target_date": pd.Timestamp("2024-06-30")}
    ) == ("30 Jun 2024 (revised 1 time)")
    ongoing = row(target_kind="ongoing", current_target_date=pd.NaT)
    assert action_tables._current(ongoing) == "ongoing"
    assert action_tables._current({**ongoing, "target_start": pd.Timestamp("2020-06-30")}) == "ongoing from 30 Jun 2020"
    assert action_tables._current({**ongoing, "target_start": pd.NaT}) == "ongoing"
    follower = row(target_kind="none", current_target_date=pd.NaT, as_recommendation="41")
    assert action_tables._current(follower) == "none of its own (recommendation 41's applies)"
    assert action_tables._current(row(target_kind="none", current_target_date=pd.NaT)) == "none"
    # No date of its own but a revision note: what it has, then the note.
    assert (
        action_tables._current(
            row(target_kind="none", current_target_date=pd.NaT, revision_text="revision to 30 Jun 2025 requested")
        )
        == "none; revision to 30 Jun 2025 requested"
    )


def test_the_status_cell_says_how_long_past_target_and_why():
    labels = status_labels()
    overdue = row(status=OVERDUE, status_label=labels[OVERDUE], months_past_target=5, days_past_target=0)
    assert action_tables._status(overdue) == f"{labels[OVERDUE]}, 5 months past target"
    # Revisions are not shown on a late action's status (its target cell says so).
    assert action_tables._status({**overdue, "target_revisions": 2}) == f"{labels[OVERDUE]}, 5 months past target"
    not_known = row(
        status=NOT_REPORTED,
        status_label=labels[NOT_REPORTED],
        months_past_target=1,
        days_past_target=3,
        reported_without_status=True,
    )
    assert action_tables._status(not_known) == (
        f"{labels[NOT_REPORTED]}, 1 month and 3 days past target; an update since the plan gave no status"
    )
    assert (
        action_tables._status({**not_known, "months_past_target": pd.NA, "reported_without_status": False})
        == (labels[NOT_REPORTED])
    )
    due = row(due_at_quarter_end=True)
    assert action_tables._status(due) == f"{labels[NOT_YET_DUE]}, due at quarter end"
    assert (
        action_tables._status({**due, "target_revisions": 1})
        == f"{labels[NOT_YET_DUE]}, due at quarter end (target moved)"
    )
    ongoing = row(status=ONGOING, status_label=labels[ONGOING], target_revisions=1)
    assert action_tables._status(ongoing) == f"{labels[ONGOING]} (target moved)"


def test_the_status_cell_of_a_follower_and_of_leads_who_disagree():
    labels = status_labels()
    follower = row(as_recommendation="41")
    assert action_tables._status(follower) == f"{labels[NOT_YET_DUE]} (as recommendation 41)"
    split = row(leads_disagree=True, lead_statuses="Cabinet: Complete; SLT: In progress")
    assert (
        action_tables._status(split) == f"{labels[NOT_YET_DUE]} (leads disagree: Cabinet: Complete; SLT: In progress)"
    )
    assert action_tables._status({**split, "lead_statuses": ""}) == labels[NOT_YET_DUE]
    assert action_tables._status({**split, "leads_disagree": False}) == labels[NOT_YET_DUE]


def test_a_complete_action_says_whether_it_finished_on_time():
    labels = status_labels()
    done = row(
        status=COMPLETE,
        status_label=labels[COMPLETE],
        completed_on=pd.Timestamp("2024-03-12"),
        target_at_completion=pd.Timestamp("2024-03-31"),
        target_revisions=1,  # a complete action's status never says "target moved"
    )
    assert action_tables._status(done) == f"{labels[COMPLETE]}, reported complete by its target"
    late = {**done, "completed_on": pd.Timestamp("2024-05-01")}  # 31 March to 1 May: a month and a day
    assert action_tables._status(late) == f"{labels[COMPLETE]}, reported complete 1 month and 1 day after its target"
    assert action_tables._status({**done, "target_at_completion": pd.NaT}) == labels[COMPLETE]
    assert action_tables._status({**done, "completed_on": pd.NaT}) == labels[COMPLETE]


def test_the_committees_view_of_a_closure_and_last_quarters_status():
    labels = status_labels()
    done = row(
        status=COMPLETE, status_label=labels[COMPLETE], closure_text="closure agreed by the committee 5 Mar 2024"
    )
    assert action_tables._status(done) == f"{labels[COMPLETE]} (closure agreed by the committee 5 Mar 2024)"
    # "Reported complete, awaiting agreement" is said of complete actions only; a refusal is said of any.
    waiting = "reported complete; awaiting the committee's agreement"
    assert action_tables._status(row(closure_text=waiting)) == labels[NOT_YET_DUE]
    assert action_tables._status(row(status=COMPLETE, status_label=labels[COMPLETE], closure_text=waiting)) == (
        f"{labels[COMPLETE]} ({waiting})"
    )
    refused = "closure refused by the committee 5 Mar 2024"
    assert action_tables._status(row(closure_text=refused)) == f"{labels[NOT_YET_DUE]} ({refused})"
    assert (
        action_tables._status(row(previous_label=labels[ONGOING])) == f"{labels[NOT_YET_DUE]} (was: {labels[ONGOING]})"
    )
    assert action_tables._status(row(previous_label=labels[NOT_YET_DUE])) == labels[NOT_YET_DUE]  # unchanged: not said


def test_the_latest_update_cell():
    assert action_tables._comment(row(update_text="SLT, 1 Mar 2024: In progress.")) == "SLT, 1 Mar 2024: In progress."
    assert action_tables._comment(row(latest_status="Complete", latest_origin="plan")) == "The plan says: Complete"
    assert action_tables._comment(row(latest_status="In progress", latest_origin="update")) == (
        "Status reported: In progress"
    )
    assert action_tables._comment(row(as_recommendation="41")) == (
        "Nothing reported on this action; it takes recommendation 41's status"
    )
    assert action_tables._comment(row()) == "No progress reported since the plan"
    assert action_tables._comment(row(status=COMPLETE)) == ""
    assert (
        action_tables._comment(row(latest_comment="Survey sent.", latest_origin="plan"))
        == "From the plan: Survey sent."
    )
    assert action_tables._comment(row(latest_comment="Survey sent.", latest_origin="update")) == "Survey sent."


def test_one_leads_update_in_a_line():
    update = {
        "updated_on": pd.Timestamp("2024-06-30"),
        "status": "In progress",
        "comment": "Survey designed.",
        "evidence": "https://example.org/survey",
        "revised_target": "",
    }
    assert action_tables._update_line(update, "Finance Team (responsible)") == (
        "Finance Team (responsible), 30 Jun 2024: In progress. Survey designed. Evidence: https://example.org/survey."
    )
    asks = {**update, "status": "", "comment": "", "evidence": "", "revised_target": "March 2025"}
    assert action_tables._update_line(asks, "SLT") == "SLT, 30 Jun 2024: asks to move the target (see Current target)."
    # A status or a comment beside the request is what the line says; the request shows in the target cell.
    assert action_tables._update_line({**asks, "comment": "Delayed."}, "SLT") == "SLT, 30 Jun 2024: Delayed."


def test_references_our_numbering_is_marked():
    assert action_tables._ref("3", False) == "3"
    assert action_tables._ref("3", True) == f"3 ({action_tables.GENERATED_REF})"


def test_a_duration_in_calendar_months():
    assert action_tables._duration(5, 0) == "5 months"
    assert action_tables._duration(1, 3) == "1 month and 3 days"
    assert summary._months_between(dt.date(2023, 10, 31), dt.date(2024, 3, 31)) == (5, 0)


def test_a_requested_target_is_shown_as_a_date_with_the_words_as_written():
    assert action_tables._requested_date("30 Jun 2025") == "30 Jun 2025"
    assert action_tables._requested_date("June 2025") == "30 Jun 2025 (as written: June 2025)"


def test_late_actions_come_longest_past_target_first_then_in_plan_order():
    status = pd.DataFrame(
        {
            "review_id": ["b", "a", "a", "a", "a"],
            "action_order": [1, 2, 1, 3, 4],
            "status": [OVERDUE, NOT_REPORTED, OVERDUE, NOT_YET_DUE, OVERDUE],
            "days_overdue": [10.0, 40.0, 10.0, float("nan"), 10.0],
        }
    )
    shown = action_tables.overdue(status)
    assert list(zip(shown["review_id"], shown["action_order"], strict=True)) == [("a", 2), ("a", 1), ("a", 4), ("b", 1)]


def test_who_reported_is_named_with_their_role_on_that_action():
    leads = pd.DataFrame(
        {
            "review_id": ["vale-2021", "vale-2021"],
            "action_ref": ["1", "2"],
            "lead": ["Finance Team", "SLT"],
            "role": ["responsible", "accountable"],
        }
    )
    ws = Tables(action_leads=leads)
    updates = pd.DataFrame(
        {
            "review_id": ["vale-2021"] * 4,
            "action_ref": ["1", "2", "2", "1"],
            "lead": ["Finance Team", "Finance Team", "", "SLT"],
        }
    )
    # Finance Team has a role on action 1 only; an update naming no lead says so; SLT has no role on action 1.
    assert history.reported_by(ws, updates) == ["Finance Team (responsible)", "Finance Team", "not recorded", "SLT"]
    assert history.lead_roles(ws) == {
        ("vale-2021", "1", "Finance Team"): "responsible",
        ("vale-2021", "2", "SLT"): "accountable",
    }


def test_the_appendix_notes_give_each_leads_latest_update_and_each_revision_asked_for(reported):
    from helpers.tracking import council_settings as report_settings

    q = Q4
    status = reported.status(q)
    notes = action_tables.action_notes(reported, status).set_index("action_ref")
    # Two updates on 31 by the same (unnamed) lead: only the latest is shown.
    assert notes.loc["31", "update_text"] == "not recorded, 15 Mar 2024: Complete. Survey published."
    assert notes.loc["33", "update_text"] == "not recorded, 28 Feb 2024: Trainer on leave."
    assert notes.loc["33", "revision_text"] == (
        "revision to 31 Dec 2024 (as written: December 2024) requested by not recorded on 28 Feb 2024 "
        "(reason: Trainer on leave), not yet agreed"
    )
    assert notes.loc["5", "revision_text"] == "revision to 30 Sep 2024 (as written: September 2024) agreed 20 Mar 2024"
    assert notes.loc["6", "update_text"] == "" and notes.loc["6", "revision_text"] == ""  # nothing reported on 6
    # Last quarter's status: nothing was reported before this quarter, so 31 (March 2022) had passed its target.
    assert notes.loc["31", "previous_label"] == status_labels()[NOT_REPORTED]
    waiting = "reported complete; awaiting the committee's agreement"
    rules = report_settings.decision_rules(*council_settings.scope(reported, q))
    assert notes.loc["31", "closure_text"] == (waiting if rules.close_on_evidence else "")
    assert notes.loc["33", "closure_text"] == ""
    # As at the previous quarter end, none of this quarter's updates is shown.
    earlier = action_tables.action_notes(reported, reported.status(q - 1)).set_index("action_ref")
    assert set(earlier["update_text"]) == {""} and set(earlier["revision_text"]) == {""}


def test_grouped_actions_give_one_table_per_review_or_say_there_are_none(reported):
    status = reported.status(Q4)
    late = action_tables.overdue(status)
    page = action_tables.grouped_actions(reported, late, "Past target", "No action is past its target.").data
    assert page.count("<table") == 1 and f"Past target: {reported.titles['2021-finance']}" in page
    assert action_tables.grouped_actions(reported, late.iloc[:0], "Past target", "None & done.").data == (
        "<p>None &amp; done.</p>"
    )


def test_an_update_and_a_refusal_on_the_quarters_last_day_are_in_that_quarters_notes(data_copy):
    from helpers.tracking import workspace

    (data_copy / "updates" / "2024-25-Q1.csv").write_text(
        "review_id,action_ref,status,comment,updated_on,revised_target,revision_reason,evidence,lead\n"
        f"2021-finance,31,In progress,Fieldwork delayed.,2024-06-20,March 2025,Restructure.,,{SLT}\n"
        "2021-finance,6,,Still going.,2024-06-30,,,,\n",
        encoding="utf-8",
    )
    (data_copy / "decisions").mkdir(exist_ok=True)
    (data_copy / "decisions" / "2024-25-Q1.csv").write_text(
        DECISIONS_HEADER
        + f"2021-finance,31,revision,refused,2024-06-30,2024-06-20,{SLT},Audit and Governance Committee,,,\n",
        encoding="utf-8",
    )
    ws = workspace.load_workspace(["2021-finance"])
    q1 = parse_quarter("2024/25 Q1")  # ends 30 June 2024
    notes = action_tables.action_notes(ws, ws.status(q1)).set_index("action_ref")
    assert notes.loc["6", "update_text"] == "not recorded, 30 Jun 2024: Still going."
    assert notes.loc["31", "revision_text"] == (
        f"revision to 31 Mar 2025 (as written: March 2025) asked by {_role(ws, '31', SLT)} on 20 Jun 2024 "
        "refused 30 Jun 2024"
    )


def test_grouped_actions_carry_the_appendix_notes(reported):
    status = reported.status(Q4)
    page = action_tables.grouped_actions(reported, action_tables.overdue(status), "Past target", "None.").data
    assert "not recorded, 28 Feb 2024: Trainer on leave." in page  # 33's update, from action_notes


def test_grouped_actions_keep_the_recommendations_in_the_order_given(reported):
    import re

    rows = reported.status(Q4).iloc[:3].copy()
    rows["rec_ref"] = ["A", "B", "B"]  # a recommendation with one action, then one with two
    page = action_tables.grouped_actions(reported, rows, "All", "None.").data
    first_cells = re.findall(r"<tr[^>]*>\s*<td[^>]*>([^<]*)</td>", page)
    assert first_cells == rows["action_ref"].tolist()
