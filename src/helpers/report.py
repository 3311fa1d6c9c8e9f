"""Quarterly reports: run the report notebook and export self-contained HTML (and a PDF of it).

    python -m helpers.report                       # latest completed quarter
    python -m helpers.report --quarter "2023/24 Q4" --meeting-date 2024-05-14
    python -m helpers.report --all --jobs 2        # every quarter since the first action plan
    python -m helpers.report --reviews 2021-finance 2022-progress
    QUARTER="2023/24 Q4" REVIEWS="2021-finance" python -m helpers.report --from-env

Each quarter's report goes to reports/<2023-24-Q4>/report.html, with report.pdf
printed from that HTML by Chromium (skipped with a warning if Chromium is not
installed; --no-pdf skips it silently), replaced atomically. A notebook that
fails writes no HTML for its quarter: the executed notebook is kept in
reports/_failed/ and the command exits 1. reports/index.html lists every
quarter's report, newest first. Ctrl-C or SIGTERM stops a run within seconds:
kernels are shut down, nothing half-written is left, and the index lists the
reports that finished.
"""

from __future__ import annotations

import argparse
import ast
import asyncio
import contextlib
import copy
import csv
import datetime as dt
import html
import json
import os
import re
import shutil
import signal
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from helpers import config
from helpers.errors import ArgumentParser, InputError, run_cli

# pandas, nbformat, nbclient, nbconvert and playwright are imported where they are
# used: the parent process starts the kernel first and imports them while it boots.

TEMPLATES = Path(__file__).parent / "templates"
REPORT_FILE = "report.html"
PDF_FILE = "report.pdf"
SUMMARY_FILE = "summary.json"
FAILED = "_failed"
KERNEL_NAME = "python3"
MAX_JOBS = 32
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Cells that never reach the committee's HTML: parameters are machinery, the summary is data for the index.
HIDDEN_TAGS = {"parameters", "injected-parameters"}
SUMMARY_TAG = "summary"
# Cells added to the executed copy; not counted, so cell numbers match the notebook an analyst opens.
_ADDED_TAGS = {"injected-parameters", "papermill-error-cell-tag"}


class ReportFailed(Exception):
    """A quarter's report could not be made; the message says where and what to check."""


class KernelFailed(ReportFailed):
    """The Jupyter kernel would not start: no quarter can run, so the run stops."""


@dataclass(frozen=True)
class Outcome:
    quarter: str
    path: Path | None
    error: str | None = None


def _skip_slow_optional_imports() -> None:
    """jsonschema (imported by nbformat) loads rfc3987_syntax, if installed, for its "iri"
    format checker, and that compiles a grammar at import: 1.5 s. Notebook schemas use no
    such format, so the report command goes without it."""
    if "jsonschema" not in sys.modules:
        sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]


# --- Choosing quarters (no pandera, no table validation: the notebook does that) -------------


def _approval_dates() -> dict[str, dt.date]:
    """review_id -> the day its actions are tracked from (plan approval, where known), from reviews.csv."""
    path = config.processed_dir() / "reviews.csv"
    try:
        with path.open(encoding="utf-8", newline="") as f:
            rows = list(csv.DictReader(f))
        return {r["review_id"]: dt.date.fromisoformat(r["tracked_from"]) for r in rows}
    except FileNotFoundError:
        raise InputError("missing; run `make extract` first", path) from None
    except (KeyError, ValueError) as err:
        raise InputError(f"not a processed reviews table ({err}); run `make extract`", path) from None


def check_reviews(review_ids: list[str] | None) -> dict[str, dt.date]:
    """The chosen reviews' approval dates; every id must be a known review."""
    known = _approval_dates()
    unknown = [i for i in review_ids or [] if i not in known]
    if unknown:
        raise InputError(
            f"unknown review id(s) {', '.join(unknown)}; known: {', '.join(known)}",
            config.processed_dir() / "reviews.csv",
        )
    return {i: d for i, d in known.items() if not review_ids or i in review_ids}


def first_quarter(review_ids: list[str] | None = None):
    """The quarter in which the first (chosen) action plan was approved."""
    from helpers import quarters

    return quarters.quarter_of(min(check_reviews(review_ids).values()))


