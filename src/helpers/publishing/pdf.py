"""report.pdf: the finished report.html printed by Debian's Chromium (the engine the browser test uses).

One browser per job, launched while the job's first notebook runs, prints each
report as its HTML is written: A4, the report's title as a running header and
"Page N of M" (both 9 pt), landscape pages for the sections that hold wide tables
(the template's `@page wide`, marked by helpers.publishing.print_layout). The PDF is tagged
(headings, lists, tables with their header cells, charts' alt text, the page's
`lang`), so screen readers can read it, and has bookmarks made from the headings.
Its Contents gives each section's page (helpers.publishing.contents_pages: printed twice).
The PDF goes to a temporary file beside the HTML and is renamed into place when
complete; a PDF that cannot be printed is removed, never left beside a newer HTML.
When Chromium is missing or cannot start, the report fails with one line and no folder
is written (a committee pack without its PDF is no pack); with REQUIRE_PDF=0 the HTML is
written and one line says the PDF was skipped, as for a machine without Chromium.

The browser and Playwright's driver keep their temporary files (profile, sockets,
Chromium's Singleton files) in a short folder of our own under /tmp, whatever TMPDIR is:
a Unix socket's path may not pass 107 bytes, and Chromium does not start when TMPDIR is
long. It is removed when the browser closes.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from helpers.base import config
from helpers.publishing import contents_pages

PDF_FILE = "report.pdf"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
_HEADER = (
    '<div style="font-size:12px;width:100%;margin:0 14mm;color:#444;font-family:sans-serif">'
    '<span class="title"></span></div>'
)
_FOOTER = (
    '<div style="font-size:12px;width:100%;margin:0 14mm;text-align:right;color:#444;font-family:sans-serif">'
    'Page <span class="pageNumber"></span> of <span class="totalPages"></span></div>'
)
_MARGINS = {"top": "18mm", "bottom": "18mm", "left": "14mm", "right": "14mm"}


def _options() -> dict:
    """How Chromium prints a report (Playwright's page.pdf arguments)."""
    return {
        "format": "A4",
        "print_background": True,
        "prefer_css_page_size": True,
        "display_header_footer": True,
        "header_template": _HEADER,
        "footer_template": _FOOTER,
        "margin": _MARGINS,
        "tagged": True,  # structure for screen readers: headings, tables, lists, alt text; /Lang
        "outline": True,  # bookmarks from the headings (Chromium builds them from the tags); the Contents' numbers
    }


def pdf_path(html_path: Path) -> Path:
    """report.pdf beside report.html."""
    return html_path.with_name(PDF_FILE)


@contextlib.contextmanager
def _temporary_files_in(folder: Path):
    """Processes started inside this block keep their temporary files in `folder` (TMPDIR)."""
    before = os.environ.get("TMPDIR")
    os.environ["TMPDIR"] = str(folder)
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("TMPDIR", None)
        else:
            os.environ["TMPDIR"] = before


SHORT_TMP = "/tmp"  # noqa: S108 - mkdtemp makes a private folder of a random name there; where the browser's own folder goes: a short path on every Linux


def short_temporary_folder() -> Path:
    """A new folder of our own with a short path (/tmp/prt-xxxxxxxx), for the browser's profile and sockets."""
    base = SHORT_TMP if os.access(SHORT_TMP, os.W_OK | os.X_OK) else None
    return Path(tempfile.mkdtemp(prefix="prt-", dir=base))


class Printer:
    """One Chromium, kept for every PDF of a job; its temporary files go to a short folder of its own."""

    def __init__(self, workdir: Path, warn: Callable[[str], None], required: bool = False):
        self.workdir, self.warn, self.required = Path(workdir), warn, required
        self.browser: Any = None
        self._pw: Any = None
        self._own: Path | None = None
        self.available = True
        self.failure: str | None = None  # why Chromium did not start, when PDFs are required
        self.closing = False  # set when the job stops: errors from a browser going away are expected

    def _unavailable(self, why: str, fix: str) -> None:
        """No PDFs: with PDFs required the reports fail with `why`; else one warning that they are skipped."""
        self.available = False
        if self.required:
            self.failure = f"no PDF can be printed: {why}; {fix}, or REQUIRE_PDF=0 to write reports without PDFs"
        elif not self.closing:
            self.warn(f"PDF skipped: {why}")

    async def start(self) -> None:
        """Launch Chromium; without it, mark the printer unavailable (and say so once, or fail the reports)."""
        if not Path(CHROMIUM).exists():
            self._unavailable(f"{CHROMIUM} is not installed", "install Debian's chromium (`apt-get install chromium`)")
            return
        try:
            from playwright.async_api import async_playwright

            self._own = short_temporary_folder()
            with _temporary_files_in(self._own):
                self._pw = await async_playwright().start()
            self.browser = await self._pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        except Exception as err:
            first = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
            self._unavailable(f"Chromium did not start ({first})", "check that `chromium --version` runs")
            await self.close()

    async def pdf(self, html_path: Path) -> Path | None:
        """Print `html_path` to report.pdf beside it; None (with a warning) if it could not be printed."""
        target = pdf_path(html_path)
        if not self.available:
            return None
        page = None
        try:
            page = await self.browser.new_page()
            await page.goto(html_path.as_uri())
            # The bytes, not `path=`: Playwright would write the file from a thread of its own, which could
            # still be writing after an interrupted job has cleaned up.
            data = await contents_pages.numbered(page, lambda: page.pdf(**_options()))
        except Exception as err:
            target.unlink(missing_ok=True)  # never leave a PDF of an older report beside a new HTML
            if not self.closing:
                first = str(err).strip().splitlines()[0] if str(err).strip() else "no detail"
                self.warn(f"PDF for {config.relative(html_path.parent)} not written ({first})")
            return None
        finally:
            if page is not None:
                with contextlib.suppress(Exception):
                    await page.close()
        try:
            _write_whole(target, data)
        except OSError as err:
            target.unlink(missing_ok=True)
            self.warn(f"PDF for {config.relative(html_path.parent)} not written ({err.strerror})")
            return None
        return target

    async def close(self) -> None:
        """Close the browser and stop Playwright's driver (quietly: they may be gone already)."""
        self.closing = True
        browser, pw, self.browser, self._pw = self.browser, self._pw, None, None
        if browser is not None:
            with contextlib.suppress(Exception):
                await browser.close()
        if pw is not None:
            with contextlib.suppress(Exception):
                await pw.stop()
        if self._own is not None:
            shutil.rmtree(self._own, ignore_errors=True)
            self._own = None


def _write_whole(target: Path, data: bytes) -> None:
    """Write the PDF beside its target and rename it into place: readers see the old file or the new one."""
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.chmod(tmp, 0o644)  # mkstemp makes files private; reports are for everyone to read
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def print_once(html_path: Path, workdir: Path) -> Path | None:
    """Launch Chromium, print one finished report.html, close it: the bare print the benchmark compares with."""
    import asyncio

    async def run() -> Path | None:
        printer = Printer(workdir, warn=print)
        await printer.start()
        try:
            return await printer.pdf(html_path)
        finally:
            await printer.close()

    return asyncio.run(run())
