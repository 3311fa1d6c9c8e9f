"""Making reports: each report's notebook run by papermill, then its HTML, its folder and its PDF.

A report is for one quarter, one council and one committee (helpers.publishing.report decides which
reports a command makes); each is a Run, and gets its own folder (helpers.publishing.report_folder).

A job is one Jupyter kernel and one browser, kept for every report the job makes:
the kernel starts before anything else (it boots in its own process while the
command checks its input), papermill runs each report's notebook in it through
our engine (helpers.publishing.engine), the HTML exporter is built while the kernel runs the
first report's first cells, and the browser prints each PDF while the kernel goes
on to the next report. A PDF is printed only when the page changed, or is missing.

Several jobs (`--jobs`) are separate processes: the command's own and one more per
extra job, taking reports from a shared queue. Each process does its work, its
imports included, in one thread: the notebook machinery and IPython are never
imported from two threads at once (that race made `make report` fail now and then).

Ctrl-C and SIGTERM stop a run within seconds: every kernel and browser is shut down,
their temporary files removed, nothing half-written is left (each report folder is
written all or nothing), and the caller writes the index of what finished.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import os
import shutil
import signal
import sys
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from helpers.base import config
from helpers.base.errors import InputError
from helpers.publishing.kernel import KERNEL_NAME, START_TIMEOUT, Kernel, KernelFailed, event_loop
from helpers.publishing.report_folder import (
    REPORT_FILE,
    clear_failed,
    failed_name,
    keep_failed,
    summary_of,
    write_report,
)

WORKROOT_PREFIX = "peer-review-report-"  # the run's temporary folder: kernels' and browsers' files
# Cells the executed copy adds; not counted, so cell numbers match the notebook an analyst opens.
_ADDED_TAGS = {"injected-parameters", "papermill-error-cell-tag"}


class ReportFailed(Exception):
    """A report could not be made; the message says where and what to check."""


class Terminated(KeyboardInterrupt):
    """SIGTERM: stop as Ctrl-C does (the command then exits 143, not 130)."""


@dataclass(frozen=True)
class Run:
    """One report to make: a quarter ("2023/24 Q4"), the council and committee it is for ("" where no committee
    is named), the reviews the notebook is given, its folder, and whether those reviews are a selection
    (REVIEWS) rather than all the council's reviews for that committee."""

    quarter: str
    council: str
    committee: str
    reviews: tuple[str, ...]
    folder: Path
    selection: bool = False

    @property
    def name(self) -> str:
        """ "2023/24 Q4, Vale District Council, Audit and Governance Committee" (as messages name a report)."""
        selected = f" (reviews {', '.join(self.reviews)})" if self.selection else ""
        return f"{self.quarter}, {self.council}, {self.committee or 'committee not named'}{selected}"


@dataclass(frozen=True)
class Settings:
    """What every report of a command shares."""

    notebook: Path
    out_root: Path
    meeting_date: str | None = None
    forecast: bool = False
    pdf: bool = False
    kernel_name: str = KERNEL_NAME


@dataclass(frozen=True)
class Outcome:
    """What became of one Run: the report's HTML, or why there is none."""

    run: Run
    path: Path | None
    error: str | None = None

    @property
    def quarter(self) -> str:
        """The quarter of the run, as its label."""
        return self.run.quarter


def skip_slow_optional_imports() -> None:
    """jsonschema (imported by nbformat, so by papermill) loads rfc3987_syntax, if installed, for its "iri"
    format checker, and that compiles a grammar at import: 1.5 s or more. Notebook schemas use no such
    format, so the report command goes without it."""
    if "jsonschema" not in sys.modules:
        sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]


# --- Signals ------------------------------------------------------------------------------------