def quarters_to_run(
    quarter: str | None,
    run_all: bool,
    review_ids: list[str] | None,
    today: dt.date | None = None,
    forecast: bool = False,
) -> list:
    """The quarters a command asks for, checked before any notebook starts: none after the latest
    completed quarter (unless a forecast) and none before the first quarter with a plan."""
    from helpers import quarters

    first = first_quarter(review_ids)
    if run_all:
        return quarters.quarters_between(first, quarters.latest_completed(today))
    if quarter is None:
        return [quarters.latest_completed(today)]
    try:
        return [quarters.check_reportable(quarters.parse_quarter(quarter), first, today, forecast)]
    except quarters.BadQuarter as err:
        raise InputError(str(err)) from None


def check_inputs(review_ids: list[str] | None) -> None:
    """Every analyst-edited file a report reads, checked now rather than halfway through a notebook."""
    from helpers import committee, themes, vocabulary, workspace

    vocabulary.vocabulary()
    committee.settings()
    ws = workspace.load_workspace(review_ids)  # processed tables and every update file
    themes.load_overrides(
        set(zip(ws.recommendations["review_id"], ws.recommendations["rec_ref"], strict=True)), set(check_reviews(None))
    )
    ws.themes_long()  # the taxonomy, and recorded themes


# --- The notebook and its parameters -------------------------------------------------------


def declared_parameters(notebook: dict) -> set[str]:
    """Names assigned in the cell tagged `parameters`."""
    for cell in notebook["cells"]:
        if cell["cell_type"] == "code" and "parameters" in cell.get("metadata", {}).get("tags", []):
            source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
            try:
                tree = ast.parse(source)
            except SyntaxError:
                return set()
            return {
                t.id
                for node in ast.walk(tree)
                if isinstance(node, (ast.Assign, ast.AnnAssign))
                for t in (node.targets if isinstance(node, ast.Assign) else [node.target])
                if isinstance(t, ast.Name)
            }
    return set()


def parameterised(notebook, parameters: dict[str, Any]):
    """A copy of the notebook with a cell tagged `injected-parameters` after its `parameters` cell,
    as papermill writes it (Python literals only: str, list, None)."""
    import nbformat

    nb = copy.deepcopy(notebook)
    source = "# Parameters\n" + "".join(f"{name} = {value!r}\n" for name, value in parameters.items())
    cell = nbformat.v4.new_code_cell(source, metadata={"tags": ["injected-parameters"]})
    cell.id = "injected-parameters"
    where = next((i + 1 for i, c in enumerate(nb.cells) if "parameters" in c.get("metadata", {}).get("tags", [])), 0)
    nb.cells.insert(where, cell)
    return nb


def _failed_cell(nb) -> str:
    """ "cell 7 (`reports.table(...)`): ValueError: ..." for the first cell with an error output."""
    cells = [c for c in nb.cells if not _ADDED_TAGS & set(c.get("metadata", {}).get("tags", []))]
    for number, cell in enumerate(cells, start=1):
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                first = next((ln for ln in cell.source.splitlines() if ln.strip() and not ln.startswith("#")), "")
                return f"cell {number} (`{first.strip()[:70]}`): {output.get('ename')}: {output.get('evalue')}"
    return "an unknown cell"


def summary_of(nb) -> dict | None:
    """The application/json output of the cell tagged `summary`, if the notebook has one."""
    for cell in nb.cells:
        if SUMMARY_TAG in cell.get("metadata", {}).get("tags", []):
            for output in cell.get("outputs", []):
                data = output.get("data", {})
                if "application/json" in data:
                    value = data["application/json"]
                    return json.loads(value) if isinstance(value, str) else dict(value)
    return None


# --- HTML export ---------------------------------------------------------------------------

_EXPORTER = None


def _exporter():
    """One HTML exporter per process: building it (templates, filters) costs more than using it."""
    global _EXPORTER
    if _EXPORTER is None:
        from nbconvert import HTMLExporter

        _EXPORTER = HTMLExporter(
            template_name="committee",
            extra_template_basedirs=[str(TEMPLATES)],
            exclude_input=True,
            exclude_input_prompt=True,
            exclude_output_prompt=True,
            embed_images=True,
        )
    return _EXPORTER


def to_html(notebook, title: str) -> str:
    """Self-contained HTML for a committee: no code, prompts, stderr, scripts or parameter cells;
    images embedded; a contents list; no needless tab stops."""
    nb = copy.deepcopy(notebook)
    kept = []
    for cell in nb.cells:
        tags = set(cell.get("metadata", {}).get("tags", []))
        if tags & HIDDEN_TAGS:
            continue  # leaves no trace, not even an empty output area
        if cell.cell_type == "code":
            if SUMMARY_TAG in tags:
                continue
            cell.outputs = [
                o
                for o in cell.get("outputs", [])
                if not (o.get("output_type") == "stream" and o.get("name") == "stderr")
                and o.get("output_type") != "error"
            ]
            if not cell.outputs:
                continue  # a cell with nothing to show would leave an empty block
        kept.append(cell)
    nb.cells = kept
    nb.metadata["title"] = title
    body, _ = _exporter().from_notebook_node(nb)
    return accessible(body)


