"""Merging collected returns into the update file (helpers.cycle.merge_returns): hand-typed rows kept first, collected
rows kept as first collected, conflicts that say what changed and how to take it, and the written file checked as
the report will read it. Written against the survivors of `make mutants`.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from real_forms import QUARTER, SLUG, L, Q, forms_made, own_copy

from helpers.base.errors import InputError
from helpers.tracking.updates import FILE_COLUMNS, OPTIONAL_COLUMNS


@pytest.fixture(scope="module")
def sent(tmp_path_factory) -> Path:
    """data/ (with processed tables) and reports/ holding the 2024/25 Q1 forms (made by `forms --quarter`)."""
    return forms_made(tmp_path_factory, "--quarter", QUARTER)


@pytest.fixture
def root(sent: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """This test's own copy of data/ and reports/ (forms made), used by in-process helpers too."""
    return own_copy(sent, tmp_path, monkeypatch)


def row(source: str, **cells) -> dict[str, str]:
    base = dict.fromkeys([*FILE_COLUMNS, *OPTIONAL_COLUMNS], "")
    return base | {"review_id": "r", "action_ref": "1", "updated_on": "2024-06-30", "source": source} | cells


def existing(*rows: dict[str, str]) -> pd.DataFrame:
    frame = pd.DataFrame(list(rows), columns=[*FILE_COLUMNS, *OPTIONAL_COLUMNS])
    return frame.assign(_row=range(2, len(frame) + 2))


def test_merge_keeps_hand_rows_first_and_orders_collected_rows_by_file_and_row(tmp_path):
    from helpers.cycle.merge_returns import merge

    hand = row("", comment="typed", action_ref="9")
    ten, nine = f"returns/{SLUG}/a.xlsx:Updates!10", f"returns/{SLUG}/a.xlsx:Updates!9"
    other = f"returns/{SLUG}/B.xlsx:Updates!3"
    new = [row(ten, comment="ten", _row=10), row(other, comment="b", _row=3), row(nine, comment="nine", _row=9)]
    frame, counts = merge(existing(hand), new, False, tmp_path / "log.csv", Q)
    assert frame["source"].tolist() == ["", other, nine, ten]  # "B" sorts before "a"; row 9 before row 10
    assert counts == {"new": 3, "unchanged": 0, "replaced": 0, "dropped": 0}
    assert list(frame.columns) == [*FILE_COLUMNS, *OPTIONAL_COLUMNS] and not frame.isna().any().any()


def test_merge_keeps_an_unchanged_row_as_first_collected(tmp_path):
    from helpers.cycle.merge_returns import merge

    source = f"returns/{SLUG}/a.xlsx:Updates!3"
    old = row(source, comment="same", collected_on="2024-07-01", revision_approved_by="Cabinet")
    frame, counts = merge(
        existing(old), [row(source, comment="same", collected_on="2024-07-09", _row=3)], False, tmp_path, Q
    )
    assert counts == {"new": 0, "unchanged": 1, "replaced": 0, "dropped": 0}
    assert frame.iloc[0][["collected_on", "revision_approved_by"]].tolist() == ["2024-07-01", "Cabinet"]


def test_merge_conflicts_say_what_changed_and_how_to_take_it(tmp_path):
    from helpers.cycle.merge_returns import merge
    from helpers.cycle.problems import Problems

    a = f"returns/{SLUG}/a.xlsx:Updates!3"
    b = f"returns/{SLUG}/b.xlsx:Updates!4"
    gone = f"returns/{SLUG}/c.xlsx:Updates!5"
    before = existing(
        row(a, comment="old", collected_on="2024-07-01"),
        row(b, lead="Cabinet", collected_on=""),
        row(gone, status="Complete", collected_on="2024-07-02"),
    )
    new = [row(a, comment="new", _row=3), row(b, lead="Chief Executive", _row=4)]
    with pytest.raises(Problems) as err:
        merge(before, new, False, tmp_path / "2024-25-Q1.csv", Q)
    fix = 'make collect QUARTER="2024/25 Q1" REPLACE=1'
    got = [(e.file.name if e.file else None, e.line, e.message) for e in err.value.errors]
    assert got == [
        (
            "a.xlsx",
            None,
            f"Updates!{L['comment']}3: conflicts with the row collected on 2024-07-01 (comment: was 'old', now "
            f"'new'); to take the new return, run {fix}",
        ),
        (
            "b.xlsx",
            None,
            "Updates!4: conflicts with the row collected on an earlier day (lead: was 'Cabinet', now 'Chief "
            f"Executive'); to take the new return, run {fix}",
        ),
        (
            "2024-25-Q1.csv",
            4,
            f"{gone} was collected on 2024-07-02 but is no longer in the returns (its file removed or renamed, or the "
            f"row cleared); put it back, or run {fix} to drop it",
        ),
    ]


