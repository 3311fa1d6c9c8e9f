"""papermill runs the reports with our engine: registered where papermill and nbconvert look, and the same
page whether made by the report command or by papermill and nbconvert from the command line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import PROJECT, council_of
from helpers.base import config

BIN = Path(sys.executable).parent


def test_our_engine_and_exporter_are_registered_with_papermill_and_nbconvert():
    from nbconvert.exporters import get_exporter
    from papermill.engines import papermill_engines

    from helpers.publishing.engine import ENGINE_NAME, ReusedKernelEngine
    from helpers.publishing.html_export import CommitteeExporter

    assert papermill_engines.get_engine(ENGINE_NAME) is ReusedKernelEngine
    assert get_exporter("committee") is CommitteeExporter


def test_the_engine_module_can_be_imported_before_papermill():
    # papermill imports every registered engine when it is first imported; ours must not be met half-defined.
    code = (
        "import helpers.publishing.engine as e, papermill.engines as p\n"
        "assert p.papermill_engines.get_engine(e.ENGINE_NAME) is e.ReusedKernelEngine\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=PROJECT)


@pytest.mark.slow  # a whole report
def test_papermill_and_nbconvert_from_the_command_line_give_the_report_commands_page(tmp_path: Path):
    env = dict(os.environ, PEER_REVIEW_REPORTS=str(tmp_path / "reports"))
    council = council_of("2021-finance")
    made = subprocess.run(
        [
            sys.executable,
            "-m",
            "helpers.publishing.report",
            "--quarter",
            "2023/24 Q4",
            "--council",
            council,
            "--no-pdf",
        ],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert made.returncode == 0, made.stderr
    notebook = config.NOTEBOOKS_DIR / "04-quarterly-report.ipynb"
    executed = tmp_path / "out.ipynb"
    subprocess.run(
        [
            str(BIN / "papermill"),
            "--engine",
            "reuse-kernel",
            str(notebook),
            str(executed),
            "-p",
            "QUARTER",
            "2023/24 Q4",
            "-p",
            "COUNCIL",
            council,
            "--no-progress-bar",
        ],
        cwd=tmp_path,
        env=env,
        check=True,
        capture_output=True,
    )
    subprocess.run(
        [str(BIN / "jupyter"), "nbconvert", "--to", "committee", str(executed)],
        cwd=tmp_path,
        env=env,
        check=True,
        capture_output=True,
    )
    page = (tmp_path / "out.html").read_bytes()
    # The council's report to the committee of 2021-finance (its only one, unless it reports to several).
    [folder] = [
        f.parent
        for f in (tmp_path / "reports" / "2023-24-Q4").glob("*/summary.json")
        if "2021-finance" in {r["id"] for r in json.loads(f.read_text())["reviews"]}
    ]
    assert page == (folder / "report.html").read_bytes()
    assert f"Peer review recommendations: progress report 2023/24 Q4 \u2013 {council}".encode() in page
    # The report command keeps the executed notebook: the same page comes from it too.
    kept = folder / "report.ipynb"
    subprocess.run(
        [str(BIN / "jupyter"), "nbconvert", "--to", "committee", str(kept), "--output-dir", str(tmp_path / "again")],
        env=env,
        check=True,
        capture_output=True,
    )
    assert (tmp_path / "again" / "report.html").read_bytes() == page


# --- The caller's preparation overlaps the kernel's first cell ------------------------------------------


def _cell(kind: str, tags: list[str] | None = None):
    import nbformat

    cell = nbformat.v4.new_code_cell("x = 1") if kind == "code" else nbformat.v4.new_markdown_cell("# Title")
    cell.metadata["tags"] = tags or []
    return cell


def test_the_preparation_runs_once_after_the_first_cell_past_the_parameters_is_sent():
    import asyncio

    from helpers.publishing.engine import _once_sent

    ran: list[str] = []
    hook = _once_sent(lambda: ran.append("prepared"))

    async def cells() -> list[list[str]]:
        seen = []
        for cell in (
            _cell("code", ["parameters"]),
            _cell("code", ["injected-parameters"]),
            _cell("markdown"),
            _cell("code"),
            _cell("code"),
        ):
            hook(cell=cell, cell_index=0)
            await asyncio.sleep(0)  # nbclient waits for the kernel's reply: the loop runs what was scheduled
            seen.append(list(ran))
        return seen

    # Nothing while the parameter cells (or a markdown cell) go by; once, at the first real cell; never again.
    assert asyncio.run(cells()) == [[], [], [], ["prepared"], ["prepared"]]


def test_a_preparation_that_fails_is_left_for_its_caller_to_meet_again():
    import asyncio

    from helpers.publishing.engine import _once_sent

    def fails() -> None:
        raise RuntimeError("templates missing")

    async def run() -> None:
        _once_sent(fails)(cell=_cell("code"), cell_index=3)
        await asyncio.sleep(0)

    asyncio.run(run())  # no exception reaches the notebook's cells


def test_a_kept_kernel_gives_each_later_notebook_our_modules_afresh(tmp_path: Path):
    # The rule (helpers.publishing.kernel): before each notebook after the first, our modules are imported afresh, so
    # nothing one report set on them reaches the next.
    import nbformat
    import papermill

    from helpers.publishing.engine import ENGINE_NAME
    from helpers.publishing.kernel import Kernel

    source = tmp_path / "marks.ipynb"
    code = (
        "import helpers.tracking.workspace as w\n"
        "print('marked before' if hasattr(w, '_test_mark') else 'fresh')\n"
        "w._test_mark = True"
    )
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(code)]), source)
    kernel = Kernel(tmp_path / "kernel", cwd=config.NOTEBOOKS_DIR)
    said = []
    try:
        for n in range(3):
            nb = papermill.execute_notebook(
                str(source),
                str(tmp_path / f"out{n}.ipynb"),
                engine_name=ENGINE_NAME,
                kernel=kernel,
                kernel_name="python3",
                progress_bar=False,
            )
            said.append(nb.cells[0].outputs[0]["text"].strip())
    finally:
        kernel.shutdown()
    assert said == ["fresh", "fresh", "fresh"]


@pytest.mark.parametrize("engine", [[], ["--engine", "reuse-kernel"]], ids=["papermill's default", "ours"])
def test_the_papermill_command_says_our_one_line_before_its_traceback(tmp_path: Path, engine: list[str]):
    # A quarter that does not read stops notebook 04 at its check: the analyst sees our line before papermill's
    # traceback (which papermill prints after the engine has run: the line cannot come after nothing at all).
    out = str(tmp_path / "out.ipynb")
    result = subprocess.run(
        [str(BIN / "papermill"), *engine, str(config.REPORT_NOTEBOOK), out, "-p", "QUARTER", "garbage"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=300,
    )
    assert result.returncode != 0
    ours = "error: QUARTER 'garbage' is not like '2023/24 Q4' (financial year, then Q1-Q4)"
    lines = result.stderr.splitlines()
    first = next(i for i, line in enumerate(lines) if ours in line)
    assert lines[first].startswith(ours)
    assert all("Traceback" not in line for line in lines[:first])
    assert any("Traceback" in line for line in lines[first:])  # papermill's own, after ours
