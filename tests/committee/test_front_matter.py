"""What the committee report's front matter says: its title, who it is for and when, to the letter.

Each expectation is worked out by hand from the stated rules (the docstrings of helpers.committee.front_matter, the
status rules in helpers.tracking.status, README "Status rules"), on made-up rows: no test depends on today's data.
Labels come from data/vocabulary.yaml through status_labels(), so an analyst may rename a status without editing a
test.
Written against the survivors of `make mutants` (MODULES=committee).
"""

from __future__ import annotations

import pytest
from committee_rows import Q4, reported_workspace

from helpers.base.quarters import parse_quarter
from helpers.committee import front_matter


@pytest.fixture
def reported(data_copy):
    """2021-finance as at 2023/24 Q4, with four updates dated in that quarter (committee_rows.reported_workspace)."""
    return reported_workspace(data_copy)


def test_the_title_names_the_council_then_the_committee_and_never_a_committee_alone():
    assert front_matter.report_title(Q4, "Peer review", "Vale DC", "Audit Committee") == (
        "Peer review: progress report 2023/24 Q4 \u2013 Vale DC, Audit Committee"
    )
    assert (
        front_matter.report_title(Q4, "Peer review", "Vale DC")
        == "Peer review: progress report 2023/24 Q4 \u2013 Vale DC"
    )
    assert (
        front_matter.report_title(Q4, "Peer review", None, "Audit Committee")
        == "Peer review: progress report 2023/24 Q4"
    )


def test_the_front_matter_names_who_the_report_is_for_and_when(reported):
    import html

    counted = reported.counted_reviews(Q4)
    page = html.unescape(front_matter.front_matter(reported, Q4, "2024-05-14").data)
    assert f"<th scope='row'>Council</th><td>{counted['council'].iloc[0]}</td>" in page
    assert "<th scope='row'>Meeting date</th><td>14 May 2024</td>" in page
    assert "<th scope='row'>Progress as at</th><td>31 March 2024</td>" in page
    assert f"<th scope='row'>Reviews covered</th><td>{counted['title'].iloc[0]}</td>" in page
    assert "<h2 id='recommendation'>Recommendation</h2>" in page
    unset = html.unescape(front_matter.front_matter(reported, Q4).data)
    assert "<th scope='row'>Meeting date</th><td>to be set</td>" in unset
    # Before the plan counts, nothing is covered and the page says so.
    early = html.unescape(front_matter.front_matter(reported, parse_quarter("2019/20 Q1")).data)
    assert "<th scope='row'>Council</th><td>No review counts yet</td>" in early
    assert "<th scope='row'>Reviews covered</th><td>none yet</td>" in early


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
        page = front_matter.front_matter(reported, Q4).data
        assert "<h2 id='reason'>Reason for the recommendation</h2><p>Our own reason &amp; no other.</p>" in page
        assert "notes our own wording for 2023/24 Q4" in html.unescape(page)
        assert "notes our own wording for 2023/24 Q4" in front_matter.recommendation(reported, Q4)
    finally:
        report_settings._load.cache_clear()


# --- Each council its own settings -------------------------------------------------------------------------


@pytest.fixture
def nothing_transcribed(data_copy):
    """A made-up council's review whose plan is not held (nothing transcribed), monitored by its Cabinet, and no
    settings of its own in data/report.yaml; extracted as a user would."""
    from conftest import run_module
    from helpers.tracking import council_settings, workspace
    from made_up_reviews import NOTHING_COUNCIL, add_review_with_nothing_transcribed

    add_review_with_nothing_transcribed(data_copy)
    done = run_module("helpers.plans.extract", data=data_copy)
    assert done.returncode == 0, done.stderr
    council_settings._load.cache_clear()
    yield workspace.load_workspace(councils=[NOTHING_COUNCIL])
    council_settings._load.cache_clear()


def test_with_nothing_transcribed_the_recommendation_says_so_and_the_reason_names_its_cabinet(nothing_transcribed):
    import html

    text = front_matter.recommendation(nothing_transcribed, Q4)
    assert text == (
        "That the Cabinet notes that no action from the council's LGA peer reviews is transcribed yet, so this report "
        "can show no progress on them as at 31 March 2024 (2023/24 Q4)."
    )
    page = html.unescape(front_matter.front_matter(nothing_transcribed, Q4).data)
    assert "notes the progress made" not in page
    assert "<h2 id='reason'>Reason for the recommendation</h2><p>The Cabinet monitors the council's" in page
    assert "The committee monitors" not in page


def test_a_council_without_settings_of_its_own_is_reported_in_neutral_words_and_says_so(nothing_transcribed):
    import html

    page = html.unescape(front_matter.front_matter(nothing_transcribed, Q4).data)
    assert "<th scope='row'>Report of</th><td>Not set</td>" in page  # the analyst's instructions are not the paper's
    assert (
        "<th scope='row'>Report settings</th><td>This council has no settings of its own in data/report.yaml: "
        "defaults used</td>" in page
    )
    covering = html.unescape(front_matter.covering_html(nothing_transcribed, Q4).data)
    # No implications are assessed for it: the section says so rather than borrowing another council's.
    assert "<h2 id='implications'>Implications</h2><p>Not assessed for this report.</p>" in covering
    assert "give the council" not in page + covering  # what to give is the report command's note, not the paper's
    assert "<h2 id='options'>Options considered</h2><p>The Cabinet may agree, refuse or defer" in covering


def test_a_council_with_settings_of_its_own_is_reported_in_its_own_words(reported, data_copy):
    import html

    import yaml

    council = reported.counted_reviews(Q4)["council"].iloc[0]
    own = yaml.safe_load((data_copy / "report.yaml").read_text(encoding="utf-8"))["councils"][council]
    page = html.unescape(front_matter.front_matter(reported, Q4).data)
    assert f"<th scope='row'>Report of</th><td>{own['author_role']}</td>" in page
    assert "Report settings" not in page
