"""Open a generated report in headless Chromium: it loads cleanly, shows charts, runs no injected script."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from test_report import hostile_report  # noqa: F401 - shared fixture

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip("Chromium not installed: `apt-get install chromium` (Debian) to run the browser test; "
                    ".ci/run installs it in CI")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync"])
        yield b
        b.close()


def test_report_opens_with_charts_and_no_console_errors_or_injected_script(browser, hostile_report: Path):
    page = browser.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type in ("error", "warning") else None)
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.on("requestfailed", lambda r: problems.append(f"request failed: {r.url}"))

    page.goto(hostile_report.as_uri())
    page.wait_for_load_state("load")

    assert problems == []
    assert page.evaluate("window.__pwned") is None
    assert page.title() == "Peer review recommendations: progress report 2023/24 Q4"
    charts = page.evaluate("Array.from(document.images).filter(i => i.complete && i.naturalWidth > 300).length")
    assert charts >= 3
    body = page.inner_text("body")
    assert '<script>window.__pwned = "rec"</script>' in body  # shown as text
    assert "as at 31 March 2024" in body
    page.close()
