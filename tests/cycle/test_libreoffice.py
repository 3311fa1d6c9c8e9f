"""A form filled in LibreOffice Calc, as a lead would, then collected.

LibreOffice runs headless with a profile of its own, set to English (USA), so a
date typed in figures is read month first, as on a misconfigured council laptop.
Each value is typed through Calc's input handler (tests/libreoffice/Module1.xba),
so the cell's format and the locale decide what is stored, as for a person.
Skipped where LibreOffice is not installed.
"""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest

from conftest import PROJECT
from helpers.cycle.form_layout import FIRST_ROW, column_letter

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
pytestmark = [
    pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed"),
    pytest.mark.slow,  # LibreOffice: `make check` leaves it out, `make test` runs it
]
QUARTER = "2024/25 Q1"
SLUG = "2024-25-Q1"
US_ENGLISH = (
    '<item oor:path="/org.openoffice.Setup/L10N"><prop oor:name="ooSetupSystemLocale" oor:op="fuse">'
    "<value>en-US</value></prop></item>\n"
    '<item oor:path="/org.openoffice.Setup/L10N"><prop oor:name="ooLocale" oor:op="fuse">'
    "<value>en-US</value></prop></item>\n"
)


@pytest.fixture(scope="module")
def calc(tmp_path_factory) -> Path:
    """A LibreOffice profile set to English (USA), with the macro that types into a form."""
    profile = tmp_path_factory.mktemp("libreoffice-profile")
    subprocess.run(
        [SOFFICE, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--terminate_after_init"],
        capture_output=True,
        timeout=180,
        check=False,
    )
    settings = profile / "user" / "registrymodifications.xcu"
    settings.write_text(
        settings.read_text(encoding="utf-8").replace("</oor:items>", US_ENGLISH + "</oor:items>"), encoding="utf-8"
    )
    shutil.copyfile(PROJECT / "tests" / "libreoffice" / "Module1.xba", profile / "user/basic/Standard/Module1.xba")
    return profile


def type_into(profile: Path, workbook: Path, saved_as: Path, cells: dict[str, str]) -> None:
    """Open `workbook` in Calc, type each value into its cell of the Updates sheet, save as .xlsx at `saved_as`."""
    spec = "|".join(f"{cell}={text.replace(chr(10), '~')}" for cell, text in cells.items()).replace('"', '""')
    macro = f'macro:///Standard.Module1.Fill("{workbook.as_uri()}","{saved_as.as_uri()}","{spec}")'
    before = saved_as.stat().st_mtime_ns if saved_as.exists() else None
    subprocess.run(
        [SOFFICE, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore", macro],
        capture_output=True,
        timeout=180,
        check=False,
    )
    assert saved_as.exists() and saved_as.stat().st_mtime_ns != before, "LibreOffice did not save the workbook"


def test_the_profile_reads_dates_in_figures_month_first(calc, tmp_path):
    # The control: in a cell of General format, Calc set to US English stores 06/05/2024 as 5 June 2024.
    plain = tmp_path / "plain.xlsx"
    book = openpyxl.Workbook()
    book.active.title = "Updates"
    book.save(plain)
    type_into(calc, plain, tmp_path / "typed.xlsx", {"A1": "06/05/2024", "A2": "March 2025"})
    sheet = openpyxl.load_workbook(tmp_path / "typed.xlsx")["Updates"]
    assert (sheet["A1"].value, sheet["A2"].value) == (dt.datetime(2024, 6, 5), dt.datetime(2025, 3, 1))


def test_a_form_filled_in_calc_keeps_what_the_lead_typed_and_collect_reads_it(calc, tmp_path, monkeypatch, capsys):
    from helpers.base.readers import read_csv
    from helpers.cycle import collect, forms
    from helpers.tracking.updates import FILE_COLUMNS, OPTIONAL_COLUMNS

    shutil.copytree(PROJECT / "data", tmp_path / "data")
    monkeypatch.setenv("PEER_REVIEW_DATA", str(tmp_path / "data"))
    monkeypatch.setenv("PEER_REVIEW_REPORTS", str(tmp_path / "reports"))
    assert forms.main(["--quarter", QUARTER]) == 0
    sent = sorted((tmp_path / "reports" / SLUG / "forms").glob("*.xlsx"))[0]
    action = openpyxl.load_workbook(sent)["Updates"]
    review_id, action_ref = action[f"A{FIRST_ROW}"].value, action[f"{column_letter('action_ref')}{FIRST_ROW}"].value
    returns = tmp_path / "data" / "updates" / "returns" / SLUG
    returns.mkdir(parents=True)
    back = returns / "filled in Calc.xlsx"
    cell = {key: f"{column_letter(key)}{FIRST_ROW}" for key in ("status", "comment", "updated_on", "revised_target")}
    typed = {
        cell["status"]: "In progress",
        cell["comment"]: '=HYPERLINK("https://example.org","plan")\nCabinet decides in July.',
        cell["updated_on"]: "06/05/2024",
        cell["revised_target"]: "March 2025",
        f"{column_letter('revision_reason')}{FIRST_ROW}": "Waiting for the budget round",
    }
    type_into(calc, sent, back, typed)

    # Calc kept every typed value as text: the cells are text cells, whatever the locale.
    stored = openpyxl.load_workbook(back)["Updates"]
    assert {ref: stored[ref].value for ref in typed} == typed
    assert stored[cell["updated_on"]].data_type == "s"

    # Collect reads day first, and sends back a date that reads both ways.
    assert collect.main(["--quarter", QUARTER]) == 1
    err = capsys.readouterr().err
    assert (
        f"filled in Calc.xlsx: Updates!{cell['updated_on']}: date of update: '06/05/2024' could be 6 May 2024 or "
        "5 June 2024"
    ) in err

    # The lead writes the month as a word, in Calc again; now it is collected as meant.
    first_try = tmp_path / "first try.xlsx"
    shutil.copyfile(back, first_try)
    type_into(calc, first_try, back, {cell["updated_on"]: "6 May 2024"})
    assert collect.main(["--quarter", QUARTER]) == 0, capsys.readouterr().err
    log = tmp_path / "data" / "updates" / f"{SLUG}.csv"
    (row,) = read_csv(log, FILE_COLUMNS, OPTIONAL_COLUMNS).to_dict("records")
    assert (row["review_id"], row["action_ref"], row["status"]) == (review_id, action_ref, "In progress")
    assert row["comment"] == '=HYPERLINK("https://example.org","plan")\nCabinet decides in July.'
    assert (row["updated_on"], row["revised_target"]) == ("2024-05-06", "March 2025")
    assert "'=HYPERLINK" in log.read_text(encoding="utf-8")  # written spreadsheet-safe
