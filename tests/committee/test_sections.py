"""What the committee report writes for one action, one milestone or one title, to the letter.

Each expectation is worked out by hand from the stated rules (the docstrings of helpers.committee.sections, the status
rules in helpers.tracking.status, README "Status rules"), on made-up rows: no test depends on today's data. Labels come
from data/vocabulary.yaml through status_labels(), so an analyst may rename a status without editing a test.
Written against the survivors of `make mutants` (MODULES=committee).
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from helpers.base.quarters import parse_quarter
from helpers.base.vocabulary import COMPLETE, NOT_REPORTED, NOT_YET_DUE, ONGOING, OVERDUE, status_labels
from helpers.committee import sections as committee
from helpers.tracking import changes, council_settings, history, requests

Q4 = parse_quarter("2023/24 Q4")


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


# --- titles and short texts ----------------------------------------------------------------------------------


def test_the_title_names_the_council_then_the_committee_and_never_a_committee_alone():
    assert committee.report_title(Q4, "Peer review", "Vale DC", "Audit Committee") == (
        "Peer review: progress report 2023/24 Q4 \u2013 Vale DC, Audit Committee"
    )
    assert (
        committee.report_title(Q4, "Peer review", "Vale DC") == "Peer review: progress report 2023/24 Q4 \u2013 Vale DC"
    )
    assert (
        committee.report_title(Q4, "Peer review", None, "Audit Committee") == "Peer review: progress report 2023/24 Q4"
    )


def test_a_short_text_keeps_a_text_of_exactly_the_limit_and_cuts_a_longer_one_at_a_word():
    assert committee.short_text("abcd efgh", limit=9) == "abcd efgh"
    assert committee.short_text("  abcd \n efgh  ", limit=9) == "abcd efgh"  # spaces and line breaks made one
    # Ten characters against a limit of nine: cut at the last space within the first nine, then "…".
    assert committee.short_text("abcd, efgh", limit=9) == "abcd …"  # the comma before the cut goes too
    assert committee.short_text("one two three four", limit=12) == "one two …"
    assert len(committee.short_text("word " * 100)) <= 160 + 2  # the default limit, plus " …"


def test_a_list_of_parts_reads_as_a_sentence():
    assert committee._join(["3 complete"]) == "3 complete"
    assert committee._join(["3 complete", "2 overdue", "1 ongoing"]) == "3 complete, 2 overdue and 1 ongoing"


@pytest.mark.parametrize(
    "n, refs, text",
    [
        (1, {"41": 1}, "as recommendation 41"),
        (3, {"41": 3}, "all 3 as recommendation 41"),
        (3, {"41": 1, "7": 1}, "2 of them as recommendations 41 and 7"),
        (2, {"41": 1, "7": 1}, "all 2 as recommendations 41 and 7"),
    ],
)
def test_how_many_moved_only_by_following_is_said_in_words(n, refs, text):
    assert committee._followed(n, refs) == text


# --- one action's cells --------------------------------------------------------------------------------------


def test_the_original_target_says_what_the_document_said_when_it_was_corrected():
    assert committee._target(row()) == "March 2025"
    assert committee._target(row(target_corrected="", target="")) == "none given"
    corrected = row(target="Marhc 2025", target_corrected="March 2025", correction="typing error")
    assert committee._target(corrected) == "March 2025 (corrected; the document says 'Marhc 2025')"
    # A correction of another cell leaves the target as the document gave it, with nothing added.
    assert committee._target(row(correction="lead corrected")) == "March 2025"


def test_the_current_target_gives_the_date_and_how_often_it_moved():
    assert committee._current(row()) == "31 Mar 2025"
    assert committee._current(row(target_revisions=1)) == "31 Mar 2025 (revised 1 time)"
    assert committee._current(row(target_revisions=2)) == "31 Mar 2025 (revised 2 times)"
    assert committee._current(row(revision_requested=True)) == ("31 Mar 2025 (a revision is requested, not yet agreed)")
    # The appendix's note on a revision (action_notes) takes the place of the bare "requested".
    assert committee._current(row(revision_requested=True, revision_text="revision to 30 Jun 2025 requested")) == (
        "31 Mar 2025; revision to 30 Jun 2025 requested"
    )


def test_a_revision_asked_for_an_action_without_a_date_says_what_it_has_now():
    ongoing = row(target_kind="ongoing", current_target_date=pd.NaT, revision_requested=True)
    assert committee._current(ongoing) == "ongoing; a revision is requested, not yet agreed"
    none = row(target_kind="none", current_target_date=pd.NaT, revision_requested=True)
    assert committee._current(none) == "none; a revision is requested, not yet agreed"


def test_the_current_target_of_an_action_without_a_date():
    complete = row(target_kind="complete", current_target_date=pd.NaT)
    assert committee._current(complete) == "none: the plan records it as complete"
    # Once a revision is agreed, a plan's "Complete" is no longer what decides the target.
    assert committee._current(
        {**complete, "target_revisions": 1, "current_target_date": pd.Timestamp("2024-06-30")}
    ) == ("30 Jun 2024 (revised 1 time)")
    ongoing = row(target_kind="ongoing", current_target_date=pd.NaT)
    assert committee._current(ongoing) == "ongoing"
    assert committee._current({**ongoing, "target_start": pd.Timestamp("2020-06-30")}) == "ongoing from 30 Jun 2020"
    assert committee._current({**ongoing, "target_start": pd.NaT}) == "ongoing"
    follower = row(target_kind="none", current_target_date=pd.NaT, as_recommendation="41")
    assert committee._current(follower) == "none of its own (recommendation 41's applies)"
    assert committee._current(row(target_kind="none", current_target_date=pd.NaT)) == "none"
    # No date of its own but a revision note: what it has, then the note.
    assert (
        committee._current(
            row(target_kind="none", current_target_date=pd.NaT, revision_text="revision to 30 Jun 2025 requested")
        )
        == "none; revision to 30 Jun 2025 requested"
    )


def test_the_status_cell_says_how_long_past_target_and_why():
    labels = status_labels()
    overdue = row(status=OVERDUE, status_label=labels[OVERDUE], months_past_target=5, days_past_target=0)
    assert committee._status(overdue) == f"{labels[OVERDUE]}, 5 months past target"
    # Revisions are not shown on a late action's status (its target cell says so).
    assert committee._status({**overdue, "target_revisions": 2}) == f"{labels[OVERDUE]}, 5 months past target"
    not_known = row(
        status=NOT_REPORTED,
        status_label=labels[NOT_REPORTED],
        months_past_target=1,
        days_past_target=3,
        reported_without_status=True,
    )
    assert committee._status(not_known) == (
        f"{labels[NOT_REPORTED]}, 1 month and 3 days past target; an update since the plan gave no status"
    )
    assert (
        committee._status({**not_known, "months_past_target": pd.NA, "reported_without_status": False})
        == (labels[NOT_REPORTED])
    )
    due = row(due_at_quarter_end=True)
    assert committee._status(due) == f"{labels[NOT_YET_DUE]}, due at quarter end"
    assert (
        committee._status({**due, "target_revisions": 1}) == f"{labels[NOT_YET_DUE]}, due at quarter end (target moved)"
    )
    ongoing = row(status=ONGOING, status_label=labels[ONGOING], target_revisions=1)
    assert committee._status(ongoing) == f"{labels[ONGOING]} (target moved)"


def test_the_status_cell_of_a_follower_and_of_leads_who_disagree():
    labels = status_labels()
    follower = row(as_recommendation="41")
    assert committee._status(follower) == f"{labels[NOT_YET_DUE]} (as recommendation 41)"
    split = row(leads_disagree=True, lead_statuses="Cabinet: Complete; SLT: In progress")
    assert committee._status(split) == f"{labels[NOT_YET_DUE]} (leads disagree: Cabinet: Complete; SLT: In progress)"
    assert committee._status({**split, "lead_statuses": ""}) == labels[NOT_YET_DUE]
    assert committee._status({**split, "leads_disagree": False}) == labels[NOT_YET_DUE]


def test_a_complete_action_says_whether_it_finished_on_time():
    labels = status_labels()
    done = row(
        status=COMPLETE,
        status_label=labels[COMPLETE],
        completed_on=pd.Timestamp("2024-03-12"),
        target_at_completion=pd.Timestamp("2024-03-31"),
        target_revisions=1,  # a complete action's status never says "target moved"
    )
    assert committee._status(done) == f"{labels[COMPLETE]}, reported complete by its target"
    late = {**done, "completed_on": pd.Timestamp("2024-05-01")}  # 31 March to 1 May: a month and a day
    assert committee._status(late) == f"{labels[COMPLETE]}, reported complete 1 month and 1 day after its target"
    assert committee._status({**done, "target_at_completion": pd.NaT}) == labels[COMPLETE]
    assert committee._status({**done, "completed_on": pd.NaT}) == labels[COMPLETE]


def test_the_committees_view_of_a_closure_and_last_quarters_status():
    labels = status_labels()
    done = row(
        status=COMPLETE, status_label=labels[COMPLETE], closure_text="closure agreed by the committee 5 Mar 2024"
    )
    assert committee._status(done) == f"{labels[COMPLETE]} (closure agreed by the committee 5 Mar 2024)"
    # "Reported complete, awaiting agreement" is said of complete actions only; a refusal is said of any.
    waiting = "reported complete; awaiting the committee's agreement"
    assert committee._status(row(closure_text=waiting)) == labels[NOT_YET_DUE]
    assert committee._status(row(status=COMPLETE, status_label=labels[COMPLETE], closure_text=waiting)) == (
        f"{labels[COMPLETE]} ({waiting})"
    )
    refused = "closure refused by the committee 5 Mar 2024"
    assert committee._status(row(closure_text=refused)) == f"{labels[NOT_YET_DUE]} ({refused})"
    assert committee._status(row(previous_label=labels[ONGOING])) == f"{labels[NOT_YET_DUE]} (was: {labels[ONGOING]})"
    assert committee._status(row(previous_label=labels[NOT_YET_DUE])) == labels[NOT_YET_DUE]  # unchanged: not said


def test_the_latest_update_cell():
    assert committee._comment(row(update_text="SLT, 1 Mar 2024: In progress.")) == "SLT, 1 Mar 2024: In progress."
    assert committee._comment(row(latest_status="Complete", latest_origin="plan")) == "The plan says: Complete"
    assert committee._comment(row(latest_status="In progress", latest_origin="update")) == (
        "Status reported: In progress"
    )
    assert committee._comment(row(as_recommendation="41")) == (
        "Nothing reported on this action; it takes recommendation 41's status"
    )
    assert committee._comment(row()) == "No progress reported since the plan"
    assert committee._comment(row(status=COMPLETE)) == ""
    assert committee._comment(row(latest_comment="Survey sent.", latest_origin="plan")) == "From the plan: Survey sent."
    assert committee._comment(row(latest_comment="Survey sent.", latest_origin="update")) == "Survey sent."


def test_one_leads_update_in_a_line():
    update = {
        "updated_on": pd.Timestamp("2024-06-30"),
        "status": "In progress",
        "comment": "Survey designed.",
        "evidence": "https://example.org/survey",
        "revised_target": "",
    }
    assert committee._update_line(update, "Finance Team (responsible)") == (
        "Finance Team (responsible), 30 Jun 2024: In progress. Survey designed. Evidence: https://example.org/survey."
    )
    asks = {**update, "status": "", "comment": "", "evidence": "", "revised_target": "March 2025"}
    assert committee._update_line(asks, "SLT") == "SLT, 30 Jun 2024: asks to move the target (see Current target)."
    # A status or a comment beside the request is what the line says; the request shows in the target cell.
    assert committee._update_line({**asks, "comment": "Delayed."}, "SLT") == "SLT, 30 Jun 2024: Delayed."


def test_references_our_numbering_is_marked():
    assert committee._ref("3", False) == "3"
    assert committee._ref("3", True) == f"3 ({committee.GENERATED_REF})"


def test_a_duration_in_calendar_months():
    assert committee._duration(5, 0) == "5 months"
    assert committee._duration(1, 3) == "1 month and 3 days"
    assert committee._months_between(dt.date(2023, 10, 31), dt.date(2024, 3, 31)) == (5, 0)


def test_lateness_against_the_target_in_force():
    assert committee._lateness(pd.Timestamp("2024-03-31"), pd.NaT) == "no target date to judge against"
    assert committee._lateness(pd.Timestamp("2024-03-31"), pd.Timestamp("2024-03-31")) == "by its target"
    assert committee._lateness(pd.Timestamp("2024-04-01"), pd.Timestamp("2024-03-31")) == "1 day after its target"


def test_a_requested_target_is_shown_as_a_date_with_the_words_as_written():
    assert committee._requested_date("30 Jun 2025") == "30 Jun 2025"
    assert committee._requested_date("June 2025") == "30 Jun 2025 (as written: June 2025)"


# --- LGA milestones, judged from known dates only -------------------------------------------------------------


def test_a_milestone_date_is_a_day_or_a_month():
    assert committee._interval(None) is None
    assert committee._interval(float("nan")) is None
    assert committee._interval("") is None
    assert committee._interval("unknown") is None
    assert committee._interval("2022-09") == (dt.date(2022, 9, 1), dt.date(2022, 9, 30), "September 2022")
    assert committee._interval("2020-01-28") == (dt.date(2020, 1, 28), dt.date(2020, 1, 28), "28 Jan 2020")
    assert committee._interval("2020-02-14", month_only=True) == (
        dt.date(2020, 2, 1),
        dt.date(2020, 2, 29),
        "February 2020",
    )


VISIT = (dt.date(2020, 1, 28), dt.date(2020, 1, 28), "28 Jan 2020")


@pytest.mark.parametrize(
    "done, verdict",
    [
        # 28 January to 28 June is 5 calendar months exactly: within "at most 5 months".
        ("2020-06-28", "met (28 Jun 2020, 5 months after the visit)"),
        ("2020-06-29", "missed (29 Jun 2020, 5 months and 1 day after the visit)"),
        ("2020-01-10", "met (10 Jan 2020, 0 days after the visit)"),  # before the visit ended: no negative span
        # Only the month known: 1 September is already past 5 months, so the month settles it.
        ("2020-09", "missed (September 2020, about 8 months after the visit)"),
        ("2020-05", "met (May 2020, about 4 months after the visit)"),
        # June: 1 June is 4 months and 4 days after, 30 June 5 months and 2 days: the day decides, and is unknown.
        (
            "2020-06",
            "not known (June 2020; the action plan's day is not recorded, so between 4 months and 4 days and "
            "5 months and 2 days after the visit, against 5 months)",
        ),
        (None, "not known (action plan date not recorded)"),
    ],
)
def test_a_milestone_is_met_missed_or_not_known(done, verdict):
    assert committee._judge(VISIT, done, 5, "action plan") == verdict


def test_a_milestone_without_a_visit_date_or_with_the_visits_month_only():
    assert committee._judge(None, "2020-06-28", 5, "action plan") == "not known (visit date unknown)"
    month = (dt.date(2020, 1, 1), dt.date(2020, 1, 31), "January 2020")
    # 31 January to 28 June is 4 months and 28 days; 1 January to 28 June 5 months and 27 days.
    assert committee._judge(month, "2020-06-28", 5, "action plan") == (
        "not known (28 Jun 2020; the visit's day is not recorded, so between 4 months and 28 days and "
        "5 months and 27 days after the visit, against 5 months)"
    )
    assert committee._judge(month, "2020-05-31", 5, "action plan") == (
        "met (31 May 2020, about 4 months after the visit)"
    )


# --- tables built from the workspace's own tables (a plain object holding just the tables each one reads) -------


class Tables:
    """The workspace tables a committee function reads, given directly (made-up reviews and leads)."""

    def __init__(self, **tables):
        self.titles = {"vale-2021": "Vale peer challenge 2021"}
        self.decisions = None
        self.__dict__.update(tables)


def test_late_actions_come_longest_past_target_first_then_in_plan_order():
    status = pd.DataFrame(
        {
            "review_id": ["b", "a", "a", "a", "a"],
            "action_order": [1, 2, 1, 3, 4],
            "status": [OVERDUE, NOT_REPORTED, OVERDUE, NOT_YET_DUE, OVERDUE],
            "days_overdue": [10.0, 40.0, 10.0, float("nan"), 10.0],
        }
    )
    shown = committee.overdue(status)
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


def test_counts_by_review_title_with_status_labels():
    labels = status_labels()
    counts = pd.DataFrame({COMPLETE: [2, 1], OVERDUE: [0, 3]}, index=pd.Index(["vale-2021", "other"], name="review"))
    shown = committee.counts_table(counts, {"vale-2021": "Vale peer challenge 2021"})
    assert list(shown.columns) == ["Review", labels[COMPLETE], labels[OVERDUE]]
    assert shown["Review"].tolist() == ["Vale peer challenge 2021", "other"]  # a review without a title keeps its id
    assert shown[labels[OVERDUE]].tolist() == [0, 3]


def test_notes_on_the_data_name_each_correction_and_count_approximate_dates_and_missing_updates():
    actions = pd.DataFrame(
        {
            "review_id": ["vale-2021", "vale-2021", "gone"],
            "action_ref": ["4", "5", "1"],
            "correction": ["target read as 'March 2024' (typing error)", "", "lead corrected"],
            "source_file": ["vale-2021.txt", "vale-2021.txt", "gone.txt"],
            "source_lines": ["12-14", "15", "3"],
        }
    )
    ws = Tables(actions=actions)
    status = pd.DataFrame(
        {
            "latest_date_approximate": [True, True, False],
            "update_note": ["no update this quarter", "", "no update this quarter"],
        }
    )
    assert committee.corrections(ws)["action_ref"].tolist() == ["4", "1"]
    assert committee.data_notes(ws, status) == [
        "Correction to Vale peer challenge 2021 action 4 (vale-2021.txt, line 12-14): target read as 'March 2024' "
        "(typing error)",
        "Correction to gone action 1 (gone.txt, line 3): lead corrected",
        "2 actions' latest comment comes from the plan's own progress column; the plan gives no exact date for it, "
        "so it is shown as 'about' the plan's date.",
        "2 open actions have no progress update recorded this quarter.",
    ]
    quiet = status.assign(latest_date_approximate=False, update_note="")
    assert committee.data_notes(Tables(actions=actions.iloc[:0]), quiet) == []


def test_escalated_actions_say_why():
    frame = pd.DataFrame(
        {
            "review_id": ["vale-2021", "vale-2021"],
            "action_ref": ["3", "9"],
            "action": ["Agree a budget " + "word " * 40, "Publish"],
            "lead": ["", "SLT"],
            "current_target_date": [pd.Timestamp("2023-06-30"), pd.NaT],
            "escalation_reason": ["past target", "moved 3 times"],
        }
    )
    table = committee.escalation_table(Tables(), frame)
    assert table["Review"].tolist() == ["Vale peer challenge 2021"] * 2
    assert table["Lead"].tolist() == ["none named", "SLT"]
    assert table["Current target"].tolist() == ["30 Jun 2023", "none"]
    assert table["Action"].iloc[0].endswith(" …") and table["Action"].iloc[1] == "Publish"
    assert table["Why it is escalated"].tolist() == ["past target", "moved 3 times"]


def test_decisions_made_say_what_was_asked_by_whom_and_what_was_decided():
    made = pd.DataFrame(
        {
            "review_id": ["vale-2021", "vale-2021"],
            "action_ref": ["3", "4"],
            "kind": ["revision", "escalation"],
            "lead": ["SLT", ""],
            "requested_on": [pd.Timestamp("2024-02-01"), pd.NaT],
            "decision": ["agreed", "noted"],
            "amended_target": ["June 2024", ""],
            "decided_on": [pd.Timestamp("2024-03-05")] * 2,
            "decided_by": ["Audit Committee"] * 2,
            "minute": ["45", ""],
            "note": ["", "to return in June"],
        }
    )
    table = committee.decisions_made_table(Tables(), made)
    assert list(table.columns) == ["Review", "Ref", "Request", "Decision", "Decided on", "By", "Minute", "Note"]
    assert table["Request"].tolist() == ["Revised target asked by SLT, 1 Feb 2024", "Escalation"]
    assert table["Decision"].tolist() == ["Agreed: new target June 2024", "Noted"]
    assert table["Minute"].tolist() == ["45", ""]


def test_earlier_decisions_on_the_same_request_only():
    decided = pd.DataFrame(
        {
            "review_id": ["vale-2021"] * 4,
            "action_ref": ["3", "3", "3", "3"],
            "kind": ["revision", "revision", "closure", "revision"],
            "decision": ["deferred", "deferred", "deferred", "deferred"],
            "decided_on": pd.to_datetime(["2024-01-10", "2024-03-05", "2024-01-10", "2024-04-02"]),
            "requested_on": pd.to_datetime(["2023-12-01"] * 4),
            "lead": ["SLT", "SLT", "SLT", "SLT"],
            "minute": ["12", "", "13", "14"],
        }
    )
    ws = Tables(decisions=decided)
    asked = pd.DataFrame(
        {
            "review_id": ["vale-2021", "vale-2021", "vale-2021"],
            "action_ref": ["3", "3", "3"],
            "updated_on": pd.to_datetime(["2023-12-01", "2023-12-01", "2023-11-01"]),
            "requested_by": ["SLT", "Finance Team", "SLT"],
        }
    )
    end = pd.Timestamp("2024-03-31")  # the deferral of 2 April is after this quarter's end
    assert committee._earlier(ws, asked, "revision", end) == [
        "deferred 10 Jan 2024 (minute 12); deferred 5 Mar 2024",
        "none",  # another lead's request
        "none",  # another request of the same lead
    ]


# --- a quarter's notes and changes, on the 2021 action plan with an update file written here --------------------

UPDATE_HEADER = (
    "review_id,action_ref,status,comment,updated_on,revised_target,revision_reason,revision_approved_by,"
    "revision_approved_on,lead\n"
)


@pytest.fixture
def reported(data_copy):
    """2021-finance as at 2023/24 Q4, with four updates dated in that quarter (nothing reported before it)."""
    from helpers.tracking import workspace

    (data_copy / "updates" / "2023-24-Q4.csv").write_text(
        UPDATE_HEADER
        + "2021-finance,31,In progress,Survey designed.,2024-02-28,,,,,\n"
        + "2021-finance,33,,Trainer on leave.,2024-02-28,December 2024,Trainer on leave,,,\n"
        + "2021-finance,5,In progress,Fieldwork moved.,2024-02-28,September 2024,Contractor changed,"
        "Audit and Governance Committee,2024-03-20,\n" + "2021-finance,31,Complete,Survey published.,2024-03-15,,,,,\n",
        encoding="utf-8",
    )
    return workspace.load_workspace(["2021-finance"])


def test_the_appendix_notes_give_each_leads_latest_update_and_each_revision_asked_for(reported):
    from helpers.tracking import council_settings as report_settings

    q = Q4
    status = reported.status(q)
    notes = committee.action_notes(reported, status).set_index("action_ref")
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
    earlier = committee.action_notes(reported, reported.status(q - 1)).set_index("action_ref")
    assert set(earlier["update_text"]) == {""} and set(earlier["revision_text"]) == {""}


def test_the_quarters_changes_list_each_status_that_moved_and_every_update_reported(reported):
    q = Q4
    moved = changes.status_changes(reported, q).set_index("action_ref")
    assert moved.loc["31", ["previous_status", "status"]].tolist() == [NOT_REPORTED, COMPLETE]
    assert "33" not in moved.index  # a comment and a revision request without a status change nothing
    assert moved.loc["5", ["previous_status", "status"]].tolist() == [NOT_REPORTED, NOT_YET_DUE]
    assert "6" not in moved.index  # Ongoing at both quarter ends
    # In the order statuses are listed (complete before not yet due before overdue).
    from helpers.base.vocabulary import status_order

    ranks = [status_order().index(s) for s in moved["status"]]
    assert ranks == sorted(ranks)
    found = changes.changes(reported, q)
    assert set(found) == {"status changes", "targets revised", "updates reported"}
    assert found["targets revised"]["action_ref"].tolist() == ["5"]  # agreed; 33's is only asked for
    reports = changes.updates_reported(reported, q)
    assert sorted(reports["action_ref"]) == ["31", "31", "33", "5"]
    assert changes.updates_reported(reported, q - 1).empty
    table = committee._update_table(reported, reports.sort_values(["action_ref", "updated_on"]))
    assert table["Status given"].tolist() == ["In progress", "Complete", "none (comment only)", "In progress"]
    assert table["Revised target asked for"].tolist() == [
        "",
        "",
        "December 2024 (reason: Trainer on leave)",
        "September 2024 (reason: Contractor changed)",
    ]
    assert table["Reported by"].tolist() == ["not recorded"] * 4


# --- what the committee is asked to decide, on the 2021 plan (the requests of tests/tracking/test_decisions.py) -----------

DECISIONS_HEADER = (
    "review_id,action_ref,kind,decision,decided_on,requested_on,lead,decided_by,minute,amended_target,note\n"
)
SLT = "Corporate Services Leadership Team"
DIRECTOR = "Corporate Director Finance & Commercial"


@pytest.fixture
def asked(data_copy):
    """2021-finance in 2024/25 Q1: 31 (target March 2022) asks to move to March 2025, 33 (November 2021) is
    reported complete, and the committee deferred 31's request at a meeting in the same quarter."""
    from helpers.tracking import workspace

    (data_copy / "updates" / "2024-25-Q1.csv").write_text(
        "review_id,action_ref,status,comment,updated_on,revised_target,revision_reason,evidence,lead\n"
        f"2021-finance,31,In progress,Fieldwork delayed.,2024-06-20,March 2025,Restructure.,,{SLT}\n"
        f"2021-finance,33,Complete,Training delivered.,2024-06-14,,,https://example.org/log,{DIRECTOR}\n",
        encoding="utf-8",
    )
    folder = data_copy / "decisions"
    folder.mkdir(exist_ok=True)
    (folder / "2024-25-Q1.csv").write_text(
        DECISIONS_HEADER
        + f"2021-finance,31,revision,deferred,2024-06-25,2024-06-20,{SLT},Audit and Governance Committee,45/24,,\n",
        encoding="utf-8",
    )
    return workspace.load_workspace(["2021-finance"])


