"""One job: a Jupyter kernel and, with PDFs, one browser, kept for every report the job makes.

The kernel starts before anything else (it boots in its own process while the command
checks its input), papermill runs each report's notebook in it
(helpers.publishing.notebook_run), and the browser prints each PDF while the kernel goes
on to the next report (helpers.publishing.printing). A job does its work, its imports
included, in one thread: the notebook machinery and IPython are never imported from two
threads at once (that race made `make report` fail now and then).
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

from helpers.publishing import notebook_run
from helpers.publishing.kernel import Kernel, event_loop
from helpers.publishing.printing import Printing
from helpers.publishing.report_folder import failed_name
from helpers.publishing.report_run import Outcome, Run, Settings


class Job:
    """One kernel, and with PDFs one browser, kept for every report the job makes."""

    def __init__(self, settings: Settings, workdir: Path, warn: Callable[[str], None]):
        self.settings, self.workdir, self.warn = settings, workdir, warn
        self.kernel = Kernel(workdir / "kernel", settings.kernel_name, settings.notebook.parent)
        self.printing = Printing(workdir / "browser", warn, settings.pdf, settings.require_pdf)
        self.loop = event_loop()
        self._declared: set[str] | None = None
        self._exporter_warm = False

    def start(self) -> None:
        """Launch the kernel and the browser: they start in processes of their own while the caller goes on."""
        self.kernel.launch()
        self.printing.start()
        self.pump()

    def pump(self) -> None:
        """Let the event loop handle what has arrived (the browser's launch goes a step further each time)."""
        self.loop.run_until_complete(asyncio.sleep(0))

    def warm(self) -> None:
        """Import papermill and read the notebook's parameters, while the kernel warms up. (The exporter is
        warmed while the kernel runs the first report's first cells: `make`.)"""
        import papermill  # noqa: F401 - imported here, while the kernel boots

        self.pump()
        self._declared = notebook_run.declared_parameters(self.settings.notebook)
        self.pump()
        # What is imported so far stays to the end: left out of the garbage collector's passes, which would
        # otherwise walk it again and again while the reports are made.
        gc.freeze()

    def _parameters(self, run: Run) -> dict[str, Any]:
        """The values this run gives the notebook: only parameters it declares (papermill's inspection)."""
        if self._declared is None:
            self.warm()
        return notebook_run.parameters(run, self.settings, self._declared)

    def make(self, run: Run) -> Outcome:
        """Run the notebook for one report and write its folder; its PDF prints in the background."""
        import papermill  # noqa: F401 - before the engine, which papermill loads through its entry point
        from nbclient.exceptions import DeadKernelError
        from papermill.exceptions import PapermillExecutionError

        made = notebook_run.made_from(run)  # before the notebook reads the data: a change meanwhile marks the report
        out_root = self.settings.out_root
        name = failed_name(out_root, run.folder)
        staged = self.workdir / f"{name}.ipynb"
        try:
            warming = None if self._exporter_warm else notebook_run.warm_exporter
            nb = notebook_run.execute(self.settings, self._parameters(run), staged, self.kernel, warming)
            self._exporter_warm = True
        except PapermillExecutionError as err:
            return notebook_run.failed(run, staged, err, out_root, name)
        except DeadKernelError:
            self.kernel.shutdown()  # the next report starts a new one
            return notebook_run.failed(run, staged, None, out_root, name)
        no_pdf = self.printing.failure()
        if no_pdf:  # a committee pack without its PDF: nothing written
            return Outcome(run, None, f"report for {run.name}: {no_pdf}")
        target, changed = notebook_run.write_folder(run, nb, staged, made, out_root, name)
        self.printing.page_written(target, changed)
        return Outcome(run, target)

    def finish(self) -> None:
        """The job's last report is written: stop the kernel (freeing its core), then wait for the PDFs."""
        self.kernel.shutdown()
        self.printing.wait()

    def close(self, stopping: bool = False) -> None:
        """Shut everything down, finished or `stopping` (interrupted, or failed): PDFs in progress, browser,
        kernel, temporary files."""
        import logging

        self.printing.closing()
        if stopping:
            # A cell cut short, or futures a vanishing browser driver leaves behind, would be reported on
            # the way out: after a stop there is nothing more to say.
            logging.getLogger("papermill").disabled = True
            self.loop.set_exception_handler(lambda loop, context: None)
        self.printing.close()
        self._cancel_leftovers()
        with contextlib.suppress(BaseException):
            self.kernel.shutdown()
        shutil.rmtree(self.workdir, ignore_errors=True)

    def _cancel_leftovers(self) -> None:
        """Cancel what is left on the event loop (nbclient's tasks, if a cell was interrupted)."""
        loop = self.loop
        leftover = [t for t in asyncio.all_tasks(loop) if not t.done()]  # nbclient's, if a cell was interrupted
        for task in leftover:
            task.cancel()
        with contextlib.suppress(BaseException):
            loop.run_until_complete(asyncio.gather(*leftover, return_exceptions=True))
