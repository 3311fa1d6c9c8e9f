"""Read a review's tab-separated action-plan table out of the raw text, with provenance.

The text is as published: rows wrap across page breaks (a later line starting
with a tab continues the row's cells), section header rows sit inside the
table, cells may hold HTML fragments such as <p>, and numbers read like "1.".
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from pathlib import Path

from helpers.base import config
from helpers.base.errors import InputError
from helpers.plans.reviews import Review, TableSpec

# Formatting tags the council's publishing system leaves in cells. Anything else
# in angle brackets is kept as literal text (and escaped wherever it is shown).
_FORMATTING_TAG = re.compile(r"</?(?:p|br|strong|em|b|i|u|span|ul|ol|li|div)(?:\s[^<>]*)?/?>", re.IGNORECASE)
# A reference as plans write it: "7", "7.", "R1", "1.1", "12a".
REF = r"(?:[A-Z]{1,3} ?)?\d{1,3}(?:\.\d{1,3})*[a-z]?"
_REF_CELL = re.compile(rf"^\s*({REF})\.?\s*$")
_MARKDOWN_LINK = re.compile(r"^\[(.+)\]\([^)]*\)$")
# Words that may stand beside a cross-reference without adding an action of its own.
_FILLER = {"above", "below", "recommendation", "recommendations", "rec", "action", "and", "the"}


@dataclass
class TableRow:
    """One action's cells as read (by column role), before normalisation."""

    rec_ref: str
    cells: dict[str, str]
    first_line: int
    last_line: int
    section: str = ""
    parts: dict[str, list[str]] = field(default_factory=dict)
    action_ref: str = ""  # blank: the recommendation's own reference (one action per recommendation)
    source: str = ""  # where in the document, when not the line range ("p. 4", from a transcription)
    incomplete: str = ""  # why the source row is incomplete, if it is
    # Where an error about this row should point: the table line, or the transcription row.
    where: Path | None = None
    ref_generated: bool = False  # the plan numbers no recommendations: rec_ref is its place in the document
    action_ref_generated: bool = False  # action_ref was given here, not by the plan ("1.2" for a second action)

    @property
    def line_range(self) -> str:
        """Source lines as "107" or "109-111" (or the transcription's own citation)."""
        if self.source:
            return self.source
        return f"{self.first_line}-{self.last_line}" if self.last_line > self.first_line else str(self.first_line)


class PlanRows(list):
    """A plan's rows in document order, and where its table ended (for "fewer rows than expected" errors)."""

    def __init__(self, rows: list[TableRow], path: Path, ended_at: int, ended_by: str):
        super().__init__(rows)
        self.path, self.ended_at, self.ended_by = path, ended_at, ended_by


def read_source(file_name: str) -> tuple[Path, list[str]]:
    """The lines of a raw document in data/raw/ (1-based line n is lines[n-1])."""
    from helpers.base.readers import read_text

    path = config.raw_dir() / file_name
    return path, read_text(path, "raw document").split("\n")


def clean_text(text: str) -> str:
    """Cell text as a reader sees it: formatting tags dropped, entities decoded, spaces folded."""
    text = _FORMATTING_TAG.sub(" ", text)
    text = html.unescape(text)
    return re.sub(r"\s+", " ", text).strip()


def normalise_ref(text: str) -> str:
    """A reference as written, without a trailing full stop or spaces: " 7." -> "7", "R 1" -> "R1"."""
    return re.sub(r"\s+", "", str(text)).rstrip(".")


def _cross_reference_pattern() -> re.Pattern[str]:
    from helpers.base.vocabulary import cross_reference_phrases

    phrases = sorted(cross_reference_phrases(), key=len, reverse=True)
    words = "|".join(r"\s+".join(map(re.escape, p.split())) for p in phrases)
    return re.compile(rf"\b(?:{words})\s+(?:recommendation\s+|rec\s+)?({REF})\b(?![/\d])")


def cross_references(text: str) -> list[str]:
    """References an action's text points to ("See 7", "As 41.", "To be addressed through 2, above")."""
    return list(dict.fromkeys(normalise_ref(r) for r in _cross_reference_pattern().findall(text)))