class _Stop:
    """Ctrl-C and SIGTERM, taken at a safe point.

    An exception raised from a signal handler can land anywhere, in the middle of a library
    sending a message to the browser or the kernel, and leave it half-done. So while the event
    loop runs (papermill's cells, the browser's printing), a signal only stops the loop: the
    work in flight stays intact for the clean-up to close, and the caller turns the loop's
    "stopped" error into the interrupt. In our own code, between steps, it is raised at once.
    """

    signum: int | None = None

    def handler(self, signum: int, frame: Any) -> None:
        if self.signum is None:
            self.signum = signum
        loop = event_loop()
        if loop.is_running():
            loop.call_soon_threadsafe(loop.stop)
        else:
            raise self.exception()

    def exception(self) -> KeyboardInterrupt:
        return Terminated() if self.signum == signal.SIGTERM else KeyboardInterrupt()

    def check(self, err: BaseException) -> None:
        """Re-raise `err` as the interrupt if it is the loop stopped by a signal (or the interrupt itself)."""
        if self.signum is not None and not isinstance(err, KeyboardInterrupt):
            raise self.exception() from None


_STOP = _Stop()


@contextlib.contextmanager
def stopping_on_signals(signals: tuple[int, ...] = (signal.SIGINT, signal.SIGTERM)) -> Iterator[None]:
    """In this block Ctrl-C and SIGTERM stop the run at a safe point, as KeyboardInterrupt or Terminated."""
    _STOP.signum = None
    before = {s: signal.signal(s, _STOP.handler) for s in signals}
    try:
        yield
    finally:
        for s, handler in before.items():
            signal.signal(s, handler)
        _STOP.signum = None


