"""docs/analyst-guide.md: every Python block runs, top to bottom, against the shipped data."""

from __future__ import annotations

import re

import pandas as pd

from conftest import PROJECT

GUIDE = PROJECT / "docs" / "analyst-guide.md"


def _blocks() -> list[str]:
    return re.findall(r"```python\n(.*?)```", GUIDE.read_text(encoding="utf-8"), flags=re.DOTALL)


def test_the_guide_has_examples_for_each_question():
    text = GUIDE.read_text(encoding="utf-8")
    for call in ("ws.status(", "ws.past_target_by_lead(", "ws.changes(", "ws.history(", "ws.requests("):
        assert call in text


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