def _role(ws, ref: str, lead: str) -> str:
    leads = ws.action_leads
    found = leads[(leads["action_ref"] == ref) & (leads["lead"] == lead)]["role"]
    return f"{lead} ({found.iloc[0]})" if len(found) else lead


def test_the_revision_and_closure_tables_say_who_asked_what_and_what_was_decided_before(asked):
    q1 = parse_quarter("2024/25 Q1")
    asked_for = requests.for_quarter(asked, q1)
    revisions = committee.revision_table(asked, asked_for.revisions, q1)
    assert revisions.to_dict("records") == [
        {
            "Review": asked.titles["2021-finance"],
            "Ref": "31",
            "Action": revisions["Action"].iloc[0],
            "Asked by": f"{_role(asked, '31', SLT)}, 20 Jun 2024",
            "Original target": "March 2022",
            "Current target": "31 Mar 2022",
            "Requested target": "31 Mar 2025 (as written: March 2025)",
            "Reason": "Restructure.",
            "Times already moved": "0",
            "Earlier decisions": "deferred 25 Jun 2024 (minute 45/24)",
        }
    ]
    closures = committee.closure_table(asked, asked_for.closures, q1)
    # 30 November 2021 to 14 June 2024: 30 calendar months to 31 May 2024 (a month's end stays one), then 14 days.
    assert closures.drop(columns="Action").to_dict("records") == [
        {
            "Review": asked.titles["2021-finance"],
            "Ref": "33",
            "Reported complete by": f"{_role(asked, '33', DIRECTOR)}, 14 Jun 2024",
            "Evidence": "https://example.org/log",
            "Comment": "Training delivered.",
            "Target in force": "30 Nov 2021",
            "Reported complete": "30 months and 14 days after its target",
            "Earlier decisions": "none",
        }
    ]


