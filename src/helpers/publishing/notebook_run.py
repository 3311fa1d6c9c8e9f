"""Running one report's notebook with papermill: its parameters, the run in the job's kernel, and its folder.

papermill runs each report's notebook in the job's kernel through our engine
(helpers.publishing.engine); the HTML exporter is built while the kernel runs the first
report's first cells. A report that fails writes no folder: the executed notebook is
kept (helpers.publishing.report_folder) and the outcome names the failing cell.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from helpers.base import config
from helpers.publishing.kernel import START_TIMEOUT, Kernel
from helpers.publishing.report_folder import REPORT_FILE, clear_failed, keep_failed, summary_of, write_report
from helpers.publishing.report_run import Outcome, Run, Settings

# Cells the executed copy adds; not counted, so cell numbers match the notebook an analyst opens.
_ADDED_TAGS = {"injected-parameters", "papermill-error-cell-tag"}
# Given only when set, so a notebook need not declare them.
_OPTIONAL = {"MEETING_DATE", "INTERIM", "REPORT_DATE"}


def skip_slow_optional_imports() -> None:
    """jsonschema (imported by nbformat, so by papermill) loads rfc3987_syntax, if installed, for its "iri"
    format checker, and that compiles a grammar at import: 1.5 s or more. Notebook schemas use no such
    format, so the report command goes without it."""
    if "jsonschema" not in sys.modules:
        sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]


def declared_parameters(notebook: Path) -> set[str]:
    """The parameters the notebook declares (papermill's inspection of its parameters cell)."""
    import papermill

    return set(papermill.inspect_notebook(str(notebook)))


def parameters(run: Run, settings: Settings, declared: set[str]) -> dict[str, Any]:
    """The values this run gives the notebook: only parameters it declares."""
    values = {
        "QUARTER": run.quarter,
        "COUNCIL": run.council,
        "REVIEWS": list(run.reviews),
        "MEETING_DATE": settings.meeting_date,
        "INTERIM": run.interim,
        "REPORT_DATE": run.known_on,
    }
    return {k: v for k, v in values.items() if k in declared and (k not in _OPTIONAL or v)}


def made_from(run: Run) -> dict[str, Any]:
    """Who the report is for and the data it is made from (helpers.publishing.report_inputs), for its
    summary.json."""
    from helpers.publishing.report_inputs import Inputs, digest

    files = Inputs().report(run.quarter, run.council, run.committee, list(run.reviews) if run.selection else None)
    return {
        "quarter": run.quarter,
        "council": run.council,
        "committee": run.committee,
        "selection": list(run.reviews) if run.selection else None,
        **({"interim": True, "progress_known_on": run.known_on} if run.interim else {}),
        "inputs": {"digest": digest(files), "files": files},
    }


def warm_exporter() -> None:
    """Import nbconvert and build the exporter (about a second): done while the kernel runs a report's cells."""
    from helpers.publishing.html_export import prewarm

    prewarm()


def execute(
    settings: Settings, values: dict[str, Any], staged: Path, kernel: Kernel, while_running: Callable[[], None] | None
) -> Any:
    """papermill runs the notebook with `values` in the job's `kernel`, writing the executed copy to `staged`."""
    import papermill

    from helpers.publishing.engine import ENGINE_NAME  # after papermill, which loads it through its entry point

    return papermill.execute_notebook(
        str(settings.notebook),
        str(staged),
        parameters=values,
        engine_name=ENGINE_NAME,
        kernel=kernel,
        kernel_name=settings.kernel_name,
        progress_bar=False,
        request_save_on_cell_execute=False,
        start_timeout=START_TIMEOUT,
        while_running=while_running,
    )


def write_folder(run: Run, nb: Any, staged: Path, made: dict[str, Any], out_root: Path, name: str) -> tuple[Path, bool]:
    """Write the report's folder from the executed notebook (its page, notebook and summary, all or nothing) and
    clear an earlier failure's kept notebook: the page's path, and whether the page changed."""
    from helpers.publishing.html_export import to_html

    target = run.folder / REPORT_FILE
    notebook = staged.read_text(encoding="utf-8")
    summary = {**(summary_of(nb) or {}), **made}
    changed = write_report(target, to_html(nb), summary, notebook)
    clear_failed(out_root, name)
    return target, changed


def failed_cell(err: Any, nb: Any) -> str:
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


def failed(run: Run, staged: Path, err: Any, out_root: Path, name: str) -> Outcome:
    """The outcome of a failed run, its executed notebook kept: `err` is papermill's error, or None when the
    kernel stopped."""
    import nbformat

    nb = nbformat.read(str(staged), as_version=4) if staged.exists() else None
    kept = keep_failed(out_root, name, staged.read_text(encoding="utf-8")) if nb else None
    where = f"; executed notebook kept at {config.relative(kept)}" if kept else ""
    if err is None:
        return Outcome(
            run,
            None,
            f"report for {run.name}: the kernel stopped while running the notebook (out of memory?){where}",
        )
    if err.ename == "ParameterError":  # the notebook's own check: already one line naming the parameter
        return Outcome(run, None, f"report for {run.name}: {err.evalue}")
    return Outcome(run, None, f"report for {run.name} failed in {failed_cell(err, nb)}{where}")
