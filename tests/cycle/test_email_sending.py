"""Sending the drafts (helpers.cycle.email_sending): the rules that need no server. The messages themselves are
tested through a real SMTP server in tests/cycle/test_email_cycle.py."""

import pandas as pd
import pytest

from helpers.base.errors import InputError
from helpers.cycle import email_sending


def test_every_councils_relay_is_checked_before_any_message_goes(monkeypatch: pytest.MonkeyPatch):
    # Two councils' drafts; the second has no relay set. Sending the first council's and then stopping would
    # leave a run half done: nothing goes until every council's settings are complete.
    drafts = [
        {"council": "Wessex Council", "message_id": "<1@example.gov.uk>", "lead": "Finance Team"},
        {"council": "Vale District Council", "message_id": "<2@example.gov.uk>", "lead": "Planning"},
    ]
    monkeypatch.setattr(email_sending, "_drafts", lambda *args: drafts)
    monkeypatch.setattr(email_sending, "logged_ids", lambda: set())

    def relay(council: str):
        if council == "Vale District Council":
            raise InputError("email.host is not set for Vale District Council")
        return {"host": "relay.example.gov.uk", "from": "reviews@example.gov.uk"}, None

    sent: list[str] = []
    monkeypatch.setattr(email_sending, "_relay", relay)
    monkeypatch.setattr(email_sending, "_send_council", lambda council, rows, *relay: sent.append(council) or (1, 0))
    with pytest.raises(InputError, match="Vale District Council"):
        email_sending.send_drafts(pd.Period("2024Q2", freq="Q-MAR"), "forms", for_real=True)
    assert sent == []
