"""Making reports (helpers.publishing.runner): a kept kernel, or another job, gives a quarter's report the same
bytes as a fresh kernel."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import council_of
from helpers.base import config
from helpers.publishing import workers
from helpers.publishing.report import runs
from helpers.publishing.report_run import Settings
from helpers.publishing.runner import run_reports

# --- Kernel reuse: a quarter's report does not depend on what ran before it -------------------


@pytest.mark.slow  # a whole report
def test_a_quarter_is_byte_identical_alone_after_others_in_a_reused_kernel_or_in_another_job(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    council = council_of("2021-finance")
    monkeypatch.setattr(workers, "REPORTS_PER_JOB", 1)  # so two reports make two jobs

    def backfill(out: Path, labels: list[str], jobs: int) -> dict[str, bytes]:
        chosen = [r for label in labels for r in runs(label, False, None, out, council=council)]
        outcomes = run_reports(chosen, Settings(config.REPORT_NOTEBOOK, out), jobs=jobs)
        assert [o.error for o in outcomes] == [None] * len(chosen)
        assert [o.run for o in outcomes] == chosen  # each report's outcome, in the order planned
        return {r.folder.relative_to(out).as_posix(): (r.folder / "report.html").read_bytes() for r in chosen}

    alone = backfill(tmp_path / "alone", ["2023/24 Q4"], 1)
    after = backfill(tmp_path / "after", ["2021/22 Q3", "2022/23 Q4", "2023/24 Q4"], 1)
    two_jobs = backfill(tmp_path / "two-jobs", ["2022/23 Q4", "2023/24 Q4"], 2)  # a worker process makes one
    [(name, first)] = alone.items()
    assert first == after[name] == two_jobs[name]
    [earlier] = [n for n in two_jobs if n.startswith("2022-23-Q4/")]
    assert after[earlier] == two_jobs[earlier]
    assert first != after[earlier]