def test_decisions_are_listed_in_the_quarter_they_were_made_and_in_the_history_from_then_on(asked):
    q1 = parse_quarter("2024/25 Q1")
    assert committee.decisions_made(asked, q1)["action_ref"].tolist() == ["31"]
    assert committee.decisions_made(asked, q1 + 1).empty
    assert committee.decisions_made(asked, q1 - 1).empty
    assert committee.decision_history(asked, q1 + 1)["decision"].tolist() == ["deferred"]
    assert committee.decision_history(asked, q1 - 1).empty
    shown = committee.decision_history_html(asked, q1).data
    assert "Decisions recorded up to 30 June 2024" in shown and "45/24" in shown
    assert (
        "No decision of the committee on these actions is recorded yet."
        in committee.decision_history_html(asked, q1 - 1).data
    )
    page = committee.decisions_html(asked, q1).data
    assert "Decisions recorded in 2024/25 Q1 (1)" in page
    assert f"Revised target asked by {SLT}, 20 Jun 2024" in page  # as the decision file names the lead


def test_the_changes_section_counts_each_list_and_says_when_one_is_empty(reported):
    page = committee.changes_html(reported, Q4).data
    assert "<h3>Status changes (2)</h3>" in page  # 31 complete, 5 not yet due on its agreed target
    assert "<h3>Targets revised (1)</h3>" in page and "<h3>Updates reported (4)</h3>" in page
    assert "None since" not in page
    assert "Status at the end of 2023/24 Q3" in page and "Status at the end of 2023/24 Q4" in page
    assert "none (comment only)" in page  # 33's update gave no status
    quiet = committee.changes_html(reported, Q4 - 1).data
    assert quiet.count("<p>None since 2023/24 Q2.</p>") == 3
    assert "<h3>Status changes (0)</h3>" in quiet


