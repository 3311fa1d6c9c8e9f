"""PDF tables with pdfplumber (no Java, no Ghostscript): each page's ruled tables, one table's parts on
consecutive pages joined again; a PDF with no text layer (a scan) is refused."""

from __future__ import annotations

from pathlib import Path

from helpers.base.errors import InputError
from helpers.plans.importing.cells import Cell, Row, Table, grid, tidy_lines
from helpers.plans.importing.document import PROTECTED

SCAN = (
    "has no text layer (a scanned page): it cannot be read as a table, so transcribe it instead "
    "(data/transcriptions/TEMPLATE.csv, docs/adding-a-review.md)"
)


def read_pdf(path: Path) -> tuple[list[Table], str]:
    """(the document's tables, one table running over pages kept as one; its whole text)."""
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
    from pdfminer.pdfparser import PDFSyntaxError

    try:
        with pdfplumber.open(str(path)) as pdf:
            parts, text, chars = [], [], 0
            for number, page in enumerate(pdf.pages, start=1):
                chars += len(page.chars)
                text.append(page.extract_text() or "")
                for found in page.find_tables():
                    parts.append((number, found.bbox, found.extract(), page.height))
    except (PDFPasswordIncorrect, PDFEncryptionError):
        raise InputError(PROTECTED, path) from None
    except PDFSyntaxError as err:
        raise InputError(f"cannot read the PDF: {err}", path) from None
    except Exception as err:  # pdfplumber wraps pdfminer's password error in its own
        if "password" in type(err).__name__.lower() or "PDFPassword" in repr(err):
            raise InputError(PROTECTED, path) from None
        raise
    if not chars:
        raise InputError(SCAN, path)
    return _join_pages(parts), "\n".join(text)


def _join_pages(parts: list) -> list[Table]:
    """Page tables as document tables: a part at the top of a page, as wide as the last table which ended
    at the bottom of the page before, continues it."""
    tables: list[Table] = []
    last_end = None
    for page, bbox, rows, height in parts:
        cells = grid([[Cell("", True) if c is None else Cell(tidy_lines(c, wrapped=True)) for c in r] for r in rows])
        width = len(cells[0]) if cells else 0
        continues = (
            tables
            and last_end is not None
            and last_end[0] == page - 1
            and last_end[1] > 0.75 * last_end[2]
            and bbox[1] < 0.25 * height
            and width == len(tables[-1].rows[-1].cells)
        )
        if not continues:
            tables.append(Table(len(tables) + 1, [], f"table {len(tables) + 1}, p. {page}"))
        table = tables[-1]
        start = len(table.rows)
        table.rows += [Row(c, table=table.number, row=start + n, page=page) for n, c in enumerate(cells, start=1)]
        if continues:
            first = table.label.split("p. ")[1].split("-")[0]
            table.label = f"table {table.number}, p. {first}-{page}"
        last_end = (page, bbox[3], height)
    return [t for t in tables if t.rows]
