"""The report's speed against its floors (part of `make bench`, benchmarks.bench).

- in-process: one quarter's `run_quarter` against `kernel_floor` (start a kernel, import
  pandas, matplotlib and seaborn in it, stop), best of `repeat`;
- whole processes, as a user meets them, interleaved so that a busy spell hits every side
  alike (medians): one report's HTML against a floor process; what the PDF adds against a
  bare print of the same page; and, for information, the whole quarter's command;
- a backfill of every quarter with 1 and 2 jobs, and the backfill command with 2 jobs, HTML
  and PDF, against one quarter's command; then the same again, when no page changed.
"""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from helpers.base import config, quarters


def best_of(fn: Callable[[], Any], repeat: int) -> float:
    """The fastest of `repeat` runs, in seconds (the least disturbed by other work)."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def kernel_floor() -> None:
    """Start a Jupyter kernel, import pandas, matplotlib and seaborn, and shut it down."""
    from jupyter_client.manager import KernelManager

    with tempfile.TemporaryDirectory() as tmp:
        km = KernelManager(kernel_name="python3", transport="ipc", ip=str(Path(tmp) / "kernel"))
        km.start_kernel(cwd=str(config.NOTEBOOKS_DIR))
        client = km.client()
        client.start_channels()
        try:
            client.wait_for_ready(timeout=60)
            reply = client.execute_interactive(
                "import pandas, matplotlib, seaborn", timeout=120, output_hook=lambda msg: None
            )
            if reply["content"]["status"] != "ok":
                raise RuntimeError("the floor's imports failed in the kernel")
        finally:
            client.stop_channels()
            km.shutdown_kernel(now=True)


_FLOOR_PROCESS = "from benchmarks.report_speed import kernel_floor; kernel_floor()"
# Launch Chromium, print a finished report.html, close: argv[1] the page, argv[2] a folder for the browser's files.
_PRINT_PROCESS = (
    "import sys; from pathlib import Path; from helpers.publishing.pdf import print_once; "
    "assert print_once(Path(sys.argv[1]), Path(sys.argv[2]))"
)


def _timed_process(args: list[str], env: dict[str, str]) -> float:
    """Wall time of a whole process, as a user meets it (interpreter start to exit)."""
    import subprocess
    import sys

    start = time.perf_counter()
    result = subprocess.run([sys.executable, *args], cwd=config.PROJECT_ROOT, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed: {result.stderr.strip()[-500:]}")
    return elapsed


BENCH_QUARTER = "2023/24 Q4"


def _largest_council() -> str:
    """The council whose report the notebook shows by default for BENCH_QUARTER: the one with most actions."""
    from helpers.committee import report_audiences

    return report_audiences.default_audience(quarter_end=quarters.end(quarters.parse_quarter(BENCH_QUARTER))).council


def whole_process(repeat: int, reports_dir: Path) -> dict[str, Any]:
    """One report's `python -m helpers.publishing.report` (HTML only, and HTML + PDF) against a floor process (start a
    kernel, import pandas/matplotlib/seaborn in it, stop), and the bare print of the same page; and the
    whole quarter's command (every council), HTML only; interleaved, medians. Each report goes to a fresh
    folder, so its PDF is always printed."""
    import shutil
    import statistics

    from helpers.publishing.pdf import CHROMIUM

    quarter = ["-m", "helpers.publishing.report", "--quarter", BENCH_QUARTER]
    report = [*quarter, "--council", _largest_council()]  # one report
    runs: dict[str, list[float]] = {"floor": [], "html": [], "html_pdf": [], "bare_print": [], "quarter_html": []}
    printing = Path(CHROMIUM).exists()
    quarter_dir = (
        reports_dir / "2023-24-Q4"
    )  # a report per council and committee inside (helpers.publishing.report_folder)
    for _ in range(repeat):  # interleaved, so a busy spell on a shared machine hits all five alike
        env = dict(os.environ, PEER_REVIEW_REPORTS=str(reports_dir))
        runs["floor"].append(_timed_process(["-c", _FLOOR_PROCESS], env))
        shutil.rmtree(reports_dir, ignore_errors=True)
        runs["quarter_html"].append(_timed_process([*quarter, "--no-pdf"], env))
        shutil.rmtree(reports_dir, ignore_errors=True)
        runs["html"].append(_timed_process([*report, "--no-pdf"], env))
        if printing:
            shutil.rmtree(reports_dir, ignore_errors=True)
            runs["html_pdf"].append(_timed_process(report, env))
            with tempfile.TemporaryDirectory() as browser:
                html = sorted(quarter_dir.glob("*/report.html"))[0]
                runs["bare_print"].append(_timed_process(["-c", _PRINT_PROCESS, str(html), browser], env))
    med = {k: statistics.median(v) if v else None for k, v in runs.items()}
    html = sorted(quarter_dir.glob("*/report.html"))[0]
    out = {
        "process_floor_s": med["floor"],
        "process_report_s": med["html"],
        "process_report_pdf_s": med["html_pdf"],
        "process_bare_print_s": med["bare_print"],
        "process_over_floor_process": med["html"] / med["floor"],
        "process_quarter_s": med["quarter_html"],
        "process_runs_s": runs,
        "report_html_kib": html.stat().st_size / 1024,
    }
    if printing:
        out["pdf_added_s"] = med["html_pdf"] - med["html"]
        out["pdf_over_bare_print"] = out["pdf_added_s"] / med["bare_print"]
        out["report_pdf_kib"] = html.with_name("report.pdf").stat().st_size / 1024
    return out


def report_benchmarks(backfill_quarters: int | None, repeat: int) -> dict[str, Any]:
    """The report's speeds against their floors: extraction, one quarter (HTML, PDF), a backfill."""
    from helpers.plans.extract import extract
    from helpers.publishing.report import run_quarter, runs
    from helpers.publishing.report_run import Settings
    from helpers.publishing.runner import run_reports

    out: dict[str, Any] = {"extraction_s": best_of(extract, repeat)}
    out["floor_s"] = best_of(kernel_floor, repeat)
    with tempfile.TemporaryDirectory() as tmp:
        out["report_quarter_s"] = best_of(lambda: run_quarter(BENCH_QUARTER, None, out_root=Path(tmp)), repeat)
    out["report_over_floor"] = out["report_quarter_s"] / out["floor_s"]
    with tempfile.TemporaryDirectory() as tmp:
        out.update(whole_process(repeat, Path(tmp) / "reports"))  # make bench: 5; --smoke: 1

    def backfill(out_root: Path) -> list:
        """Every quarter's run (the latest `backfill_quarters` only, if given), writing under `out_root`."""
        chosen = runs(None, True, None, out_root)
        return chosen[-backfill_quarters:] if backfill_quarters else chosen

    with tempfile.TemporaryDirectory() as tmp:
        out["backfill_quarters"] = len(backfill(Path(tmp)))
    for jobs in (1, 2):
        with tempfile.TemporaryDirectory() as tmp:
            start = time.perf_counter()
            outcomes = run_reports(backfill(Path(tmp)), Settings(config.REPORT_NOTEBOOK, Path(tmp)), jobs=jobs)
            out[f"backfill_jobs{jobs}_s"] = time.perf_counter() - start
            if any(o.error for o in outcomes):
                raise RuntimeError(f"backfill failed: {next(o.error for o in outcomes if o.error)}")
    out["backfill_jobs2_over_jobs1"] = out["backfill_jobs2_s"] / out["backfill_jobs1_s"]
    # As a user meets it: the backfill command, 2 jobs, HTML + PDF, against one quarter's command; then the
    # same again, when every page is unchanged and no PDF needs printing.
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, PEER_REVIEW_REPORTS=tmp)
        for key in ("backfill_process_s", "backfill_again_s"):
            if backfill_quarters:  # the smoke run: only the latest quarters, through the Python API
                start = time.perf_counter()
                run_reports(backfill(Path(tmp)), Settings(config.REPORT_NOTEBOOK, Path(tmp), pdf=True), jobs=2)
                out[key] = time.perf_counter() - start
            else:
                out[key] = _timed_process(["-m", "helpers.publishing.report", "--all", "--jobs", "2"], env)
    one_quarter = out["process_report_pdf_s"] or out["process_report_s"]
    out["backfill_over_one_quarter"] = out["backfill_process_s"] / one_quarter
    out["backfill_again_over_one_quarter"] = out["backfill_again_s"] / one_quarter
    return out
