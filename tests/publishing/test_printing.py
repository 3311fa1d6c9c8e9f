"""A job's PDF step (helpers.publishing.printing): PDFs printed only for a page that changed, never left beside
a newer page."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import council_of
from helpers.base import config
from helpers.publishing.report import runs
from helpers.publishing.report_run import Settings
from helpers.publishing.runner import run_reports

CHROMIUM = Path("/usr/bin/chromium")


@pytest.mark.slow  # a whole report
@pytest.mark.skipif(not CHROMIUM.exists(), reason="Chromium not installed (`apt-get install chromium`)")
def test_a_backfill_prints_only_the_pdfs_whose_page_changed(tmp_path: Path):
    out = tmp_path / "reports"
    chosen = runs(None, True, None, out, council=council_of("2021-finance"))[-2:]  # the latest two quarters
    settings = Settings(config.REPORT_NOTEBOOK, out, pdf=True)
    assert [o.error for o in run_reports(chosen, settings)] == [None, None]
    before = {r.folder: (r.folder / "report.pdf").stat() for r in chosen}
    (chosen[0].folder / "report.html").write_text("an older page", encoding="utf-8")  # this one will change
    assert [o.error for o in run_reports(chosen, settings)] == [None, None]
    after = {r.folder: (r.folder / "report.pdf").stat() for r in chosen}
    changed, same = chosen[0].folder, chosen[1].folder
    assert (after[same].st_ino, after[same].st_mtime_ns) == (before[same].st_ino, before[same].st_mtime_ns)
    assert after[changed].st_ino != before[changed].st_ino  # printed again, and replaced whole
    assert (chosen[0].folder / "report.pdf").read_bytes().startswith(b"%PDF")


@pytest.mark.slow  # a whole report
def test_a_page_made_without_a_pdf_never_sits_beside_the_pdf_of_an_older_page(tmp_path: Path):
    out = tmp_path / "reports"
    [run] = runs("2023/24 Q4", False, None, out, council=council_of("2021-finance"))
    run.folder.mkdir(parents=True)
    (run.folder / "report.html").write_text("an older page", encoding="utf-8")
    (run.folder / "report.pdf").write_bytes(b"%PDF of the older page")
    settings = Settings(config.REPORT_NOTEBOOK, out, pdf=False)
    assert [o.error for o in run_reports([run], settings)] == [None]
    assert not (run.folder / "report.pdf").exists()
    (run.folder / "report.pdf").write_bytes(b"%PDF of this page")  # as printed from the page now there
    assert [o.error for o in run_reports([run], settings)] == [None]
    assert (run.folder / "report.pdf").read_bytes() == b"%PDF of this page"  # the page did not change


def _broken_chromium(tmp_path: Path) -> Path:
    """A `chromium` that exits at once, as one that cannot start does."""
    fake = tmp_path / "chromium"
    fake.write_text("#!/bin/sh\necho 'cannot start' >&2\nexit 1\n", encoding="utf-8")
    fake.chmod(0o755)
    return fake


def test_a_browser_that_cannot_start_fails_required_pdfs_and_skips_others_with_a_warning(tmp_path, monkeypatch):
    from helpers.publishing import pdf
    from helpers.publishing.printing import Printing

    monkeypatch.setattr(pdf, "CHROMIUM", str(_broken_chromium(tmp_path)))
    warned: list[str] = []
    required = Printing(tmp_path / "a", warned.append, pdf=True, required=True)
    required.start()
    failure = required.failure()
    required.close()
    assert failure.startswith("no PDF can be printed: Chromium did not start")
    assert failure.endswith("or REQUIRE_PDF=0 to write reports without PDFs") and warned == []
    skipped = Printing(tmp_path / "b", warned.append, pdf=True, required=False)
    skipped.start()
    assert skipped.failure() is None
    skipped.wait()
    skipped.close()
    assert len(warned) == 1 and warned[0].startswith("PDF skipped: Chromium did not start")


@pytest.mark.slow  # a whole report
def test_make_report_writes_no_pack_without_its_pdf_unless_require_pdf_is_0(tmp_path: Path, monkeypatch, capsys):
    from helpers.publishing import pdf, report

    monkeypatch.setattr(pdf, "CHROMIUM", str(_broken_chromium(tmp_path)))
    out = tmp_path / "reports"
    monkeypatch.setenv("PEER_REVIEW_REPORTS", str(out))
    monkeypatch.delenv("REQUIRE_PDF", raising=False)
    argv = ["--quarter", "2023/24 Q4", "--council", council_of("2021-finance"), "--jobs", "1"]
    assert report.main(argv) == 1
    assert "no PDF can be printed: Chromium did not start" in capsys.readouterr().err
    assert not list(out.glob("2023-24-Q4/*/report.html"))  # no agenda pack without its PDF
    monkeypatch.setenv("REQUIRE_PDF", "0")
    assert report.main(argv) == 0
    assert len(list(out.glob("2023-24-Q4/*/report.html"))) == 1
    assert "PDF skipped: Chromium did not start" in capsys.readouterr().err
