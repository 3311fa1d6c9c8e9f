"""Benchmarks: report speed against its floors, backfill scaling, and national-scale data.

    python -m benchmarks.bench                    # everything (about 12 minutes on 2 cores)
    python -m benchmarks.bench --smoke            # smallest sizes, to check the benchmark still runs

Each speed is measured against its floor, whole processes as a user meets them,
interleaved so that a busy spell hits both sides alike (medians of 5):

- one report's HTML (`python -m helpers.publishing.report --quarter ... --council ... --no-pdf`, for
  the council with the most actions) against a process that starts a kernel and imports
  pandas, matplotlib and seaborn in it (and, for information, the whole quarter: every
  council's report);
- what the PDF adds (the same command with the PDF, less the HTML-only one) against
  a process that launches Chromium and prints the same finished report.html;
- a backfill of every quarter with 2 jobs, HTML and PDF, against one quarter's
  command with its PDF; and the same backfill again, when no page changed.

Reliability (the report from a cold import cache, N times) is benchmarks.reliability.
Prints a table and writes benchmarks/results.json. Targets live here and in the
README, never in timed tests.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import platform
import resource
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from helpers.base import config, quarters

TARGETS = {
    "report_over_floor": 1.5,  # one quarter's report <= 1.5x the kernel + imports floor (in-process)
    # one report: `python -m helpers.publishing.report --quarter ... --council ... --no-pdf`
    "process_over_floor_process": 1.5,
    # <= 1.5x a floor process
    "pdf_over_bare_print": 1.2,  # what the PDF adds to that command <= 1.2x launching Chromium to print the HTML
    "backfill_over_one_quarter": 4.0,  # every quarter, 2 jobs (HTML + PDF) <= 4x one quarter's whole process
    "backfill_jobs2_over_jobs1": 0.65,  # two jobs take <= 0.65x one job's time
    "report_html_kib": 300.0,  # 2023/24 Q4's report.html
    "status_all_quarters_s_at_300": 3.0,
    "recurring_search_s_at_300": 10.0,
    "peak_memory_mib_at_300": 1024.0,
    "growth_100_to_300": 3.3,  # time from 100 to 300 councils grows <= 3.3x
}


def best_of(fn: Callable[[], Any], repeat: int) -> float:
    """The fastest of `repeat` runs, in seconds (the least disturbed by other work)."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def machine() -> dict[str, Any]:
    """The machine the benchmarks ran on: cores, memory, Python and platform."""
    mem_kib = (
        next(
            (
                int(line.split()[1])
                for line in Path("/proc/meminfo").read_text().splitlines()
                if line.startswith("MemTotal")
            ),
            0,
        )
        if Path("/proc/meminfo").exists()
        else 0
    )
    return {
        "cores": os.cpu_count(),
        "memory_gib": round(mem_kib / 1024**2, 1),
        "python": platform.python_version(),
        "platform": platform.platform(),
    }


# --- Report against its floor -------------------------------------------------------


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


_FLOOR_PROCESS = "from benchmarks.bench import kernel_floor; kernel_floor()"
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
    from helpers.committee import parameters

    return parameters.default_audience(quarter_end=quarters.end(quarters.parse_quarter(BENCH_QUARTER))).council


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


# --- National scale -----------------------------------------------------------------


def _max_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _stage(fn: Callable[[], Any]) -> tuple[Any, float, float]:
    """(result, seconds, the process's peak resident memory in MiB so far) for one stage.

    Peak memory is the whole process's high-water mark (each corpus size runs in a
    fresh process). tracemalloc is not used: it slows every allocation and would
    distort the timings it sits beside.
    """
    start = time.perf_counter()
    result = fn()
    return result, time.perf_counter() - start, _max_rss_mib()