def test_the_front_matter_names_who_the_report_is_for_and_when(reported):
    import html

    counted = reported.counted_reviews(Q4)
    page = html.unescape(committee.front_matter(reported, Q4, "2024-05-14").data)
    assert f"<th scope='row'>Council</th><td>{counted['council'].iloc[0]}</td>" in page
    assert "<th scope='row'>Meeting date</th><td>14 May 2024</td>" in page
    assert "<th scope='row'>Progress as at</th><td>31 March 2024</td>" in page
    assert f"<th scope='row'>Reviews covered</th><td>{counted['title'].iloc[0]}</td>" in page
    assert "<h2 id='recommendation'>Recommendation</h2>" in page
    unset = html.unescape(committee.front_matter(reported, Q4).data)
    assert "<th scope='row'>Meeting date</th><td>to be set</td>" in unset
    # Before the plan counts, nothing is covered and the page says so.
    early = html.unescape(committee.front_matter(reported, parse_quarter("2019/20 Q1")).data)
    assert "<th scope='row'>Council</th><td>No review counts yet</td>" in early
    assert "<th scope='row'>Reviews covered</th><td>none yet</td>" in early


def test_grouped_actions_give_one_table_per_review_or_say_there_are_none(reported):
    status = reported.status(Q4)
    late = committee.overdue(status)
    page = committee.grouped_actions(reported, late, "Past target", "No action is past its target.").data
    assert page.count("<table") == 1 and f"Past target: {reported.titles['2021-finance']}" in page
    assert committee.grouped_actions(reported, late.iloc[:0], "Past target", "None & done.").data == (
        "<p>None &amp; done.</p>"
    )


