"""Action rows: corrections applied as data, and refused once they no longer match the document."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import edit_file
from made_up_reviews import extract_refuses

# --- Bad input: a correction that no longer matches its document.
# Extraction stops with one plain line naming the file and line, and keeps the tables it made before
# (these cases were in tests/test_bad_input.py).

BAD_INPUT = {
    "stale correction": (
        lambda d: edit_file(d, "corrections.csv", "2021-finance,46,", "2021-finance,45,"),
        "corrections.csv:2",
        "correction for target of action 45",
    ),
}


@pytest.mark.parametrize("case", BAD_INPUT)
def test_bad_input_gives_one_line_error_and_keeps_previous_tables(data_copy: Path, case: str):
    extract_refuses(data_copy, *BAD_INPUT[case])