def scale_run(councils: int, data_dir: str) -> dict[str, Any]:
    """One corpus size, in a fresh process: generate, load and validate, status, workload, recurring search."""
    from benchmarks import synthetic
    from helpers.plans.themes import recurring_pairs
    from helpers.tracking import workspace

    corpus = synthetic.generate(councils)
    synthetic.write(corpus, Path(data_dir))
    del corpus
    os.environ["PEER_REVIEW_DATA"] = data_dir
    baseline = _max_rss_mib()

    # The real loader: processed tables (pandera-checked), plan statements and every update file.
    ws, load_s, load_mib = _stage(workspace.load_workspace)
    recs, reviews, updates = ws.recommendations, ws.reviews, ws.updates
    span = quarters.quarters_between(
        quarters.quarter_of(updates["updated_on"].min()), quarters.quarter_of(updates["updated_on"].max())
    )

    def all_quarters():
        # Every action's status as at each quarter end, counted by review and status, and each lead's workload.
        for q in span:
            ws.counts(q)
            ws.workload(q)

    _, status_s, status_mib = _stage(all_quarters)
    council = recs["review_id"].map(reviews.set_index("review_id")["council"])
    pairs, recurring_s, recurring_mib = _stage(lambda: recurring_pairs(recs, within=council))
    return {
        "councils": councils,
        "reviews": len(reviews),
        "recommendations": len(recs),
        "actions": len(ws.actions),
        "updates": len(updates),
        "quarters": len(span),
        "pairs": len(pairs),
        "load_validate_s": load_s,
        "status_workload_all_quarters_s": status_s,
        "recurring_search_s": recurring_s,
        "rss_after_generate_mib": baseline,
        "rss_after_load_mib": load_mib,
        "rss_after_status_mib": status_mib,
        "max_rss_mib": recurring_mib,
    }


def scale_benchmarks(sizes: list[int]) -> list[dict[str, Any]]:
    """Load, status, workload and recurring search on synthetic corpora of the given numbers of councils, each in a
    fresh process."""
    results = []
    ctx = mp.get_context("spawn")  # a fresh process per size, so peak memory is that size's own
    for councils in sizes:
        with tempfile.TemporaryDirectory() as tmp, ctx.Pool(1) as pool:
            results.append(pool.apply(scale_run, (councils, tmp)))
    return results


def big_return_benchmarks(smoke: bool) -> dict[str, Any]:
    """A lead's return of about 20 MB (1 MB with --smoke) collected by `python -m helpers.cycle.collect`: wall time and
    peak memory, with their verdicts (benchmarks.bench_return)."""
    from benchmarks import bench_return

    return bench_return.benchmark(smoke)


# --- Verdicts and output --------------------------------------------------------------


