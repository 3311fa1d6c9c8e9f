"""Read each review's action-plan table out of the raw text, with provenance.

The text is as published: rows wrap across page breaks (a later line starting
with a tab continues the row's cells), section header rows sit inside the
table, cells may hold HTML fragments such as <p>, and numbers read like "1.".
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from pathlib import Path

from helpers import config
from helpers.errors import InputError
from helpers.reviews import ReferenceList, Review, TableSpec

# Formatting tags the council's publishing system leaves in cells. Anything else
# in angle brackets is kept as literal text (and escaped wherever it is shown).
_FORMATTING_TAG = re.compile(r"</?(?:p|br|strong|em|b|i|u|span|ul|ol|li|div)(?:\s[^<>]*)?/?>", re.IGNORECASE)
_REC_NO = re.compile(r"^\s*(\d{1,3})\.?\s*$")
_CROSS_REF = re.compile(r"\b(?:See|As)\s+(\d{1,3})\b(?![/\d])")
_MARKDOWN_LINK = re.compile(r"^\[(.+)\]\([^)]*\)$")


@dataclass
class TableRow:
    """One recommendation's cells as read, before normalisation."""

    rec_no: int
    cells: dict[str, str]
    first_line: int
    last_line: int
    section: str = ""
    parts: dict[str, list[str]] = field(default_factory=dict)

    @property
    def line_range(self) -> str:
        """Source lines as "107" or "109-111"."""
        return f"{self.first_line}-{self.last_line}" if self.last_line > self.first_line else str(self.first_line)


def read_source(file_name: str) -> tuple[Path, list[str]]:
    """The lines of a raw document in data/raw/ (1-based line n is lines[n-1])."""
    path = config.raw_dir() / file_name
    if not path.exists():
        raise InputError("raw document not found (is it in data/raw/ under this name?)", path)
    return path, path.read_text(encoding="utf-8").split("\n")


def clean_text(text: str) -> str:
    """Cell text as a reader sees it: formatting tags dropped, entities decoded, spaces folded."""
    text = _FORMATTING_TAG.sub(" ", text)
    text = html.unescape(text)
    return re.sub(r"\s+", " ", text).strip()


def cross_references(response: str) -> list[int]:
    """Recommendation numbers a response points to ("See 7", "As 41.")."""
    return sorted({int(n) for n in _CROSS_REF.findall(response)})


def is_only_cross_reference(response: str) -> bool:
    """True where the response says nothing but "See N" / "As N" (the action is that one's)."""
    rest = _CROSS_REF.sub("", response)
    return bool(cross_references(response)) and not re.sub(r"[\s.;,]", "", rest)


def _find_line(lines: list[str], text: str, path: Path, what: str, start: int = 0) -> int:
    """0-based index of the first line at or after `start` that equals `text` (ignoring edge spaces)."""
    for i in range(start, len(lines)):
        if lines[i].strip() == text.strip():
            return i
    raise InputError(f"{what} not found: no line reads {text.strip()!r}", path)


def parse_table(review: Review) -> list[TableRow]:
    """The action-plan rows of a review, in document order."""
    spec: TableSpec = review.table  # type: ignore[assignment]
    path, lines = read_source(spec.file)
    header_at = _find_line(lines, spec.header, path, "action-plan table header")
    ncols = len(spec.columns)
    has_numbers = "rec_no" in spec.columns
    rows: list[TableRow] = []
    section = ""
    for i in range(header_at + 1, len(lines)):
        line, lineno = lines[i], i + 1
        if not line.strip():
            continue  # page break inside the table
        if "\t" not in line:
            break  # the first plain paragraph after the table ends it
        cells = line.split("\t")
        if len(cells) > ncols:
            if any(c.strip() for c in cells[ncols:]):
                raise InputError(f"row has {len(cells)} cells but the table has {ncols} columns", path, lineno)
            cells = cells[:ncols]
        cells += [""] * (ncols - len(cells))
        by_col = dict(zip(spec.columns, cells))
        first = cells[0].strip()
        if not first:
            if not rows:
                raise InputError("continuation line before the first row of the table", path, lineno)
            _continue_row(rows[-1], by_col, lineno)
            continue
        if has_numbers:
            match = _REC_NO.match(by_col["rec_no"])
            others = [c for k, c in by_col.items() if k != "rec_no" and c.strip()]
            if not match and not others:
                section = clean_text(first)  # a section header row: text in the first cell only
                continue
            if not match:
                raise InputError(f"cannot read a recommendation number from {first!r}", path, lineno)
            rec_no = int(match.group(1))
        else:
            rec_no = len(rows) + 1
        row = TableRow(rec_no=rec_no, cells={}, first_line=lineno, last_line=lineno, section=section,
                       parts={k: [v] for k, v in by_col.items() if k != "rec_no"})
        rows.append(row)
    if not rows:
        raise InputError("the action-plan table header was found but no rows follow it", path, header_at + 1)
    seen: dict[int, int] = {}
    for row in rows:
        if row.rec_no in seen:
            raise InputError(f"recommendation number {row.rec_no} appears twice (first at line {seen[row.rec_no]})",
                             path, row.first_line)
        seen[row.rec_no] = row.first_line
        row.cells = {k: clean_text(" ".join(p for p in parts if p.strip())) for k, parts in row.parts.items()}
    if isinstance(spec.sections, dict):
        _assign_summary_sections(rows, lines, path, spec.sections["summary_headings"])
    return rows


