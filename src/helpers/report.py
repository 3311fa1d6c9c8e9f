"""Quarterly HTML reports: run the report notebook with papermill and export self-contained HTML.

    python -m helpers.report                       # latest completed quarter
    python -m helpers.report --quarter "2023/24 Q4"
    python -m helpers.report --all --jobs 2        # every quarter since the first action plan
    python -m helpers.report --reviews 2021-finance 2022-progress

Each quarter's report goes to reports/<2023-24-Q4>/report.html, replaced
atomically. A notebook that fails writes no HTML for its quarter: the executed
notebook is kept in reports/_failed/ and the command exits 1. reports/index.html
lists every quarter's report, newest first.
"""
from __future__ import annotations

import argparse
import datetime as dt
import html
import multiprocessing as mp
import os
import re
import shutil
import sys
import tempfile
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pandas as pd

from helpers import config, quarters
from helpers.errors import InputError, run_cli
from helpers.reports import load_workspace
from helpers.tables import write_atomically

TEMPLATES = Path(__file__).parent / "templates"
REPORT_FILE = "report.html"
FAILED = "_failed"


class ReportFailed(Exception):
    """A quarter's notebook raised an error; the message names the cell."""


@dataclass(frozen=True)
class Outcome:
    quarter: str
    path: Path | None
    error: str | None = None


# --- Choosing quarters ------------------------------------------------------------

def first_quarter(review_ids: list[str] | None = None) -> pd.Period:
    """The quarter in which the first (chosen) action plan was approved."""
    reviews = load_workspace(review_ids).reviews  # raises on an unknown review id
    return quarters.quarter_of(reviews["approved_on"].min())


def quarters_to_run(quarter: str | None, run_all: bool, review_ids: list[str] | None,
                    today: dt.date | None = None) -> list[pd.Period]:
    """The quarters a command asks for, checked before any notebook starts."""
    latest = quarters.latest_completed(today)
    if run_all:
        return quarters.quarters_between(first_quarter(review_ids), latest)
    if quarter is None:
        return [latest]
    try:
        return [quarters.parse_quarter(quarter)]
    except quarters.BadQuarter as err:
        raise InputError(str(err)) from None


# --- HTML export -----------------------------------------------------------------

def to_html(notebook: nbformat.NotebookNode, title: str) -> str:
    """Self-contained HTML for a committee: no code, prompts, stderr or scripts; images embedded."""
    from nbconvert import HTMLExporter

    for cell in notebook.cells:
        if cell.cell_type == "code":
            cell.outputs = [o for o in cell.get("outputs", [])
                            if not (o.get("output_type") == "stream" and o.get("name") == "stderr")
                            and o.get("output_type") != "error"]
    notebook.metadata["title"] = title
    exporter = HTMLExporter(template_name="committee", extra_template_basedirs=[str(TEMPLATES)],
                            exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True,
                            embed_images=True)
    body, _ = exporter.from_notebook_node(notebook)
    return body


# --- Running one quarter -----------------------------------------------------------

# Cells papermill adds to the executed copy; not counted, so numbers match the notebook an analyst opens.
_PAPERMILL_TAGS = {"injected-parameters", "papermill-error-cell-tag"}


def _failed_cell(notebook_path: Path) -> str:
    """ "cell 7 (`reports.table(...)`): ValueError: ..." for the first cell with an error output."""
    nb = nbformat.read(notebook_path, as_version=4)
    cells = [c for c in nb.cells if not _PAPERMILL_TAGS & set(c.get("metadata", {}).get("tags", []))]
    for number, cell in enumerate(cells, start=1):
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                first = next((ln for ln in cell.source.splitlines() if ln.strip() and not ln.startswith("#")), "")
                return f"cell {number} (`{first.strip()[:70]}`): {output.get('ename')}: {output.get('evalue')}"
    return "an unknown cell"


def run_quarter(quarter_label: str, review_ids: list[str] | None, notebook: Path | None = None,
                out_root: Path | None = None) -> Path:
    """Run the report notebook for one quarter and write its HTML; returns the HTML path."""
    import papermill as pm

    notebook = notebook or config.REPORT_NOTEBOOK
    out_root = out_root or config.reports_dir()
    quarter = quarters.parse_quarter(quarter_label)
    slug = quarters.slug(quarter)
    from jupyter_client.manager import KernelManager

    with tempfile.TemporaryDirectory(prefix="report-") as tmp:
        executed = Path(tmp) / f"{slug}.ipynb"
        # IPC sockets, not TCP: kernel and client share this machine, and ipykernel
        # warns on every start over unencrypted TCP. The path must be absolute.
        kernel = KernelManager(kernel_name="python3", transport="ipc", ip=str(Path(tmp) / "kernel"))
        try:
            pm.execute_notebook(str(notebook), str(executed), parameters={"QUARTER": quarter_label,
                                                                       "REVIEWS": review_ids},
                                kernel_name="python3", progress_bar=False, log_output=False,
                                cwd=str(notebook.parent), km=kernel,
                                # Saving after every cell costs ~0.5 s a report; papermill still
                                # writes the executed notebook at the end, failed or not.
                                request_save_on_cell_execute=False)
        except pm.PapermillExecutionError:
            failed_dir = out_root / FAILED
            failed_dir.mkdir(parents=True, exist_ok=True)
            kept = failed_dir / f"{slug}.ipynb"
            shutil.copyfile(executed, kept)
            raise ReportFailed(f"report for {quarter_label} failed in {_failed_cell(executed)}; "
                               f"executed notebook kept at {config.relative(kept)}") from None
        finally:
            if kernel.has_kernel:  # nbclient leaves a kernel it was given running
                kernel.shutdown_kernel(now=True)
        nb = nbformat.read(executed, as_version=4)
    title = f"Peer review recommendations: progress report {quarter_label}"
    target = out_root / slug / REPORT_FILE
    write_atomically({target: to_html(nb, title)})
    stale = out_root / FAILED / f"{slug}.ipynb"
    if stale.exists():
        stale.unlink()  # this quarter now has a good report
        if not any(stale.parent.iterdir()):
            stale.parent.rmdir()
    return target


