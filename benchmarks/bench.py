"""Benchmarks: report speed against its floors, backfill scaling, and national-scale data.

    python -m benchmarks.bench                    # everything (about 12 minutes on 2 cores)
    python -m benchmarks.bench --smoke            # smallest sizes, to check the benchmark still runs

Each speed is measured against its floor, whole processes as a user meets them,
interleaved so that a busy spell hits both sides alike (medians of 5; benchmarks.report_speed):

- one report's HTML (`python -m helpers.publishing.report --quarter ... --council ... --no-pdf`, for
  the council with the most actions) against a process that starts a kernel and imports
  pandas, matplotlib and seaborn in it (and, for information, the whole quarter: every
  council's report);
- what the PDF adds (the same command with the PDF, less the HTML-only one) against
  a process that launches Chromium and prints the same finished report.html;
- a backfill of every quarter with 2 jobs, HTML and PDF, against one quarter's
  command with its PDF; and the same backfill again, when no page changed.

The national-scale corpus (benchmarks.national_scale) and a big return (benchmarks.bench_return)
are measured too. This module holds the targets, the verdicts and the table.

Reliability (the report from a cold import cache, N times) is benchmarks.reliability.
Prints a table and writes benchmarks/results.json. Targets live here and in the
README, never in timed tests.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from pathlib import Path
from typing import Any

from benchmarks.national_scale import big_return_benchmarks, scale_benchmarks
from benchmarks.report_speed import report_benchmarks
from helpers.base import config

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
    "history_over_status_at_300": 3.0,  # the status history of every quarter <= 3x status + workload, same run
}


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
        add(
            "status history / status + workload, 300 councils",
            at[300]["history_over_status_workload"],
            TARGETS["history_over_status_at_300"],
            "x",
        )
        # Peak memory is a high-water mark: the history must not raise it above what status and workload reached
        # (within 1 MiB, the steps in which a process's resident memory grows).
        add(
            "peak memory after the history, 300 councils",
            at[300]["rss_after_history_mib"],
            round(at[300]["rss_after_status_mib"] + 1, 1),
            "MiB",
        )
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
            f"\n{'councils':>8} {'recs':>7} {'updates':>8} {'load s':>7} {'status s':>8} {'history s':>9} "
            f"{'recur s':>7} {'peak RSS MiB':>13}"
        )
        for s in results["scale"]:
            print(
                f"{s['councils']:>8} {s['recommendations']:>7} {s['updates']:>8} {s['load_validate_s']:>7.2f} "
                f"{s['status_workload_all_quarters_s']:>8.2f} {s['status_history_s']:>9.2f} "
                f"{s['recurring_search_s']:>7.2f} {s['max_rss_mib']:>13.0f}"
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
