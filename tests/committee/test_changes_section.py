"""What the committee report lists as the quarter's changes, to the letter.

Each expectation is worked out by hand from the stated rules (the docstrings of helpers.committee.changes_section, the
status rules in helpers.tracking.status, README "Status rules"), on made-up rows: no test depends on today's data.
Labels come from data/vocabulary.yaml through status_labels(), so an analyst may rename a status without editing a
test.
Written against the survivors of `make mutants` (MODULES=committee).
"""

from __future__ import annotations

import pytest
from committee_rows import Q4, reported_workspace

from helpers.base.vocabulary import COMPLETE, NOT_REPORTED, NOT_YET_DUE
from helpers.committee import changes_section
from helpers.tracking import changes


@pytest.fixture
def reported(data_copy):
    """2021-finance as at 2023/24 Q4, with four updates dated in that quarter (committee_rows.reported_workspace)."""
    return reported_workspace(data_copy)


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
    table = changes_section._update_table(reported, reports.sort_values(["action_ref", "updated_on"]))
    assert table["Status given"].tolist() == ["In progress", "Complete", "none (comment only)", "In progress"]
    assert table["Revised target asked for"].tolist() == [
        "",
        "",
        "December 2024 (reason: Trainer on leave)",
        "September 2024 (reason: Contractor changed)",
    ]
    assert table["Reported by"].tolist() == ["not recorded"] * 4


def test_the_changes_section_counts_each_list_and_says_when_one_is_empty(reported):
    page = changes_section.changes_html(reported, Q4).data
    assert "<h3>Status changes (2)</h3>" in page  # 31 complete, 5 not yet due on its agreed target
    assert "<h3>Targets revised (1)</h3>" in page and "<h3>Updates reported (4)</h3>" in page
    assert "None since" not in page
    assert "Status at the end of 2023/24 Q3" in page and "Status at the end of 2023/24 Q4" in page
    assert "none (comment only)" in page  # 33's update gave no status
    quiet = changes_section.changes_html(reported, Q4 - 1).data
    assert quiet.count("<p>None since 2023/24 Q2.</p>") == 3
    assert "<h3>Status changes (0)</h3>" in quiet


def test_the_change_tables_columns_in_order(reported):
    page = changes_section.changes_html(reported, Q4).data
    sections = {part.split("</h3>")[0]: part for part in page.split("<h3>")[1:]}
    moved = sections["Status changes (2)"]
    assert moved.index(">Review</th>") < moved.index(">Ref</th>") < moved.index(">Lead</th>")
    revised = sections["Targets revised (1)"]
    assert revised.index(">Review</th>") < revised.index(">Ref</th>") < revised.index(">Recommendation</th>")
    reports = changes.updates_reported(reported, Q4)
    assert list(reports.columns) == list(reported.updates.columns)  # the log's own columns, nothing added
    table = changes_section._update_table(reported, reports)
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
