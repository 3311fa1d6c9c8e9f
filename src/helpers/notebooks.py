"""Re-execute the notebooks in place, so their stored outputs (checked by nbval) match the data.

    python -m helpers.notebooks            # every notebook in notebooks/
    python -m helpers.notebooks 02-themes  # some of them

Run it (`make notebooks`) after adding a review or changing rules, then commit
the notebooks: `make test` compares the outputs of cells marked
`# NBVAL_CHECK_OUTPUT` with what the data gives now.
"""

from __future__ import annotations

import sys
from pathlib import Path

from helpers import config
from helpers.errors import ArgumentParser, InputError, run_cli
from helpers.tables import write_atomically


def execute_in_place(path: Path, timeout: int = 600) -> None:
    """Run a notebook top to bottom with its default parameters; write it back only if every cell ran."""
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb, timeout=timeout, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}
    )
    try:
        client.execute()
    except CellExecutionError as err:
        first = str(err).strip().splitlines()[-1] if str(err).strip() else "a cell failed"
        raise InputError(f"notebook failed and was left unchanged: {first}", path) from None
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = [o for o in cell.outputs if o.get("name") != "stderr"]
    write_atomically({path: nbformat.writes(nb) + "\n"})


def main(argv: list[str] | None = None) -> int:
    parser = ArgumentParser(prog="python -m helpers.notebooks", description=__doc__)
    parser.add_argument("names", nargs="*", help="notebook names (default: all)")
    args = parser.parse_args(argv)
    paths = sorted(config.NOTEBOOKS_DIR.glob("*.ipynb"))
    if args.names:
        wanted = {n.removesuffix(".ipynb") for n in args.names}
        unknown = wanted - {p.stem for p in paths}
        if unknown:
            raise InputError(f"no notebook named {', '.join(sorted(unknown))}", config.NOTEBOOKS_DIR)
        paths = [p for p in paths if p.stem in wanted]
    for path in paths:
        print(f"running {config.relative(path)} ...", file=sys.stderr)
        execute_in_place(path)
    return 0


if __name__ == "__main__":
    run_cli(main)
