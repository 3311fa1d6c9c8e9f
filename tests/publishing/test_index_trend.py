"""The index's trend for each council (helpers.publishing.index_trend), from made-up report folders: the counts
each report's summary.json gives, worked through by hand."""

from __future__ import annotations

import json
from pathlib import Path

from helpers.publishing import index

COUNCIL = "Wessex Vale District Council"  # made up
COMMITTEE = "Audit and Governance Committee"


def _report(
    root: Path, quarter: str, counts: dict[str, int], selection: list[str] | None = None, known_on: str = ""
) -> None:
    name = f"Wessex-Vale--Audit{'--sel' if selection else ''}{'--interim' if known_on else ''}"
    folder = root / quarter.replace("/", "-").replace(" ", "-") / name
    folder.mkdir(parents=True)
    (folder / "report.html").write_text("<html></html>", encoding="utf-8")
    summary = {
        "quarter": quarter,
        "council": COUNCIL,
        "committee": COMMITTEE,
        "counts": counts,
        "total": sum(counts.values()),
        "total_unit": "actions",
    }
    if selection:
        summary["selection"] = selection
    if known_on:
        summary.update(interim=True, progress_known_on=known_on)
    (folder / "summary.json").write_text(json.dumps(summary), encoding="utf-8")


def test_the_latest_committee_s_reports_give_a_row_each_and_the_change_since_the_previous(tmp_path):
    _report(tmp_path, "2023/24 Q2", {"Complete": 2, "Ongoing": 25, "Target passed, no update": 21})
    _report(tmp_path, "2023/24 Q3", {"Complete": 3, "Ongoing": 25, "Target passed, no update": 20})
    # A report for selected reviews covers other actions: never in the trend.
    _report(tmp_path, "2023/24 Q3", {"Complete": 1}, selection=["2024-wessex-cpc"])
    page = index.page(tmp_path)
    trend = page[page.index('<table class="trend">') : page.index("</table>")]
    assert trend.count("<tr>") == 3  # the header and one row per quarter
    assert '<th scope="row">2023/24 Q2</th><td>2</td><td>25</td><td>21</td><td>48</td>' in trend
    assert '<th scope="row">2023/24 Q3</th><td>3</td><td>25</td><td>20</td><td>48</td>' in trend
    assert (
        "Since the previous report (2023/24 Q2): Complete 2 to 3 (+1); Target passed, no update 21 to 20 (-1); "
        "actions 48 (unchanged)."
    ) in page


def test_a_status_missing_from_one_report_counts_as_none_there_and_one_report_has_nothing_to_compare(tmp_path):
    _report(tmp_path, "2023/24 Q4", {"Complete": 3, "Overdue": 2})
    assert "No earlier report of this committee to compare with." in index.page(tmp_path)
    _report(tmp_path, "2024/25 Q1", {"Complete": 4})
    page = index.page(tmp_path)
    assert '<th scope="row">2024/25 Q1</th><td>4</td><td>0</td><td>4</td>' in page
    assert "Complete 3 to 4 (+1); Overdue 2 to 0 (-2); actions 5 to 4." in page


def test_no_reports_means_no_trend(tmp_path):
    assert 'class="trend"' not in index.page(tmp_path)


def test_a_quarter_s_interim_report_has_its_own_row_marked_with_its_day_before_the_final_one(tmp_path):
    _report(tmp_path, "2023/24 Q4", {"Complete": 3, "Ongoing": 5})
    _report(tmp_path, "2024/25 Q1", {"Complete": 5, "Ongoing": 3})  # the final report, as at 30 June 2024
    _report(tmp_path, "2024/25 Q1", {"Complete": 4, "Ongoing": 4}, known_on="2024-06-25")
    page = index.page(tmp_path)
    trend = page[page.index('<table class="trend">') : page.index("</table>")]
    interim = '<th scope="row">2024/25 Q1 (interim, 25 June 2024)</th><td>4</td><td>4</td><td>8</td>'
    final = '<th scope="row">2024/25 Q1</th><td>5</td><td>3</td><td>8</td>'
    assert interim in trend and final in trend and trend.index(interim) < trend.index(final)
    assert trend.count('<th scope="row">2024/25 Q1</th>') == 1
    assert "Since the previous report (2024/25 Q1 (interim, 25 June 2024)): Complete 4 to 5 (+1)" in page
