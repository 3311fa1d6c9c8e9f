"""The reports' own numbered lists of recommendations, and where an action plan's wording differs from them.

A review's metadata names each list (`reference_lists`); the differences become
data/processed/wording_differences.csv.
"""

from __future__ import annotations

import re
from pathlib import Path

from helpers.base.errors import InputError
from helpers.plans.plan_tables import TableRow, clean_text, read_source
from helpers.plans.reviews import ReferenceList


def parse_reference_list(ref: ReferenceList) -> dict[int, tuple[str, int]]:
    """{rec_no: (text, line)} from a numbered list such as "Annex 1 - Full list of Recommendations"."""
    path, lines = read_source(ref.file)
    first = _find_start(lines, ref.start, path)
    items: dict[int, tuple[str, int]] = {}
    current: int | None = None
    for i in range(first + 1, len(lines)):
        text = lines[i].strip()
        if text == ref.end.strip():
            break
        if not text or any(text.startswith(s) for s in ref.skip):
            continue
        match = re.match(r"^(\d{1,3})\.\s+(.*)$", text)
        if match:
            current = int(match.group(1)) + ref.first_rec_no - 1
            items[current] = (match.group(2), i + 1)
        elif current is not None:
            body, line = items[current]
            items[current] = (body + " " + text, line)  # wrapped across a page break
    else:
        raise InputError(f"end of the list ({ref.end!r}) not found after {ref.start!r}", path, first + 1)
    if not items:
        raise InputError(f"no numbered recommendations found under {ref.start!r}", path, first + 1)
    return {n: (clean_text(t), line) for n, (t, line) in items.items()}


def _find_start(lines: list[str], start: str, path: Path) -> int:
    """0-based index of the first line that begins with the list's start text."""
    for i, line in enumerate(lines):
        if line.strip().startswith(start.strip()):
            return i
    raise InputError(f"start of the list not found: no line begins {start.strip()!r}", path)


def _comparable(text: str) -> str:
    """Wording as compared: curly quotes made straight, spaces folded, a final full stop dropped."""
    text = text.replace("\u2018", "'").replace("\u2019", "'").replace("\u201c", '"').replace("\u201d", '"')
    return re.sub(r"\s+", " ", text).strip().rstrip(".").strip()


def describe_difference(plan: str, report: str) -> str:
    """Word-level summary of how two wordings differ, e.g. "'DART board' in the plan, 'DARTboard' in the report"."""
    import difflib

    a, b = _comparable(plan).split(" "), _comparable(report).split(" ")
    parts = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if op == "equal":
            continue
        left, right = " ".join(a[i1:i2]), " ".join(b[j1:j2])
        if op == "delete":
            parts.append(f"plan adds '{left}'")
        elif op == "insert":
            parts.append(f"plan omits '{right}'")
        else:
            parts.append(f"plan '{left}' / report '{right}'")
    return "; ".join(parts)


def wording_differences(
    review_id: str, rows: list[TableRow], ref: ReferenceList, items: dict[int, tuple[str, int]]
) -> list[dict[str, object]]:
    """Each recommendation whose action-plan wording differs from the report's list."""
    by_ref = {r.rec_ref: r for r in rows}
    numbers = range(ref.first_rec_no, max(items) + 1) if items else range(0)
    found = []
    for n in numbers:
        plan, report = by_ref.get(str(n)), items.get(n)
        plan_text = plan.cells["recommendation"] if plan else ""
        report_text = report[0] if report else ""
        if plan and report and _comparable(plan_text) == _comparable(report_text):
            continue
        if not plan:
            difference = "in the report's list but not in the action plan"
        elif not report:
            difference = "in the action plan but not in the report's list"
        else:
            difference = describe_difference(plan_text, report_text)
        found.append(
            {
                "review_id": review_id,
                "rec_ref": str(n),
                "reference": ref.name,
                "action_plan_text": plan_text,
                "reference_text": report_text,
                "difference": difference,
                "action_plan_lines": plan.line_range if plan else "",
                "reference_line": str(report[1]) if report else "",
            }
        )
    return found
