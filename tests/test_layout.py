"""The house's layout rules: each stage of src/helpers imports only from the stages before it, and no
module imports another in a circle. Read with `ast`, so nothing is imported to check it.

Imports inside `if TYPE_CHECKING:` are left out: they are for type checkers only and never run.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

HELPERS = Path(__file__).resolve().parents[1] / "src" / "helpers"
# The stages in the order the data flows (README, "The stages").
STAGES = ["base", "plans", "tracking", "cycle", "committee", "publishing"]


def _module_name(path: Path, root: Path) -> str:
    parts = path.relative_to(root.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(tree: ast.AST, modules: set[str]) -> set[str]:
    """The helpers modules a module imports when it runs (at the top or inside a function)."""
    found: set[str] = set()
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.If) and _is_type_checking(node):
            stack.extend(node.orelse)
            continue
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("helpers"))
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("helpers"):
            for alias in node.names:
                child = f"{node.module}.{alias.name}"
                found.add(child if child in modules else node.module)
        stack.extend(ast.iter_child_nodes(node))
    return found


def import_graph(root: Path = HELPERS) -> dict[str, set[str]]:
    """{module: the helpers modules it imports}, for every module under `root`."""
    paths = sorted(root.rglob("*.py"))
    modules = {_module_name(p, root) for p in paths}
    return {_module_name(p, root): _imports(ast.parse(p.read_text(encoding="utf-8")), modules) & modules for p in paths}


def stage_of(module: str) -> str | None:
    """The stage a module belongs to ("helpers.tracking.status" -> "tracking"); None for the package itself."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else None


def later_stage_imports(graph: dict[str, set[str]]) -> list[str]:
    """ "a imports b" for every import of a later stage than the importer's own."""
    out = []
    for module, imported in sorted(graph.items()):
        own = stage_of(module)
        if own is None:
            continue
        for target in sorted(imported):
            other = stage_of(target)
            if other is not None and STAGES.index(other) > STAGES.index(own):
                out.append(f"{module} ({own}) imports {target} ({other})")
    return out


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every import circle, found by depth-first search (each as the path that closes it)."""
    found, state = [], {}

    def visit(module: str, path: list[str]) -> None:
        state[module] = "open"
        for target in sorted(graph.get(module, ())):
            if state.get(target) == "open":
                found.append([*path[path.index(target) :], target])
            elif target not in state:
                visit(target, [*path, target])
        state[module] = "done"

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])
    return found


def test_every_module_belongs_to_a_known_stage():
    graph = import_graph()
    unknown = sorted(m for m in graph if stage_of(m) is not None and stage_of(m) not in STAGES)
    assert unknown == [], f"modules outside the stages {STAGES}: {unknown}"


def test_no_stage_imports_a_later_stage():
    assert later_stage_imports(import_graph()) == []


def test_no_import_circle():
    assert circles(import_graph()) == []


def test_the_checks_catch_a_later_stage_import_and_a_circle(tmp_path):
    package = tmp_path / "helpers"
    for stage in ("base", "tracking", "committee"):
        (package / stage).mkdir(parents=True)
        (package / stage / "__init__.py").write_text("")
    (package / "__init__.py").write_text("")
    (package / "base" / "quarters.py").write_text("from helpers.tracking import status\n")
    (package / "tracking" / "status.py").write_text("import helpers.base.quarters\n")
    (package / "tracking" / "history.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from helpers.committee import sections\n"
    )
    (package / "committee" / "sections.py").write_text("def f():\n    from helpers.tracking.status import x\n")
    graph = import_graph(package)
    assert later_stage_imports(graph) == ["helpers.base.quarters (base) imports helpers.tracking.status (tracking)"]
    assert circles(graph) == [["helpers.base.quarters", "helpers.tracking.status", "helpers.base.quarters"]]
    assert graph["helpers.committee.sections"] == {"helpers.tracking.status"}
    assert graph["helpers.tracking.history"] == set()


@pytest.mark.parametrize("stage", STAGES)
def test_each_stage_is_a_package_with_a_docstring(stage):
    init = HELPERS / stage / "__init__.py"
    assert init.exists(), f"src/helpers/{stage}/ is not a package"
    assert ast.get_docstring(ast.parse(init.read_text(encoding="utf-8"))), (
        f"src/helpers/{stage}/__init__.py says nothing"
    )


# A room a newcomer can take in at one sitting: modules of about 400 lines at most, functions of about 60.
MODULE_LINES, FUNCTION_LINES = 400, 60


def long_modules(root: Path = HELPERS, limit: int = MODULE_LINES) -> list[str]:
    """ "base/readers.py: 441 lines" for every module over the limit."""
    out = []
    for path in sorted(root.rglob("*.py")):
        n = len(path.read_text(encoding="utf-8").splitlines())
        if n > limit:
            out.append(f"{path.relative_to(root)}: {n} lines")
    return out


def long_functions(root: Path = HELPERS, limit: int = FUNCTION_LINES) -> list[str]:
    """ "cycle/forms.py:120 write_form: 147 lines" for every function or method over the limit (its docstring and
    decorators included)."""
    out = []
    for path in sorted(root.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                start = min([node.lineno, *(d.lineno for d in node.decorator_list)])
                n = node.end_lineno - start + 1
                if n > limit:
                    out.append(f"{path.relative_to(root)}:{node.lineno} {node.name}: {n} lines")
    return out


def test_no_module_is_over_about_400_lines():
    assert long_modules() == []


def test_no_function_is_over_about_60_lines():
    assert long_functions() == []


def test_the_size_checks_count_what_they_say(tmp_path):
    body = "\n".join(f"    x{i} = {i}" for i in range(58))
    (tmp_path / "ok.py").write_text(f"def fits():\n{body}\n    return 1\n")  # 60 lines
    (tmp_path / "long.py").write_text(f"@decorated\ndef too_long():\n{body}\n    return 1\n" + "\n" * 400)
    assert long_functions(tmp_path) == ["long.py:2 too_long: 61 lines"]
    assert long_modules(tmp_path) == ["long.py: 461 lines"]
