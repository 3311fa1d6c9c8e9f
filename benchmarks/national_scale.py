"""The national-scale benchmark (part of `make bench`, benchmarks.bench): a synthetic corpus of many councils
(benchmarks.synthetic) loaded and validated, every quarter's status and workload, and the recurring search, each
size in a fresh process so its peak memory is its own; and the big-return benchmark (benchmarks.bench_return).
"""

from __future__ import annotations

import multiprocessing as mp
import os
import resource
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from helpers.base import quarters


def _max_rss_mib() -> float:
    """The process's peak resident memory so far, in MiB (Linux gives ru_maxrss in KiB)."""
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
    """One corpus size, in a fresh process: generate, load and validate, status, workload, the status history of
    every quarter, recurring search."""
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
    # The picture over time: every action's status at every quarter end, as one table (issue 28).
    history, history_s, history_mib = _stage(lambda: ws.status_history(span[0], span[-1]))
    history_rows = len(history)
    del history
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
        "status_history_s": history_s,
        "status_history_rows": history_rows,
        "history_over_status_workload": history_s / status_s,
        "rss_after_history_mib": history_mib,
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
