"""The update log's rules, to the letter: each check's row and whole message, the quarter's first and last days,
how free text is tidied, and what the plan itself says. Expectations are worked out by hand from the rules in
README ("Progress updates"), data/updates/README.md and the docstrings of helpers.tracking.updates, on made-up rows.
Written against the survivors of `make mutants` (MODULES=updates).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from helpers.base.errors import InputError
from helpers.base.quarters import parse_quarter
from helpers.base.vocabulary import update_statuses
from helpers.tracking.updates import (
    COLUMNS,
    PLAN,
    UPDATE,
    load_updates,
    plan_updates,
    quarter_file,
    read_update_file,
    target_revisions,
    tidy_text,
)

HEADER = "review_id,action_ref,status,comment,updated_on,revised_target,revision_reason,revision_approved_on\n"
KNOWN = pd.MultiIndex.from_arrays([["vale", "vale", "vale"], ["1", "2", "3a"]])
CLOSES = next(name for name, closes in update_statuses().items() if closes)
OPEN = next(name for name, closes in update_statuses().items() if not closes)


def write(folder: Path, body: str, name: str = "2023-24-Q4.csv", header: str = HEADER) -> Path:
    path = folder / name
    path.write_text(header + body, encoding="utf-8")
    return path


def fails(path: Path) -> tuple[object, object, str]:
    with pytest.raises(InputError) as info:
        read_update_file(path, KNOWN)
    return info.value.file, info.value.line, info.value.message


def test_the_quarter_file_is_named_for_its_quarter(tmp_path):
    assert quarter_file(parse_quarter("2023/24 Q4"), tmp_path) == tmp_path / "2023-24-Q4.csv"


@pytest.mark.parametrize(
    "text, tidy",
    [
        ("  Survey\t\tdesigned.  ", "Survey designed."),
        ("First.\r\nSecond.\rThird.", "First.\nSecond.\nThird."),
        ("One.\n\n\n\nTwo.", "One.\n\nTwo."),  # at most one blank line in a row
        ("One.\n  \n \nTwo.", "One.\n\nTwo."),  # lines of spaces are blank lines
        ("\n\nOne.\n\n", "One."),
        ("One.\n\nTwo.", "One.\n\nTwo."),
    ],
)
def test_free_text_keeps_its_paragraphs_and_loses_stray_spaces(text, tidy):
    assert tidy_text(text) == tidy


def test_the_first_and_last_days_of_the_quarter_are_in_it(tmp_path):
    path = write(tmp_path, f"vale,1,{OPEN},a,2024-01-01,,,\nvale,2,{OPEN},b,31/03/2024,,,\n")
    frame = read_update_file(path, KNOWN)
    assert frame["updated_on"].tolist() == [pd.Timestamp("2024-01-01"), pd.Timestamp("2024-03-31")]
    assert frame["origin"].tolist() == [UPDATE, UPDATE] and not frame["date_approximate"].any()
    assert list(frame.columns) == COLUMNS


def test_a_date_outside_the_quarter_names_the_quarter_and_its_days(tmp_path):
    path = write(tmp_path, f"vale,1,{OPEN},a,2024-01-01,,,\nvale,1,{OPEN},b,2023-12-31,,,\n")
    assert fails(path) == (path, 3, "updated_on 2023-12-31 is outside 2023/24 Q4 (2024-01-01 to 2024-03-31)")


def test_a_reference_with_a_full_stop_and_a_status_in_any_case_are_read(tmp_path):
    path = write(tmp_path, f"vale,3a.,{CLOSES.upper()},,2024-02-01,,,\nvale,1,  {OPEN.lower()}  ,,2024-02-02,,,\n")
    frame = read_update_file(path, KNOWN)
    assert frame["action_ref"].tolist() == ["3a", "1"]
    assert frame["status"].tolist() == [CLOSES, OPEN]
    # A row typed by hand is sourced to its file and line (the path as given: it is outside the project).
    assert frame["source"].tolist() == [f"{path}:2", f"{path}:3"]


def test_an_unknown_status_lists_the_statuses_there_are(tmp_path):
    path = write(tmp_path, "vale,1,Finished,x,2024-02-01,,,\n")
    assert fails(path) == (
        path,
        2,
        f"unknown status 'Finished'; use one of {', '.join(update_statuses())} or leave it blank",
    )


def test_an_unknown_review_and_an_unknown_action_are_told_apart(tmp_path):
    path = write(tmp_path, f"vale,1,{OPEN},x,2024-02-01,,,\nvale,9,{OPEN},x,2024-02-01,,,\n")
    assert fails(path) == (path, 3, "review vale has no action '9'")
    path = write(tmp_path, f"downs,1,{OPEN},x,2024-02-01,,,\n")
    assert fails(path) == (path, 2, "unknown review 'downs'")


def test_a_file_not_named_for_a_quarter_is_refused(tmp_path):
    path = write(tmp_path, f"vale,1,{OPEN},x,2024-02-01,,,\n", name="march.csv")
    assert fails(path) == (path, None, "update files are named after their quarter, like 2023-24-Q4.csv")


def test_a_date_that_does_not_read(tmp_path):
    path = write(tmp_path, f"vale,1,{OPEN},x,2024-02-01,,,\nvale,2,{OPEN},x,1 Feb 2024,,,\n")
    assert fails(path) == (path, 3, "cannot read date '1 Feb 2024': use YYYY-MM-DD (e.g. 2024-03-12)")


def test_a_revised_target_must_read_as_a_date_and_have_a_reason(tmp_path):
    path = write(tmp_path, f"vale,1,{OPEN},x,2024-02-01,June 2024,,\n")
    assert fails(path) == (path, 2, "a revised target needs a reason for the revision")
    path = write(tmp_path, f"vale,1,{OPEN},x,2024-02-01,Ongoing,Never ends,\n")
    assert fails(path) == (path, 2, "revised_target 'Ongoing' is not a date")
    path = write(tmp_path, f"vale,1,{OPEN},x,2024-02-01,,,\nvale,1,{OPEN},y,2024-02-01,when we can,Busy,\n")
    file, line, message = fails(path)
    assert (file, line) == (path, 3) and message.startswith("revised_target: cannot read target 'when we can'")


def test_an_approval_date_must_read_and_needs_a_revised_target(tmp_path):
    path = write(tmp_path, f"vale,1,{OPEN},x,2024-02-01,June 2024,Busy,next week\n")
    assert fails(path) == (path, 2, "cannot read revision_approved_on 'next week'")
    path = write(
        tmp_path, f"vale,1,{OPEN},x,2024-02-01,June 2024,Busy,2024-03-20\nvale,2,{OPEN},x,2024-02-01,,,2024-03-20\n"
    )
    assert fails(path) == (path, 3, "revision_approved_on is given but there is no revised_target")
    frame = read_update_file(write(tmp_path, f"vale,1,{OPEN},x,2024-02-01,June 2024,Busy,20/03/2024\n"), KNOWN)
    assert frame["revision_approved_on"].tolist() == [pd.Timestamp("2024-03-20")]


def test_a_revision_request_alone_is_an_update(tmp_path):
    frame = read_update_file(write(tmp_path, "vale,1,,,2024-02-01,June 2024,Busy,\n"), KNOWN)
    assert frame[["status", "comment", "revised_target"]].values.tolist() == [["", "", "June 2024"]]


def test_the_same_words_from_two_leads_are_two_reports_but_one_lead_twice_is_a_repeat(tmp_path):
    header = "review_id,action_ref,status,comment,updated_on,lead\n"
    two = write(tmp_path, f"vale,1,{OPEN},x,2024-02-01,SLT\nvale,1,{OPEN},x,2024-02-01,Cabinet\n", header=header)
    assert read_update_file(two, KNOWN)["lead"].tolist() == ["SLT", "Cabinet"]
    again = write(tmp_path, f"vale,1,{OPEN},x,2024-02-01,SLT\nvale,1,{OPEN},x,2024-02-01,SLT\n", header=header)
    assert fails(again) == (again, 3, "this update repeats an earlier row of the same file")
    # A different revised target on the same day is another report.
    header = "review_id,action_ref,status,comment,updated_on,revised_target,revision_reason\n"
    moved = write(tmp_path, "vale,1,,x,2024-02-01,June 2024,a\nvale,1,,x,2024-02-01,July 2024,a\n", header=header)
    assert len(read_update_file(moved, KNOWN)) == 2


def test_a_source_given_in_the_file_is_kept(tmp_path):
    header = "review_id,action_ref,status,comment,updated_on,source\n"
    path = write(
        tmp_path,
        f"vale,1,{OPEN},x,2024-02-01,returns/slt.xlsx!Updates!A2\nvale,2,{OPEN},x,2024-02-01,\n",
        header=header,
    )
    sources = read_update_file(path, KNOWN)["source"].tolist()
    assert sources == ["returns/slt.xlsx!Updates!A2", f"{path}:3"]


# --- the plan's own statements, and the whole log ----------------------------------------------------------------


def plan(rows: list[tuple[str, str, str, str, str]]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Actions (review, ref, plan_status, target_kind, progress) and their review's source date."""
    actions = pd.DataFrame(rows, columns=["review_id", "action_ref", "plan_status", "target_kind", "progress"])
    actions["source_file"], actions["source_lines"] = "vale.txt", [str(n + 10) for n in range(len(rows))]
    reviews = pd.DataFrame({"review_id": ["vale"], "source_date": [pd.Timestamp("2021-10-05")]})
    return actions, reviews


