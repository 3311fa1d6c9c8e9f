"""Bad input stops the run with one plain line naming the file and line, and loses nothing."""
from __future__ import annotations

from pathlib import Path

import pytest

from conftest import run_module

FINANCE = "raw/2021-10-05-cabinet-finance-peer-challenge-action-plan.txt"
PROGRESS = "raw/2022-09-progress-review-summary-and-action-plan.txt"


def _edit(data: Path, name: str, old: str, new: str) -> None:
    path = data / name
    text = path.read_text(encoding="utf-8")
    assert old in text, f"test set-up: {old!r} not in {name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


CASES = {
    "malformed metadata": (lambda d: _edit(d, "reviews/2021-finance.yaml", "kind: finance peer challenge",
                                           "kind: [finance"),
                           "reviews/2021-finance.yaml:", "not valid YAML"),
    "metadata breaks the schema": (lambda d: _edit(d, "reviews/2022-progress.yaml", "recommendations_expected: 8",
                                                   "recommendations_expected: eight"),
                                   "reviews/2022-progress.yaml:18", "recommendations_expected"),
    "missing raw document": (lambda d: (d / PROGRESS).unlink(),
                             "2022-09-progress-review-summary-and-action-plan.txt", "raw document not found"),
    "table header not found": (lambda d: _edit(d, FINANCE, "Rec\tPeer recommendation", "Ref\tPeer recommendation"),
                               "2021-10-05-cabinet-finance-peer-challenge-action-plan.txt",
                               "action-plan table header not found"),
    "duplicated recommendation number": (lambda d: _edit(d, FINANCE, "\n12.\tEmbed the performance", "\n11.\tEmbed the performance"),
                                         "2021-10-05-cabinet-finance-peer-challenge-action-plan.txt:123",
                                         "recommendation number 11 appears twice"),
    "unparseable target": (lambda d: _edit(d, FINANCE, "\tOctober 2021\tCorporate Director Finance & Commercial",
                                           "\tOctobre 2021\tCorporate Director Finance & Commercial"),
                           "2021-10-05-cabinet-finance-peer-challenge-action-plan.txt:107",
                           "cannot read target 'Octobre 2021'"),
    "unknown lead": (lambda d: _edit(d, FINANCE, "\tCSAMG\n", "\tCSAMG and the Mayor\n"),
                     "2021-10-05-cabinet-finance-peer-challenge-action-plan.txt:145", "unknown lead"),
    "stale correction": (lambda d: _edit(d, "corrections.csv", "2021-finance,46,", "2021-finance,45,"),
                         "corrections.csv:2", "correction for target of recommendation 45"),
}


@pytest.mark.parametrize("case", CASES)
def test_bad_input_gives_one_line_error_and_keeps_previous_tables(data_copy: Path, case: str):
    good = run_module("extract", data=data_copy)
    assert good.returncode == 0, good.stderr
    before = {p.name: p.read_bytes() for p in (data_copy / "processed").glob("*.csv")}
    assert len(before) == 4

    breaks, where, what = CASES[case]
    breaks(data_copy)
    bad = run_module("extract", data=data_copy)

    assert bad.returncode == 1
    message = bad.stderr.strip()
    assert "Traceback" not in bad.stderr
    assert len(message.splitlines()) == 1, message
    assert where in message and what in message, message
    after = {p.name: p.read_bytes() for p in (data_copy / "processed").glob("*")}
    assert after == before  # nothing half-written, no temporary files left behind
