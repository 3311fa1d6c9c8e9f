"""Dorset's shipped plans rendered as a Word table, a PDF printed from it by LibreOffice, an .xlsx, an .ods
and a web page: importing each, then extracting, gives today's processed tables cell for cell (every
recommendation, response, action, lead role and target; only where each cell came from differs)."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest
from plan_documents import convert, soffice, write_docx, write_html, write_xlsx

from conftest import PROJECT
from helpers.plans.extract import extract, write
from helpers.plans.import_plan import import_plan

REVIEWS = ("2021-finance", "2022-progress")
# Where a cell came from is the one thing that differs; the 2022 plan's sections come from the summary
# headings of the text route, which its table does not show.
NOT_COMPARED = {"source_file", "source_lines"}
NEEDS_LIBREOFFICE = [
    pytest.mark.libreoffice,
    pytest.mark.slow,
    pytest.mark.skipif(soffice() is None, reason="LibreOffice (soffice) is not installed"),
]


@pytest.fixture(scope="module")
def documents(tmp_path_factory) -> Path:
    """The two plans as .docx, .xlsx and .html, made once for the module."""
    folder = tmp_path_factory.mktemp("rendered")
    for review in REVIEWS:
        write_docx(review, folder / f"{review}.docx")
        write_xlsx(review, folder / f"{review}.xlsx")
        write_html(review, folder / f"{review}.html")
    return folder


@pytest.fixture(scope="module")
def printed(documents) -> Path:
    """The Word files printed to PDF, and the workbooks saved as .ods, by LibreOffice headless (once)."""
    if soffice() is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    for review in REVIEWS:
        convert(documents / f"{review}.docx", "pdf", documents)
        convert(documents / f"{review}.xlsx", "ods", documents)
    return documents


def shipped(name: str, review: str, data: Path) -> list[dict[str, str]]:
    """A processed table's rows for one review."""
    with (data / "processed" / f"{name}.csv").open(encoding="utf-8", newline="") as f:
        return [r for r in csv.DictReader(f) if r["review_id"] == review]


def import_and_compare(document: Path, review: str, tmp_path: Path, monkeypatch) -> None:
    """Import the document into a copy of data/ for the review, extract, and compare every cell with today's."""
    data = tmp_path / "data"
    shutil.copytree(PROJECT / "data", data)
    monkeypatch.setenv("PEER_REVIEW_DATA", str(data))
    import_plan(document, review, None)
    write(extract())
    skip = NOT_COMPARED | ({"section"} if review == "2022-progress" else set())
    for name in ("recommendations", "actions", "action_leads"):
        today, imported = shipped(name, review, PROJECT / "data"), shipped(name, review, data)
        assert len(imported) == len(today), name
        for before, after in zip(today, imported, strict=True):
            assert {k: v for k, v in after.items() if k not in skip} == {
                k: v for k, v in before.items() if k not in skip
            }, name
    # Every action cites where it is in the imported document.
    assert all(not a["source_lines"].startswith("line") for a in shipped("actions", review, data))


@pytest.mark.parametrize("review", REVIEWS)
@pytest.mark.parametrize("suffix", ["docx", "xlsx", "html"])
def test_an_imported_plan_gives_todays_tables(documents, review, suffix, tmp_path, monkeypatch):
    import_and_compare(documents / f"{review}.{suffix}", review, tmp_path, monkeypatch)


@pytest.mark.parametrize("review", REVIEWS)
@pytest.mark.parametrize("suffix", [pytest.param(s, marks=NEEDS_LIBREOFFICE) for s in ("pdf", "ods")])
def test_a_plan_printed_by_libreoffice_gives_todays_tables(printed, review, suffix, tmp_path, monkeypatch):
    import_and_compare(printed / f"{review}.{suffix}", review, tmp_path, monkeypatch)


@pytest.mark.libreoffice
@pytest.mark.slow
def test_the_pdf_plan_joins_its_rows_split_by_page_breaks_and_drops_its_repeated_headings(
    printed, tmp_path, monkeypatch
):
    data = tmp_path / "data"
    shutil.copytree(PROJECT / "data", data)
    monkeypatch.setenv("PEER_REVIEW_DATA", str(data))
    screen = import_plan(printed / "2021-finance.pdf", "2021-finance", None)
    assert "found 48 recommendations, 48 actions" in screen
    assert "repeated headers" in screen  # the heading row LibreOffice repeats on each page
    assert "Rows joined across page breaks: 0" not in screen
    assert "Cells not placed: 0" in screen
    with (data / "transcriptions" / "2021-finance.provenance.csv").open(encoding="utf-8") as f:
        pages = {int(r["page"]) for r in csv.DictReader(f)}
    assert min(pages) == 1 and max(pages) > 2  # the table runs over several pages, each cell's page kept
