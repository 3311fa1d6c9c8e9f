"""Open a generated report in headless Chromium: it loads cleanly, shows charts, runs no injected script."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from conftest import council_of
from helpers.publishing.pdf import CHROMIUM_ARGS

pytestmark = pytest.mark.slow  # a browser: `make check` leaves it out, `make test` runs it

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip(
            "Chromium not installed: `apt-get install chromium` (Debian) to run the browser test; "
            ".ci/run installs it in CI"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=CHROMIUM,
            args=CHROMIUM_ARGS,
        )
        yield b
        b.close()


def test_report_opens_with_charts_and_no_console_errors_or_injected_script(browser, hostile_report: Path):
    page = browser.new_page()
    problems: list[str] = []
    page.on(
        "console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type in ("error", "warning") else None
    )
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.on("requestfailed", lambda r: problems.append(f"request failed: {r.url}"))

    page.goto(hostile_report.as_uri())
    page.wait_for_load_state("load")

    assert problems == []
    assert page.evaluate("window.__pwned") is None
    title = page.title()  # names who the report is for
    assert title.startswith("Peer review recommendations: progress report 2023/24 Q4 \u2013 ")
    assert council_of("2021-finance") in title
    charts = page.evaluate("Array.from(document.images).filter(i => i.complete && i.naturalWidth > 300).length")
    assert charts >= 3
    body = page.inner_text("body")
    assert '<script>window.__pwned = "rec"</script>' in body  # shown as text
    assert "as at 31 March 2024" in body
    page.close()


WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def test_report_has_no_axe_violations_at_wcag_22_aa(browser, hostile_report: Path):
    """axe-core over the whole report, at WCAG 2.2 AA: any violation fails, named with its elements."""
    from axe_playwright_python.sync_playwright import Axe

    page = browser.new_page(bypass_csp=True)  # the report's CSP forbids scripts, axe-core included
    page.goto(hostile_report.as_uri())
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    violations = results.response["violations"]
    page.close()
    details = [
        f"{v['id']} ({v['impact']}): {v['help']} - "
        + "; ".join(n["target"][0] if isinstance(n["target"][0], str) else str(n["target"]) for n in v["nodes"][:3])
        for v in violations
    ]
    assert violations == [], "\n".join(details)


def test_index_has_no_axe_violations(browser, hostile_report: Path, tmp_path: Path):
    """The index with everything it can show: two councils, a committee not named, a report whose data has
    changed, a PDF link, counts with a data gap, and a report of the earlier layout."""
    from axe_playwright_python.sync_playwright import Axe

    from helpers.publishing.index import write_index

    root = tmp_path / "reports"
    shutil.copytree(hostile_report.parent.parent.parent, root)
    [made] = root.glob("*/*/report.html")
    other = made.parent.with_name("Wessex-Vale-District-Council--committee-not-named")
    shutil.copytree(made.parent, other)
    summary = json.loads((other / "summary.json").read_text(encoding="utf-8"))
    summary.update(council="Wessex Vale District Council", committee="")
    summary["inputs"]["files"]["data/processed/actions.csv"] = "changed since"
    (other / "summary.json").write_text(json.dumps(summary), encoding="utf-8")
    (root / "2022-23-Q4").mkdir()
    (root / "2022-23-Q4" / "report.html").write_text("an earlier report", encoding="utf-8")
    index = write_index(root)
    shown = index.read_text(encoding="utf-8")
    assert 'class="stale"' in shown and 'id="earlier"' in shown and 'aria-label="Councils"' in shown
    page = browser.new_page(bypass_csp=True)
    page.goto(index.as_uri())
    violations = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}}).response["violations"]
    page.close()
    assert violations == [], [v["id"] for v in violations]


def test_pdf_has_every_heading_and_page_numbers(hostile_report: Path):
    import subprocess

    from bs4 import BeautifulSoup

    pdf = hostile_report.with_name("report.pdf")
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext not installed: `apt-get install poppler-utils`")
    if not Path(CHROMIUM).exists():
        pytest.skip("Chromium not installed: no PDF is written")
    assert pdf.exists() and pdf.read_bytes().startswith(b"%PDF")
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    flat = " ".join(text.split())
    soup = BeautifulSoup(hostile_report.read_text(encoding="utf-8"), "html.parser")
    headings = [" ".join(h.get_text(" ", strip=True).split()) for h in soup.find_all("h2")]
    assert "Actions past their target" in headings
    missing = [h for h in headings if h not in flat]
    assert missing == []
    # Every table's heading (its caption) is printed too: no table is lost off a page.
    # (A chart's data table sits in a closed <details>, which does not print; the chart itself does.)
    captions = {
        " ".join(c.get_text(" ", strip=True).split())
        for c in soup.find_all("caption")
        if c.find_parent("details") is None
    }
    assert any(c.startswith("Every action:") for c in captions)
    assert [c for c in captions if c not in flat] == []
    assert "Page 1 of" in text
    assert "Peer review recommendations: progress report 2023/24 Q4" in flat  # the running header