def verdicts(report: dict[str, Any] | None, scale: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each measured figure against its target in TARGETS: met or not."""
    rows = []

    def add(name: str, measured: float | None, target: float, unit: str) -> None:
        if measured is not None:
            rows.append(
                {
                    "measure": name,
                    "measured": round(measured, 3),
                    "target": target,
                    "unit": unit,
                    "met": measured <= target,
                }
            )

    if report:
        add("report / floor", report["report_over_floor"], TARGETS["report_over_floor"], "x")
        add(
            "one report's process (HTML) / floor process",
            report["process_over_floor_process"],
            TARGETS["process_over_floor_process"],
            "x",
        )
        if report.get("pdf_over_bare_print") is not None:
            add(
                "PDF: what it adds to the command / a bare print",
                report["pdf_over_bare_print"],
                TARGETS["pdf_over_bare_print"],
                "x",
            )
        add(
            "backfill, 2 jobs, HTML + PDF / one quarter's process",
            report["backfill_over_one_quarter"],
            TARGETS["backfill_over_one_quarter"],
            "x",
        )
        add("report.html size, 2023/24 Q4", report["report_html_kib"], TARGETS["report_html_kib"], "KiB")
        add("backfill 2 jobs / 1 job", report["backfill_jobs2_over_jobs1"], TARGETS["backfill_jobs2_over_jobs1"], "x")
    at = {r["councils"]: r for r in scale}
    if 300 in at:
        add(
            "status + workload, all quarters, 300 councils",
            at[300]["status_workload_all_quarters_s"],
            TARGETS["status_all_quarters_s_at_300"],
            "s",
        )
        add("recurring search, 300 councils", at[300]["recurring_search_s"], TARGETS["recurring_search_s_at_300"], "s")
        add("peak memory (max RSS), 300 councils", at[300]["max_rss_mib"], TARGETS["peak_memory_mib_at_300"], "MiB")
    if 100 in at and 300 in at:
        for key in ("load_validate_s", "status_workload_all_quarters_s", "recurring_search_s"):
            add(f"growth 100 -> 300 councils: {key}", at[300][key] / at[100][key], TARGETS["growth_100_to_300"], "x")
    return rows


def print_table(results: dict[str, Any]) -> None:
    """Print the results as a plain table, with the verdicts."""
    m = results["machine"]
    print(f"Machine: {m['cores']} cores, {m['memory_gib']} GiB, Python {m['python']}")
    if results.get("report"):
        r = results["report"]
        print(f"Extraction of all reviews: {r['extraction_s']:.2f} s")
        print(
            f"Floor (kernel + pandas/matplotlib/seaborn): {r['floor_s']:.2f} s; "
            f"one quarter's report: {r['report_quarter_s']:.2f} s"
        )
        pdf = (
            f"; HTML + PDF {r['process_report_pdf_s']:.2f} s (the PDF adds {r['pdf_added_s']:.2f} s; "
            f"a bare print of the page takes {r['process_bare_print_s']:.2f} s)"
            if r.get("pdf_added_s") is not None
            else "; no Chromium, no PDF"
        )
        print(
            f"Whole process (medians, interleaved): floor {r['process_floor_s']:.2f} s; one report, HTML "
            f"{r['process_report_s']:.2f} s{pdf}; the whole quarter (every council), HTML "
            f"{r['process_quarter_s']:.2f} s"
        )
        print(
            f"Backfill of {r['backfill_quarters']} quarters: {r['backfill_jobs1_s']:.1f} s with 1 job, "
            f"{r['backfill_jobs2_s']:.1f} s with 2 jobs (HTML); {r['backfill_process_s']:.1f} s as a command "
            f"with 2 jobs, HTML + PDF; {r['backfill_again_s']:.1f} s again with no page changed (no PDF printed)"
        )
        print(f"report.html for 2023/24 Q4: {r['report_html_kib']:.0f} KiB")
    if results["scale"]:
        print(
            f"\n{'councils':>8} {'recs':>7} {'updates':>8} {'load s':>7} {'status s':>8} {'recur s':>7} "
            f"{'peak RSS MiB':>13}"
        )
        for s in results["scale"]:
            print(
                f"{s['councils']:>8} {s['recommendations']:>7} {s['updates']:>8} {s['load_validate_s']:>7.2f} "
                f"{s['status_workload_all_quarters_s']:>8.2f} {s['recurring_search_s']:>7.2f} "
                f"{s['max_rss_mib']:>13.0f}"
            )
    print(f"\n{'measure':<58} {'measured':>9} {'target':>7}  met")
    for v in results["verdicts"]:
        print(
            f"{v['measure']:<58} {v['measured']:>8.2f}{v['unit']:<1} {v['target']:>6}{v['unit']:<1}  "
            f"{'yes' if v['met'] else 'NO'}"
        )


def main(argv: list[str] | None = None) -> int:
    """Run the benchmarks chosen on the command line and write benchmarks/results.json."""
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.bench", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--smoke", action="store_true", help="smallest sizes: checks the benchmark runs, not speed")
    parser.add_argument("--councils", type=int, nargs="+", help="synthetic corpus sizes (default 30 100 300)")
    parser.add_argument("--backfill-quarters", type=int, help="backfill only the latest N quarters (default all)")
    parser.add_argument("--skip-report", action="store_true", help="only the national-scale benchmark")
    parser.add_argument("--output", type=Path, default=config.BENCHMARKS_DIR / "results.json")
    args = parser.parse_args(argv)
    sizes = args.councils or ([2] if args.smoke else [30, 100, 300])
    repeat = 1 if args.smoke else 5
    backfill = args.backfill_quarters or (2 if args.smoke else None)
    report = None if args.skip_report else report_benchmarks(backfill, repeat)
    scale = scale_benchmarks(sizes)
    big_return = big_return_benchmarks(args.smoke)
    results = {
        "when": time.strftime("%Y-%m-%d %H:%M"),
        "machine": machine(),
        "smoke": args.smoke,
        "targets": TARGETS,
        "report": report,
        "scale": scale,
        "big_return": big_return,
        "verdicts": verdicts(report, scale) + big_return["verdicts"],
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print_table(results)
    print(f"\nwritten: {config.relative(args.output)}")
    return 0


if __name__ == "__main__":
    from helpers.base.errors import run_cli

    run_cli(main)
