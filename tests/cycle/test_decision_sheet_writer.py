"""Decision sheets out (helpers.cycle.decision_sheet_writer, `make decisions`): a sheet only where there is something
to decide. Expectations worked out from a made-up council whose plan is not held (nothing transcribed, so no request
of any kind can arise)."""

from __future__ import annotations

import shutil
from pathlib import Path

from conftest import PROJECT, run_on
from helpers.base import quarters
from helpers.cycle.decision_sheet_layout import sheet_name
from made_up_reviews import NOTHING_COUNCIL, add_review_with_nothing_transcribed


def test_a_council_with_nothing_to_decide_gets_one_line_and_no_empty_sheet(tmp_path: Path):
    shutil.copytree(PROJECT / "data", tmp_path / "data")
    add_review_with_nothing_transcribed(tmp_path / "data")
    assert run_on(tmp_path, "helpers.plans.extract").returncode == 0
    done = run_on(tmp_path, "helpers.cycle.decision_sheets", "--quarter", "2023/24 Q4")
    assert done.returncode == 0, done.stderr
    name = sheet_name(NOTHING_COUNCIL, "Cabinet", quarters.parse_quarter("2023/24 Q4"))
    lines = [line for line in done.stdout.splitlines() if name in line]
    assert len(lines) == 1
    assert lines[0].endswith(f"2023-24-Q4/decisions/{name}: not made, as there is nothing for the committee to decide")
    assert not (tmp_path / "reports" / "2023-24-Q4" / "decisions" / name).exists()