def _heading_id(text: str, taken: set[str]) -> str:
    base = re.sub(r"[^\w-]+", "-", text.strip()).strip("-") or "section"
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}-{n}", n + 1
    taken.add(candidate)
    return candidate


def accessible(page: str) -> str:
    """Post-process exported HTML: drop tabindex on non-interactive blocks and the "¶" anchor
    links, give every h2 an id, and add a contents list of the h2 headings after the title block."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(page, "html.parser")
    for element in soup.find_all(attrs={"tabindex": True}):
        if element.name not in ("a", "button", "input", "select", "textarea", "details", "summary"):
            del element["tabindex"]
    for anchor in soup.find_all("a", class_="anchor-link"):
        anchor.decompose()
    taken = {e["id"] for e in soup.find_all(id=True)}
    headings = soup.find_all("h2")
    for h2 in headings:
        if not h2.get("id"):
            h2["id"] = _heading_id(h2.get_text(" ", strip=True), taken)
    main = soup.find("main") or soup.body
    if headings and main is not None and not soup.find("nav", attrs={"aria-label": "Contents"}):
        nav = soup.new_tag("nav", attrs={"aria-label": "Contents", "class": "contents"})
        heading = soup.new_tag("h2", attrs={"id": _heading_id("contents", taken), "class": "contents-heading"})
        heading.string = "Contents"
        nav.append(heading)
        items = soup.new_tag("ol")
        for h2 in headings:
            item, link = soup.new_tag("li"), soup.new_tag("a", href=f"#{h2['id']}")
            link.string = h2.get_text(" ", strip=True)
            item.append(link)
            items.append(item)
        nav.append(items)
        h1 = main.find("h1")
        block = h1
        while block is not None and block.parent is not main:
            block = block.parent  # the cell holding the title block
        if block is not None:
            block.insert_after(nav)
        else:
            main.insert(0, nav)
    return str(soup)


# --- Kernels ----------------------------------------------------------------------------------

# Run once in each new kernel: the imports every report needs, and the matplotlib state to go
# back to before each quarter. helpers.* modules are imported to warm their third-party imports
# (pandera, seaborn, scikit-learn), then dropped before each quarter so they start afresh.
_WARM_UP = """
import sys, types
import pandas, matplotlib, matplotlib.pyplot, seaborn
matplotlib.pyplot.figure(); matplotlib.pyplot.close("all")  # load the inline backend and its settings
_state = types.ModuleType("_report_runner_state"); _state.rc = matplotlib.rcParams.copy()
sys.modules[_state.__name__] = _state
try:
    import helpers.workspace, helpers.committee, helpers.charts, helpers.themes
except Exception:
    pass  # the notebook will show the error where it happens
del _state
"""

# Run before each quarter, so nothing an earlier quarter did can change this one: an empty
# namespace, no figures, the rcParams of a fresh kernel, and the project's modules re-imported.
_RESET = """
import sys, matplotlib, matplotlib.pyplot
matplotlib.pyplot.close("all")
matplotlib.rcParams.update(sys.modules["_report_runner_state"].rc)
for _name in [m for m in sys.modules if m == "helpers" or m.startswith("helpers.")]:
    del sys.modules[_name]
