"""What the decisions e-mail tells a lead (helpers.cycle.email_notices), on made-up update rows; the whole cycle by
e-mail is in tests/cycle/test_email_cycle.py."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from helpers.base import quarters
from helpers.cycle import email_notices
from helpers.cycle.email_messages import REMINDER
from helpers.cycle.email_notices import _asked_for, _decision_lines

UPDATES = pd.DataFrame(
    {
        "review_id": ["r", "r", "r", "r"],
        "action_ref": ["3", "3", "3", "4"],
        "revised_target": ["March 2025", "", "June 2025", "May 2025"],
        "updated_on": ["2024-06-20", "2024-06-20", "2024-06-21", "2024-06-20"],
        "lead": ["Finance Team", "Finance Team", "Finance Team", "Finance Team"],
    }
)


def decision(**extra) -> dict:
    """A revision of action 3 asked for by the Finance Team on 20 June 2024."""
    return {
        "review_id": "r",
        "action_ref": "3",
        "kind": "revision",
        "requested_on": pd.Timestamp("2024-06-20"),
        "lead": "Finance Team",
    } | extra


def test_a_revision_decision_names_the_target_its_request_asked_for():
    # The request is the update row of that action, day and lead that gave a revised target: March 2025.
    assert _asked_for(UPDATES, decision()) == "March 2025"
    assert _asked_for(UPDATES, decision(requested_on=pd.Timestamp("2024-06-21 15:00"))) == "June 2025"
    # Not a revision, no request day, or no request that day by that lead: nothing was asked for.
    assert _asked_for(UPDATES, decision(kind="closure")) == ""
    assert _asked_for(UPDATES, decision(requested_on=pd.NaT)) == ""
    assert _asked_for(UPDATES, decision(lead="Cabinet")) == ""
    assert _asked_for(UPDATES, decision(requested_on=pd.Timestamp("2024-06-22"))) == ""


def test_reminders_wait_until_the_day_after_the_return_by_date(monkeypatch: pytest.MonkeyPatch):
    # The forms for 2024/25 Q1 asked for returns by 12 July 2024: on that day no reminder is written, and the note
    # says when they will be.
    monkeypatch.setattr(email_notices, "due_date", lambda quarter: dt.date(2024, 7, 12))
    found = email_notices.notices(REMINDER, quarters.parse_quarter("2024/25 Q1"), dt.date(2024, 7, 12))
    assert found.notices == []
    assert found.note == "Returns are due by 12 July 2024: reminders are written from the day after."


def test_each_line_of_a_form_s_decision_cell_is_one_line_of_the_e_mail_and_a_blank_cell_none():
    rows = pd.DataFrame(
        {
            "review_id": ["r", "r"],
            "action_ref": ["3", "4"],
            "committee_decision": [
                "Committee, 12 September 2024: agreed\nCommittee, 3 October 2024: refused",
                "",
            ],
        }
    )
    assert _decision_lines(rows) == (
        "r action 3: Committee, 12 September 2024: agreed",
        "r action 3: Committee, 3 October 2024: refused",
    )
    # A blank cell read by pandas as NaN (or None) is no decision either, never the word "nan".
    assert _decision_lines(rows.assign(committee_decision=[float("nan"), None])) == ()
