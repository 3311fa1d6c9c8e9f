"""Which data a report is made from (helpers.publishing.report_inputs): what marks a report as changed, and what
does not. On a copy of data/; the settings blocks added are made up."""

from __future__ import annotations

import pytest

from conftest import edit_file
from helpers.publishing.report_inputs import Inputs
from helpers.tracking import council_settings

QUARTER, SETTINGS = "2024/25 Q1", "data/report.yaml"
DORSET, DORSET_COMMITTEE = "Dorset Council", "Audit and Governance Committee"
NO_BLOCK = "Test Valley Borough Council"  # a council data/report.yaml gives no settings of its own
EMAIL = "  host: smtp.example.gov.uk\n  port: 587\n  from: peer-reviews@example.gov.uk\n"


@pytest.fixture(autouse=True)
def _settings_read_afresh():
    yield
    council_settings._load.cache_clear()  # data/report.yaml is read once per path: edited here, read it again


def _digests() -> dict[str, dict[str, str]]:
    council_settings._load.cache_clear()
    inputs = Inputs()
    return {council: inputs.report(QUARTER, council, DORSET_COMMITTEE) for council in (DORSET, NO_BLOCK)}


def test_e_mail_settings_are_not_a_report_input(data_copy):
    before = _digests()
    assert all(SETTINGS in found for found in before.values())
    with (data_copy / "report.yaml").open("a", encoding="utf-8") as out:  # the top-level block
        out.write("email:\n" + EMAIL)
    dorset_email = "  Dorset Council:\n    email:\n      reply_to: policy@example.gov.uk\n"
    edit_file(data_copy, "report.yaml", "  Dorset Council:\n", dorset_email)
    edit_file(data_copy, "report.yaml", "councils:\n", f"councils:\n  {NO_BLOCK}:\n    email:\n      port: 25\n")
    council_settings._load.cache_clear()
    assert council_settings.email_settings(DORSET)["reply_to"] == "policy@example.gov.uk"  # read, and valid
    assert _digests() == before  # no report is marked as changed
    assert not council_settings.own_settings(NO_BLOCK)  # an e-mail block alone: the report still uses defaults


def test_any_other_report_setting_still_marks_the_report(data_copy):
    before = _digests()
    edit_file(data_copy, "report.yaml", "title: Peer review recommendations", "title: Peer review progress")
    after = _digests()
    for council in (DORSET, NO_BLOCK):  # the default title is every council's
        changed = {k for k in before[council] if before[council][k] != after[council].get(k)}
        assert changed == {SETTINGS}
    edit_file(data_copy, "report.yaml", "author_role: Corporate Policy", "author_role: Head of Corporate Policy")
    council_settings._load.cache_clear()
    assert Inputs().report(QUARTER, DORSET, DORSET_COMMITTEE)[SETTINGS] != after[DORSET][SETTINGS]
