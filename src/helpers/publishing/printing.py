"""A job's PDF step: one browser, started beside the kernel, printing each report's page in the background.

The browser launches while the kernel boots, and prints each PDF while the kernel goes
on to the next report. A PDF is printed only when the page changed, or is missing; a
page made without a PDF never sits beside the PDF of an older page.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from pathlib import Path

from helpers.publishing.kernel import event_loop


class Printing:
    """The PDFs of one job: with `pdf`, one browser (helpers.publishing.pdf.Printer) kept for all of them."""

    def __init__(self, workdir: Path, warn: Callable[[str], None], pdf: bool, required: bool = False):
        from helpers.publishing.pdf import Printer

        self.printer = Printer(workdir, warn, required) if pdf else None
        self.loop = event_loop()
        self._browser: asyncio.Task | None = None
        self._printing: list[asyncio.Task] = []

    def start(self) -> None:
        """Launch the browser, if PDFs are wanted: it starts in a process of its own while the caller goes on."""
        if self.printer is not None:
            self._browser = self.loop.create_task(self.printer.start())

    def failure(self) -> str | None:
        """Why no PDF can be printed when PDFs are required (None if they can, or are not required): waits for
        the browser's launch, so that no report folder is written without its PDF."""
        if self.printer is None or not self.printer.required:
            return None
        if self._browser is not None and not self._browser.done():
            self.loop.run_until_complete(asyncio.shield(self._browser))
        return self.printer.failure

    def page_written(self, html_path: Path, changed: bool) -> None:
        """A report's page is written: print its PDF in the background if the page `changed` or the PDF is
        missing; without PDFs, remove one left from the previous page."""
        from helpers.publishing.pdf import pdf_path

        pdf = pdf_path(html_path)
        if self.printer is None:
            if changed:
                pdf.unlink(missing_ok=True)  # a PDF of the previous page would disagree with the new one
            return
        if changed or not pdf.exists():
            self._printing.append(self.loop.create_task(self._print_when_ready(html_path)))

    async def _print_when_ready(self, html_path: Path) -> None:
        """Print the page once the browser has started."""
        await self._browser
        await self.printer.pdf(html_path)

    def wait(self) -> None:
        """Wait for the browser's launch and every PDF still printing."""
        pending = [t for t in (self._browser, *self._printing) if t is not None]
        if pending:
            self.loop.run_until_complete(asyncio.gather(*pending))

    def closing(self) -> None:
        """The job is shutting down: errors from a browser going away are expected from now on."""
        if self.printer is not None:
            self.printer.closing = True

    def close(self) -> None:
        """Cancel the PDFs in progress, then close the browser (given 15 seconds)."""
        loop = self.loop
        for task in self._printing:
            task.cancel()
        with contextlib.suppress(BaseException):
            loop.run_until_complete(asyncio.gather(*self._printing, return_exceptions=True))
        if self.printer is not None:
            with contextlib.suppress(BaseException):
                loop.run_until_complete(asyncio.wait_for(self._close_browser(), 15))

    async def _close_browser(self) -> None:
        """Stop the browser's launch if it is still under way, then close the browser."""
        if self._browser is not None and not self._browser.done():
            self._browser.cancel()
            with contextlib.suppress(BaseException):
                await self._browser
        await self.printer.close()
