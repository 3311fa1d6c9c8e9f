"""The index page (helpers.publishing.index) on made-up report folders: no notebook runs here."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import write
from helpers.publishing import index

COUNCIL, COMMITTEE = "Vale District Council", "Audit and Governance Committee"
FOLDER = "Vale-District-Council--Audit-and-Governance-Committee"
SUMMARY = {"quarter": "2024/25 Q1", "council": COUNCIL, "committee": COMMITTEE}


def _report(root: Path, page: str, digest: str) -> None:
    folder = root / "2024-25-Q1" / FOLDER
    write(folder, "report.html", page)
    write(folder, "summary.json", json.dumps({**SUMMARY, "inputs": {"digest": digest}}))


def _issued(root: Path, page: str, digest: str) -> None:
    folder = root / "issued" / "2024-25-Q1" / FOLDER
    write(folder, "report.html", page)
    write(folder, "summary.json", json.dumps({**SUMMARY, "inputs": {"digest": digest}}))
    manifest = {**SUMMARY, "issued_on": "2024-07-20", "meeting_date": "2024-07-25", "inputs_digest": digest}
    write(folder, "issued.json", json.dumps(manifest))


def test_a_report_made_again_from_the_same_data_is_not_said_to_be_from_later_data(tmp_path):
    # Only the meeting date on the page differs: the data digest is the one the issued paper was made from.
    _issued(tmp_path, "<p>meeting 25 July 2024</p>", "same-data")
    _report(tmp_path, "<p>meeting 1 August 2024</p>", "same-data")
    text = index.page(tmp_path)
    assert "Issued to Audit and Governance Committee for its meeting on 25 July 2024" in text
    assert "the report above was made again since, from the same data." in text
    assert "later data" not in text


def test_a_report_made_from_different_data_is_said_to_be_from_later_data(tmp_path):
    _issued(tmp_path, "<p>as issued</p>", "data-then")
    _report(tmp_path, "<p>with new returns</p>", "data-now")
    assert "the report above was refreshed since, from later data." in index.page(tmp_path)


def test_an_issued_paper_without_a_data_digest_claims_neither(tmp_path):
    _issued(tmp_path, "<p>as issued</p>", "data-then")
    write(tmp_path / "2024-25-Q1" / FOLDER, "report.html", "<p>made again</p>")
    write(tmp_path / "2024-25-Q1" / FOLDER, "summary.json", json.dumps(SUMMARY))  # an old summary: no digest
    text = index.page(tmp_path)
    assert "the report above was made again since." in text
    assert "same data" not in text and "later data" not in text
