"""Our papermill engine: runs a notebook in a Jupyter kernel that may be kept for the next notebook.

papermill runs the reports (`papermill.execute_notebook`, or the `papermill` command);
this engine, registered as "reuse-kernel" under papermill's `papermill.engine` entry
point (pyproject.toml), is papermill's own nbclient engine with the kernel given to it:

    papermill --engine reuse-kernel notebooks/04-quarterly-report.ipynb out.ipynb -p QUARTER "2023/24 Q4"

From the command line it starts a kernel, runs the notebook and stops the kernel. The
report command (helpers.runner) passes a `helpers.kernel.Kernel` of its own as `kernel=`
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

from papermill.engines import Engine

from helpers.kernel import START_TIMEOUT, Kernel

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
        **kwargs,
    ):
        """Execute the notebook with papermill's nbclient machinery, in the kept kernel if one is given."""
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
            client.reset_execution_trackers()
            client.papermill_execute_cells()  # papermill's cell loop: metadata, errors kept in the notebook
            nb_man.nb.metadata["language_info"] = kernel.language_info
        finally:
            if own:
                kernel.shutdown()
                shutil.rmtree(kernel.workdir, ignore_errors=True)
        return nb_man.nb