def is_only_cross_reference(text: str) -> bool:
    """True where the text says nothing but "See N" / "As N" (the action is that one's)."""
    if not cross_references(text):
        return False
    rest = _cross_reference_pattern().sub("", text)
    words = [w for w in re.findall(r"[A-Za-z]+", rest) if w.casefold() not in _FILLER]
    return not words


def _find_line(lines: list[str], text: str, path: Path, what: str, start: int = 0) -> int:
    """0-based index of the first line at or after `start` that equals `text` (ignoring edge spaces)."""
    for i in range(start, len(lines)):
        if lines[i].strip() == text.strip():
            return i
    raise InputError(f"{what} not found: no line reads {text.strip()!r}", path)


def find_header(lines: list[str], header: str, path: Path) -> int:
    """0-based index of a table's header line, or an error that says why it is not there."""
    for i, line in enumerate(lines):
        if line.strip() == header.strip():
            return i
    if not any("\t" in line for line in lines):
        raise InputError(
            "the action-plan table header was not found, and the text has no tab characters: "
            "this plan is not a tab-separated table, so use a transcription (README, 'Adding a review')",
            path,
        )
    import difflib

    shown = {i: line.strip() for i, line in enumerate(lines) if line.strip()}
    nearest = difflib.get_close_matches(header.strip(), list(shown.values()), n=1, cutoff=0.5)
    if nearest:
        at = next(i for i, line in shown.items() if line == nearest[0])
        hint = (
            " (its separators differ: write tabs as \\t in the metadata)"
            if nearest[0].replace("\t", " ").split() == header.replace("\t", " ").split()
            else ""
        )
        raise InputError(
            f"the action-plan table header {header.strip()!r} was not found; the nearest line is "
            f"{at + 1}: {nearest[0]!r}{hint}",
            path,
            at + 1,
        )
    raise InputError(f"the action-plan table header {header.strip()!r} was not found, and no line is like it", path)


def parse_table(review: Review) -> PlanRows:
    """The action-plan rows of a review, in document order (one action per row)."""
    spec: TableSpec = review.table  # type: ignore[assignment]
    path, lines = read_source(spec.file)
    header_at = find_header(lines, spec.header, path)
    rows, ended_at, ended_by = _read_rows(lines, header_at, spec, path)
    if not rows:
        raise InputError("the action-plan table header was found but no rows follow it", path, header_at + 1)
    _join_cells(rows, path)
    if isinstance(spec.sections, dict):
        _assign_summary_sections(rows, lines, path, spec.sections["summary_headings"])
    return PlanRows(rows, path, ended_at, ended_by)


def _read_rows(lines: list[str], header_at: int, spec: TableSpec, path: Path) -> tuple[list[TableRow], int, str]:
    """(rows, ended_at, ended_by): the rows after the header, up to the first line without a tab or the end."""
    rows: list[TableRow] = []
    section = ""
    for i in range(header_at + 1, len(lines)):
        line, lineno = lines[i], i + 1
        if not line.strip():
            continue  # page break inside the table
        if "\t" not in line:
            shown = line.strip()
            # The first plain paragraph after the table ends it.
            return rows, lineno, f"a line without a tab ({shown[:40]!r}{'...' if len(shown) > 40 else ''})"
        cells = _cells(line, len(spec.columns), path, lineno)
        by_col = {role: text for role, text in zip(spec.columns, cells, strict=False) if role != "ignore"}
        first = cells[0].strip()
        if not first:
            if not rows:
                raise InputError("continuation line before the first row of the table", path, lineno)
            _continue_row(rows[-1], by_col, lineno)
            continue
        rec_ref = _rec_ref(cells, by_col, spec, len(rows), path, lineno)
        if rec_ref is None:
            section = clean_text(first)  # a section header row: text in the first cell only
            continue
        rows.append(
            TableRow(
                rec_ref=rec_ref,
                cells={},
                first_line=lineno,
                last_line=lineno,
                section=section,
                parts={k: [v] for k, v in by_col.items() if k != "rec_ref"},
                ref_generated="rec_ref" not in spec.columns,
            )
        )
    return rows, len(lines), "the end of the document"


