"""The big-return benchmark (part of `make bench`): a lead's return of about 20 MB, collected as `make collect` does.

A return grows large the way real ones do: the lead pastes an evidence table into
a sheet of its own (a quarter's figures: numbers and a few repeated labels, so
barely compressible), adds a screenshot, and formats the yellow columns far down
the Updates sheet. None of that is read as an update, but a reader that loads the
whole workbook (or loads it twice) pays for all of it: 96 s and 0.88 GB for 21 MB
before collect read returns once, read-only.

`python -m helpers.cycle.collect` runs as a user runs it, in a process of its own on a
copy of data/ holding that one return; its wall time and peak memory are measured.
"""

from __future__ import annotations

import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path
from typing import Any

from helpers.base import config, quarters

TARGETS = {"big_return_collect_s": 15.0, "big_return_collect_mib": 300.0}
MEGABYTES = 20.0  # the size of the return, about
SMOKE_MEGABYTES = 1.0
FORMATTED_ROWS = 20_000  # rows of the Updates sheet whose yellow cells the lead formatted
EVIDENCE_SHEET = "Evidence"


def _evidence_sheet_xml(path: Path, megabytes: float, seed: int = 7) -> None:
    """A pasted evidence table (labels, then figures), written as sheet XML until it is about `megabytes` zipped.

    Laid out as Excel saves a sheet: its <dimension> first (readers use it to size the sheet without parsing it).
    """
    rng = random.Random(seed)  # noqa: S311 - test data, not secrets
    labels = [f"Cost centre {n:03d}" for n in range(40)]
    target = megabytes * 1_000_000 * 4.5  # figures compress about 4.5:1
    body = path.with_suffix(".rows")
    rows = 0
    with body.open("w", encoding="utf-8") as out:
        while out.tell() < target:
            rows += 1
            label = labels[rows % len(labels)]
            cells = [f'<c r="A{rows}" t="inlineStr"><is><t>{label}</t></is></c>']
            cells += [f'<c r="{letter}{rows}"><v>{rng.uniform(-1e6, 1e6):.2f}</v></c>' for letter in "BCDEFGHIJKL"]
            out.write(f'<row r="{rows}">{"".join(cells)}</row>')
    with path.open("w", encoding="utf-8") as out, body.open(encoding="utf-8") as rows_xml:
        out.write(
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            f'<dimension ref="A1:L{rows}"/><sheetData>'
        )
        shutil.copyfileobj(rows_xml, out)
        out.write("</sheetData></worksheet>")
    body.unlink()