def test_what_a_plan_says_is_an_update_dated_its_source_date():
    actions, reviews = plan(
        [
            ("vale", "1", "completed", "month", ""),  # a status column, in another spelling
            ("vale", "2", "", "complete", ""),  # "Complete" as the target
            ("vale", "3a", "", "month", "Survey sent."),  # a progress column: a comment, dated about then
            ("vale", "4", "", "month", ""),  # says nothing
            ("vale", "5", "Not a status", "month", ""),  # an unknown word is not a status
        ]
    )
    said = plan_updates(actions, reviews)
    assert said["action_ref"].tolist() == ["1", "2", "3a"]
    assert said["status"].tolist() == [CLOSES, CLOSES, ""]
    assert said["comment"].tolist() == ["", "", "Survey sent."]
    assert said["date_approximate"].tolist() == [False, False, True]
    assert set(said["origin"]) == {PLAN} and set(said["updated_on"]) == {pd.Timestamp("2021-10-05")}
    assert said["source"].tolist() == ["vale.txt:10", "vale.txt:11", "vale.txt:12"]


def test_the_log_is_the_plans_statements_then_each_quarter_file_oldest_first(tmp_path):
    actions, reviews = plan([("vale", "1", "", "month", "Started."), ("vale", "2", "", "month", "")])
    folder = tmp_path / "updates"
    folder.mkdir()
    write(folder, f"vale,2,{OPEN},b,2024-03-01,,,\nvale,1,{OPEN},a,2024-03-01,,,\nvale,1,{OPEN},c,2024-01-05,,,\n")
    log = load_updates(actions, reviews, folder)
    assert log["comment"].tolist() == ["Started.", "c", "a", "b"]  # by date, then review and action
    assert log["updated_on"].dtype == "datetime64[ns]" and log["date_approximate"].tolist() == [
        True,
        False,
        False,
        False,
    ]
    assert load_updates(actions, reviews, tmp_path / "none")["comment"].tolist() == ["Started."]
    empty = load_updates(actions.assign(progress=""), reviews, tmp_path / "none")
    assert empty.empty and list(empty.columns) == COLUMNS
    (folder / "2024-25-Q1.csv").mkdir()
    with pytest.raises(InputError) as info:
        load_updates(actions, reviews, folder)
    assert (info.value.file, info.value.message) == (folder / "2024-25-Q1.csv", "is a folder, expected an update file")


