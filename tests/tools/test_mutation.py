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
    assert "1 survivor(s) not listed in README.md as equivalent:" in text
    assert "- `helpers.base.readers.x_b__mutmut_2`" in text and "x_b__mutmut_3`" not in text


def test_the_command_refuses_a_module_that_is_not_a_rule_module(monkeypatch):
    monkeypatch.setenv("MODULES", "quarters report")
    with pytest.raises(InputError, match=r"^not a rule module: report; choose from status, targets, quarters"):
        mutation.main(["--from-env", "--report"])
