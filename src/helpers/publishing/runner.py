"""Making reports: each report's notebook run by papermill, then its HTML, its folder and its PDF.

A report is for one quarter, one council and one committee (helpers.publishing.report decides which
reports a command makes); each is a Run (helpers.publishing.report_run), and gets its own folder
(helpers.publishing.report_folder).

A job is one Jupyter kernel and one browser, kept for every report the job makes
(helpers.publishing.job): the kernel starts before anything else (it boots in its own
process while the command checks its input), papermill runs each report's notebook in it
through our engine (helpers.publishing.notebook_run, helpers.publishing.engine), the HTML
exporter is built while the kernel runs the first report's first cells, and the browser
prints each PDF while the kernel goes on to the next report (helpers.publishing.printing).
A PDF is printed only when the page changed, or is missing.

Several jobs (`--jobs`) are separate processes: the command's own and one more per
extra job, taking reports from a shared queue (helpers.publishing.workers). Each process
does its work, its imports included, in one thread: the notebook machinery and IPython are
never imported from two threads at once (that race made `make report` fail now and then).

Ctrl-C and SIGTERM stop a run within seconds: every kernel and browser is shut down,
their temporary files removed, nothing half-written is left (each report folder is
written all or nothing), and the caller writes the index of what finished
(helpers.publishing.interrupts).
"""

from __future__ import annotations

import asyncio
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from helpers.publishing.interrupts import STOP, no_more_interrupts, stop_strays
from helpers.publishing.job import Job
from helpers.publishing.kernel import KernelFailed
from helpers.publishing.notebook_run import skip_slow_optional_imports
from helpers.publishing.report_run import Outcome, ReportFailed, Run, Settings
from helpers.publishing.workers import Workers, job_count

WORKROOT_PREFIX = "peer-review-report-"  # the run's temporary folder: kernels' and browsers' files


def run_reports(
    plan: list[Run] | Callable[[], list[Run]],
    settings: Settings,
    jobs: int = 1,
    on_outcome: Callable[[Outcome], None] = lambda o: None,
    on_planned: Callable[[int], None] = lambda n: None,
    warn: Callable[[str], None] = lambda m: None,
) -> list[Outcome]:
    """Make every report in `plan`, `jobs` at a time, each job's kernel reused for its next report.

    `plan` may be a function that checks the input and returns the runs: it runs while the first
    kernel boots. `jobs` is capped by `job_count`. Each report succeeds or fails
    on its own; a kernel that will not start stops everything (KernelFailed). Ctrl-C or SIGTERM raise
    KeyboardInterrupt (Terminated) once every kernel and browser is shut down; reports written stay.
    """
    _refuse_inside_an_event_loop()
    skip_slow_optional_imports()
    making = _Making(settings, Path(tempfile.mkdtemp(prefix=WORKROOT_PREFIX)), on_outcome, warn)
    try:
        try:
            runs = making.make_all(plan, jobs, on_planned)
        except Exception as err:
            STOP.check(err)  # the event loop stopped by Ctrl-C or SIGTERM: the interrupt
            raise
    finally:
        making.clean_up()
    return _in_order(making.outcomes + _not_made(runs, making.outcomes))


def _refuse_inside_an_event_loop() -> None:
    """Each job runs its own event loop: refuse to start from inside a running one (a notebook's, say)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        pass  # as it should be: each job runs its own event loop
    else:
        raise ReportFailed(
            "reports cannot be made from inside a running event loop (a notebook, say): "
            "run `python -m helpers.publishing.report` instead"
        )


class _Making:
    """The reports of one command being made: this process's job, the workers, and the outcomes so far."""

    def __init__(
        self, settings: Settings, workroot: Path, on_outcome: Callable[[Outcome], None], warn: Callable[[str], None]
    ):
        self.settings, self.workroot, self.on_outcome, self.warn = settings, workroot, on_outcome, warn
        self.job: Job | None = None
        self.workers: Workers | None = None
        self.outcomes: list[Outcome] = []

    def make_all(
        self, plan: list[Run] | Callable[[], list[Run]], jobs: int, on_planned: Callable[[int], None]
    ) -> list[Run]:
        """Start this process's job, plan the runs while its kernel boots, share them out, and make them."""
        self.job = job = Job(self.settings, self.workroot / "job-0", self.warn)
        job.start()
        runs = plan() if callable(plan) else plan
        job.pump()
        on_planned(len(runs))
        todo = self._share(runs, job_count(jobs, len(runs)))
        job.warm()
        for run in todo:
            self._finish(job.make(run))
            self._hear_workers(wait=False)
        job.finish()
        self._hear_workers(wait=True)
        return runs

    def _share(self, runs: list[Run], jobs: int) -> Iterator[Run]:
        """This process's job's runs: all of them, or with extra jobs those it takes from the shared queue."""
        if jobs > 1:
            self.workers = Workers(self.settings, self.workroot, runs, jobs - 1)
            return iter(self.workers.next_run, None)
        return iter(runs)

    def _finish(self, outcome: Outcome) -> None:
        """One report is made, or failed: keep its outcome and tell the caller."""
        self.outcomes.append(outcome)
        self.on_outcome(outcome)

    def _hear_workers(self, wait: bool) -> None:
        """Take the workers' messages so far (and, if `wait`, until they have all finished)."""
        for kind, value in self.workers.messages(wait=wait) if self.workers else ():
            self._hear(kind, value)

    def _hear(self, kind: str, value: Any) -> None:
        """One message from a worker: a report's outcome, a warning, or a kernel that would not start."""
        if kind == "outcome":
            self._finish(value)
        elif kind == "warn":
            self.warn(value)
        elif kind == "stop":
            raise KernelFailed(value)

    def clean_up(self) -> None:
        """Shut down every job and worker and remove the run's temporary folder; called from `run_reports`'
        `finally`, so the error or interrupt on its way out (if any) says the run is stopping."""
        with no_more_interrupts():
            if self.job is not None:
                self.job.close(stopping=sys.exc_info()[0] is not None)
            if self.workers is not None:
                self.workers.stop()
            stop_strays(self.workroot)
            shutil.rmtree(self.workroot, ignore_errors=True)


def _not_made(runs: list[Run], outcomes: list[Outcome]) -> list[Outcome]:
    """An outcome for each run no job finished (its job stopped)."""
    made = {o.run.folder for o in outcomes}
    lost = [r for r in runs if r.folder not in made]
    return [Outcome(r, None, f"report for {r.name}: not made (its job stopped)") for r in lost]


def _in_order(outcomes: list[Outcome]) -> list[Outcome]:
    """Outcomes sorted by quarter, then council, committee and whether the reviews are a selection."""
    from helpers.base import quarters

    return sorted(
        outcomes, key=lambda o: (quarters.parse_quarter(o.quarter), o.run.council, o.run.committee, o.run.selection)
    )
