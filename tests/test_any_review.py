"""Any selection of reviews, and any new review, works with data changes only.

- Every notebook runs top to bottom for each review on its own (the ids come
  from data/reviews/, so a new review is covered without editing this file).
- Adding reviews of new shapes to a copy of the whole workspace, then
  `make extract`, `make notebooks` and a report on a new review alone, leaves
  the test suite green with no test edited.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import papermill as pm
import pytest
import yaml

from conftest import PROJECT
from helpers import config
from test_new_review import COUNCIL, add_both_reviews

REVIEW_IDS = sorted(p.stem for p in (PROJECT / "data" / "reviews").glob("*.yaml"))
NOTEBOOKS = sorted(config.NOTEBOOKS_DIR.glob("*.ipynb"))
INNER = "PEER_REVIEW_INNER_RUN"  # set inside the copy, so the copy does not copy itself again


@pytest.mark.parametrize("review_id", REVIEW_IDS)
@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_notebook_runs_for_a_single_review(tmp_path: Path, notebook: Path, review_id: str):
    out = tmp_path / notebook.name
    takes = set(pm.inspect_notebook(str(notebook)))
    # A notebook across councils takes the review's council.
    chosen = {"REVIEWS": [review_id]} if "REVIEWS" in takes else {"COUNCILS": [_council_of(review_id)]}
    pm.execute_notebook(
        str(notebook),
        str(out),
        parameters=chosen,
        progress_bar=False,
        cwd=str(notebook.parent),
        kernel_name="python3",
    )


def _council_of(review_id: str) -> str:
    """The council a review's metadata names."""
    meta = yaml.safe_load((PROJECT / "data" / "reviews" / f"{review_id}.yaml").read_text(encoding="utf-8"))
    return meta["council"]


def _copy_project(target: Path) -> None:
    """The tracked files of the project, as a fresh clone would have them."""
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        check=False,
    )
    if listed.returncode != 0:
        shutil.copytree(PROJECT, target, ignore=shutil.ignore_patterns(".venv", ".git", "reports", "__pycache__"))
        return
    for name in listed.stdout.splitlines():
        source = PROJECT / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)


def _run(args: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=1500, check=False)


@pytest.mark.skipif(os.environ.get(INNER) == "1", reason="already inside the copied workspace")
def test_adding_reviews_of_new_shapes_needs_no_test_edits(tmp_path: Path):
    copy = tmp_path / "project"
    _copy_project(copy)
    add_both_reviews(copy / "data")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PEER_REVIEW_")}
    env |= {"PYTHONPATH": str(copy / "src"), INNER: "1", "PEER_REVIEW_REPORTS": str(tmp_path / "reports")}
    python = sys.executable

    for step in (["-m", "helpers.extract"], ["-m", "helpers.notebooks"]):
        done = _run([python, *step], copy, env)
        assert done.returncode == 0, done.stderr[-2000:]

    report = _run(
        [python, "-m", "helpers.report", "--quarter", "2024/25 Q3", "--reviews", "2024-wessex-planning", "--no-pdf"],
        copy,
        env,
    )
    assert report.returncode == 0, report.stderr[-2000:]
    # One report, for the council and committee of the review chosen: the one folder written for the quarter.
    [page] = [p.read_text(encoding="utf-8") for p in (tmp_path / "reports" / "2024-25-Q3").glob("*/report.html")]
    assert COUNCIL in page and "Dorset" not in page  # only the reviews the report counts
    assert "Incomplete in source" in page  # the row cut off in the published page

    # The checks that read the data: back-tests, rules, the project's own set-up, nbval over the notebooks.
    checks = [
        "tests/test_extraction.py",
        "tests/test_status.py",
        "tests/test_themes.py",
        "tests/test_leads_and_targets.py",
        "tests/test_project.py",
        "tests/test_notebooks.py",
        "tests/test_cycle.py",
        "notebooks/",
    ]
    suite = _run(
        [python, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--nbval-lax", "--nbval-current-env", *checks],
        copy,
        env,
    )
    assert suite.returncode == 0, suite.stdout[-3000:]