def _run_one(args: tuple[str, list[str] | None, Path | None, Path | None]) -> Outcome:
    quarter_label, review_ids, notebook, out_root = args
    try:
        return Outcome(quarter_label, run_quarter(quarter_label, review_ids, notebook, out_root))
    except ReportFailed as err:
        return Outcome(quarter_label, None, str(err))


def run_reports(labels: list[str], review_ids: list[str] | None, jobs: int = 1, notebook: Path | None = None,
                out_root: Path | None = None, progress: bool = False) -> list[Outcome]:
    """Run several quarters, `jobs` at a time; each quarter succeeds or fails on its own."""
    from tqdm import tqdm

    tasks = [(label, review_ids, notebook, out_root) for label in labels]
    bar = tqdm(total=len(tasks), unit="quarter", disable=not progress, desc="Reports")
    outcomes = []
    if jobs <= 1 or len(tasks) == 1:
        for task in tasks:
            outcomes.append(_run_one(task))
            bar.update()
    else:
        # spawn, not fork: a parent that has already run kernels holds zmq and asyncio
        # threads, and forking it can deadlock the workers.
        with ProcessPoolExecutor(max_workers=jobs, mp_context=mp.get_context("spawn")) as pool:
            for future in as_completed([pool.submit(_run_one, t) for t in tasks]):
                outcomes.append(future.result())
                bar.update()
    bar.close()
    return sorted(outcomes, key=lambda o: quarters.parse_quarter(o.quarter))


# --- Index --------------------------------------------------------------------------

_SLUG = re.compile(r"^(\d{4})-(\d{2})-Q([1-4])$")


def write_index(out_root: Path | None = None) -> Path:
    """reports/index.html: every quarter's report, newest first."""
    out_root = out_root or config.reports_dir()
    found = []
    for folder in out_root.iterdir() if out_root.exists() else []:
        match = _SLUG.match(folder.name)
        if match and (folder / REPORT_FILE).exists():
            quarter = quarters.parse_quarter(f"{match.group(1)}/{match.group(2)} Q{match.group(3)}")
            found.append((quarter, folder.name))
    rows = "".join(
        f'<li><a href="{html.escape(name)}/{REPORT_FILE}">{html.escape(quarters.label(q))}</a>'
        f" &ndash; as at {html.escape(quarters.long_date(quarters.end(q)))}</li>"
        for q, name in sorted(found, reverse=True))
    page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>Peer review recommendations: quarterly reports</title>
<style>body{{font-family:sans-serif;max-width:46rem;margin:2rem auto;line-height:1.5}}</style>
</head><body>
<h1>Peer review recommendations: quarterly reports</h1>
<p>Progress on the actions agreed after Dorset Council's LGA peer reviews, one report per financial-year quarter, newest first.</p>
<ul>{rows or "<li>No reports yet: run <code>make report</code>.</li>"}</ul>
</body></html>
"""
    path = out_root / "index.html"
    write_atomically({path: page})
    return path


# --- Command line -------------------------------------------------------------------

def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m helpers.report", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--quarter", help='financial-year quarter, e.g. "2023/24 Q4" (default: latest completed)')
    which.add_argument("--all", action="store_true", help="every quarter since the first action plan was approved")
    parser.add_argument("--reviews", nargs="+", metavar="ID", help="review ids to include (default: all)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1,
                        help="quarters to run at once (default: number of cores)")
    args = parser.parse_args(argv)
    if args.jobs < 1:
        raise InputError("--jobs must be at least 1")

    # Check every parameter and the data (tables, update log, review ids) before any notebook starts.
    load_workspace(args.reviews)
    labels = [quarters.label(q) for q in quarters_to_run(args.quarter, args.all, args.reviews)]

    outcomes = run_reports(labels, args.reviews, jobs=args.jobs, progress=len(labels) > 1)
    index = write_index()
    for outcome in outcomes:
        if outcome.path:
            print(f"{outcome.quarter}: {config.relative(outcome.path)}")
    failures = [o for o in outcomes if o.error]
    for outcome in failures:
        print(f"error: {outcome.error}", file=sys.stderr)
    print(f"index: {config.relative(index)}")
    return 1 if failures else 0


if __name__ == "__main__":
    run_cli(main)
