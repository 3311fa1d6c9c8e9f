"""The benchmarks run at their smallest size, so they cannot rot. Shapes only: timings belong to `make bench`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from benchmarks import synthetic
from conftest import run_module
from helpers.publishing.pdf import CHROMIUM

pytestmark = pytest.mark.slow  # the benchmarks: `make check` leaves it out, `make test` runs it


def test_benchmark_smoke_run_writes_a_complete_result_file(tmp_path):
    out = tmp_path / "results.json"
    result = run_module("benchmarks.bench", "--smoke", "--output", str(out))
    assert result.returncode == 0, result.stderr
    data = json.loads(out.read_text())
    assert data["smoke"] is True
    assert {"cores", "memory_gib", "python"} <= set(data["machine"])
    report = data["report"]
    for key in (
        "extraction_s",
        "floor_s",
        "report_quarter_s",
        "report_over_floor",
        "backfill_jobs1_s",
        "backfill_jobs2_s",
        "backfill_jobs2_over_jobs1",
        "process_floor_s",
        "process_report_s",
        "backfill_process_s",
        "backfill_again_s",
    ):
        assert report[key] > 0, key
    assert report["backfill_quarters"] == 2
    [scale] = data["scale"]
    assert scale["councils"] == 2 and scale["reviews"] == 6
    assert 60 <= scale["recommendations"] <= 6 * 45
    assert scale["updates"] > 0 and scale["quarters"] >= 20
    assert scale["max_rss_mib"] > 0
    measures = {v["measure"] for v in data["verdicts"]}
    assert {"report / floor", "backfill 2 jobs / 1 job"} <= measures
    if Path(CHROMIUM).exists():  # what the PDF adds, against a bare print of the same page
        assert report["pdf_added_s"] and report["process_bare_print_s"] > 0
        assert "PDF: what it adds to the command / a bare print" in measures
    assert all(isinstance(v["met"], bool) for v in data["verdicts"])
    assert "report / floor" in result.stdout  # the printed table
    # The big-return benchmark at its smallest size (its targets live in `make bench`).
    big_return = data["big_return"]
    assert 0.5 <= big_return["return_mb"] <= 3  # about SMOKE_MEGABYTES
    assert big_return["rows_filled"] > 0  # run() checks collect reported exactly these rows as new
    assert big_return["big_return_collect_s"] > 0 and big_return["big_return_collect_mib"] > 0
    assert [v["unit"] for v in big_return["verdicts"]] == ["s", "MiB"]
    assert all(isinstance(v["met"], bool) for v in big_return["verdicts"])


def test_synthetic_corpus_is_deterministic_and_valid():
    first, second = synthetic.generate(2), synthetic.generate(2)
    for name in ("reviews", "recommendations", "actions", "action_leads", "updates"):
        assert first[name].equals(second[name]), name
    recs = first["recommendations"]
    assert recs.groupby("review_id").size().between(35, 45).all()
    from helpers.plans import tables

    for name in ("reviews", "recommendations", "actions", "action_leads"):
        tables.validate(name, first[name])
    # The new model's shapes appear: several actions under some recommendations, lead roles, revised targets.
    actions = first["actions"]
    assert (actions.groupby(["review_id", "rec_ref"]).size() > 1).any()
    assert {"accountable", "responsible"} <= set(first["action_leads"]["role"])
    assert (first["updates"]["revised_target"] != "").any()


def test_reliability_benchmark_runs_the_report_cold_and_warm_and_counts_failures(tmp_path):
    out = tmp_path / "reliability.json"
    result = run_module("benchmarks.reliability", "--cold", "1", "--warm", "1", "--output", str(out))
    assert result.returncode == 0, result.stderr
    data = json.loads(out.read_text())
    assert (data["cold"]["runs"], data["warm"]["runs"]) == (1, 1)
    assert data["cold"]["failures"] == data["warm"]["failures"] == 0, data  # any failure at all is a bug
    assert data["met"] is False  # two runs are not the 30 + 100 the target asks for
    assert "0 failures in 30 cold and 100 warm runs: not measured in full" in result.stdout
