"""The review metadata schema: a file that breaks it is named with its key and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import edit_file
from made_up_reviews import extract_refuses

# --- Bad input: metadata that breaks the schema.
# Extraction stops with one plain line naming the file and line, and keeps the tables it made before
# (these cases were in tests/test_bad_input.py).

BAD_INPUT = {
    "metadata breaks the schema": (
        lambda d: edit_file(
            d, "reviews/2022-progress.yaml", "recommendations_expected: 8", "recommendations_expected: eight"
        ),
        "reviews/2022-progress.yaml:18",
        "recommendations_expected",
    ),
}


@pytest.mark.parametrize("case", BAD_INPUT)
def test_bad_input_gives_one_line_error_and_keeps_previous_tables(data_copy: Path, case: str):
    extract_refuses(data_copy, *BAD_INPUT[case])