get_ipython().run_line_magic("reset", "-f")
"""


class Kernel:
    """One Jupyter kernel, kept for several quarters; its files live in `workdir`."""

    def __init__(self, workdir: Path, kernel_name: str = KERNEL_NAME, cwd: Path | None = None):
        self.workdir, self.kernel_name, self.cwd = workdir, kernel_name, cwd or config.NOTEBOOKS_DIR
        self.km = self.kc = None
        self._started: asyncio.Future | None = None
        self._launch: asyncio.Future | None = None

    def begin(self) -> None:
        """Start booting in the background."""
        if self._started is None:
            self._started = asyncio.ensure_future(self.start())

    async def ensure_started(self) -> None:
        """Wait for the kernel; start it again if it died (a failed start stays failed)."""
        if (
            self._started is not None
            and self._started.done()
            and self._started.exception() is None
            and not await self.alive()
        ):
            self._started = None
        self.begin()
        await self._started

    async def start(self) -> None:
        from jupyter_client.manager import AsyncKernelManager

        self.workdir.mkdir(parents=True, exist_ok=True)
        # IPC sockets, not TCP: kernel and client share this machine, and ipykernel warns on
        # every start over unencrypted TCP. The connection file stays in our own folder. A socket
        # path has at most 107 bytes: under a very long TMPDIR, fall back to TCP on localhost.
        ipc = self.workdir / "ipc"
        transport = {"transport": "ipc", "ip": str(ipc)} if len(str(ipc).encode()) <= 96 else {"ip": "127.0.0.1"}
        self.km = AsyncKernelManager(
            kernel_name=self.kernel_name, connection_file=str(self.workdir / "kernel.json"), **transport
        )
        try:
            # Shielded: a launch cancelled half-way would leave a kernel nobody knows about.
            self._launch = asyncio.ensure_future(self.km.start_kernel(cwd=str(self.cwd)))
            await asyncio.shield(self._launch)
            self.kc = self.km.client()
            self.kc.start_channels()
            await self.kc.wait_for_ready(timeout=120)
            await self.run(_WARM_UP)
        except Exception as err:
            await self.shutdown()
            raise KernelFailed(
                f"could not start the Jupyter kernel '{self.kernel_name}' ({type(err).__name__}: "
                f"{str(err).splitlines()[0] if str(err) else 'no detail'}); check that ipykernel is installed "
                f"in this environment (`make venv`) and that `{sys.executable} -m ipykernel_launcher --help` runs"
            ) from None

    async def run(self, code: str) -> None:
        reply = await self.kc.execute_interactive(
            code, silent=True, store_history=False, timeout=300, output_hook=lambda msg: None
        )
        if reply["content"]["status"] != "ok":
            raise RuntimeError(f"{reply['content'].get('ename')}: {reply['content'].get('evalue')}")

    async def reset(self) -> None:
        await self.run(_RESET)

    async def alive(self) -> bool:
        return self.km is not None and await self.km.is_alive()

    async def shutdown(self) -> None:
        # start() calls this when a launch fails: the task running it is self._started, which must
        # not cancel and await itself.
        starting = self._started is not None and self._started is not asyncio.current_task()
        if starting and not self._started.done():
            self._started.cancel()
            with contextlib.suppress(BaseException):
                await self._started
        if self._launch is not None and not self._launch.done():
            await asyncio.wait([self._launch], timeout=30)  # then it has a process to stop
        if self.kc is not None:
            self.kc.stop_channels()
        if self.km is not None and self.km.has_kernel:
            with contextlib.suppress(Exception):
                await self.km.shutdown_kernel(now=True)
        if self.km is not None:
            await self.km.cleanup_resources()
        self.km = self.kc = None


# --- PDF ----------------------------------------------------------------------------------------

_HEADER = (
    '<div style="font-size:8px;width:100%;margin:0 14mm;color:#444;font-family:sans-serif">'
    '<span class="title"></span></div>'
)
_FOOTER = (
    '<div style="font-size:8px;width:100%;margin:0 14mm;text-align:right;color:#444;font-family:sans-serif">'
    'Page <span class="pageNumber"></span> of <span class="totalPages"></span></div>'
)


class Printer:
    """Prints report.html to report.pdf with Debian's Chromium (the engine the browser test uses)."""

    def __init__(self, warn: Callable[[str], None]):
        self.warn, self.browser, self._pw, self.available = warn, None, None, True

    async def start(self) -> None:
        if not Path(CHROMIUM).exists():
            self.available = False
            self.warn("PDF skipped: install Debian's chromium (`apt-get install chromium`), or pass --no-pdf")
            return
        try:
            from playwright.async_api import async_playwright

            self._pw = await async_playwright().start()
            self.browser = await self._pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        except Exception as err:
            self.available = False
            self.warn(f"PDF skipped: Chromium did not start ({type(err).__name__}: {str(err).splitlines()[0]})")
            await self.close()

    async def pdf(self, html_path: Path) -> Path | None:
        target = html_path.with_name(PDF_FILE)
        if not self.available:
            return None
        fd, tmp = tempfile.mkstemp(prefix=f".{PDF_FILE}.", dir=html_path.parent)
        os.close(fd)
        page = None
        try:
            page = await self.browser.new_page()
            await page.goto(html_path.as_uri())
            await page.pdf(
                path=tmp,
                format="A4",
                print_background=True,
                prefer_css_page_size=True,
                display_header_footer=True,
                header_template=_HEADER,
                footer_template=_FOOTER,
                margin={"top": "18mm", "bottom": "18mm", "left": "14mm", "right": "14mm"},
            )
            os.chmod(tmp, 0o644)
            os.replace(tmp, target)
            return target
        except Exception as err:
            self.warn(f"PDF for {config.relative(html_path.parent)} not written ({type(err).__name__})")
            target.unlink(missing_ok=True)  # never leave a PDF of an older report beside a new HTML
            return None
        finally:
            Path(tmp).unlink(missing_ok=True)  # first: closing the page can itself be interrupted
            if page is not None:
                with contextlib.suppress(Exception):
                    await page.close()

    async def close(self) -> None:
        for closing in (self.browser, self._pw):
            try:
                if closing is self._pw and closing is not None:
                    await closing.stop()
                elif closing is not None:
                    await closing.close()
            except Exception:  # noqa: S110 - the browser is going away either way
                pass
        self.browser = self._pw = None


