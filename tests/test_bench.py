"""The benchmark runs at its smallest size, so it cannot rot. Shapes only: timings belong to `make bench`."""

from __future__ import annotations

import json

from conftest import run_module
from helpers import synthetic


def test_benchmark_smoke_run_writes_a_complete_result_file(tmp_path):
    out = tmp_path / "results.json"
    result = run_module("bench", "--smoke", "--output", str(out))
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
    assert all(isinstance(v["met"], bool) for v in data["verdicts"])
    assert "report / floor" in result.stdout  # the printed table


def test_synthetic_corpus_is_deterministic_and_valid():
    first, second = synthetic.generate(2), synthetic.generate(2)
    for name in ("reviews", "recommendations", "actions", "action_leads", "updates"):
        assert first[name].equals(second[name]), name
    recs = first["recommendations"]
    assert recs.groupby("review_id").size().between(35, 45).all()
    from helpers import tables

    for name in ("reviews", "recommendations", "actions", "action_leads"):
        tables.validate(name, first[name])
    # The new model's shapes appear: several actions under some recommendations, lead roles, revised targets.
    actions = first["actions"]
    assert (actions.groupby(["review_id", "rec_ref"]).size() > 1).any()
    assert {"accountable", "responsible"} <= set(first["action_leads"]["role"])
    assert (first["updates"]["revised_target"] != "").any()
