"""Issued papers and interim reports as the index, the decision sheet and `make issue` see them.

Made-up report folders (no notebook runs here); tests/publishing/test_interim_cycle.py runs the real commands.
Dates are worked out by hand: 2026/27 Q3 runs October to December 2026, so on 7 December 2026 it has not
ended and on 1 January 2027 it has.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from conftest import council_of, run_module, write
from helpers.base.errors import InputError
from helpers.publishing import index, issue
from helpers.publishing.index import Entry, refresh_command
from helpers.tracking.issued_papers import issued_papers, issued_to, read_manifest

COUNCIL, COMMITTEE = "Vale District Council", "Audit and Governance Committee"
FOLDER = "Vale-District-Council--Audit-and-Governance-Committee"


def _report(root: Path, quarter_folder: str, name: str, page: str, summary: dict) -> Path:
    folder = root / quarter_folder / name
    write(folder, "report.html", page)
    write(folder, "report.pdf", b"%PDF-1.7 made up")
    write(folder, "report.ipynb", "{}")
    write(folder, "summary.json", json.dumps(summary))
    return folder


def _issued(root: Path, quarter_folder: str, name: str, page: str, manifest: dict) -> Path:
    folder = root / "issued" / quarter_folder / name
    write(folder, "report.html", page)
    write(folder, "report.pdf", b"%PDF-1.7 made up")
    write(folder, "issued.json", json.dumps(manifest))
    return folder


def test_the_refresh_command_for_a_quarter_not_ended_asks_for_an_interim_report():
    entry = Entry("2026/27 Q3", Path("x"), COUNCIL, COMMITTEE, {})
    assert refresh_command(entry, dt.date(2026, 12, 7)) == (
        'make report QUARTER="2026/27 Q3" COUNCIL="Vale District Council" INTERIM=1'
    )
    assert refresh_command(entry, dt.date(2026, 12, 31)).endswith(" INTERIM=1")  # its last day: not ended
    assert (
        refresh_command(entry, dt.date(2027, 1, 1))
        == 'make report QUARTER="2026/27 Q3" COUNCIL="Vale District Council"'
    )


def test_the_index_marks_an_interim_report_and_the_paper_the_committee_considered(tmp_path):
    summary = {"quarter": "2026/27 Q3", "council": COUNCIL, "committee": COMMITTEE}
    interim = {**summary, "interim": True, "progress_known_on": "2026-12-07"}
    _report(tmp_path, "2026-27-Q3", FOLDER + "--interim", "<h1>refreshed page</h1>", interim)
    manifest = {**summary, "interim": True, "issued_on": "2026-12-07", "meeting_date": "2026-12-10"}
    _issued(tmp_path, "2026-27-Q3", FOLDER + "--interim", "<h1>issued page</h1>", manifest)
    text = index.page(tmp_path)
    assert "2026/27 Q3: Audit and Governance Committee (interim)" in text
    assert "interim report, progress known on 7 December 2026" in text
    assert "Issued to Audit and Governance Committee for its meeting on 10 December 2026" in text
    assert f'href="issued/2026-27-Q3/{FOLDER}--interim/report.html"' in text
    assert "made again since." in text  # neither records its data: no claim about it


def test_an_issued_paper_whose_page_is_unchanged_is_the_report_beside_it(tmp_path):
    summary = {"quarter": "2023/24 Q4", "council": COUNCIL, "committee": COMMITTEE}
    _report(tmp_path, "2023-24-Q4", FOLDER, "<h1>same page</h1>", summary)
    _issued(tmp_path, "2023-24-Q4", FOLDER, "<h1>same page</h1>", {**summary, "issued_on": "2024-05-02"})
    text = index.page(tmp_path)
    assert "Issued to Audit and Governance Committee on 2 May 2024" in text  # no meeting date: the day issued
    assert "the report above is that paper" in text and "refreshed since" not in text


def test_issued_papers_are_read_from_their_manifests(tmp_path):
    manifest = {"quarter": "2026/27 Q3", "council": COUNCIL, "committee": COMMITTEE, "issued_on": "2026-12-07"}
    folder = _issued(tmp_path, "2026-27-Q3", FOLDER, "<h1>p</h1>", manifest)
    _issued(tmp_path, "2026-27-Q3", "Other--Cabinet", "<h1>p</h1>", {**manifest, "council": "Other"})
    (tmp_path / "issued" / "2026-27-Q3" / "no-manifest").mkdir()
    assert [p.folder for p in issued_to("2026/27 Q3", COUNCIL, COMMITTEE, tmp_path)] == [folder]
    assert len(issued_papers("2026/27 Q3", tmp_path)) == 2 and issued_papers("2026/27 Q4", tmp_path) == []
    paper = read_manifest(folder)
    assert paper.describe().endswith("report.pdf, issued to Audit and Governance Committee on 7 December 2026")
    assert (paper.quarter, paper.council, paper.interim) == ("2026/27 Q3", COUNCIL, False)
    interim = _issued(tmp_path, "2026-27-Q3", "Interim--Cabinet", "<h1>p</h1>", {**manifest, "interim": True})
    assert read_manifest(interim).interim  # an interim paper is known as one from its manifest


def test_issuing_again_is_refused_in_one_line(tmp_path):
    manifest = {"quarter": "2026/27 Q3", "council": COUNCIL, "committee": COMMITTEE, "issued_on": "2026-12-07"}
    folder = _issued(tmp_path, "2026-27-Q3", FOLDER, "<h1>p</h1>", manifest)
    with pytest.raises(InputError) as err:
        issue.refuse_replacing(folder)
    assert "already issued" in str(err.value) and "is never replaced" in str(err.value)
    assert "\n" not in str(err.value)


def test_make_issue_refuses_replace_whatever_its_value(tmp_path, monkeypatch):
    monkeypatch.setenv("QUARTER", "2023/24 Q4")
    for value in ("1", "yes"):
        monkeypatch.setenv("REPLACE", value)
        result = run_module("helpers.publishing.issue", "--from-env", reports=tmp_path)
        assert result.returncode == 1
        assert result.stderr.strip().splitlines() == [
            "error: make issue takes no REPLACE: an issued paper is never replaced (a public record)"
        ]
    assert not (tmp_path / "issued").exists()


def test_make_issue_refuses_a_report_not_made_yet(tmp_path, monkeypatch):
    council = council_of("2021-finance")
    monkeypatch.setenv("QUARTER", "2023/24 Q4")
    monkeypatch.setenv("COUNCIL", council)
    monkeypatch.delenv("REPLACE", raising=False)
    result = run_module("helpers.publishing.issue", "--from-env", reports=tmp_path)
    assert result.returncode == 1 and len(result.stderr.strip().splitlines()) == 1
    assert "has no report.html, report.pdf, report.ipynb, summary.json to issue" in result.stderr
    assert f'run `make report QUARTER="2023/24 Q4" COUNCIL="{council}"` first' in result.stderr
    assert not (tmp_path / "issued").exists()


def _interim_issue_env(monkeypatch, reports: Path) -> str:
    """make issue's environment for the interim 2024/25 Q1 paper made on 25 June 2024, for a meeting on 2 July."""
    council = council_of("2021-finance")
    for name, value in (
        ("QUARTER", "2024/25 Q1"),
        ("COUNCIL", council),
        ("MEETING_DATE", "2024-07-02"),
        ("INTERIM", "1"),
        ("REPORT_DATE", "2024-06-25"),
        ("PEER_REVIEW_REPORTS", str(reports)),
    ):
        monkeypatch.setenv(name, value)
    for name in ("REPLACE", "REVIEWS"):
        monkeypatch.delenv(name, raising=False)
    return council