# --- Running quarters ---------------------------------------------------------------------------


@dataclass
class _Job:
    review_ids: list[str] | None
    meeting_date: str | None
    notebook_path: Path
    out_root: Path
    kernel_name: str
    pdf: bool


def _write_outputs(target: Path, page: str, summary: dict | None) -> None:
    from helpers.tables import write_atomically

    files = {target: page}
    if summary is not None:
        files[target.with_name(SUMMARY_FILE)] = json.dumps(summary, indent=2) + "\n"  # counts in display order
    try:
        write_atomically(files)
    except OSError as err:
        raise InputError(
            f"cannot write the report ({err.strerror}); check that the folder is writable", target.parent
        ) from None
    if summary is None:
        target.with_name(SUMMARY_FILE).unlink(missing_ok=True)


def _keep_failed(nb, out_root: Path, slug: str) -> Path | None:
    import nbformat

    try:
        failed_dir = out_root / FAILED
        failed_dir.mkdir(parents=True, exist_ok=True)
        kept = failed_dir / f"{slug}.ipynb"
        nbformat.write(nb, str(kept))
        return kept
    except OSError:
        return None


def report_folder(quarter, review_ids: list[str] | None) -> str:
    """ "2023-24-Q4" for every review; "2023-24-Q4--2021-finance" for a selection (never over the full report)."""
    from helpers import quarters

    slug = quarters.slug(quarter)
    return f"{slug}--{'-'.join(sorted(review_ids))}" if review_ids else slug


async def _run_quarter_in(kernel: Kernel, label: str, job: _Job, source_nb, exporter_ready) -> Path:
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, DeadKernelError

    from helpers import quarters

    quarter = quarters.parse_quarter(label)
    slug = report_folder(quarter, job.review_ids)
    parameters: dict[str, Any] = {"QUARTER": label, "REVIEWS": job.review_ids}
    if job.meeting_date and "MEETING_DATE" in declared_parameters(source_nb):
        parameters["MEETING_DATE"] = job.meeting_date
    nb = parameterised(source_nb, parameters)
    await kernel.reset()
    client = NotebookClient(
        nb,
        km=kernel.km,
        kernel_name=job.kernel_name,
        timeout=None,
        allow_errors=False,
        record_timing=False,
        resources={"metadata": {"path": str(job.notebook_path.parent)}},
    )
    client.kc = kernel.kc
    try:
        for index, cell in enumerate(nb.cells):
            await client.async_execute_cell(cell, index)
    except (CellExecutionError, DeadKernelError) as err:
        if asyncio.current_task().cancelling():
            raise asyncio.CancelledError from None  # nbclient reports our own cancelling as a dead kernel
        kept = _keep_failed(nb, job.out_root, slug)
        where = f"; executed notebook kept at {config.relative(kept)}" if kept else ""
        if isinstance(err, DeadKernelError):
            await kernel.shutdown()
            raise ReportFailed(
                f"report for {label}: the kernel stopped while running the notebook (out of memory?){where}"
            ) from None
        raise ReportFailed(f"report for {label} failed in {_failed_cell(nb)}{where}") from None
    from helpers.committee import report_title

    title = report_title(quarter)
    target = job.out_root / slug / REPORT_FILE
    await exporter_ready
    _write_outputs(target, to_html(nb, title), summary_of(nb))
    stale = job.out_root / FAILED / f"{slug}.ipynb"
    if stale.exists():
        stale.unlink()  # this quarter now has a good report
        if not any(stale.parent.iterdir()):
            stale.parent.rmdir()
    return target