def test_the_index_summary_gives_the_counts_passed_in_and_no_gap_when_there_is_none(reported):
    labels = status_labels()
    from helpers.base.vocabulary import NOT_TRANSCRIBED, TOTAL_ACTIONS

    counts = pd.DataFrame(
        {COMPLETE: [2], OVERDUE: [0], TOTAL_ACTIONS: [2], NOT_TRANSCRIBED: [0]}, index=pd.Index(["2021-finance"])
    )
    summary = committee.summary_json(reported, counts, Q4)
    assert summary["reviews"] == [{"id": "2021-finance", "title": reported.titles["2021-finance"]}]
    assert summary["counts"] == {labels[COMPLETE]: 2}  # a status no action has is left out
    assert (summary["total"], summary["total_unit"], summary["data_gaps"]) == (2, "actions", {})
    gap = committee.summary_json(reported, counts.assign(**{NOT_TRANSCRIBED: 3}), Q4)
    assert gap["data_gaps"] == {f"{labels[NOT_TRANSCRIBED]} (recommendations)": 3} and gap["total"] == 2
    shown = committee.index_summary(reported, counts, Q4)
    assert shown._repr_mimebundle_() == {"application/json": summary}


def test_the_headline_has_no_gap_sentence_without_a_not_transcribed_column():
    from helpers.base.vocabulary import TOTAL_ACTIONS

    counts = pd.DataFrame({COMPLETE: [1], TOTAL_ACTIONS: [1]})
    assert committee.headline(counts, Q4) == (
        f"As at 31 March 2024, 1 action is tracked: 1 {status_labels()[COMPLETE].lower()}."
    )


