"""An interim report, issued to its committee, then refreshed: the commands as a clerk runs them, with a PDF
printed under a 60-character TMPDIR.

Dates worked out by hand: 2023/24 Q4 runs January to March 2024, so on 7 March 2024 (REPORT_DATE) it has not
ended: the report is refused without INTERIM=1, and with it says "progress known on 7 March 2024" and that the
quarter ends on 31 March 2024. The paper made on 7 March (and issued today, the day the test runs) is left
exactly as it was by a report refreshed on 8 March and by every attempt to issue it again.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
import tempfile
from pathlib import Path

import pdfplumber
import pytest

from conftest import council_of, run_module

pytestmark = pytest.mark.slow  # whole reports, with their PDFs

QUARTER = "2023/24 Q4"


@pytest.fixture
def long_tmpdir(monkeypatch):
    """A TMPDIR of exactly 60 characters (Chromium did not start with one over about 21)."""
    base = Path(tempfile.mkdtemp(prefix="t", dir="/tmp"))
    long = base / ("x" * (60 - len(str(base)) - 1))
    long.mkdir()
    assert len(str(long)) == 60
    monkeypatch.setenv("TMPDIR", str(long))
    yield long
    shutil.rmtree(base, ignore_errors=True)


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def _one_line(result) -> str:
    assert result.returncode == 1, result.stdout + result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


def test_an_interim_report_issued_then_refreshed(tmp_path, monkeypatch, long_tmpdir):
    reports = tmp_path / "reports"
    council = council_of("2021-finance")
    for name in ("REPLACE", "MEETING_DATE", "REVIEWS", "REQUIRE_PDF"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("QUARTER", QUARTER)
    monkeypatch.setenv("COUNCIL", council)
    monkeypatch.setenv("REPORT_DATE", "2024-03-07")

    # Not ended on 7 March 2024: refused, naming the command that works.
    refused = _one_line(run_module("helpers.publishing.report", "--from-env", reports=reports))
    assert f'make report QUARTER="{QUARTER}" INTERIM=1' in refused

    monkeypatch.setenv("INTERIM", "1")
    made = run_module("helpers.publishing.report", "--from-env", reports=reports)
    assert made.returncode == 0, made.stderr
    folders = [p for p in (reports / "2023-24-Q4").iterdir() if p.name.endswith("--interim")]
    assert len(folders) == 1
    folder = folders[0]
    assert f"{folder.name}/report.html" in made.stdout
    assert f"{folder.name}/report.pdf" in made.stdout  # the PDF is listed as well as the page
    page = (folder / "report.html").read_text(encoding="utf-8")
    assert f"interim progress report {QUARTER}" in page
    assert "Progress known on" in page
    assert "7 March 2024 (interim report: the quarter ends on 31 March 2024)" in page
    # Its figures are as at the day it is made, said once, and the headline counts as at that day.
    assert page.count("Figures are as at 7 March 2024, the day this interim report was made.") == 1
    assert "As at 7 March 2024, " in page and "As at 31 March 2024, " not in page
    summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    assert summary["interim"] is True and summary["progress_known_on"] == "2024-03-07"
    with pdfplumber.open(folder / "report.pdf") as pdf:
        second = pdf.pages[1]
        header = second.crop((0, 0, second.width, 50)).extract_text() or ""
    assert f"interim progress report {QUARTER}" in header  # the running header on every page
    index = (reports / "index.html").read_text(encoding="utf-8")
    assert "(interim)" in index and "interim report, progress known on 7 March 2024" in index
    assert not list(long_tmpdir.iterdir())  # Chromium's files were kept elsewhere, and removed

    # Issued to the committee; a meeting date the report was not made for is refused.
    monkeypatch.setenv("MEETING_DATE", "2024-03-12")
    assert "the report was made without a meeting date" in _one_line(
        run_module("helpers.publishing.issue", "--from-env", reports=reports)
    )
    monkeypatch.delenv("MEETING_DATE")
    issued = run_module("helpers.publishing.issue", "--from-env", reports=reports)
    assert issued.returncode == 0, issued.stderr
    kept = reports / "issued" / "2023-24-Q4" / folder.name
    manifest = json.loads((kept / "issued.json").read_text(encoding="utf-8"))
    # Issued today (the day make issue runs), of the report made as of 7 March.
    assert manifest["issued_on"] == dt.date.today().isoformat() and manifest["interim"] is True
    assert manifest["progress_known_on"] == "2024-03-07"
    for name in ("report.html", "report.pdf", "report.ipynb", "summary.json"):
        assert (kept / name).read_bytes() == (folder / name).read_bytes()
        assert manifest["files"][name] == hashlib.sha256((kept / name).read_bytes()).hexdigest()
    before = _files(kept)

    # Never replaced: issuing again, or with REPLACE.
    assert "already issued" in _one_line(run_module("helpers.publishing.issue", "--from-env", reports=reports))
    monkeypatch.setenv("REPLACE", "1")
    assert "never replaced" in _one_line(run_module("helpers.publishing.issue", "--from-env", reports=reports))
    monkeypatch.delenv("REPLACE")

    # Refreshed the next day: a new page beside the issued one, which is untouched; the index shows both.
    monkeypatch.setenv("REPORT_DATE", "2024-03-08")
    again = run_module("helpers.publishing.report", "--from-env", reports=reports)
    assert again.returncode == 0, again.stderr
    assert "8 March 2024 (interim report" in (folder / "report.html").read_text(encoding="utf-8")
    assert _files(kept) == before
    index = (reports / "index.html").read_text(encoding="utf-8")
    today = dt.date.today()  # issued with no meeting date: the index gives the day it was issued
    assert "Issued to " in index and f"on {today.day} {today:%B %Y}" in index
    assert "made again since, from the same data" in index

    # The decision sheet names the issued paper its decisions are on.
    from openpyxl import load_workbook

    sheets = run_module("helpers.cycle.decision_sheets", "--from-env", reports=reports)
    assert sheets.returncode == 0, sheets.stderr
    named = []
    for path in (reports / "2023-24-Q4" / "decisions").glob("*.xlsx"):
        named.append(str(load_workbook(path)["Decisions"]["A2"].value))
    assert any(f"issued/2023-24-Q4/{folder.name}/report.pdf" in text for text in named), named
    assert _files(kept) == before
