"""The vocabulary's own checks: data/vocabulary.yaml that breaks a rule stops the run with one line."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import edit_file
from made_up_reviews import extract_refuses

# --- Bad input: a vocabulary that breaks its rules.
# Extraction stops with one plain line naming the file and line, and keeps the tables it made before
# (these cases were in tests/test_bad_input.py).

BAD_INPUT = {
    "season end month of 13": (
        lambda d: edit_file(d, "vocabulary.yaml", "autumn: {last_month: 11}", "autumn: {last_month: 13}"),
        "vocabulary.yaml:",
        "last_month must be a month number 1-12",
    ),
    "no ongoing target words": (
        lambda d: edit_file(
            d,
            "vocabulary.yaml",
            "ongoing: [Ongoing, On-going, On going, Continuous, Continual, Business as Usual, BAU]",
            "ongoing: []",
        ),
        "vocabulary.yaml:",
        "targets.ongoing must list at least one word",
    ),
}


@pytest.mark.parametrize("case", BAD_INPUT)
def test_bad_input_gives_one_line_error_and_keeps_previous_tables(data_copy: Path, case: str):
    extract_refuses(data_copy, *BAD_INPUT[case])