def test_each_milestone_names_its_own_missing_date():
    review = pd.Series(
        {
            "visit_end": pd.Timestamp("2020-01-28"),
            "visit_month_only": False,
            "action_plan_published": "2020-06-28",
            "approved_on": pd.NaT,
            "kind": "corporate peer challenge",
            "progress_review_visit": "",
            "progress_review_report": None,
        }
    )
    verdicts = list(committee.milestones(review).values())
    assert verdicts == [
        "met (28 Jun 2020, 5 months after the visit)",
        "not known (progress review date not recorded)",
        "not known (progress review report date not recorded)",
    ]
    # No publication date: the plan's approval stands in for it.
    approved = review.copy()
    approved["action_plan_published"], approved["approved_on"] = "", pd.Timestamp("2020-06-29")
    assert next(iter(committee.milestones(approved).values())) == (
        "missed (29 Jun 2020, 5 months and 1 day after the visit)"
    )


class Reviews(Tables):
    def counted_reviews(self, quarter):
        return self.reviews


def test_the_review_summary_says_when_progress_was_last_reported_or_that_none_was():
    reviews = pd.DataFrame(
        {
            "review_id": ["a", "b", "c"],
            "title": ["Review A", "Review B", "Review C"],
            "approved_on": [pd.Timestamp("2021-10-05"), pd.NaT, pd.NaT],
            "tracked_from": [pd.Timestamp("2021-10-05"), pd.Timestamp("2022-03-01"), pd.Timestamp("2022-03-01")],
            "transcribed_note": ["all 2 transcribed", "all 1 transcribed", "not obtained"],
            "actions_transcribed": [True, True, False],
            "visit_end": [pd.NaT] * 3,
            "action_plan_published": [""] * 3,
            "kind": ["corporate peer challenge"] * 3,
            "progress_review_visit": [""] * 3,
            "progress_review_report": [""] * 3,
        }
    )
    from helpers.base.vocabulary import TOTAL_ACTIONS

    counts = pd.DataFrame({COMPLETE: [1, 0], OVERDUE: [0, 1], TOTAL_ACTIONS: [1, 1]}, index=["a", "b"])
    status = pd.DataFrame({"review_id": ["a", "b"], "last_reported_on": [pd.Timestamp("2024-02-28"), pd.NaT]})
    table = committee.review_summary(Reviews(reviews=reviews), status, counts, Q4)
    last = table.loc["Progress last reported"]
    assert last.tolist() == ["28 Feb 2024", "none since the plan (1 Mar 2022)", "no actions transcribed"]
    assert table.loc["Share complete"].tolist() == ["100%", "0%", "no actions transcribed"]
    assert table.loc["Actions tracked"].tolist() == ["1", "1", "0"]


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
    notes = committee.action_notes(ws, ws.status(q1)).set_index("action_ref")
    assert notes.loc["6", "update_text"] == "not recorded, 30 Jun 2024: Still going."
    assert notes.loc["31", "revision_text"] == (
        f"revision to 31 Mar 2025 (as written: March 2025) asked by {_role(ws, '31', SLT)} on 20 Jun 2024 "
        "refused 30 Jun 2024"
    )


