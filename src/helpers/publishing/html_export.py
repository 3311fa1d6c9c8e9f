"""The committee's HTML: an executed report notebook as one self-contained, accessible page.

An nbconvert exporter, registered as "committee" under nbconvert's exporters entry
point (pyproject.toml), so the page can be made from any executed notebook:

    jupyter nbconvert --to committee reports/2023-24-Q4/report.ipynb   # writes report.html beside it

The report command uses the same exporter, so the two give the same page. What it
leaves out: code, prompts, stderr and error outputs, outputs with nothing the page
can show, the parameter cells (machinery) and the summary kept for the index. What it
adds: a contents list of the h2 headings after the title block, an id on every h2,
the first heading as the page title; and no needless tab stops or "¶" anchor links.
For print, it marks the sections that go on landscape pages and the column widths of
their wide tables (helpers.publishing.print_layout); the screen ignores those marks.
"""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any

from nbconvert import HTMLExporter
from traitlets import default

from helpers.publishing.report_folder import SUMMARY_TAG

TEMPLATES = Path(__file__).parent / "templates"
# Cells that never reach the committee: the parameters are machinery, the summary is data for the index.
HIDDEN_TAGS = {"parameters", "injected-parameters", SUMMARY_TAG}
_INTERACTIVE = ("a", "button", "input", "select", "textarea", "details", "summary")


class CommitteeExporter(HTMLExporter):
    """nbconvert's HTML exporter with the committee template (no scripts, a strict content security policy)."""

    export_from_notebook = "Committee report (HTML)"

    @default("template_name")
    def _template_name_default(self) -> str:
        return "committee"

    @default("extra_template_basedirs")
    def _extra_template_basedirs_default(self) -> list[str]:
        return [str(TEMPLATES)]

    @default("exclude_input")
    def _exclude_input_default(self) -> bool:
        return True

    @default("exclude_input_prompt")
    def _exclude_input_prompt_default(self) -> bool:
        return True

    @default("exclude_output_prompt")
    def _exclude_output_prompt_default(self) -> bool:
        return True

    @default("embed_images")
    def _embed_images_default(self) -> bool:
        return True

    def from_notebook_node(self, nb: Any, resources: dict | None = None, **kw: Any) -> tuple[str, dict]:
        """The committee's HTML for an executed notebook, with the accessibility fixes applied."""
        body, resources = super().from_notebook_node(self._for_committee(nb), resources, **kw)
        return finish(body), resources

    def _for_committee(self, notebook: Any) -> Any:
        """A copy holding only what the committee reads: no parameter cells, stderr, errors, or outputs
        with nothing to show; and no cell left with nothing to show (it would leave an empty block)."""
        from nbconvert.filters import DataTypeFilter

        shown = set(DataTypeFilter(parent=self).display_data_priority)  # what the template can show
        nb = copy.deepcopy(notebook)
        kept = []
        for cell in nb.cells:
            if HIDDEN_TAGS & set(cell.get("metadata", {}).get("tags", [])):
                continue
            if cell.cell_type == "code":
                cell.outputs = [o for o in cell.get("outputs", []) if _shows_something(o, shown)]
                if not cell.outputs:
                    continue
            kept.append(cell)
        nb.cells = kept
        return nb


def _shows_something(output: Any, shown: set[str]) -> bool:
    kind = output.get("output_type")
    if kind == "stream":
        return output.get("name") != "stderr"
    if kind in ("display_data", "execute_result"):
        return bool(shown & set(output.get("data", {})))
    return False  # errors: a failed notebook writes no report


_EXPORTER: CommitteeExporter | None = None


def to_html(notebook: Any) -> str:
    """The committee's page for an executed notebook (one exporter per process: it costs more to build than use)."""
    global _EXPORTER
    if _EXPORTER is None:
        _EXPORTER = CommitteeExporter()
    body, _ = _EXPORTER.from_notebook_node(notebook)
    return body


def prewarm() -> None:
    """Build the exporter and compile its templates now (about a second), while a kernel is busy elsewhere."""
    import nbformat

    from helpers.publishing import print_layout

    to_html(nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# Warm-up")]))
    print_layout.text_width("Warm-up")  # loads the fonts tables are measured with


def _heading_id(text: str, taken: set[str]) -> str:
    base = re.sub(r"[^\w-]+", "-", text.strip()).strip("-") or "section"
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}-{n}", n + 1
    taken.add(candidate)
    return candidate


def finish(page: str) -> str:
    """Post-process exported HTML: the accessibility fixes (`accessible`), then the print marks."""
    from bs4 import BeautifulSoup

    from helpers.publishing import print_layout

    soup = BeautifulSoup(page, "html.parser")
    accessible(soup)
    print_layout.mark(soup)
    _cell_style_to_stylesheet(soup)
    return str(soup)


def _cell_style_to_stylesheet(soup: Any) -> None:
    """In place: table cells lose the inline style notebooks need in JupyterLab, and their table gets the class
    "cell-style" whose rule in the page's stylesheet (templates/committee) is the same style: the cells look
    just the same, and the page is about a third smaller."""
    from helpers.committee.presentation import CELL_STYLE

    for cell in soup.find_all(["td", "th"], attrs={"style": CELL_STYLE}):
        del cell["style"]
        table = cell.find_parent("table")
        if table is not None and "cell-style" not in table.get("class", []):
            table["class"] = [*table.get("class", []), "cell-style"]


def accessible(soup: Any) -> None:
    """In place: the first h1 as the page title; no tabindex on non-interactive blocks and no "¶" anchor
    links; an id on every h2, and a contents list of the h2 headings after the title block."""
    h1 = soup.find("h1")
    for element in soup.find_all(attrs={"tabindex": True}):
        if element.name not in _INTERACTIVE:
            del element["tabindex"]
    for anchor in soup.find_all("a", class_="anchor-link"):
        anchor.decompose()
    if h1 is not None and soup.title is not None:
        soup.title.string = h1.get_text(" ", strip=True)  # after the "¶" links are gone from it
    taken = {e["id"] for e in soup.find_all(id=True)}
    headings = soup.find_all("h2")
    for h2 in headings:
        if not h2.get("id"):
            h2["id"] = _heading_id(h2.get_text(" ", strip=True), taken)
    main = soup.find("main") or soup.body
    if headings and main is not None and not soup.find("nav", attrs={"aria-label": "Contents"}):
        nav = soup.new_tag("nav", attrs={"aria-label": "Contents", "class": "contents"})
        heading = soup.new_tag("h2", attrs={"id": _heading_id("contents", taken), "class": "contents-heading"})
        heading.string = "Contents"
        nav.append(heading)
        items = soup.new_tag("ol")
        for h2 in headings:
            item, link = soup.new_tag("li"), soup.new_tag("a", href=f"#{h2['id']}")
            link.string = h2.get_text(" ", strip=True)
            item.append(link)
            items.append(item)
        nav.append(items)
        block = h1
        while block is not None and block.parent is not main:
            block = block.parent  # the cell holding the title block
        if block is not None:
            block.insert_after(nav)
        else:
            main.insert(0, nav)