def _cells(line: str, ncols: int, path: Path, lineno: int) -> list[str]:
    """A table line's cells, one per column: blank cells past the last column dropped, missing ones blank."""
    cells = line.split("\t")
    if len(cells) > ncols:
        if any(c.strip() for c in cells[ncols:]):
            raise InputError(f"row has {len(cells)} cells but the table has {ncols} columns", path, lineno)
        cells = cells[:ncols]
    return cells + [""] * (ncols - len(cells))


def _rec_ref(
    cells: list[str], by_col: dict[str, str], spec: TableSpec, placed: int, path: Path, lineno: int
) -> str | None:
    """The row's recommendation reference; None for a section header row."""
    first = cells[0].strip()
    others = [c for c in cells[1:] if c.strip()]
    if "rec_ref" in spec.columns:
        match = _REF_CELL.match(by_col["rec_ref"])
        if not match and not others:
            return None
        if not match:
            raise InputError(
                f"cannot read a recommendation reference from {first!r} (expected one like 7, R1 or 1.1)",
                path,
                lineno,
            )
        return normalise_ref(match.group(1))
    if not others and spec.sections == "header_rows":
        return None
    return str(placed + 1)  # the plan numbers none: its place in the document


def _join_cells(rows: list[TableRow], path: Path) -> None:
    """Each row's cells joined from its wrapped parts and cleaned; a recommendation given twice is refused."""
    seen: dict[str, int] = {}
    for row in rows:
        if row.rec_ref in seen:
            raise InputError(
                f"recommendation {row.rec_ref} appears twice (first at line {seen[row.rec_ref]})", path, row.first_line
            )
        seen[row.rec_ref] = row.first_line
        row.cells = {k: clean_text(" ".join(p for p in parts if p.strip())) for k, parts in row.parts.items()}


def _continue_row(row: TableRow, by_col: dict[str, str], lineno: int) -> None:
    """Add a continuation line's cells (a row wrapped across a page break) to the row it continues."""
    for key, text in by_col.items():
        if key != "rec_ref" and text.strip():
            row.parts[key].append(text)
    row.last_line = lineno


# --- 2022-style sections: the "Summary of actions" headings ------------------

_STOPWORDS = {
    "a",
    "an",
    "and",
    "any",
    "are",
    "as",
    "at",
    "be",
    "by",
    "for",
    "from",
    "in",
    "into",
    "is",
    "it",
    "its",
    "of",
    "on",
    "or",
    "so",
    "such",
    "than",
    "that",
    "the",
    "their",
    "them",
    "these",
    "this",
    "to",
    "with",
    "within",
    "our",
    "we",
    "will",
    "which",
    "who",
    "how",
    "why",
    "what",
    "review",
    "ensure",
    "continue",
    "look",
    "seek",
    "council",
    "councils",
    "council's",
}


def _words(text: str) -> set[str]:
    """The words that tell one summary heading from another (no stopwords, none under three letters)."""
    return {w for w in re.findall(r"[a-z]+", text.lower()) if w not in _STOPWORDS and len(w) > 2}


def summary_headings(lines: list[str], path: Path, start: str, end: str) -> list[tuple[str, list[str]]]:
    """(heading, its bullet points) from a summary block such as "Summary of actions"."""
    first = _find_line(lines, start, path, "summary heading")
    last = _find_line(lines, end, path, "end of the summary", first + 1)
    blocks: list[tuple[str, list[str]]] = []
    for raw in lines[first + 1 : last]:
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
        words = _words(
            row.cells["recommendation"] + " " + row.cells.get("response", "") + " " + row.cells.get("action", "")
        )
        scores = [
            (len(words & _words(" ".join(bullets) + " " + heading)), -n, heading)
            for n, (heading, bullets) in enumerate(blocks)
        ]
        best, _, heading = max(scores)
        if best == 0 or order[heading] < previous:
            raise InputError(f"cannot tell which summary heading action {row.rec_ref} belongs to", path, row.first_line)
        row.section = heading
        previous = order[heading]
