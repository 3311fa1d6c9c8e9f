"""Page numbers in the printed Contents.

Chromium cannot number a contents list itself (it has no CSS `target-counter`), so the
report is printed, each Contents entry's heading is found in that PDF's bookmarks
(Chromium makes one per heading, pointing to the page it starts on), the numbers are
written into the open page beside the entries, and the report is printed again. The
numbers sit on the entries' own lines, so the pages do not move; if they did, the
numbers are worked out again from the new print (a few rounds at most).

Only the print carries the numbers: report.html, read on screen, has no pages.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

PAGE_CLASS = "contents-page"  # the template's print CSS sets the number at the entry's right
ROUNDS = 3  # prints after the first, at most, until the numbers agree with the pages

_ENTRIES = "() => Array.from(document.querySelectorAll('nav.contents li > a'), a => a.textContent.trim())"
_NUMBER = f"""(numbers) => {{
  document.querySelectorAll('nav.contents li > a').forEach((a, i) => {{
    a.parentElement.querySelectorAll('.{PAGE_CLASS}').forEach(s => s.remove());
    if (numbers[i] === null) return;
    const span = document.createElement('span');
    span.className = '{PAGE_CLASS}';
    span.textContent = String(numbers[i]);
    a.parentElement.appendChild(span);
  }});
}}"""


def bookmarks(pdf: bytes) -> list[tuple[str, int]]:
    """Each bookmark of a PDF, in order: (its title, with its spaces made single, its page from 1)."""
    import pypdfium2

    document = pypdfium2.PdfDocument(pdf)
    try:
        out = []
        for mark in document.get_toc():
            destination = mark.get_dest()
            index = destination.get_index() if destination is not None else None
            if index is not None:
                out.append((" ".join(mark.get_title().split()), index + 1))
        return out
    finally:
        document.close()


def entry_pages(entries: list[str], marks: list[tuple[str, int]]) -> list[int | None]:
    """The page of each Contents entry: the first bookmark of the same title after the previous entry's
    (headings are in the Contents' order); None for an entry no bookmark names."""
    pages: list[int | None] = []
    start = 0
    for entry in entries:
        wanted = " ".join(entry.split())
        found = next((n for n in range(start, len(marks)) if marks[n][0] == wanted), None)
        pages.append(marks[found][1] if found is not None else None)
        start = found + 1 if found is not None else start
    return pages


async def numbered(page: Any, print_pdf: Callable[[], Awaitable[bytes]]) -> bytes:
    """The PDF of the open `page` (printed by `print_pdf`) with page numbers in its Contents, if it has one."""
    data = await print_pdf()
    entries = await page.evaluate(_ENTRIES)
    if not entries:
        return data
    for _ in range(ROUNDS):
        numbers = entry_pages(entries, bookmarks(data))
        await page.evaluate(_NUMBER, numbers)
        data = await print_pdf()
        if entry_pages(entries, bookmarks(data)) == numbers:
            break
    return data
