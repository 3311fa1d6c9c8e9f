"""Dorset's shipped plans (data/processed) rendered as the documents councils publish: a Word table, a PDF
printed from it by LibreOffice, an .xlsx, an .ods and a web page. Shared by tests/plans/test_import_*.py.

The 2021 plan is laid out as published (Rec, Peer recommendation, Response, Timeline, Lead, with its section
heading rows); the 2022 plan has no references and no sections in its table.
"""

from __future__ import annotations

import csv
import html
import shutil
import subprocess
from pathlib import Path

from conftest import PROJECT

LAYOUTS = {
    "2021-finance": (
        ["Rec", "Peer recommendation", "Response", "Timeline", "Lead"],
        ["ref", "recommendation", "response", "target", "lead"],
    ),
    "2022-progress": (
        [
            "Recommendation",
            "Proposed action/comment",
            "Lead",
            "Date to be completed",
            "Comments/progress or suggested update data",
        ],
        ["recommendation", "response", "lead", "target", "progress"],
    ),
}
TITLES = {
    "2021-finance": "Dorset Council Cabinet 5 October 2021: Appendix 1, Finance Peer Challenge action plan",
    "2022-progress": "Dorset Council: Overview Local Authority Peer review September 2022, action plan",
}


def processed(name: str, review_id: str) -> list[dict[str, str]]:
    """The shipped processed table's rows for one review."""
    with (PROJECT / "data" / "processed" / f"{name}.csv").open(encoding="utf-8", newline="") as f:
        return [r for r in csv.DictReader(f) if r["review_id"] == review_id]


def plan_rows(review_id: str) -> list[tuple[str, list[str]]]:
    """(section, cells) per action, cells in the published column order (the cells as the plan wrote them)."""
    recs = {r["rec_ref"]: r for r in processed("recommendations", review_id)}
    out = []
    for action in processed("actions", review_id):
        rec = recs[action["rec_ref"]]
        values = {
            "ref": f"{rec['rec_ref']}.",
            "recommendation": rec["recommendation"],
            "response": rec["response"],
            "target": action["target"],
            "lead": action["lead_as_written"],
            "progress": action["progress"],
        }
        section = rec["section"] if review_id == "2021-finance" else ""
        out.append((section, [values[k] for k in LAYOUTS[review_id][1]]))
    return out


def rows_with_sections(review_id: str) -> list[list[str] | str]:
    """The table body: a section heading (a string) before the first action of each section, then its rows."""
    body: list[list[str] | str] = []
    section = None
    for this, cells in plan_rows(review_id):
        if this and this != section:
            body.append(this)
        section = this
        body.append(cells)
    return body


def write_docx(review_id: str, path: Path) -> Path:
    """The plan as a Word table (heading row repeated on each page, section rows merged across)."""
    import docx
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    heads = LAYOUTS[review_id][0]
    document = docx.Document()
    _landscape(document.sections[0])
    document.add_paragraph(TITLES[review_id])
    table = document.add_table(rows=1, cols=len(heads))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, heads, strict=True):
        cell.text = text
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    table.rows[0]._tr.get_or_add_trPr().append(repeat)
    for row in rows_with_sections(review_id):
        cells = table.add_row().cells
        if isinstance(row, str):
            merged = cells[0].merge(cells[-1])
            merged.text = row
        else:
            for cell, text in zip(cells, row, strict=True):
                cell.text = text
    _widths(table, WIDTHS[review_id])
    document.save(str(path))
    return path


# Column widths in cm, as councils lay plans out on a landscape page.
WIDTHS = {"2021-finance": [1.5, 7.0, 11.0, 3.0, 4.5], "2022-progress": [5.5, 5.5, 5.0, 3.0, 8.0]}


def _landscape(section) -> None:
    """An A4 landscape page with 1.5 cm margins."""
    from docx.enum.section import WD_ORIENT
    from docx.shared import Cm

    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(29.7), Cm(21.0)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(1.5))


def _widths(table, widths: list[float]) -> None:
    """Each column's width (set on every cell, as Word and LibreOffice read it there)."""
    from docx.shared import Cm

    table.autofit = False
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=False):
            cell.width = Cm(width)


def write_xlsx(review_id: str, path: Path) -> Path:
    """The plan as a workbook: a title row, the heading row, section rows in the first cell."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Action plan"
    sheet.append([TITLES[review_id]])
    sheet.append(LAYOUTS[review_id][0])
    for row in rows_with_sections(review_id):
        sheet.append([row] if isinstance(row, str) else row)
    book.save(str(path))
    return path


def write_html(review_id: str, path: Path) -> Path:
    """The plan as a saved web page: a heading, the table (section rows spanning every column)."""
    heads = LAYOUTS[review_id][0]
    lines = [
        f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>Plan</title></head><body><h1>{html.escape(TITLES[review_id])}</h1>"
    ]
    lines.append("<table><thead><tr>" + "".join(f"<th>{html.escape(h)}</th>" for h in heads) + "</tr></thead><tbody>")
    for row in rows_with_sections(review_id):
        if isinstance(row, str):
            lines.append(f"<tr><td colspan='{len(heads)}'><strong>{html.escape(row)}</strong></td></tr>")
        else:
            lines.append("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>")
    lines.append("</tbody></table></body></html>")
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def soffice() -> str | None:
    """LibreOffice's command, or None where it is not installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert(source: Path, to: str, folder: Path) -> Path:
    """source converted by LibreOffice headless (to "pdf" or "ods"), in folder."""
    profile = folder / "lo-profile"
    subprocess.run(
        [
            soffice(),
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            to,
            "--outdir",
            str(folder),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    return folder / f"{source.stem}.{to}"
