"""Notebooks are thin, narrative and parametrised; nbval runs them (make test) and checks key outputs."""

from __future__ import annotations

import re

import nbformat
import papermill as pm
import pytest

from helpers.base import config

NOTEBOOKS = sorted(config.NOTEBOOKS_DIR.glob("*.ipynb"))


def test_notebooks_are_numbered_in_reading_order():
    names = [p.stem for p in NOTEBOOKS]
    numbers = [name.split("-", 1)[0] for name in names]
    assert all(n.isdigit() and len(n) == 2 for n in numbers), names  # "01-...", "02-...": reading order
    assert numbers == sorted(numbers) and len(set(numbers)) == len(numbers)
    assert config.REPORT_NOTEBOOK.stem in names


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_is_thin_and_parametrised(path):
    nb = nbformat.read(path, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    tagged = [c for c in code if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1
    # Every notebook runs for a selection: of reviews, or (comparing councils) of councils.
    assert {"REVIEWS", "COUNCILS"} & set(pm.inspect_notebook(str(path)))
    assert not any(re.search(r"^\s*(def|class) ", c.source, re.M) for c in code), "move functions to src/helpers"
    assert sum(c.cell_type == "markdown" for c in nb.cells) >= 3, "explain each step in markdown"
    for cell in code:
        for output in cell.get("outputs", []):
            assert output.get("output_type") != "error"
            assert output.get("name") != "stderr", f"stored warning or error output in {path.name}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_notebook_checks_its_key_figures(path):
    nb = nbformat.read(path, as_version=4)
    checked = [c for c in nb.cells if c.cell_type == "code" and "# NBVAL_CHECK_OUTPUT" in c.source]
    assert checked and all(c.outputs for c in checked), "checked cells need stored outputs for nbval"