def _prewarm_export() -> None:
    """Import nbconvert and compile the templates (about 1.5 s) while the kernel boots."""
    import nbformat

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("## Warm-up")])
    to_html(nb, "warm-up")


async def _run_all(
    plan: Callable[[], list[str]],
    job: _Job,
    jobs: int,
    on_done: Callable[[Outcome], None],
    warn: Callable[[str], None],
    on_planned: Callable[[int], None] = lambda n: None,
) -> list[Outcome]:
    """Start the first kernel at once; meanwhile check the parameters (`plan`) and warm the exporter."""
    loop = asyncio.get_running_loop()
    this = asyncio.current_task()
    # Not the main thread: SIGTERM keeps its default.
    with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
        loop.add_signal_handler(signal.SIGTERM, this.cancel)
    workroot = Path(tempfile.mkdtemp(prefix="peer-review-report-"))  # kernel files; removed at the end
    kernels = [Kernel(workroot / "kernel-0", job.kernel_name, job.notebook_path.parent)]
    kernels[0].begin()
    printer = Printer(warn) if job.pdf else None
    printer_ready = asyncio.ensure_future(printer.start() if printer else asyncio.sleep(0))
    exporter_ready = loop.run_in_executor(None, _prewarm_export)
    outcomes: list[Outcome] = []
    printing: list[asyncio.Future] = []
    stop = asyncio.Event()  # a kernel that will not start, or bad input: the same for every quarter

    def finish(outcome: Outcome) -> None:
        outcomes.append(outcome)
        on_done(outcome)

    try:
        labels = await loop.run_in_executor(None, plan)
        on_planned(len(labels))
        import nbformat

        source_nb = nbformat.read(str(job.notebook_path), as_version=4)
        jobs = max(1, min(jobs, len(labels), os.cpu_count() or 1))
        kernels += [Kernel(workroot / f"kernel-{i}", job.kernel_name, job.notebook_path.parent) for i in range(1, jobs)]
        todo: asyncio.Queue[str] = asyncio.Queue()
        for label in labels:
            todo.put_nowait(label)

        async def worker(kernel: Kernel) -> None:
            while not todo.empty() and not stop.is_set():
                label = todo.get_nowait()
                try:
                    await kernel.ensure_started()
                    path = await _run_quarter_in(kernel, label, job, source_nb, exporter_ready)
                except ReportFailed as err:
                    finish(Outcome(label, None, str(err)))
                    if isinstance(err, KernelFailed):
                        stop.set()
                    continue
                except InputError:
                    stop.set()
                    raise
                if printer is not None:  # printed while this kernel goes on to its next quarter
                    printing.append(asyncio.ensure_future(print_pdf(path)))
                finish(Outcome(label, path))

        async def print_pdf(path: Path) -> None:
            await printer_ready
            await printer.pdf(path)

        await asyncio.gather(*(worker(k) for k in kernels))
        await asyncio.gather(*(k.shutdown() for k in kernels))  # free the cores for the last PDFs
        await asyncio.gather(printer_ready, *printing)
    finally:
        for pending in (printer_ready, exporter_ready, *printing):
            pending.cancel()
        await asyncio.gather(*printing, return_exceptions=True)
        await asyncio.gather(*(k.shutdown() for k in kernels), return_exceptions=True)
        if printer is not None:
            await printer.close()
        shutil.rmtree(workroot, ignore_errors=True)
        with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
            loop.remove_signal_handler(signal.SIGTERM)
    return outcomes


def _warn(message: str, _seen: set[str] = set()) -> None:  # noqa: B006 - once per message
    if message not in _seen:
        _seen.add(message)
        print(message, file=sys.stderr)