def test_merge_with_replace_takes_the_new_row_and_keeps_an_approval_only_for_the_same_request(tmp_path):
    from helpers.cycle.merge_returns import merge

    same = f"returns/{SLUG}/a.xlsx:Updates!3"
    moved = f"returns/{SLUG}/a.xlsx:Updates!4"
    comment_only = f"returns/{SLUG}/a.xlsx:Updates!5"
    gone = f"returns/{SLUG}/a.xlsx:Updates!6"
    approved = {"revision_approved_by": "Cabinet", "revision_approved_on": "2024-07-16"}
    before = existing(
        row(same, revised_target="March 2025", comment="a", **approved),
        row(moved, revised_target="March 2025", **approved),
        row(comment_only, comment="x", **approved),
        row(gone, comment="gone"),
    )
    new = [
        row(same, revised_target="March 2025", comment="b", _row=3),
        row(moved, revised_target="June 2025", _row=4),
        row(comment_only, comment="y", _row=5),
    ]
    frame, counts = merge(before, new, True, tmp_path, Q)
    assert counts == {"new": 0, "unchanged": 0, "replaced": 3, "dropped": 1}
    assert frame[["comment", "revised_target", "revision_approved_by", "revision_approved_on"]].values.tolist() == [
        ["b", "March 2025", "Cabinet", "2024-07-16"],  # the same request: its approval stands
        ["", "June 2025", "", ""],  # a new date: a new request, not yet agreed
        ["y", "", "", ""],  # no revised target at all: nothing to keep
    ]


def test_the_written_file_is_checked_as_the_report_will_read_it(root):
    from helpers.cycle.merge_returns import check_written as _check_written
    from helpers.plans.tables import read as read_table

    actions = read_table("actions")
    known = pd.MultiIndex.from_arrays([actions["review_id"], actions["action_ref"]])
    review, ref = actions["review_id"].iloc[0], actions["action_ref"].iloc[0]
    log = root / "data" / "updates" / f"{SLUG}.csv"
    good = pd.DataFrame([row("", review_id=review, action_ref=ref, comment="fine")])[[*FILE_COLUMNS, *OPTIONAL_COLUMNS]]
    text = _check_written(good, log, known)
    assert text.splitlines()[1].startswith(f"{review},{ref},,fine,2024-06-30,") and not log.exists()
    hand = good.assign(action_ref="no-such-action")
    with pytest.raises(InputError) as err:
        _check_written(pd.concat([good, hand], ignore_index=True), log, known)
    assert (err.value.file, err.value.line) == (log, 3)
    assert err.value.message == f"review {review} has no action 'no-such-action'"
    collected = hand.assign(source=f"returns/{SLUG}/Return: SLT.xlsx:Updates!7")  # a colon in the file name
    with pytest.raises(InputError) as err:
        _check_written(pd.concat([good, collected], ignore_index=True), log, known)
    assert err.value.file == root / "data" / "updates" / "returns" / SLUG / "Return: SLT.xlsx"
    assert (err.value.line, err.value.message) == (None, f"Updates!7: review {review} has no action 'no-such-action'")


def test_a_conflict_in_a_return_whose_name_has_a_colon(tmp_path):
    from helpers.cycle.merge_returns import merge
    from helpers.cycle.problems import Problems

    source = f"returns/{SLUG}/Return: SLT.xlsx:Updates!3"
    with pytest.raises(Problems) as err:
        merge(existing(row(source, comment="old")), [row(source, comment="new", _row=3)], False, tmp_path, Q)
    (problem,) = err.value.errors
    assert problem.file.name == "Return: SLT.xlsx"
    assert problem.message.startswith(f"Updates!{L['comment']}3: conflicts with the row collected on an earlier day")
