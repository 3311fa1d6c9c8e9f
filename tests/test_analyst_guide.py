"""docs/analyst-guide.md: every Python block runs, top to bottom, against the shipped data."""

from __future__ import annotations

import re
import subprocess
import sys

import pandas as pd
import pytest

from conftest import PROJECT

GUIDE = PROJECT / "docs" / "analyst-guide.md"


def _blocks() -> list[str]:
    return re.findall(r"```python\n(.*?)```", GUIDE.read_text(encoding="utf-8"), flags=re.DOTALL)


def test_the_guide_has_examples_for_each_question():
    text = GUIDE.read_text(encoding="utf-8")
    for call in ("ws.status(", "ws.past_target_by_lead(", "ws.changes(", "ws.history(", "ws.requests("):
        assert call in text


def test_the_guide_imports_from_the_package_in_one_line():
    import helpers

    imported = re.findall(r"^from helpers import (.+)$", GUIDE.read_text(encoding="utf-8"), flags=re.M)
    names = {name.strip() for line in imported for name in line.split(",")}
    assert "load_workspace" in names
    assert names <= set(helpers.__all__), f"the guide imports names the package does not export: {names}"


@pytest.mark.parametrize("name", ["Workspace", "load_workspace"])
def test_each_exported_name_imports_from_the_package(name):
    import helpers

    assert name in helpers.__all__ and name in dir(helpers)
    namespace: dict[str, object] = {}
    exec(f"from helpers import {name}", namespace)  # noqa: S102 - a fixed name from the list above
    from helpers.tracking import workspace

    assert namespace[name] is getattr(workspace, name)


def test_every_name_in_all_is_exported():
    import helpers

    for name in helpers.__all__:
        assert getattr(helpers, name) is not None


def test_an_unknown_name_is_an_attribute_error_and_subpackages_still_import():
    import helpers

    with pytest.raises(AttributeError, match="no attribute 'no_such_name'"):
        helpers.no_such_name  # noqa: B018 - the attribute access is the test
    from helpers import base, tracking  # subpackages, not exports: the lookup falls back to importing them

    assert base.__name__ == "helpers.base" and tracking.__name__ == "helpers.tracking"


def test_importing_the_package_alone_stays_cheap():
    # The report kernel imports only the submodules it uses; `import helpers` (which every one of those runs
    # first) must not pull in the workspace and pandas with it.
    code = "import helpers, sys; print('pandas' in sys.modules, 'helpers.tracking' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120)
    assert result.stdout.split() == ["False", "False"]


def test_every_example_in_the_guide_runs():
    namespace: dict[str, object] = {}
    results = []
    for block in _blocks():
        lines = block.rstrip().splitlines()
        *body, last = lines
        exec(compile("\n".join(body), str(GUIDE), "exec"), namespace)  # noqa: S102 - our own documentation
        results.append(eval(compile(last, str(GUIDE), "eval"), namespace))  # noqa: S307
    assert results, "the guide has no examples"
    # Each question's answer is a table (or tables) an analyst can read, not None or an error.
    shown = [r for r in results if isinstance(r, (pd.DataFrame, pd.Series, tuple, list, dict))]
    assert len(shown) == len(results)


def test_the_guide_shows_the_picture_over_time():
    text = GUIDE.read_text(encoding="utf-8")
    for call in ("ws.status_history(", "ws.slippage(", "history_counts("):
        assert call in text
