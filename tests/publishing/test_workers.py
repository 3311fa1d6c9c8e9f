"""Several jobs (helpers.publishing.workers): how many to run for the reports asked for."""

from __future__ import annotations

import pytest

from helpers.publishing import workers


@pytest.mark.parametrize(
    ("asked", "cores", "reports", "expected"),
    [
        (2, 2, 2, 1),  # a second job costs more to start than one report takes
        (2, 2, 7, 1),
        (2, 2, 8, 2),  # four reports each
        (8, 2, 100, 2),  # never more than the cores
        (1, 8, 100, 1),  # never more than asked
        (4, 8, 12, 3),
        (2, 2, 0, 1),  # at least one, even with nothing to do
    ],
)
def test_each_job_gets_at_least_four_reports_within_the_cores_and_what_was_asked(
    monkeypatch: pytest.MonkeyPatch, asked: int, cores: int, reports: int, expected: int
):
    monkeypatch.setattr(workers.os, "cpu_count", lambda: cores)
    assert workers.job_count(asked, reports) == expected
