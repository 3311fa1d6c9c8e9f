"""What the committee is asked to decide, and what it decided, as the report shows it, to the letter.

Each expectation is worked out by hand from the stated rules (the docstrings of helpers.committee.decision_tables, the
status rules in helpers.tracking.status, README "Status rules"), on made-up rows: no test depends on today's data.
Labels come from data/vocabulary.yaml through status_labels(), so an analyst may rename a status without editing a
test.
Written against the survivors of `make mutants` (MODULES=committee).
"""

from __future__ import annotations

import pandas as pd
import pytest
from committee_rows import DECISIONS_HEADER, Q4, SLT, Tables, _role

from helpers.base.quarters import parse_quarter
from helpers.committee import decision_tables
from helpers.tracking import council_settings, requests

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


def test_lateness_against_the_target_in_force():
    assert decision_tables._lateness(pd.Timestamp("2024-03-31"), pd.NaT) == "no target date to judge against"
    assert decision_tables._lateness(pd.Timestamp("2024-03-31"), pd.Timestamp("2024-03-31")) == "by its target"
    assert decision_tables._lateness(pd.Timestamp("2024-04-01"), pd.Timestamp("2024-03-31")) == "1 day after its target"


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
    table = decision_tables.escalation_table(Tables(), frame)
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
    table = decision_tables.decisions_made_table(Tables(), made)
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
    assert decision_tables._earlier(ws, asked, "revision", end) == [
        "deferred 10 Jan 2024 (minute 12); deferred 5 Mar 2024",
        "none",  # another lead's request
        "none",  # another request of the same lead
    ]


def test_the_revision_and_closure_tables_say_who_asked_what_and_what_was_decided_before(asked):
    q1 = parse_quarter("2024/25 Q1")
    asked_for = requests.for_quarter(asked, q1)
    revisions = decision_tables.revision_table(asked, asked_for.revisions, q1)
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
    closures = decision_tables.closure_table(asked, asked_for.closures, q1)
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
    assert decision_tables.decisions_made(asked, q1)["action_ref"].tolist() == ["31"]
    assert decision_tables.decisions_made(asked, q1 + 1).empty
    assert decision_tables.decisions_made(asked, q1 - 1).empty
    assert decision_tables.decision_history(asked, q1 + 1)["decision"].tolist() == ["deferred"]
    assert decision_tables.decision_history(asked, q1 - 1).empty
    shown = decision_tables.decision_history_html(asked, q1).data
    assert "Decisions recorded up to 30 June 2024" in shown and "45/24" in shown
    assert (
        "No decision of the committee on these actions is recorded yet."
        in decision_tables.decision_history_html(asked, q1 - 1).data
    )
    page = decision_tables.decisions_html(asked, q1).data
    assert "Decisions recorded in 2024/25 Q1 (1)" in page
    assert f"Revised target asked by {SLT}, 20 Jun 2024" in page  # as the decision file names the lead


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
        assert decision_tables.decisions_html(ws, Q4).data.startswith(
            "<p>Nothing needs a decision this quarter: no revised target is waiting for agreement"
            f"{closing}, and no action meets the escalation rules.</p>"
        )
    finally:
        report_settings._load.cache_clear()


def test_the_decision_tables_are_lettered_and_titled(asked):
    page = decision_tables.decisions_html(asked, parse_quarter("2024/25 Q1")).data
    assert "<h3 id='decisions-revisions'>Table A: Revised target dates requested</h3>" in page
    assert "<h3 id='decisions-closures'>Table B: Actions reported complete, with their evidence</h3>" in page
    assert "<h3 id='decisions-escalations'>Table C: Actions escalated</h3>" in page


def test_one_sentence_reconciles_the_actions_past_target_with_those_escalated():
    """Quarter 2023/24 Q4 (ends 31 March 2024); escalate after 2 whole quarters silent or 2 moves. A: target
    31 Oct 2021, nothing reported, 9 quarters: escalated. B: target 31 Oct 2023, 1 quarter: too soon. C: no
    target, takes A's status: no date to count from. D: ongoing, moved 3 times: escalated, not past target."""
    from types import SimpleNamespace

    from helpers.tracking.decisions import DecisionRules

    q4 = parse_quarter("2023/24 Q4")
    status = pd.DataFrame(
        {
            "review_id": ["r"] * 4,
            "action_ref": ["A", "B", "C", "D"],
            "status": ["not-reported", "overdue", "not-reported", "ongoing"],
            "current_target_date": pd.to_datetime(["2021-10-31", "2023-10-31", None, "2024-09-30"]),
            "last_reported_on": pd.to_datetime([None, "2023-06-30", None, "2024-03-01"]),
            "as_recommendation": ["", "", "A", ""],
            "target_revisions": [0, 0, 0, 3],
            "days_overdue": [882, 152, 0, 0],
            "action_order": [1, 2, 3, 4],
        }
    )
    rules = DecisionRules(close_on_evidence=False, escalate_after_quarters=2, escalate_after_revisions=2)
    empty = status.iloc[:0]
    asked = requests.Requests(empty, empty, requests.escalations(status, q4, rules), rules)
    ws = SimpleNamespace(status=lambda q: status, titles={"r": "Review R"})
    assert decision_tables.past_and_escalated(ws, q4, asked) == (
        "3 actions are past their target; 1 of them is escalated in Table A. Not escalated: 1 past target, or "
        "last reported, fewer than the 2 whole quarters the escalation rule waits (Review R: B) and 1 with no "
        "target of its own, pointing to another recommendation's action (Review R: C (as A)). 1 more action is "
        "escalated: not past target, but moved more than 2 times."
    )
