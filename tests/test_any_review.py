"""Any selection of reviews, and any new review, works with data changes only.

- Every notebook runs top to bottom for each review on its own (the ids come
  from data/reviews/, so a new review is covered without editing this file).
- Adding reviews of new shapes to a copy of the whole workspace, then
  `make extract`, `make notebooks` and a report on a new review alone, leaves
  the test suite green with no test edited: every test file that reads review
  data, all but its slow tests (a browser, PDFs, whole reports) unless marked
  follows_data, and nbval over the notebooks.
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
from bs4 import BeautifulSoup

from conftest import PROJECT
from helpers.base import config, quarters
from helpers.committee import parameters
from made_up_reviews import COUNCIL, add_both_reviews, add_housing_review, add_leads

pytestmark = pytest.mark.slow  # every notebook for every review, and the whole suite again in a copy

REVIEW_IDS = sorted(p.stem for p in (PROJECT / "data" / "reviews").glob("*.yaml"))
NOTEBOOKS = sorted(config.NOTEBOOKS_DIR.glob("*.ipynb"))
INNER = "PEER_REVIEW_INNER_RUN"  # set inside the copy, so the copy does not copy itself again


@pytest.mark.follows_data
@pytest.mark.parametrize("review_id", REVIEW_IDS)
@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_notebook_runs_for_a_single_review(tmp_path: Path, notebook: Path, review_id: str):
    if review_id in os.environ.get(SHIPPED, "").split():
        pytest.skip("run for this review outside the copy already")
    out = tmp_path / notebook.name
    takes = pm.inspect_notebook(str(notebook))
    # A notebook across councils takes the review's council.
    chosen = {"REVIEWS": [review_id]} if "REVIEWS" in takes else {"COUNCILS": [_council_of(review_id)]}
    # A review whose plan came after the notebook's default quarter is shown at the latest quarter (a quarter
    # before any plan of the selection is refused, rightly).
    default = takes.get("QUARTER", {}).get("default", "").strip("\"'")
    if default and "REVIEWS" in takes and quarters.parse_quarter(default) < parameters.first_quarter([review_id]):
        chosen["QUARTER"] = quarters.label(quarters.latest_completed())
    pm.execute_notebook(
        str(notebook),
        str(out),
        parameters=chosen,
        progress_bar=False,
        cwd=str(notebook.parent),
        kernel_name="python3",
    )


def _council_of(review_id: str, data: Path = PROJECT / "data") -> str:
    """The council a review's metadata names."""
    meta = yaml.safe_load((data / "reviews" / f"{review_id}.yaml").read_text(encoding="utf-8"))
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


SECOND = "Lindum Fen District Council"  # made up: the second new council
SECOND_LEADS = "".join(
    f"{SECOND},{name},,\n" for name in ["Head of Planning", "Head of HR", "Head of Housing", "Head of Finance"]
)
# Test files that read no review data and would only repeat themselves inside the copy (about half of the
# suite's time): browser and PDF printing, LibreOffice, interrupts, the benchmarks, JupyterLab, the layout of the
# code. Any other test file, in any folder under tests/ (a new one included), runs in the copy.
NOT_DATA = {
    "test_pdf.py",
    "test_browser.py",
    "test_libreoffice.py",
    "test_interrupts.py",
    "test_reliability.py",
    "test_bench.py",
    "test_lab.py",
    "test_layout.py",
    "test_docstrings.py",
    "test_docs.py",
    "test_portable.py",
}
SHIPPED = "PEER_REVIEW_SHIPPED_REVIEWS"  # the reviews the outer run has already run every notebook for


def add_two_councils(data: Path) -> None:
    """Two made-up councils, as data files only: one with a tab table (lead roles, a status column), one with
    transcriptions (several actions per recommendation; unnumbered recommendations and an unknown expected count)."""
    add_both_reviews(data)
    add_housing_review(data)
    for review in ("2024-wessex-planning", "2024-wessex-housing"):
        path = data / "reviews" / f"{review}.yaml"
        path.write_text(path.read_text(encoding="utf-8").replace(f"council: {COUNCIL}", f"council: {SECOND}"), "utf-8")
    add_leads(data, SECOND_LEADS)


def _councils_named(page: str) -> set[str]:
    """The councils a report's text names, of those this workspace holds."""
    return {c for c in _all_councils() if c in page}


def _all_councils() -> set[str]:
    return {_council_of(p.stem) for p in (PROJECT / "data" / "reviews").glob("*.yaml")} | {COUNCIL, SECOND}


@pytest.mark.skipif(os.environ.get(INNER) == "1", reason="already inside the copied workspace")
def test_adding_two_councils_of_new_shapes_needs_no_test_edits(tmp_path: Path):
    copy = tmp_path / "project"
    _copy_project(copy)
    add_two_councils(copy / "data")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PEER_REVIEW_")}
    reports = tmp_path / "reports"
    env |= {"PYTHONPATH": str(copy / "src"), INNER: "1", "PEER_REVIEW_REPORTS": str(reports)}
    python = sys.executable

    for step in (["-m", "helpers.plans.extract"], ["-m", "helpers.publishing.notebooks"]):
        done = _run([python, *step], copy, env)
        assert done.returncode == 0, done.stderr[-2000:]

    # No selection: one report per council (and committee), each naming only its own council.
    report = _run([python, "-m", "helpers.publishing.report", "--quarter", "2024/25 Q3", "--no-pdf"], copy, env)
    assert report.returncode == 0, report.stderr[-2000:]
    pages = {p.parent.name: p.read_text(encoding="utf-8") for p in (reports / "2024-25-Q3").glob("*/report.html")}
    for council in (COUNCIL, SECOND):
        [mine] = [page for page in pages.values() if council in page]  # exactly one report names it
        assert _councils_named(mine) == {council}
    assert "Incomplete in source" in next(page for page in pages.values() if SECOND in page)  # the cut-off row
    # Every council whose reviews count by then gets a report (shipped and made-up alike).
    every = {_council_of(p.stem, copy / "data") for p in (copy / "data" / "reviews").glob("*.yaml")}
    assert {c for c in every if any(c in page for page in pages.values())} == every
    # The index: one heading per council, each council's report under its own heading.
    soup = BeautifulSoup((reports / "index.html").read_text(encoding="utf-8"), "html.parser")
    headings = [h.get_text(strip=True) for h in soup.find_all("h2")]
    assert {COUNCIL, SECOND} <= set(headings) and len(headings) == len(set(headings))

    # Every test file (but those that read no review data), and nbval over the notebooks, in the copy: in parallel,
    # a file's tests in one worker (as `make test` runs them). Of the slow tests, those marked follows_data: every
    # notebook for each new review (those for the shipped reviews ran outside). The whole reports of the copy are
    # checked above.
    checks = sorted(str(p.relative_to(copy)) for p in (copy / "tests").rglob("test_*.py") if p.name not in NOT_DATA)
    suite = _run(
        [
            python,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "-n",
            "auto",
            "--dist",
            "loadfile",
            "-m",
            "not slow or follows_data",
            "--nbval-lax",
            "--nbval-current-env",
            *checks,
            "notebooks/",
        ],
        copy,
        env | {SHIPPED: " ".join(REVIEW_IDS)},
    )
    assert suite.returncode == 0, suite.stdout[-3000:]