def test_a_revision_is_requested_until_agreed_and_the_committees_own_date_wins():
    updates = pd.DataFrame(
        {
            "review_id": ["vale"] * 3,
            "action_ref": ["1", "2", "3a"],
            "updated_on": [pd.Timestamp("2024-02-01")] * 3,
            "revised_target": ["June 2024", "", "September 2024"],
            "agreed_target": ["", "", "December 2024"],
            "revision_reason": ["Busy", "", "Contractor"],
            "revision_approved_by": ["", "", "Audit Committee"],
            "revision_approved_on": [pd.NaT, pd.NaT, pd.Timestamp("2024-03-20")],
            "lead": ["SLT", "", "SLT"],
            "source": ["a", "b", "c"],
        }
    )
    found = target_revisions(updates)
    assert found["action_ref"].tolist() == ["1", "3a"]
    assert found["new_target_date"].tolist() == [pd.Timestamp("2024-06-30"), pd.Timestamp("2024-12-31")]
    assert found["state"].tolist() == ["requested", "agreed"]
    assert found["revised_target"].tolist() == ["June 2024", "September 2024"]  # what the lead asked, kept
    without = target_revisions(updates.drop(columns="agreed_target"))
    assert without["new_target_date"].tolist() == [pd.Timestamp("2024-06-30"), pd.Timestamp("2024-09-30")]
    assert dt.date(2024, 6, 30) == found["new_target_date"].iloc[0].date()