def test_with_nothing_to_decide_the_decisions_section_says_what_it_looked_for(data_copy):
    from helpers.tracking import council_settings as report_settings
    from helpers.tracking import workspace

    settings = data_copy / "report.yaml"
    text = settings.read_text(encoding="utf-8")
    settings.write_text(text.replace("escalate_after_quarters: 2", "escalate_after_quarters: 1000"), encoding="utf-8")
    report_settings._load.cache_clear()
    try:
        ws = workspace.load_workspace(["2021-finance"])
        rules = report_settings.decision_rules(*council_settings.scope(ws, Q4))
        closing = ", no completion is waiting to be agreed on its evidence" if rules.close_on_evidence else ""
        assert committee.decisions_html(ws, Q4).data.startswith(
            "<p>Nothing needs a decision this quarter: no revised target is waiting for agreement"
            f"{closing}, and no action meets the escalation rules.</p>"
        )
    finally:
        report_settings._load.cache_clear()


def test_the_decision_tables_are_lettered_and_titled(asked):
    page = committee.decisions_html(asked, parse_quarter("2024/25 Q1")).data
    assert "<h3 id='decisions-revisions'>Table A: Revised target dates requested</h3>" in page
    assert "<h3 id='decisions-closures'>Table B: Actions reported complete, with their evidence</h3>" in page
    assert "<h3 id='decisions-escalations'>Table C: Actions escalated</h3>" in page