def run_reports(
    labels: list[str] | Callable[[], list[str]],
    review_ids: list[str] | None,
    jobs: int = 1,
    notebook: Path | None = None,
    out_root: Path | None = None,
    progress: bool = False,
    meeting_date: str | None = None,
    pdf: bool = False,
    kernel_name: str = KERNEL_NAME,
) -> list[Outcome]:
    """Run several quarters, `jobs` kernels at a time, each kernel reused for its next quarter.

    `labels` may be a function that checks the parameters and returns them: it runs while
    the first kernel starts. `jobs` is capped at the number of quarters and of cores.

    Each quarter succeeds or fails on its own. Ctrl-C or SIGTERM raises KeyboardInterrupt once
    every kernel (and the PDF browser) is shut down; reports already written stay.
    """
    from tqdm import tqdm

    _skip_slow_optional_imports()
    job = _Job(
        review_ids,
        meeting_date,
        Path(notebook or config.REPORT_NOTEBOOK),
        Path(out_root or config.reports_dir()),
        kernel_name,
        pdf,
    )
    bar = tqdm(total=None if callable(labels) else len(labels), unit="quarter", disable=not progress, desc="Reports")
    try:
        run = _run_all(
            labels if callable(labels) else lambda: labels,
            job,
            jobs,
            lambda o: bar.update(),
            _warn,
            lambda n: bar.reset(total=n),
        )
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            outcomes = asyncio.run(run)
        else:  # called from async code (e.g. Playwright's sync API in a test): use a thread of our own
            from concurrent.futures import ThreadPoolExecutor

            with ThreadPoolExecutor(1) as pool:
                outcomes = pool.submit(asyncio.run, run).result()
    except asyncio.CancelledError:
        raise KeyboardInterrupt from None  # SIGTERM: everything is already shut down
    finally:
        bar.close()
    from helpers import quarters

    return sorted(outcomes, key=lambda o: quarters.parse_quarter(o.quarter))


def run_quarter(
    quarter_label: str,
    review_ids: list[str] | None,
    notebook: Path | None = None,
    out_root: Path | None = None,
    meeting_date: str | None = None,
    pdf: bool = False,
    kernel_name: str = KERNEL_NAME,
) -> Path:
    """Run the report notebook for one quarter in a new kernel and write its HTML; returns the HTML path."""
    [outcome] = run_reports(
        [quarter_label], review_ids, 1, notebook, out_root, meeting_date=meeting_date, pdf=pdf, kernel_name=kernel_name
    )
    if outcome.error:
        raise ReportFailed(outcome.error)
    return outcome.path


# --- Index --------------------------------------------------------------------------------------

_SLUG = re.compile(r"^(\d{4})-(\d{2})-Q([1-4])(?:--([a-z0-9-]+))?$")


def _read_summary(folder: Path) -> dict:
    try:
        data = json.loads((folder / SUMMARY_FILE).read_text(encoding="utf-8"))
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


def _counts_text(summary: dict) -> str:
    counts = summary.get("counts")
    if not isinstance(counts, dict) or not counts:
        return ""
    parts = [f"{html.escape(str(name))}: {html.escape(str(value))}" for name, value in counts.items()]
    total = summary.get("total")
    if isinstance(total, int):
        parts.append(f"total {total}")
    return f'<span class="counts">{" &middot; ".join(parts)}</span>'


def write_index(out_root: Path | None = None) -> Path:
    """reports/index.html: every quarter's report, newest first, with its headline counts if known."""
    from helpers import quarters

    out_root = out_root or config.reports_dir()
    found = []
    for folder in out_root.iterdir() if out_root.exists() else []:
        match = _SLUG.match(folder.name)
        if match and (folder / REPORT_FILE).exists():
            quarter = quarters.parse_quarter(f"{match.group(1)}/{match.group(2)} Q{match.group(3)}")
            found.append((quarter, folder))
    found.sort(key=lambda item: (item[0], item[1].name.count("--") == 0), reverse=True)
    summaries = {folder.name: _read_summary(folder) for _, folder in found}
    councils: list[str] = []
    for summary in summaries.values():
        names = summary.get("councils")
        for name in names if isinstance(names, list) else []:
            if isinstance(name, str) and name not in councils:
                councils.append(name)
    whose = f"{html.escape(' and '.join(councils))}&rsquo;s" if councils else "the council&rsquo;s"
    rows = []
    for q, folder in found:
        name = html.escape(folder.name)
        extra = [f'<a href="{name}/{PDF_FILE}">PDF</a>'] if (folder / PDF_FILE).exists() else []
        counts = _counts_text(summaries[folder.name])
        selection = folder.name.partition("--")[2]
        which = f" (selected reviews: {html.escape(selection)})" if selection else ""
        rows.append(
            f'<li><a href="{name}/{REPORT_FILE}">{html.escape(quarters.label(q))}{which}</a>'
            f" &ndash; as at {html.escape(quarters.long_date(quarters.end(q)))}"
            + (f" ({', '.join(extra)})" if extra else "")
            + (f"<br>{counts}" if counts else "")
            + "</li>"
        )
    page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>Peer review recommendations: quarterly reports</title>