def _add_sheet(workbook: Path, sheet_xml: Path, name: str) -> None:
    """Put a worksheet into a saved .xlsx as Excel would store a pasted sheet (a new part and its relationship)."""
    staged = workbook.with_suffix(".tmp.xlsx")
    with zipfile.ZipFile(workbook) as src, zipfile.ZipFile(staged, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "[Content_Types].xml":
                data = data.replace(
                    b"</Types>",
                    b'<Override PartName="/xl/worksheets/evidence.xml" ContentType="application/'
                    b'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>',
                )
            elif item.filename == "xl/workbook.xml":
                data = data.replace(
                    b"</sheets>",
                    f'<sheet xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
                    f'name="{name}" sheetId="99" r:id="rIdEvidence"/></sheets>'.encode(),
                )
            elif item.filename == "xl/_rels/workbook.xml.rels":
                data = data.replace(
                    b"</Relationships>",
                    b'<Relationship Id="rIdEvidence" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                    b'relationships/worksheet" Target="/xl/worksheets/evidence.xml"/></Relationships>',
                )
            dst.writestr(item, data)
        dst.write(sheet_xml, "xl/worksheets/evidence.xml")
    os.replace(staged, workbook)


def build_return(form: Path, out: Path, megabytes: float, end: str) -> int:
    """A filled copy of `form` at `out`, about `megabytes` in size; returns the number of rows filled."""
    from openpyxl import load_workbook
    from openpyxl.drawing.image import Image
    from openpyxl.styles import PatternFill
    from PIL import Image as Picture

    from helpers.cycle.form_layout import FIRST_FILL_COLUMN, FIRST_ROW, HEADERS, column_letter

    book = load_workbook(form)
    sheet = book["Updates"]
    filled = 0
    for row in range(FIRST_ROW, sheet.max_row + 1):
        if row % 3 == 0:  # a third of the actions get an update
            sheet[f"{column_letter('status')}{row}"] = "In progress"
            sheet[f"{column_letter('comment')}{row}"] = "Work continues as planned.\nFigures in the Evidence sheet."
            sheet[f"{column_letter('updated_on')}{row}"] = end
            filled += 1
    shade = PatternFill("solid", fgColor="FFF7D6")
    for row in range(sheet.max_row + 1, FORMATTED_ROWS):
        for column in range(FIRST_FILL_COLUMN, len(HEADERS) + 1):
            sheet.cell(row=row, column=column).fill = shade
    rng = random.Random(11)  # noqa: S311 - a screenshot: noise, as incompressible as a photo
    side = max(int((megabytes * 0.2 * 1_000_000 / 3) ** 0.5), 16)
    picture = Picture.frombytes("RGB", (side, side), rng.randbytes(side * side * 3))
    png = out.with_suffix(".png")
    picture.save(png)
    sheet.add_image(Image(str(png)), "R3")
    book.save(out)
    png.unlink()
    with tempfile.TemporaryDirectory() as tmp:
        xml = Path(tmp) / "evidence.xml"
        _evidence_sheet_xml(xml, max(megabytes - out.stat().st_size / 1_000_000, 0.05))
        _add_sheet(out, xml, EVIDENCE_SHEET)
    return filled


def _measure(args: list[str], env: dict[str, str]) -> tuple[float, float, str]:
    """(wall seconds, peak resident MiB, stdout) of one command; run in a fresh process of its own (see run)."""
    start = time.perf_counter()
    result = subprocess.run(
        [sys.executable, *args], cwd=config.PROJECT_ROOT, env=env, capture_output=True, text=True, check=False
    )
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed: {result.stderr.strip()[-500:]}")
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return elapsed, peak, result.stdout


def run(smoke: bool = False) -> dict[str, Any]:
    """Make the forms for the latest completed quarter on a copy of data/, return one lead's form as a big
    return, and time `python -m helpers.cycle.collect` on it. Call in a fresh process: peak memory is its children's."""
    megabytes = SMOKE_MEGABYTES if smoke else MEGABYTES
    quarter = quarters.latest_completed()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        shutil.copytree(config.data_dir(), root / "data", ignore=shutil.ignore_patterns("returns"))
        env = dict(os.environ, PEER_REVIEW_DATA=str(root / "data"), PEER_REVIEW_REPORTS=str(root / "reports"))
        label = quarters.label(quarter)
        _measure(["-m", "helpers.cycle.forms", "--quarter", label], env)
        forms = sorted((root / "reports" / quarters.slug(quarter) / "forms").glob("*.xlsx"), key=lambda p: p.name)
        form = max(forms, key=lambda p: p.stat().st_size)  # the lead with the most actions
        returns = root / "data" / "updates" / "returns" / quarters.slug(quarter)
        returns.mkdir(parents=True)
        big = returns / form.name
        filled = build_return(form, big, megabytes, quarters.long_date(quarters.end(quarter)))
        seconds, peak, out = _measure(["-m", "helpers.cycle.collect", "--quarter", label], env)
        if f"{filled} new" not in out:
            raise RuntimeError(f"the big return was not collected as filled ({filled} rows): {out.strip()}")
        return {
            "return_mb": big.stat().st_size / 1_000_000,
            "rows_filled": filled,
            "big_return_collect_s": seconds,
            "big_return_collect_mib": peak,
        }


def benchmark(smoke: bool = False) -> dict[str, Any]:
    """The big-return figures and their verdicts, measured in a fresh process (so peak memory is collect's own)."""
    import multiprocessing as mp

    with mp.get_context("spawn").Pool(1) as pool:
        figures = pool.apply(run, (smoke,))
    verdicts = [
        {
            "measure": f"collect a {figures['return_mb']:.0f} MB return: {what}",
            "measured": round(figures[key], 3),
            "target": TARGETS[key],
            "unit": unit,
            "met": figures[key] <= TARGETS[key],
        }
        for key, what, unit in (
            ("big_return_collect_s", "time", "s"),
            ("big_return_collect_mib", "peak memory", "MiB"),
        )
    ]
    return {**figures, "targets": TARGETS, "verdicts": verdicts}
