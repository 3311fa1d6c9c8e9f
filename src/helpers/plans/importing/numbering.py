"""Numbers written at the start of a plan's cells ("1. Develop ...", "R2 Strengthen ...", "1.1 Consult ...")
taken as the recommendation's (or action's) reference, and the cell's text kept without them.

The rule: a plan with no reference column whose every recommendation cell starts with a label, each label
different, is numbered by those labels; the same for the action cells and the actions' references. A label
is "1.", "1)", "1:", "R1", "1.1", "Recommendation 1:" or "Rec 1 -", followed by the text. A cell whose later
lines start with labels too holds a numbered list, not a numbered recommendation, and so is never taken.
One cell without a label, or two cells with the same one, and the column's numbers are all left as written.
"""

from __future__ import annotations

import re

from helpers.plans.importing.shape import Shaped
from helpers.plans.plan_tables import REF, normalise_ref

_DOTTED = r"(?:[A-Z]{1,3} ?)?\d{1,3}(?:\.\d{1,3})+[a-z]?"
_LETTERED = r"[A-Z]{1,3} ?\d{1,3}(?:\.\d{1,3})*[a-z]?"
# A bare number needs its full stop, bracket or colon ("1." or "1)"): "100 days ..." is text, not a label.
_LABEL = re.compile(
    rf"^\s*(?:(?i:recommendation|rec)\.?\s*(?P<named>{REF})\s*[:.)\-\u2013\u2014]?"
    rf"|(?P<marked>{REF})\s*[.):]"
    rf"|(?P<plain>{_DOTTED}|{_LETTERED}))\s+(?=\S)"
)


def label(text: str) -> tuple[str, str] | None:
    """(the reference, the text after it) where a cell starts with a label, else None; a cell whose later lines
    start with labels too (a numbered list) gives None."""
    lines = text.strip().split("\n")
    found = _LABEL.match(lines[0]) if lines[0] else None
    if found is None or any(_LABEL.match(line) for line in lines[1:]):
        return None
    ref = normalise_ref(found.group("named") or found.group("marked") or found.group("plain"))
    rest = "\n".join([lines[0][found.end() :], *lines[1:]]).strip()
    return ref, rest


def take_numbers(shaped: Shaped) -> list[str]:
    """Take the labels at the start of the recommendation and action cells as references (the module's rule),
    changing the actions in place. Returns what was taken, a line for each column, for the one screen."""
    taken = []
    if "rec_ref" not in shaped.fields:
        firsts = [a for a in shaped.actions if not a.continues]
        labels = _all_labelled([a.cells.get("recommendation", "") for a in firsts])
        if labels:
            ref, found = "", iter(labels)
            for action in shaped.actions:
                if not action.continues:
                    ref, action.cells["recommendation"] = next(found)
                    action.where["rec_ref"] = action.where.get("recommendation", [])
                action.cells["rec_ref"] = ref
            taken.append(_taken("recommendation", [r for r, _ in labels]))
    labels = _all_labelled([a.cells.get("action", "") for a in shaped.actions]) if "action" in shaped.fields else None
    if labels:
        for action, (ref, text) in zip(shaped.actions, labels, strict=True):
            action.cells["action_ref"], action.cells["action"] = ref, text
            action.where["action_ref"] = action.where.get("action", [])
        taken.append(_taken("action", [r for r, _ in labels]))
    return taken


def _all_labelled(texts: list[str]) -> list[tuple[str, str]] | None:
    """Each text's (reference, rest) where every one starts with a label and no two labels are the same."""
    labels = [label(t) for t in texts]
    if not labels or None in labels:
        return None
    refs = [found[0] for found in labels if found]
    return labels if len(set(refs)) == len(refs) else None  # type: ignore[return-value]


def _taken(column: str, refs: list[str]) -> str:
    """The screen's line: "recommendation numbers taken from the recommendation cells: 1, 2, 3"."""
    shown = ", ".join(refs[:6]) + (f" and {len(refs) - 6} more" if len(refs) > 6 else "")
    return f"{column} numbers taken from the start of the {column} cells: {shown}"
