"""Settings per council (helpers.tracking.council_settings, data/report.yaml).

Expectations come from the stated rules (data/README.md "report.yaml", the file's own comments): top-level values
are neutral defaults; a council's block under `councils:` is its own; a council or committee named there must be
one the review metadata (data/reviews/) knows, else one line naming the file and the name's line.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from conftest import error
from helpers.tracking import council_settings
from made_up_reviews import COUNCIL, add_both_reviews


@pytest.fixture(autouse=True)
def _fresh_settings():
    council_settings._load.cache_clear()
    yield
    council_settings._load.cache_clear()


def _append(data: Path, text: str) -> tuple[Path, str]:
    path = data / "report.yaml"
    whole = path.read_text(encoding="utf-8") + text
    path.write_text(whole, encoding="utf-8")
    return path, whole


def _line(text: str, starts: str) -> int:
    return next(n for n, row in enumerate(text.splitlines(), start=1) if row.startswith(starts))


def test_a_council_without_settings_of_its_own_gets_the_neutral_defaults_never_another_councils(data_copy: Path):
    add_both_reviews(data_copy)
    shipped = yaml.safe_load((data_copy / "report.yaml").read_text(encoding="utf-8"))
    assert COUNCIL not in (shipped.get("councils") or {})
    own = council_settings.settings(COUNCIL, "Overview and Scrutiny Committee")
    assert own == council_settings.settings()  # exactly the top-level defaults
    assert not council_settings.own_settings(COUNCIL)
    # The defaults name nobody and close an action on its lead's "Complete" (the documented default).
    assert own["author_role"] == "" and own["author_name"] == "" and own["contact"] == ""
    assert own["decisions"]["close_on_evidence"] is False
    assert not council_settings.decision_rules(COUNCIL).close_on_evidence
    # No value any council gives itself reaches a council without settings.
    for name, block in (shipped.get("councils") or {}).items():
        assert council_settings.own_settings(name)
        for key, value in block.items():
            if key not in ("committee", "committees") and value != shipped.get(key):
                assert own.get(key) != value, (name, key)


def test_a_councils_own_block_is_its_own(data_copy: Path):
    add_both_reviews(data_copy)
    _append(
        data_copy,
        f"  {COUNCIL}:\n    author_role: Head of Policy\n    decisions:\n      escalate_after_quarters: 3\n",
    )
    own = council_settings.settings(COUNCIL)
    assert own["author_role"] == "Head of Policy" and council_settings.own_settings(COUNCIL)
    rules = council_settings.decision_rules(COUNCIL)
    assert (rules.escalate_after_quarters, rules.close_on_evidence) == (3, False)  # the rest are the defaults


def test_a_council_unknown_to_the_review_metadata_is_one_line_naming_its_line(data_copy: Path):
    path, text = _append(data_copy, "  Dorset Councl:\n    author_role: Head of Strategy\n")
    err = error(council_settings.settings)
    assert Path(err.file) == path and err.line == _line(text, "  Dorset Councl:")
    assert err.message.startswith("councils: 'Dorset Councl' is not a council in the review metadata")


def test_a_committee_unknown_to_the_councils_reviews_is_one_line_naming_its_line(data_copy: Path):
    add_both_reviews(data_copy)  # its CPC is monitored by the Overview and Scrutiny Committee
    path, text = _append(
        data_copy,
        f"  {COUNCIL}:\n    committees:\n      Overview and Scrutiny Committee:\n        contact: a@example.org\n"
        "      Scrutiny Committee:\n        contact: b@example.org\n",
    )
    err = error(council_settings.settings, COUNCIL)
    assert Path(err.file) == path and err.line == _line(text, "      Scrutiny Committee:")
    assert f"councils.{COUNCIL}.committees: 'Scrutiny Committee' is not a committee" in err.message
    assert "known: Overview and Scrutiny Committee" in err.message


def test_a_typo_in_the_covering_wording_names_its_line(data_copy: Path):
    path = data_copy / "report.yaml"
    text = path.read_text(encoding="utf-8").replace("The {committee} monitors", "The {comittee} monitors", 1)
    path.write_text(text, encoding="utf-8")
    err = error(council_settings.settings)
    assert err.line == _line(text, "  reason:")
    assert err.message.startswith("covering.reason: {comittee} is not something the wording can fill in")
