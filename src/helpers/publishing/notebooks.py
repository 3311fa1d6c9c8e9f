"""Re-execute the notebooks in place, so their stored outputs (checked by nbval) match the data.

    python -m helpers.publishing.notebooks            # every notebook in notebooks/
    python -m helpers.publishing.notebooks 02-themes  # some of them

Run it (`make notebooks`) after adding a review or changing rules, then commit
the notebooks: `make test` compares the outputs of cells marked
`# NBVAL_CHECK_OUTPUT` with what the data gives now. papermill runs each notebook
with its default parameters, through our engine, in one kernel reset between
notebooks (as the report command does); a notebook is written back only if every
cell ran, without papermill's run metadata or stderr outputs.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

from helpers.base import config
from helpers.base.errors import ArgumentParser, InputError, run_cli
from helpers.plans.tables import write_atomically
from helpers.publishing.kernel import Kernel
from helpers.publishing.notebook_run import skip_slow_optional_imports


def _as_stored(nb) -> str:
    """The notebook as it is committed: no papermill metadata, no empty tag lists papermill adds, no stderr."""
    import nbformat

    nb.metadata.pop("papermill", None)
    for cell in nb.cells:
        cell.metadata.pop("papermill", None)
        cell.metadata.pop("execution", None)
        if cell.metadata.get("tags") == []:
            del cell.metadata["tags"]
        if cell.cell_type == "code":
            cell.outputs = [o for o in cell.outputs if o.get("name") != "stderr"]
    return nbformat.writes(nb) + "\n"


def execute_in_place(path: Path, kernel: Kernel) -> None:
    """Run a notebook top to bottom with its default parameters; write it back only if every cell ran."""
    import papermill
    from papermill.exceptions import PapermillExecutionError

    from helpers.publishing.engine import ENGINE_NAME  # after papermill, which loads it through its entry point

    try:
        nb = papermill.execute_notebook(
            str(path),
            None,
            engine_name=ENGINE_NAME,
            kernel=kernel,
            progress_bar=False,
            request_save_on_cell_execute=False,
        )
    except PapermillExecutionError as err:
        raise InputError(f"notebook failed and was left unchanged: {err.ename}: {err.evalue}", path) from None
    write_atomically({path: _as_stored(nb)})


def main(argv: list[str] | None = None) -> int:
    """Re-execute the named notebooks (default: all) in place."""
    parser = ArgumentParser(prog="python -m helpers.publishing.notebooks", description=__doc__)
    parser.add_argument("names", nargs="*", help="notebook names (default: all)")
    args = parser.parse_args(argv)
    paths = sorted(config.NOTEBOOKS_DIR.glob("*.ipynb"))
    if args.names:
        wanted = {n.removesuffix(".ipynb") for n in args.names}
        unknown = wanted - {p.stem for p in paths}
        if unknown:
            raise InputError(f"no notebook named {', '.join(sorted(unknown))}", config.NOTEBOOKS_DIR)
        paths = [p for p in paths if p.stem in wanted]
    skip_slow_optional_imports()
    workdir = Path(tempfile.mkdtemp(prefix="peer-review-notebooks-"))
    kernel = Kernel(workdir, cwd=config.NOTEBOOKS_DIR)
    try:
        kernel.launch()
        for path in paths:
            print(f"running {config.relative(path)} ...", file=sys.stderr)
            execute_in_place(path, kernel)
    finally:
        kernel.shutdown()
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    run_cli(main)
