"""Helpers for the LGA peer review recommendations workspace.

The data flows one way: data/raw + review metadata -> extraction ->
data/processed -> analysis helpers -> charts -> notebooks -> HTML reports.

The code is one package per stage, in that order: base, plans, tracking, cycle,
committee, publishing (README, "The stages"). The analyst's import is one line,

    from helpers import load_workspace

and the names in `__all__` are loaded on first use (PEP 562), so `import helpers`,
which every `import helpers.<stage>...` runs first, imports nothing else: the
report's kernel imports only the modules it uses.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from helpers.tracking.workspace import Workspace, load_workspace

__all__ = ["Workspace", "load_workspace"]

# Each exported name and the module that defines it (imported only when the name is first used).
_EXPORTS = {
    "Workspace": "helpers.tracking.workspace",
    "load_workspace": "helpers.tracking.workspace",
}


def __getattr__(name: str) -> Any:
    """An exported name, imported from its module on first use; AttributeError for any other name."""
    module = _EXPORTS.get(name)
    if module is None:
        # An AttributeError (not a KeyError) lets `from helpers import base` fall back to the subpackage.
        raise AttributeError(f"module 'helpers' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # later uses skip this function
    return value


def __dir__() -> list[str]:
    """The package's names with the lazy exports, for Tab completion in JupyterLab."""
    return sorted({*globals(), *__all__})
