"""Every public function, class and method in src/helpers says what it is for (issue 19).

An analyst exploring in JupyterLab reads `help(ws.status)` or presses Shift-Tab;
a name alone rarely says which quarter, which table or which rule. The walk is
over the source (ast), so a module that fails to import is still checked.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

HELPERS = Path(__file__).resolve().parents[1] / "src" / "helpers"


def _public(name: str) -> bool:
    return not name.startswith("_")


def missing_docstrings(path: Path) -> list[str]:
    """`file:line name` for each public module-level function or class, and public method, without a docstring."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    missing = []

    def walk(body: list[ast.stmt], prefix: str) -> None:
        for node in body:
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) or not _public(node.name):
                continue
            name = prefix + node.name
            if ast.get_docstring(node) is None:
                missing.append(f"src/helpers/{path.name}:{node.lineno} {name}")
            if isinstance(node, ast.ClassDef):
                walk(node.body, name + ".")

    walk(tree.body, "")
    return missing


def test_the_walk_finds_what_it_should(tmp_path: Path) -> None:
    # A made-up module: what is public and undocumented is listed, what is private or documented is not.
    module = tmp_path / "example.py"
    module.write_text(
        "def shown(): pass\n"
        "def _private(): pass\n"
        'def documented():\n    """Says so."""\n'
        "class Thing:\n"
        "    def method(self): pass\n"
        "    def _helper(self): pass\n"
        "    def __init__(self): pass\n"
        "    @property\n"
        "    def value(self): return 1\n"
        "async def fetch(): pass\n"
    )
    assert missing_docstrings(module) == [
        "src/helpers/example.py:1 shown",
        "src/helpers/example.py:5 Thing",
        "src/helpers/example.py:6 Thing.method",
        "src/helpers/example.py:10 Thing.value",
        "src/helpers/example.py:11 fetch",
    ]


@pytest.mark.parametrize("path", sorted(HELPERS.rglob("*.py")), ids=lambda p: str(p.relative_to(HELPERS)))
def test_public_functions_classes_and_methods_have_docstrings(path: Path) -> None:
    missing = missing_docstrings(path)
    assert not missing, f"{len(missing)} without a docstring (one line will do):\n" + "\n".join(missing)
