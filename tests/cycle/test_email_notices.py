"""What the decisions e-mail tells a lead (helpers.cycle.email_notices), on made-up update rows; the whole cycle by
e-mail is in tests/cycle/test_email_cycle.py."""

from __future__ import annotations

import pandas as pd

from helpers.cycle.email_notices import _asked_for

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
