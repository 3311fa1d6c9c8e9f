"""Several jobs: how many to run, and the extra jobs' worker processes, fed from one queue.

Several jobs (`--jobs`) are separate processes: the command's own and one more per
extra job, taking reports from a shared queue. Each process does its work, its
imports included, in one thread (helpers.publishing.job).
"""

from __future__ import annotations

import contextlib
import os
import signal
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from helpers.base.errors import InputError
from helpers.publishing.interrupts import STOP, no_more_interrupts
from helpers.publishing.job import Job
from helpers.publishing.kernel import KernelFailed
from helpers.publishing.notebook_run import skip_slow_optional_imports
from helpers.publishing.report_run import Run, Settings

# An extra job is a new interpreter and kernel, about as costly to start as a few reports are to make:
# measured on 2 cores (HTML only), 2 jobs against 1 took 10.0 s against 7.3 s for 2 reports, 12.4 against
# 11.5 for 4, 15.1 against 15.8 for 6. So each job is given at least this many reports.
REPORTS_PER_JOB = 4


def job_count(asked: int, reports: int) -> int:
    """Jobs to run: as many as asked, but no more than the cores, nor than one per REPORTS_PER_JOB reports."""
    return max(1, min(asked, os.cpu_count() or 1, reports // REPORTS_PER_JOB))


def _worker(settings: Settings, workdir: Path, todo: Any, done: Any) -> None:
    """A job in a process of its own (started with Ctrl-C ignored: the command stops it with SIGTERM)."""
    STOP.signum = None
    signal.signal(signal.SIGTERM, STOP.handler)
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
            STOP.check(err)
            raise
        finished = True
        done.put(("done", None))
    except KeyboardInterrupt:  # Terminated: the command is stopping
        pass
    except (KernelFailed, InputError) as err:
        done.put(("stop", str(err)))
    finally:
        if job is not None:
            with no_more_interrupts():
                job.close(stopping=not finished)


class Workers:
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
        """The next report for this process's job to make, or None when there are no more."""
        return self.todo.get()

    def messages(self, wait: bool) -> Iterator[tuple[str, Any]]:
        """Messages from the workers so far (and, if `wait`, until every worker has finished)."""
        import queue

        while True:
            try:
                kind, value = self.done.get(timeout=0.5) if wait else self.done.get_nowait()
            except queue.Empty:
                STOP.raise_if_stopped()  # a Ctrl-C raised where Python could not raise it is taken here
                if not wait or self.finished + self._dead() >= len(self.processes):
                    return
                continue
            if kind in ("done", "stop"):
                self.finished += 1
            yield kind, value

    def _dead(self) -> int:
        """Workers that ended with an error, without saying so."""
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