<style>body{{font-family:sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem;line-height:1.5;color:#1a1a1a}}
li{{margin-bottom:.6rem}} .counts{{color:#333;font-size:.95rem}} a{{color:#0b5394}}</style>
</head><body>
<main>
<h1>Peer review recommendations: quarterly reports</h1>
<p>Progress on the actions agreed after {whose} LGA peer reviews,
one report per financial-year quarter, newest first.</p>
<h2>Reports</h2>
<ul>{"".join(rows) or "<li>No reports yet: run <code>make report</code>.</li>"}</ul>
</main>
</body></html>
"""
    path = out_root / "index.html"
    from helpers.tables import write_atomically

    try:
        write_atomically({path: page})
    except OSError as err:
        raise InputError(
            f"cannot write the index ({err.strerror}); check that the folder is writable", out_root
        ) from None
    return path


# --- Command line -------------------------------------------------------------------------------


def _meeting_date(value: str | None) -> str | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value.strip()).isoformat()
    except ValueError:
        raise InputError(f"meeting date '{value}' is not a date like 2024-05-14") from None


def _check_writable(out_root: Path) -> None:
    """reports/ (or its nearest existing parent) must be writable, checked without creating it."""
    probe = out_root
    while not probe.exists() and probe != probe.parent:
        probe = probe.parent
    if not os.access(probe, os.W_OK | os.X_OK):
        raise InputError(
            "is not writable; choose another folder with PEER_REVIEW_REPORTS or fix its permissions", probe
        )


def main(argv: list[str] | None = None) -> int:
    parser = ArgumentParser(
        prog="python -m helpers.report", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--quarter", help='financial-year quarter, e.g. "2023/24 Q4" (default: latest completed)')
    which.add_argument("--all", action="store_true", help="every quarter since the first action plan was approved")
    which.add_argument(
        "--from-env",
        action="store_true",
        help="read QUARTER, REVIEWS (space- or comma-separated ids) and MEETING_DATE from the environment",
    )
    parser.add_argument("--reviews", nargs="+", metavar="ID", help="review ids to include (default: all)")
    parser.add_argument(
        "--meeting-date",
        metavar="YYYY-MM-DD",
        help="the committee meeting's date (passed to notebooks that declare MEETING_DATE)",
    )
    parser.add_argument(
        "--jobs",
        type=int,
        default=os.cpu_count() or 1,
        help=f"quarters to run at once, 1-{MAX_JOBS} (default: number of cores; "
        "never more than the cores or the quarters)",
    )
    parser.add_argument("--no-pdf", action="store_true", help="write the HTML only, not report.pdf")
    parser.add_argument(
        "--forecast",
        action="store_true",
        help="allow a quarter that has not ended yet (the report is a forecast, not progress)",
    )
    args = parser.parse_args(argv)
    if not 1 <= args.jobs <= MAX_JOBS:
        raise InputError(f"--jobs must be between 1 and {MAX_JOBS}")
    if args.from_env:
        if args.reviews or args.meeting_date:
            raise InputError(
                "--from-env reads REVIEWS and MEETING_DATE from the environment; "
                "do not also pass --reviews or --meeting-date"
            )
        args.quarter = os.environ.get("QUARTER", "").strip() or None
        args.reviews = [r for r in re.split(r"[\s,]+", os.environ.get("REVIEWS", "")) if r] or None
        args.meeting_date = os.environ.get("MEETING_DATE")
    meeting_date = _meeting_date(args.meeting_date)
    out_root = config.reports_dir()
    _check_writable(out_root)

    def plan() -> list[str]:
        """Every parameter checked before any notebook starts (the notebook validates the tables);
        runs while the first kernel boots."""
        from helpers import quarters

        labels = [
            quarters.label(q) for q in quarters_to_run(args.quarter, args.all, args.reviews, forecast=args.forecast)
        ]
        check_inputs(args.reviews)
        return labels

    outcomes: list[Outcome] = []
    checked = False
    try:
        outcomes = run_reports(
            plan, args.reviews, jobs=args.jobs, progress=args.all, meeting_date=meeting_date, pdf=not args.no_pdf
        )
        checked = True
    except KeyboardInterrupt:
        checked = True
        raise
    finally:
        if checked:
            index = write_index(out_root)  # interrupted or not, the index lists what finished
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