def test_the_councils_own_settings_give_the_reason_and_the_wording(reported, data_copy):
    import html

    import yaml

    from helpers.tracking import council_settings as report_settings

    council = reported.counted_reviews(Q4)["council"].iloc[0]
    path = data_copy / "report.yaml"
    settings = yaml.safe_load(path.read_text(encoding="utf-8"))
    own = settings.setdefault("councils", {}).setdefault(council, {}) or {}
    own["covering"] = {"reason": "Our own reason & no other."}
    own["recommendation"] = {"notes": "notes our own wording for {quarter}"}
    settings["councils"][council] = own
    path.write_text(yaml.safe_dump(settings, sort_keys=False), encoding="utf-8")
    report_settings._load.cache_clear()
    try:
        page = committee.front_matter(reported, Q4).data
        assert "<h2 id='reason'>Reason for the recommendation</h2><p>Our own reason &amp; no other.</p>" in page
        assert "notes our own wording for 2023/24 Q4" in html.unescape(page)
        assert "notes our own wording for 2023/24 Q4" in committee.recommendation(reported, Q4)
    finally:
        report_settings._load.cache_clear()


def test_the_change_tables_columns_in_order(reported):
    page = committee.changes_html(reported, Q4).data
    sections = {part.split("</h3>")[0]: part for part in page.split("<h3>")[1:]}
    moved = sections["Status changes (2)"]
    assert moved.index(">Review</th>") < moved.index(">Ref</th>") < moved.index(">Lead</th>")
    revised = sections["Targets revised (1)"]
    assert revised.index(">Review</th>") < revised.index(">Ref</th>") < revised.index(">Recommendation</th>")
    reports = changes.updates_reported(reported, Q4)
    assert list(reports.columns) == list(reported.updates.columns)  # the log's own columns, nothing added
    table = committee._update_table(reported, reports)
    assert list(table.columns) == [
        "Review",
        "Ref",
        "Reported by",
        "Status given",
        "Comment",
        "Evidence",
        "Revised target asked for",
        "Dated",
    ]


def test_grouped_actions_carry_the_appendix_notes(reported):
    status = reported.status(Q4)
    page = committee.grouped_actions(reported, committee.overdue(status), "Past target", "None.").data
    assert "not recorded, 28 Feb 2024: Trainer on leave." in page  # 33's update, from action_notes


def test_grouped_actions_keep_the_recommendations_in_the_order_given(reported):
    import re

    rows = reported.status(Q4).iloc[:3].copy()
    rows["rec_ref"] = ["A", "B", "B"]  # a recommendation with one action, then one with two
    page = committee.grouped_actions(reported, rows, "All", "None.").data
    first_cells = re.findall(r"<tr>\s*<td[^>]*>([^<]*)</td>", page)
    assert first_cells == rows["action_ref"].tolist()