def _continue_row(row: TableRow, by_col: dict[str, str], lineno: int) -> None:
    for key, text in by_col.items():
        if key != "rec_no" and text.strip():
            row.parts[key].append(text)
    row.last_line = lineno


# --- 2022-style sections: the "Summary of actions" headings ------------------

_STOPWORDS = set("""a an and any are as at be by for from in into is it its of on or so such
than that the their them these this to with within our we will which who how why what
review ensure continue look seek council councils council's""".split())


def _words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z]+", text.lower()) if w not in _STOPWORDS and len(w) > 2}


def summary_headings(lines: list[str], path: Path, start: str, end: str) -> list[tuple[str, list[str]]]:
    """(heading, its bullet points) from a summary block such as "Summary of actions"."""
    first = _find_line(lines, start, path, "summary heading")
    last = _find_line(lines, end, path, "end of the summary", first + 1)
    blocks: list[tuple[str, list[str]]] = []
    for raw in lines[first + 1:last]:
        text = raw.strip()
        if not text:
            continue
        if text.startswith("- "):
            if blocks:
                blocks[-1][1].append(text[2:])
        elif len(text) < 60 and not text.endswith("."):
            link = _MARKDOWN_LINK.match(text)
            blocks.append((link.group(1) if link else text, []))
        elif blocks:
            blocks[-1][1].append(text)  # an introductory paragraph under a heading
    if not blocks:
        raise InputError(f"no headings found between {start!r} and {end!r}", path, first + 1)
    return blocks


def _assign_summary_sections(rows: list[TableRow], lines: list[str], path: Path, where: dict[str, str]) -> None:
    """Give each row the summary heading whose bullets share most words with it.

    The summary lists the actions in the table's order, so the headings found
    must not go backwards; if they do, the match is not trustworthy.
    """
    blocks = summary_headings(lines, path, where["start"], where["end"])
    order = {heading: n for n, (heading, _) in enumerate(blocks)}
    previous = 0
    for row in rows:
        words = _words(row.cells["recommendation"] + " " + row.cells.get("response", ""))
        scores = [(len(words & _words(" ".join(bullets) + " " + heading)), -n, heading)
                  for n, (heading, bullets) in enumerate(blocks)]
        best, _, heading = max(scores)
        if best == 0 or order[heading] < previous:
            raise InputError(f"cannot tell which summary heading action {row.rec_no} belongs to", path, row.first_line)
        row.section = heading
        previous = order[heading]


# --- The reports' own lists of recommendations --------------------------------

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
    for i, line in enumerate(lines):
        if line.strip().startswith(start.strip()):
            return i
    raise InputError(f"start of the list not found: no line begins {start.strip()!r}", path)


# --- Wording: action plan against the report's own list -------------------------

def _comparable(text: str) -> str:
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


def wording_differences(review_id: str, rows: list[TableRow], ref: ReferenceList,
                        items: dict[int, tuple[str, int]]) -> list[dict[str, object]]:
    """Each recommendation whose action-plan wording differs from the report's list."""
    by_no = {r.rec_no: r for r in rows}
    numbers = range(ref.first_rec_no, max(items) + 1) if items else range(0)
    found = []
    for n in numbers:
        plan, report = by_no.get(n), items.get(n)
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
        found.append({
            "review_id": review_id, "rec_no": n, "reference": ref.name,
            "action_plan_text": plan_text, "reference_text": report_text, "difference": difference,
            "action_plan_lines": plan.line_range if plan else "",
            "reference_line": str(report[1]) if report else "",
        })
    return found
