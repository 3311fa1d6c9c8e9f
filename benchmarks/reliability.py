"""The reliability benchmark: the report command, run again and again, from a cold import cache and warm.

    python -m benchmarks.reliability                  # 30 cold runs, then 100 warm (make bench-reliability)
    python -m benchmarks.reliability --cold 3 --warm 3

Each run is what `make report` runs (`python -m helpers.publishing.report`: the latest completed
quarter, HTML and PDF) in a fresh process, with a fresh kernel, into a fresh folder.
A cold run starts with no byte-code caches at all: PYTHONPYCACHEPREFIX points at a
new, empty folder, so every module (IPython's and ipykernel's included, in the
command, its kernel and its browser's driver alike) is compiled from source, as on
a fresh machine's first `make report`; the installed caches are left as they are.
That is when an import race shows most: `make report` used to fail about one run in
ten this way, when two threads imported IPython at once.

A run fails if the command exits non-zero, prints a traceback, or leaves no
report.html (or no report.pdf where Chromium is installed). Target: no failure in 30
cold runs and 100 warm ones. Prints a table and writes benchmarks/reliability.json.
Not a timed test: run it on a quiet machine.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from helpers.base import config
from helpers.publishing.pdf import CHROMIUM

TARGETS = {"cold_runs": 30, "warm_runs": 100, "failures": 0}


def one_run(cold: bool, workdir: Path) -> dict[str, Any]:
    """One report command in a fresh process; what happened (seconds, ok, and the reason if not)."""
    reports = workdir / "reports"
    env = dict(os.environ, PEER_REVIEW_REPORTS=str(reports))
    for name in ("QUARTER", "COUNCIL", "REVIEWS", "MEETING_DATE"):
        env.pop(name, None)
    if cold:
        env["PYTHONPYCACHEPREFIX"] = str(workdir / "pycache")  # empty: every import compiled from source
    start = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "helpers.publishing.report"],
        cwd=config.PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    seconds = time.perf_counter() - start
    pages = list(reports.glob("*/*/report.html"))  # one per council and committee (helpers.publishing.report_folder)
    reason = None
    if result.returncode != 0:
        reason = f"exit status {result.returncode}"
    elif "Traceback" in result.stderr:
        reason = "a traceback"
    elif not pages:
        reason = "no report.html"
    elif Path(CHROMIUM).exists() and not all(p.with_name("report.pdf").exists() for p in pages):
        reason = "no report.pdf"
    if reason:
        said = [ln for ln in result.stderr.strip().splitlines() if ln.strip()]
        reason += f": {said[-1][:300]}" if said else ""
    return {"cold": cold, "seconds": round(seconds, 2), "ok": reason is None, "failure": reason}


def series(cold: bool, runs: int, progress: bool = True) -> dict[str, Any]:
    """`runs` runs of one kind; each in a folder of its own, removed afterwards."""
    results = []
    for n in range(1, runs + 1):
        workdir = Path(tempfile.mkdtemp(prefix="peer-review-reliability-"))
        try:
            results.append(one_run(cold, workdir))
        finally:
            shutil.rmtree(workdir, ignore_errors=True)
        if progress:
            last = results[-1]
            state = "ok" if last["ok"] else f"FAILED ({last['failure']})"
            print(f"{'cold' if cold else 'warm'} run {n}/{runs}: {last['seconds']:.1f} s {state}", file=sys.stderr)
    failures = [r for r in results if not r["ok"]]
    return {
        "runs": runs,
        "failures": len(failures),
        "failure_reasons": [r["failure"] for r in failures],
        "median_s": statistics.median(r["seconds"] for r in results) if results else None,
        "seconds": [r["seconds"] for r in results],
    }


def main(argv: list[str] | None = None) -> int:
    """Run the report repeatedly from cold and warm caches and write the failures counted."""
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.reliability",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--cold", type=int, default=TARGETS["cold_runs"], help="runs from a cold import cache")
    parser.add_argument("--warm", type=int, default=TARGETS["warm_runs"], help="runs with the caches as they are")
    parser.add_argument("--output", type=Path, default=config.BENCHMARKS_DIR / "reliability.json")
    args = parser.parse_args(argv)
    from benchmarks.bench import machine

    results = {
        "when": time.strftime("%Y-%m-%d %H:%M"),
        "machine": machine(),
        "command": "python -m helpers.publishing.report (latest completed quarter, HTML and PDF)",
        "targets": TARGETS,
        "cold": series(True, args.cold),
        "warm": series(False, args.warm),
    }
    full = args.cold >= TARGETS["cold_runs"] and args.warm >= TARGETS["warm_runs"]
    results["met"] = full and results["cold"]["failures"] == results["warm"]["failures"] == TARGETS["failures"]
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    for kind in ("cold", "warm"):
        r = results[kind]
        median = f"{r['median_s']:.1f} s" if r["median_s"] is not None else "-"
        print(f"{kind}: {r['failures']} failures in {r['runs']} runs (median {median})")
        for reason in r["failure_reasons"]:
            print(f"  {reason}")
    target = f"0 failures in {TARGETS['cold_runs']} cold and {TARGETS['warm_runs']} warm runs"
    print(f"target: {target}: {'met' if results['met'] else 'NOT met' if full else 'not measured in full'}")
    print(f"written: {config.relative(args.output)}")
    return 0


if __name__ == "__main__":
    from helpers.base.errors import run_cli

    run_cli(main)