def test_make_issue_of_an_interim_report_not_made_names_a_command_that_works(tmp_path, monkeypatch):
    # 2024/25 Q1 ends on 30 June 2024: on 1 July an interim report of it is refused unless made as of a day
    # before, so the command named must carry the report's own day (REPORT_DATE=2024-06-25).
    from helpers.publishing.report import runs

    council = _interim_issue_env(monkeypatch, tmp_path)
    result = run_module("helpers.publishing.issue", "--from-env", reports=tmp_path)
    assert result.returncode == 1 and len(result.stderr.strip().splitlines()) == 1, result.stderr
    command = (
        f'make report QUARTER="2024/25 Q1" COUNCIL="{council}" MEETING_DATE=2024-07-02 INTERIM=1 REPORT_DATE=2024-06-25'
    )
    assert f"run `{command}` first" in result.stderr
    [run] = runs("2024/25 Q1", False, None, tmp_path, True, dt.date(2024, 6, 25), council)  # what it makes
    assert run.known_on == "2024-06-25"
    with pytest.raises(InputError, match="has ended"):
        runs("2024/25 Q1", False, None, tmp_path, True, dt.date(2024, 7, 1), council)  # without REPORT_DATE


def test_an_interim_paper_is_recorded_as_issued_on_the_day_make_issue_runs(tmp_path, monkeypatch):
    council = _interim_issue_env(monkeypatch, tmp_path)
    run = issue.plan("2024/25 Q1", council, None, True, dt.date(2024, 6, 25))
    summary = {"quarter": "2024/25 Q1", "council": council, "interim": True, "progress_known_on": "2024-06-25"}
    _report(tmp_path, run.folder.parent.name, run.folder.name, "<h1>interim</h1>", summary)
    # The report is made up here, so the data check is left out; the real commands: test_interim_cycle.py.
    monkeypatch.setattr(issue, "check_ready", lambda run, meeting: meeting)
    before = dt.date.today()
    assert issue.main(["--from-env"]) == 0
    manifest = json.loads((tmp_path / "issued" / "2024-25-Q1" / run.folder.name / "issued.json").read_text())
    assert manifest["issued_on"] in {before.isoformat(), dt.date.today().isoformat()}
    assert manifest["issued_on"] != "2024-06-25"
    assert (manifest["progress_known_on"], manifest["meeting_date"], manifest["interim"]) == (
        "2024-06-25",
        "2024-07-02",
        True,
    )
    paper = read_manifest(tmp_path / "issued" / "2024-25-Q1" / run.folder.name)
    assert paper.progress_known_on == "2024-06-25" and paper.interim