@contextlib.contextmanager
def _no_more_interrupts() -> Iterator[None]:
    """While cleaning up after a stop, a second Ctrl-C or SIGTERM must not cut the clean-up short."""
    before = {s: signal.signal(s, signal.SIG_IGN) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for s, handler in before.items():
            signal.signal(s, handler)


def _stop_strays(workroot: Path) -> None:
    """Kill any process still running from the run's temporary folder (a kernel or browser whose owner was
    interrupted between starting it and recording it). Linux only: elsewhere there is nothing to scan."""
    needle = str(workroot).encode()
    for entry in Path("/proc").glob("[0-9]*") if Path("/proc").is_dir() else []:
        with contextlib.suppress(OSError, ValueError):
            if int(entry.name) != os.getpid() and needle in (entry / "cmdline").read_bytes():
                os.kill(int(entry.name), signal.SIGKILL)


# --- One job: a kernel and a browser ------------------------------------------------------------


def _failed_cell(err: Any, nb: Any) -> str:
    """ "cell 7 (`reports.table(...)`): ValueError: ..." for the cell papermill reports as failed, numbered as
    in the notebook an analyst opens (the cells papermill adds are not counted)."""
    number = 0
    for cell in nb.cells if nb is not None else []:
        if _ADDED_TAGS & set(cell.get("metadata", {}).get("tags", [])):
            continue
        number += 1
        if any(o.get("output_type") == "error" for o in cell.get("outputs", [])):
            break
    first = next((ln for ln in str(err.source).splitlines() if ln.strip() and not ln.startswith("#")), "")
    return f"cell {number} (`{first.strip()[:70]}`): {err.ename}: {err.evalue}"


def _warm_exporter() -> None:
    """Import nbconvert and build the exporter (about a second): done while the kernel runs a report's cells."""
    from helpers.publishing.html_export import prewarm

    prewarm()


class Job:
    """One kernel, and with PDFs one browser, kept for every report the job makes."""

    def __init__(self, settings: Settings, workdir: Path, warn: Callable[[str], None]):
        from helpers.publishing.pdf import Printer

        self.settings, self.workdir, self.warn = settings, workdir, warn
        self.kernel = Kernel(workdir / "kernel", settings.kernel_name, settings.notebook.parent)
        self.printer = Printer(workdir / "browser", warn) if settings.pdf else None
        self.loop = event_loop()
        self._browser: asyncio.Task | None = None
        self._printing: list[asyncio.Task] = []
        self._declared: set[str] | None = None
        self._exporter_warm = False

    def start(self) -> None:
        """Launch the kernel and the browser: they start in processes of their own while the caller goes on."""
        self.kernel.launch()
        if self.printer is not None:
            self._browser = self.loop.create_task(self.printer.start())
        self.pump()

    def pump(self) -> None:
        """Let the event loop handle what has arrived (the browser's launch goes a step further each time)."""
        self.loop.run_until_complete(asyncio.sleep(0))

    def warm(self) -> None:
        """Import papermill and read the notebook's parameters, while the kernel warms up. (The exporter is
        warmed while the kernel runs the first report's first cells: `make`.)"""
        import papermill

        self.pump()
        self._declared = set(papermill.inspect_notebook(str(self.settings.notebook)))
        self.pump()
        # What is imported so far stays to the end: left out of the garbage collector's passes, which would
        # otherwise walk it again and again while the reports are made.
        gc.freeze()

    def _parameters(self, run: Run) -> dict[str, Any]:
        """The values this run gives the notebook: only parameters it declares (papermill's inspection)."""
        if self._declared is None:
            self.warm()
        values = {
            "QUARTER": run.quarter,
            "COUNCIL": run.council,
            "REVIEWS": list(run.reviews),
            "MEETING_DATE": self.settings.meeting_date,
            "FORECAST": self.settings.forecast,
        }
        optional = {"MEETING_DATE", "FORECAST"}  # given only when set, so a notebook need not declare them
        return {k: v for k, v in values.items() if k in self._declared and (k not in optional or v)}

    def make(self, run: Run) -> Outcome:
        """Run the notebook for one report and write its folder; its PDF prints in the background."""
        import papermill
        from nbclient.exceptions import DeadKernelError
        from papermill.exceptions import PapermillExecutionError

        from helpers.publishing.engine import ENGINE_NAME  # after papermill, which loads it through its entry point

        made_from = self._inputs(run)  # before the notebook reads the data: a change meanwhile marks the report
        name = failed_name(self.settings.out_root, run.folder)
        staged = self.workdir / f"{name}.ipynb"
        try:
            nb = papermill.execute_notebook(
                str(self.settings.notebook),
                str(staged),
                parameters=self._parameters(run),
                engine_name=ENGINE_NAME,
                kernel=self.kernel,
                kernel_name=self.settings.kernel_name,
                progress_bar=False,
                request_save_on_cell_execute=False,
                start_timeout=START_TIMEOUT,
                while_running=None if self._exporter_warm else _warm_exporter,
            )
            self._exporter_warm = True
        except PapermillExecutionError as err:
            return self._failed(run, staged, err)
        except DeadKernelError:
            self.kernel.shutdown()  # the next report starts a new one
            return self._failed(run, staged, None)
        from helpers.publishing.html_export import to_html

        target = run.folder / REPORT_FILE
        notebook = staged.read_text(encoding="utf-8")
        summary = {**(summary_of(nb) or {}), **made_from}
        changed = write_report(target, to_html(nb), summary, notebook)
        clear_failed(self.settings.out_root, name)
        self._print(target, changed)
        return Outcome(run, target)

    @staticmethod
    def _inputs(run: Run) -> dict[str, Any]:
        """Who the report is for and the data it is made from (helpers.publishing.report_inputs), for its
        summary.json."""
        from helpers.publishing.report_inputs import Inputs, digest

        files = Inputs().report(run.quarter, run.council, run.committee, list(run.reviews) if run.selection else None)
        return {
            "quarter": run.quarter,
            "council": run.council,
            "committee": run.committee,
            "selection": list(run.reviews) if run.selection else None,
            "inputs": {"digest": digest(files), "files": files},
        }

    def _failed(self, run: Run, staged: Path, err: Any) -> Outcome:
        import nbformat

        nb = nbformat.read(str(staged), as_version=4) if staged.exists() else None
        name = failed_name(self.settings.out_root, run.folder)
        kept = keep_failed(self.settings.out_root, name, staged.read_text(encoding="utf-8")) if nb else None
        where = f"; executed notebook kept at {config.relative(kept)}" if kept else ""
        if err is None:
            return Outcome(
                run,
                None,
                f"report for {run.name}: the kernel stopped while running the notebook (out of memory?){where}",
            )
        if err.ename == "ParameterError":  # the notebook's own check: already one line naming the parameter
            return Outcome(run, None, f"report for {run.name}: {err.evalue}")
        return Outcome(run, None, f"report for {run.name} failed in {_failed_cell(err, nb)}{where}")

    def _print(self, html_path: Path, changed: bool) -> None:
        from helpers.publishing.pdf import pdf_path

        pdf = pdf_path(html_path)
        if self.printer is None:
            if changed:
                pdf.unlink(missing_ok=True)  # a PDF of the previous page would disagree with the new one
            return
        if changed or not pdf.exists():
            self._printing.append(self.loop.create_task(self._print_when_ready(html_path)))

    async def _print_when_ready(self, html_path: Path) -> None:
        await self._browser
        await self.printer.pdf(html_path)

    def finish(self) -> None:
        """The job's last report is written: stop the kernel (freeing its core), then wait for the PDFs."""
        self.kernel.shutdown()
        pending = [t for t in (self._browser, *self._printing) if t is not None]
        if pending:
            self.loop.run_until_complete(asyncio.gather(*pending))

    def close(self, stopping: bool = False) -> None:
        """Shut everything down, finished or `stopping` (interrupted, or failed): PDFs in progress, browser,
        kernel, temporary files."""
        import logging

        loop = self.loop
        if self.printer is not None:
            self.printer.closing = True
        if stopping:
            # A cell cut short, or futures a vanishing browser driver leaves behind, would be reported on
            # the way out: after a stop there is nothing more to say.
            logging.getLogger("papermill").disabled = True
            loop.set_exception_handler(lambda loop, context: None)
        for task in self._printing:
            task.cancel()
        with contextlib.suppress(BaseException):
            loop.run_until_complete(asyncio.gather(*self._printing, return_exceptions=True))
        if self.printer is not None:
            with contextlib.suppress(BaseException):
                loop.run_until_complete(asyncio.wait_for(self._close_browser(), 15))
        leftover = [t for t in asyncio.all_tasks(loop) if not t.done()]  # nbclient's, if a cell was interrupted
        for task in leftover:
            task.cancel()
        with contextlib.suppress(BaseException):
            loop.run_until_complete(asyncio.gather(*leftover, return_exceptions=True))
        with contextlib.suppress(BaseException):
            self.kernel.shutdown()
        shutil.rmtree(self.workdir, ignore_errors=True)

    async def _close_browser(self) -> None:
        if self._browser is not None and not self._browser.done():
            self._browser.cancel()
            with contextlib.suppress(BaseException):
                await self._browser
        await self.printer.close()


# --- Several jobs: this process and worker processes -----------------------------------------------


def _worker(settings: Settings, workdir: Path, todo: Any, done: Any) -> None:
    """A job in a process of its own (started with Ctrl-C ignored: the command stops it with SIGTERM)."""
    _STOP.signum = None
    signal.signal(signal.SIGTERM, _STOP.handler)
    skip_slow_optional_imports()
    job, finished = None, False
    try:
        try:
            job = Job(settings, workdir, lambda message: done.put(("warn", message)))
            job.start()
            job.warm()
            while (run := todo.get()) is not None:
                done.put(("outcome", job.make(run)))
            job.finish()
        except Exception as err:
            _STOP.check(err)
            raise
        finished = True
        done.put(("done", None))
    except KeyboardInterrupt:  # Terminated: the command is stopping
        pass
    except (KernelFailed, InputError) as err:
        done.put(("stop", str(err)))
    finally:
        if job is not None:
            with _no_more_interrupts():
                job.close(stopping=not finished)


# An extra job is a new interpreter and kernel, about as costly to start as a few reports are to make:
# measured on 2 cores (HTML only), 2 jobs against 1 took 10.0 s against 7.3 s for 2 reports, 12.4 against
# 11.5 for 4, 15.1 against 15.8 for 6. So each job is given at least this many reports.
REPORTS_PER_JOB = 4


def job_count(asked: int, reports: int) -> int:
    """Jobs to run: as many as asked, but no more than the cores, nor than one per REPORTS_PER_JOB reports."""
    return max(1, min(asked, os.cpu_count() or 1, reports // REPORTS_PER_JOB))


class _Workers:
    """The extra jobs' processes, fed from one queue with this process's own job."""

    def __init__(self, settings: Settings, workroot: Path, runs: list[Run], extra: int):
        import multiprocessing

        ctx = multiprocessing.get_context("spawn")  # a fresh interpreter: no threads or state copied by fork
        self.todo, self.done = ctx.Queue(), ctx.Queue()
        for run in runs:
            self.todo.put(run)
        for _ in range(extra + 1):
            self.todo.put(None)  # one "no more" for each job, this process's included
        self.processes = []
        ignored = signal.signal(signal.SIGINT, signal.SIG_IGN)  # inherited: only we stop them
        try:
            for n in range(1, extra + 1):
                process = ctx.Process(
                    target=_worker, args=(settings, workroot / f"job-{n}", self.todo, self.done), daemon=True
                )
                process.start()
                self.processes.append(process)
        finally:
            signal.signal(signal.SIGINT, ignored)
        self.finished = 0

    def next_run(self) -> Run | None:
        return self.todo.get()

    def messages(self, wait: bool) -> Iterator[tuple[str, Any]]:
        """Messages from the workers so far (and, if `wait`, until every worker has finished)."""
        import queue

        while True:
            try:
                kind, value = self.done.get(timeout=0.5) if wait else self.done.get_nowait()
            except queue.Empty:
                if not wait or self.finished + self._dead() >= len(self.processes):
                    return
                continue
            if kind in ("done", "stop"):
                self.finished += 1
            yield kind, value

    def _dead(self) -> int:
        return sum(1 for p in self.processes if p.exitcode is not None and p.exitcode != 0)

    def stop(self) -> None:
        """SIGTERM to every worker still running; wait for them to clean up (then kill what is left)."""
        for p in self.processes:
            if p.is_alive():
                with contextlib.suppress(OSError):
                    os.kill(p.pid, signal.SIGTERM)
        for p in self.processes:
            p.join(30)
            if p.is_alive():
                p.kill()
                p.join(5)
        for q in (self.todo, self.done):
            q.cancel_join_thread()  # items nobody will read must not keep this process from exiting
            q.close()


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
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        pass  # as it should be: each job runs its own event loop
    else:
        raise ReportFailed(
            "reports cannot be made from inside a running event loop (a notebook, say): "
            "run `python -m helpers.publishing.report` instead"
        )
    skip_slow_optional_imports()
    workroot = Path(tempfile.mkdtemp(prefix=WORKROOT_PREFIX))
    job: Job | None = None
    workers: _Workers | None = None
    outcomes: list[Outcome] = []

    def finish(outcome: Outcome) -> None:
        outcomes.append(outcome)
        on_outcome(outcome)

    def hear(kind: str, value: Any) -> None:
        if kind == "outcome":
            finish(value)
        elif kind == "warn":
            warn(value)
        elif kind == "stop":
            raise KernelFailed(value)

    try:
        try:
            job = Job(settings, workroot / "job-0", warn)
            job.start()
            runs = plan() if callable(plan) else plan
            job.pump()
            on_planned(len(runs))
            jobs = job_count(jobs, len(runs))
            if jobs > 1:
                workers = _Workers(settings, workroot, runs, jobs - 1)
                todo = iter(workers.next_run, None)
            else:
                todo = iter(runs)
            job.warm()
            for run in todo:
                finish(job.make(run))
                for kind, value in workers.messages(wait=False) if workers else ():
                    hear(kind, value)
            job.finish()
            for kind, value in workers.messages(wait=True) if workers else ():
                hear(kind, value)
        except Exception as err:
            _STOP.check(err)  # the event loop stopped by Ctrl-C or SIGTERM: the interrupt
            raise
    finally:
        with _no_more_interrupts():
            if job is not None:
                job.close(stopping=sys.exc_info()[0] is not None)
            if workers is not None:
                workers.stop()
            _stop_strays(workroot)
            shutil.rmtree(workroot, ignore_errors=True)
    made = {o.run.folder for o in outcomes}
    lost = [r for r in runs if r.folder not in made]
    outcomes += [Outcome(r, None, f"report for {r.name}: not made (its job stopped)") for r in lost]
    from helpers.base import quarters

    return sorted(
        outcomes, key=lambda o: (quarters.parse_quarter(o.quarter), o.run.council, o.run.committee, o.run.selection)
    )
