"""The big-return benchmark runs at its smallest size, so it cannot rot. Shapes only: its targets live in `make bench`."""

from __future__ import annotations

import pytest

from benchmarks import bench_return

pytestmark = pytest.mark.slow  # the benchmarks: `make check` leaves it out, `make test` runs it


def test_the_big_return_benchmark_collects_a_filled_return_and_reports_time_and_memory():
    result = bench_return.benchmark(smoke=True)
    assert 0.5 <= result["return_mb"] <= 3  # about SMOKE_MEGABYTES
    assert result["rows_filled"] > 0  # run() checks collect reported exactly these rows as new
    assert result["big_return_collect_s"] > 0 and result["big_return_collect_mib"] > 0
    assert [v["unit"] for v in result["verdicts"]] == ["s", "MiB"]
    assert all(isinstance(v["met"], bool) for v in result["verdicts"])
