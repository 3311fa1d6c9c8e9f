"""`make mutants`' report (tools.mutation): per module, the share of mutants killed, read from mutmut's own
records."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from helpers.base.errors import InputError
from tools import mutation


def project(tmp_path: Path, modules: dict[str, dict[str, int | None]]) -> Path:
    (tmp_path / "pyproject.toml").write_text(
        "[tool.mutmut]\nonly_mutate = [" + ", ".join(f'"src/helpers/{m}.py"' for m in modules) + "]\n",
        encoding="utf-8",
    )
    folder = tmp_path / "mutants" / "src" / "helpers"
    folder.mkdir(parents=True)
    for module, codes in modules.items():
        if codes:
            meta = {"exit_code_by_key": codes, "durations_by_key": {}, "estimated_durations_by_key": {}}
            (folder / f"{module}.py.meta").write_text(json.dumps(meta), encoding="utf-8")
    return tmp_path


def test_the_report_counts_each_verdict_and_the_share_killed(tmp_path):
    root = project(
        tmp_path,
        {
            "quarters": {"helpers.base.quarters.x_a__mutmut_1": 1, "helpers.base.quarters.x_a__mutmut_2": 36},
            "readers": {
                "helpers.base.readers.x_b__mutmut_1": 1,
                "helpers.base.readers.x_b__mutmut_2": 0,
                "helpers.base.readers.x_b__mutmut_3": 33,
                "helpers.base.readers.x_b__mutmut_4": None,
            },
            "leads": {},
        },
    )
    assert mutation.rule_modules(root) == ["quarters", "readers", "leads"]
    results = mutation.read_results(mutation.rule_modules(root), root)
    assert [(r.module, r.killed, r.tested, r.share_killed) for r in results] == [
        ("quarters", 2, 2, 1.0),  # a timeout is noticed too
        ("readers", 1, 3, 1 / 3),  # of the three run: one killed, one survived, one no test reaches
        ("leads", 0, 0, None),
    ]
    assert results[1].survivors == ["helpers.base.readers.x_b__mutmut_2", "helpers.base.readers.x_b__mutmut_3"]
    text = mutation.report(results, explained="helpers.base.readers.x_b__mutmut_3: a reason")
    assert text.splitlines()[2:5] == [
        "| quarters | 2 | 2 | 0 | 0 | 0 | 100.0% |",
        "| readers | 4 | 1 | 1 | 1 | 1 | 33.3% |",
        "| leads | 0 | 0 | 0 | 0 | 0 | not run |",
    ]
    assert "1 survivor(s) not listed in docs/testing.md as equivalent:" in text
    assert "- `helpers.base.readers.x_b__mutmut_2`" in text and "x_b__mutmut_3`" not in text


def test_the_command_refuses_a_module_that_is_not_a_rule_module(monkeypatch):
    monkeypatch.setenv("MODULES", "quarters report")
    with pytest.raises(InputError, match=r"^not a rule module: report; choose from ") as refused:
        mutation.main(["--from-env", "--report"])
    offered = refused.value.message.split("choose from ", 1)[1].split(", ")
    assert {"tracking.status", "base.quarters", "tracking.decisions", "publishing.kernel"} <= set(offered)
    assert "publishing.report" not in offered and "quarters" not in offered


# --- Rule modules by their stage path, patterns in only_mutate, and choosing some --------------------------------


def test_a_module_is_named_by_its_path_under_helpers():
    assert mutation.module_name("src/helpers/tracking/status.py") == "tracking.status"
    assert mutation.module_name("src/helpers/quarters.py") == "quarters"  # the layout before the stages


def test_a_pattern_stands_for_each_module_it_matches_in_order_once():
    files = [
        "src/helpers/cycle/__init__.py",
        "src/helpers/cycle/collect.py",
        "src/helpers/cycle/decision_sheets.py",
        "src/helpers/cycle/decision_sheets_read.py",
        "src/helpers/tracking/decisions.py",
        "src/helpers/tracking/status.py",
    ]
    patterns = [
        "src/helpers/tracking/status.py",
        "src/helpers/cycle/decision_sheets*.py",  # a module split in two stays mutated
        "src/helpers/tracking/*",  # a whole stage: its package's __init__.py left out
        "src/helpers/plans/leads.py",  # a path is its module, found or not
    ]
    assert mutation.modules_matching(patterns, files) == [
        "tracking.status",
        "cycle.decision_sheets",
        "cycle.decision_sheets_read",
        "tracking.decisions",
        "plans.leads",
    ]
    assert mutation.modules_matching(["src/helpers/publishing/*.py"], files) == []
    # do_not_mutate leaves a module out, whichever pattern matched it
    left_out = ["src/helpers/cycle/*_read.py", "src/helpers/tracking/status.py"]
    assert mutation.modules_matching(patterns, files, left_out) == [
        "cycle.decision_sheets",
        "tracking.decisions",
        "plans.leads",
    ]


def test_rule_modules_expands_only_mutate_against_the_source(tmp_path):
    for module in ("tracking/status", "tracking/__init__", "cycle/decision_sheets", "cycle/decision_sheets_write"):
        (tmp_path / "src" / "helpers" / f"{module}.py").parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "src" / "helpers" / f"{module}.py").write_text("", encoding="utf-8")
    (tmp_path / "pyproject.toml").write_text(
        '[tool.mutmut]\nonly_mutate = ["src/helpers/tracking/*.py", "src/helpers/cycle/decision_sheets*.py"]\n',
        encoding="utf-8",
    )
    assert mutation.rule_modules(tmp_path) == [
        "tracking.status",
        "cycle.decision_sheets",
        "cycle.decision_sheets_write",
    ]
    assert mutation.source_files(tmp_path)[0] == "src/helpers/cycle/decision_sheets.py"


def test_the_projects_rule_modules_are_named_stage_first():
    modules = mutation.rule_modules()
    assert "tracking.status" in modules and "base.quarters" in modules
    # stage.module (or stage.package.module: plans.importing.headers), as mutmut's names have them
    stages = {"base", "plans", "tracking", "cycle", "committee", "publishing"}
    assert all(module.split(".")[0] in stages and module.count(".") in (1, 2) for module in modules)
    assert "plans.importing.headers" in modules


def test_a_stage_path_reads_its_verdicts_from_mutmuts_nested_record(tmp_path):
    folder = tmp_path / "mutants" / "src" / "helpers" / "tracking"
    folder.mkdir(parents=True)
    codes = {"helpers.tracking.status.x_f__mutmut_1": 1, "helpers.tracking.status.x_f__mutmut_2": 0}
    meta = {"exit_code_by_key": codes, "durations_by_key": {}, "estimated_durations_by_key": {}}
    (folder / "status.py.meta").write_text(json.dumps(meta), encoding="utf-8")
    [result] = mutation.read_results(["tracking.status"], tmp_path)
    assert (result.module, result.killed, result.tested) == ("tracking.status", 1, 2)
    assert result.survivors == ["helpers.tracking.status.x_f__mutmut_2"]
    assert "| tracking.status | 2 | 1 | 1 | 0 | 0 | 50.0% |" in mutation.report([result])


def test_modules_are_chosen_by_path_full_name_own_name_or_stage():
    known = ["tracking.status", "base.targets", "cycle.decision_sheets", "cycle.decision_sheets_read", "base.quarters"]
    assert mutation.choose([], known) == known
    assert mutation.choose(["status"], known) == ["tracking.status"]
    assert mutation.choose(["helpers.base.targets", "tracking.status"], known) == ["base.targets", "tracking.status"]
    assert mutation.choose(["cycle", "decision_sheets"], known) == [
        "cycle.decision_sheets",
        "cycle.decision_sheets_read",
    ]
    assert mutation.choose(["quarters", "base"], known) == ["base.quarters", "base.targets"]
    with pytest.raises(
        InputError, match=r"^not a rule module: publishing; choose from tracking\.status, base\.targets"
    ):
        mutation.choose(["status", "publishing"], known)


def test_mutmut_is_asked_for_one_modules_mutants_by_their_dotted_name(monkeypatch, tmp_path):
    calls = []
    monkeypatch.setattr(
        mutation.subprocess, "run", lambda args, **kw: calls.append(args) or type("R", (), {"returncode": 0})
    )
    assert mutation.run_mutmut("tracking.status", 2, tmp_path) == 0
    assert calls[0][-4:] == ["run", "--max-children", "2", "helpers.tracking.status.*"]
