"""Our papermill engine: runs a notebook in a Jupyter kernel that may be kept for the next notebook.

papermill runs the reports (`papermill.execute_notebook`, or the `papermill` command);
this engine, registered as "reuse-kernel" under papermill's `papermill.engine` entry
point (pyproject.toml), is papermill's own nbclient engine with the kernel given to it:

    papermill --engine reuse-kernel notebooks/04-quarterly-report.ipynb out.ipynb -p QUARTER "2023/24 Q4"

From the command line it starts a kernel, runs the notebook and stops the kernel. The
report command (helpers.publishing.notebook_run) passes a `helpers.publishing.kernel.Kernel` of its own as `kernel=`
(papermill hands extra keywords on to the engine), so one kernel serves every quarter
of a job. Both ways run the same warm-up and reset before the notebook, so they give
the same notebook, and the same HTML.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

if "papermill.engines" not in sys.modules:
    # papermill imports every registered engine, this module among them, when it is first
    # imported: let it do that now, so it never meets this module half-defined.
    _this = sys.modules.pop(__name__)
    import papermill.engines  # noqa: F401

    sys.modules.setdefault(__name__, _this)  # papermill left a complete copy, unless the entry point is missing

import asyncio
import contextlib
from collections.abc import Callable

from papermill.engines import Engine, NBClientEngine, papermill_engines

from helpers.publishing.kernel import START_TIMEOUT, Kernel

ENGINE_NAME = "reuse-kernel"  # as registered in pyproject.toml


class ReusedKernelEngine(Engine):
    """papermill's NBClientEngine, with the kernel given by the caller (`kernel=`) or started for this notebook."""

    @classmethod
    def execute_managed_notebook(
        cls,
        nb_man,
        kernel_name,
        log_output=False,
        stdout_file=None,
        stderr_file=None,
        start_timeout=60,
        execution_timeout=None,
        kernel: Kernel | None = None,
        while_running: Callable[[], None] | None = None,
        **kwargs,
    ):
        """Execute the notebook with papermill's nbclient machinery, in the kept kernel if one is given.

        `while_running`, if given, is called once while the kernel runs the first cell after the
        parameters: the caller's own preparation overlaps the kernel's work instead of waiting for it."""
        from papermill.clientwrap import PapermillNotebookClient
        from papermill.log import logger

        own = kernel is None
        if own:
            kernel = Kernel(Path(tempfile.mkdtemp(prefix="peer-review-kernel-")), kernel_name, Path.cwd())
        try:
            kernel.prepare(max(start_timeout, START_TIMEOUT))
            client = PapermillNotebookClient(
                nb_man,
                km=kernel.km,
                kernel_name=kernel_name,
                timeout=execution_timeout,
                log=logger,
                log_output=log_output,
                stdout_file=stdout_file,
                stderr_file=stderr_file,
                coalesce_streams=True,  # one stdout output per cell, however the kernel's messages were split
            )
            client.kc = kernel.kc
            if while_running is not None:
                client.on_cell_execute = _once_sent(while_running)
            client.reset_execution_trackers()
            client.papermill_execute_cells()  # papermill's cell loop: metadata, errors kept in the notebook
            nb_man.nb.metadata["language_info"] = kernel.language_info
            if own:
                say_refusal(nb_man.nb)
        finally:
            if own:
                kernel.shutdown()
                shutil.rmtree(kernel.workdir, ignore_errors=True)
        return nb_man.nb


# Our errors that say all there is to say in one line (helpers.base.errors.InputError and its kinds).
_ONE_LINE_ERRORS = {"InputError", "ParameterError", "BadQuarter"}


def say_refusal(nb) -> None:
    """Print our one-line message to stderr when a notebook stopped on bad input (a parameter refused, say):
    the papermill command then shows it before its own traceback, instead of only at its end."""
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error" and output.get("ename") in _ONE_LINE_ERRORS:
                # On a line of its own: papermill's progress bar may have left the cursor at the end of its line.
                print(f"\nerror: {output.get('evalue')}", file=sys.stderr, flush=True)
                return


class ClearErrorsEngine(NBClientEngine):
    """papermill's own engine, as the `papermill` command runs it (no --engine), saying our one-line message
    first when the notebook stops on bad input."""

    @classmethod
    def execute_managed_notebook(cls, nb_man, kernel_name, **kwargs):
        """Run the notebook as papermill does, then say our message if it stopped on bad input."""
        try:
            return super().execute_managed_notebook(nb_man, kernel_name, **kwargs)
        finally:
            say_refusal(nb_man.nb)


# The `papermill` command's default engine (papermill loads this module through its entry point, and the default
# is looked up by name when a notebook runs): papermill's own, with our message first.
papermill_engines.register(None, ClearErrorsEngine)

_PARAMETER_TAGS = {"parameters", "injected-parameters"}


def _once_sent(work: Callable[[], None]) -> Callable[..., None]:
    """An nbclient hook that has `work` run once, on the event loop, once the first cell after the parameters
    is sent: nbclient sends the cell right after this hook, and the loop runs `work` while it waits for the
    kernel's reply. A failure is left for `work`'s own caller to meet again where it matters."""
    pending = [work]

    def hook(cell, cell_index) -> None:
        if pending and cell.cell_type == "code" and not _PARAMETER_TAGS & set(cell.metadata.get("tags", [])):
            asyncio.get_running_loop().call_soon(_quietly, pending.pop())

    return hook


def _quietly(work: Callable[[], None]) -> None:
    with contextlib.suppress(Exception):  # met again, with its own message, where the caller uses what it prepares
        work()
