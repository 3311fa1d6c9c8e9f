"""Status rules on real actions, and the progress-update log."""
from __future__ import annotations

import pandas as pd
import pytest

from helpers import tables
from helpers.errors import InputError
from helpers.leads import without_lead, workload
from helpers.quarters import parse_quarter
from helpers.status import changes_since, due_next_quarter, status_at, status_counts
from helpers.updates import load_updates


@pytest.fixture(scope="module")
def base():
    recs, reviews = tables.read("recommendations"), tables.read("reviews")
    return recs, reviews, load_updates(recs, reviews)


def _status(base, quarter, updates=None):
    recs, reviews, doc_updates = base
    return status_at(recs, reviews, doc_updates if updates is None else updates,
                     parse_quarter(quarter)).set_index(["review_id", "rec_no"])["status"]


def test_statuses_as_at_the_first_quarter_end_after_approval(base):
    s = _status(base, "2021/22 Q3")  # as at 31 December 2021
    assert s[("2021-finance", 1)] == "Overdue"        # October 2021
    assert s[("2021-finance", 3)] == "Overdue"        # December 2021: due on or before the quarter end
    assert s[("2021-finance", 4)] == "Not yet due"    # February 2022
    assert s[("2021-finance", 40)] == "Overdue"       # Autumn 2021 = 30 November 2021
    assert s[("2021-finance", 23)] == "Complete"      # the plan says Complete
    assert s[("2021-finance", 6)] == "Ongoing"
    assert s[("2021-finance", 42)] == "Ongoing"       # no target given
    assert s[("2021-finance", 38)] == "No action recorded"
    assert s[("2021-finance", 46)] == "Ongoing"       # corrected: no target date
    assert not any(k[0] == "2022-progress" for k in s.index)  # approved 28 February 2023


def test_cross_referenced_rows_take_their_targets_status(base):
    s = _status(base, "2021/22 Q3")
    assert s[("2021-finance", 13)] == s[("2021-finance", 7)] == "Ongoing"
    assert s[("2021-finance", 43)] == s[("2021-finance", 41)] == "Not yet due"
    s = _status(base, "2022/23 Q4")
    assert s[("2021-finance", 43)] == s[("2021-finance", 41)] == "Overdue"


def test_counts_show_2019_as_not_transcribed(base):
    recs, reviews, updates = base
    q = parse_quarter("2023/24 Q4")
    counts = status_counts(status_at(recs, reviews, updates, q), reviews, q)
    assert counts.loc["2019-cpc", "Not transcribed"] == 9
    assert counts.loc["2019-cpc", "Total"] == 9
    assert counts.loc["2021-finance", "Total"] == 48
    assert counts.loc["2022-progress", "Total"] == 8
    assert counts.loc["2022-progress", "Complete"] == 1


def _write_update(data, name, body):
    (data / "updates" / name).write_text("review_id,rec_no,status,comment,updated_on\n" + body, encoding="utf-8")


def test_a_recorded_update_completes_an_action_from_its_date_only(data_copy, base):
    recs, reviews, _ = base
    _write_update(data_copy, "2023-24-Q4.csv",
                  "2022-progress,4,Complete,Revised induction in use.,2024-03-12\n"
                  "2021-finance,31,In progress,Survey designed.,2024-02-28\n")
    updates = load_updates(recs, reviews)
    before, after = _status(base, "2023/24 Q3", updates), _status(base, "2023/24 Q4", updates)
    assert before[("2022-progress", 4)] == "Overdue"   # April 2023
    assert after[("2022-progress", 4)] == "Complete"
    assert after[("2021-finance", 31)] == "Overdue"    # in progress does not close it
    q = parse_quarter("2023/24 Q4")
    prev = status_at(recs, reviews, updates, q - 1)
    now = status_at(recs, reviews, updates, q)
    changes = changes_since(prev, now, updates, q)
    assert list(changes["newly complete"]["rec_no"]) == [4]
    assert sorted(changes["new progress comments"]["rec_no"]) == [4, 31]
    noted = now.set_index(["review_id", "rec_no"])["update_note"]
    assert noted[("2021-finance", 31)] == ""
    assert noted[("2021-finance", 6)] == "no update this quarter"


@pytest.mark.parametrize("row, message", [
    ("2021-finance,49,Complete,x,2024-03-01\n", "2023-24-Q4.csv:2: review 2021-finance has no recommendation '49'"),
    ("2020-budget,1,Complete,x,2024-03-01\n", "2023-24-Q4.csv:2: unknown review '2020-budget'"),
    ("2021-finance,5,Finished,x,2024-03-01\n", "2023-24-Q4.csv:2: unknown status 'Finished'"),
    ("2021-finance,5,Complete,x,2024-04-01\n", "2023-24-Q4.csv:2: updated_on 2024-04-01 is outside 2023/24 Q4"),
    ("2021-finance,5,Complete,x,March 2024\n", "2023-24-Q4.csv:2: cannot read date 'March 2024'"),
    ("2021-finance,5,,,2024-03-01\n", "2023-24-Q4.csv:2: an update needs a status or a comment"),
])
def test_bad_updates_name_the_file_and_row(data_copy, base, row, message):
    recs, reviews, _ = base
    _write_update(data_copy, "2023-24-Q4.csv", row)
    with pytest.raises(InputError) as err:
        load_updates(recs, reviews)
    assert message in str(err.value)


def test_the_2022_progress_column_is_the_first_update(base):
    _, _, updates = base
    doc = updates[updates["review_id"] == "2022-progress"]
    assert len(doc) == 7  # action 6 has no progress comment
    assert set(doc["updated_on"]) == {pd.Timestamp("2023-02-28")}
    assert (doc["status"] == "").all()  # the document states no status: none is invented


def test_workload_counts_a_joint_action_once_per_lead(base):
    recs, reviews, updates = base
    q = parse_quarter("2021/22 Q3")
    status = status_at(recs, reviews, updates, q)
    table = workload(status, tables.read("recommendation_leads"))
    cabinet = table.loc["Cabinet"]
    # Cabinet leads 5, 22 (alone) and 14, 15, 34 (jointly).
    assert cabinet["total"] == 5
    leads = tables.read("recommendation_leads")
    assert table["total"].sum() == (leads["review_id"] == "2021-finance").sum()  # 2022 not yet approved
    assert set(without_lead(status)["rec_no"]) == {13, 36, 38}
    due = due_next_quarter(status, q)
    assert set(due["rec_no"]) == {4, 5, 9, 22, 31, 41}
