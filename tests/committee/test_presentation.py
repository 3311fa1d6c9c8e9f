"""Every helper that writes HTML escapes the text it is given.

Text from documents, metadata and updates is data: a "<script>" in it must come
out as "&lt;script&gt;", and the ampersands and apostrophes the documents really
use ("Corporate Director Finance & Commercial", "Children's Services") as
entities. Each test feeds one piece of text through one helper and checks it,
so removing any single html.escape call fails a test here.
"""

from __future__ import annotations

import html
import re

import pandas as pd
import pytest
from matplotlib.figure import Figure

from helpers.base.quarters import parse_quarter
from helpers.committee import action_tables, changes_section, front_matter, presentation, svg
from helpers.tracking import workspace

# Real cells of Appendix 1 of the 2021 Cabinet report (data/raw/2021-10-05-...-action-plan.txt).
REC_16 = "Clarify what is meant by the emerging appetite to be more commercial."  # line 127
# Line 131 as published (shortened): the cell keeps the council system's <p> tags.
RESPONSE_17 = "<p>See 8.</p> <p>The commercial strategy is one of a number of strategies</p>"
FINANCE_LEAD = "Corporate Director Finance & Commercial"  # line 107
CHILDRENS = "Children's Services"  # line 167 (rec 40)

SCRIPT = '<script>alert("x")</script>'
BOLD = "<b>bold</b>"


def _escaped(text: str) -> str:
    """`text` as element content: <, > and & escaped (quotes may or may not be; see `_shown`)."""
    return html.escape(text, quote=False)


def _shown(page: str) -> str:
    """`page` with escaped quotes put back, so checks do not depend on whether a helper escapes them."""
    return page.replace("&quot;", '"').replace("&#x27;", "'").replace("&#39;", "'")


def assert_inert(page: str, raw: str) -> None:
    """`raw` appears only escaped: no tag from it survives."""
    assert _escaped(raw) in _shown(page), f"{raw!r} not shown escaped in {page!r}"
    for tag in ("<script", "<b>", "<p>"):
        if tag in raw:
            assert tag not in page, f"{tag} from data reached the HTML: {page!r}"


# --- helpers.committee.presentation -------------------------------------------------------------------------


def test_text_escapes_its_parts():
    out = presentation.text(REC_16, " ", SCRIPT).data
    assert out.startswith("<p>") and out.endswith("</p>")
    assert_inert(out, SCRIPT)


def test_text_escapes_in_a_heading_too():
    out = presentation.text(FINANCE_LEAD, BOLD, tag="h3").data
    assert _shown(out) == f"<h3>Corporate Director Finance &amp; Commercial{_escaped(BOLD)}</h3>"


def test_bullets_escape_each_item():
    out = presentation.bullets([RESPONSE_17, CHILDRENS, SCRIPT]).data
    assert out.count("<li>") == 3
    assert_inert(out, RESPONSE_17)
    assert_inert(out, SCRIPT)
    assert "<li>Children's Services</li>" in _shown(out)


def test_table_cells_and_headers_are_escaped():
    frame = pd.DataFrame(
        {
            "Ref": ["17"],
            "Recommendation": [REC_16 + " " + SCRIPT],
            "Council's response / action": [RESPONSE_17],
            "Lead": [FINANCE_LEAD],
            f"Comment {BOLD}": ["x"],
        }
    )
    out = presentation.table_html(frame)
    assert_inert(out, SCRIPT)
    assert_inert(out, RESPONSE_17)
    assert_inert(out, f"Comment {BOLD}")
    assert "Corporate Director Finance &amp; Commercial" in out


def test_table_caption_is_escaped():
    frame = pd.DataFrame({"Ref": ["16"], "Recommendation": [REC_16]})
    caption = f"Actions past their target: {CHILDRENS} {SCRIPT}"
    out = presentation.table_html(frame, caption=caption)
    assert f"<caption>{_escaped(caption)}</caption>" in _shown(out)
    assert "<script" not in out


def test_an_empty_table_escapes_its_sentence():
    out = presentation.table(pd.DataFrame(), empty=f"No action for {FINANCE_LEAD} {BOLD}.").data
    assert _shown(out) == f"<p>{_escaped(f'No action for {FINANCE_LEAD} {BOLD}.')}</p>"


# --- the report's sections: helpers.committee.front_matter, changes_section and action_tables ----------------

HOSTILE_TITLE = f"Peer review recommendations {SCRIPT}"
HOSTILE_NOTES = "notes <b>all</b> progress as at {as_at} ({quarter})"
HOSTILE_COUNCIL = "Borough Council <b>Cabinet</b>"
HOSTILE_COMMITTEE = "Audit & Governance Committee<script>alert(2)</script>"


@pytest.fixture
def hostile_front_matter(data_copy):
    """The front matter for 2023/24 Q4 with markup in the report settings and in every review's council and
    committee (whatever councils the workspace holds)."""
    from helpers.tracking import council_settings as report_settings

    settings = (data_copy / "report.yaml").read_text(encoding="utf-8")
    settings = settings.replace("title: Peer review recommendations", f"title: '{HOSTILE_TITLE}'")
    settings = re.sub(r"(?m)^  notes: .*$", f"  notes: '{HOSTILE_NOTES}'", settings)
    settings = re.sub(r"(?ms)^councils:.*", "", settings)  # no council's own settings: the defaults apply
    (data_copy / "report.yaml").write_text(settings, encoding="utf-8")
    report_settings._load.cache_clear()
    reviews = data_copy / "processed" / "reviews.csv"
    frame = pd.read_csv(reviews, dtype=str, keep_default_na=False)
    frame["council"] = HOSTILE_COUNCIL
    frame["monitored_by"] = HOSTILE_COMMITTEE
    frame.to_csv(reviews, index=False, lineterminator="\n")
    ws = workspace.load_workspace()
    out = front_matter.front_matter(ws, parse_quarter("2023/24 Q4"), "2024-05-14").data
    report_settings._load.cache_clear()
    return out


def test_front_matter_escapes_the_title(hostile_front_matter):
    page = _shown(hostile_front_matter)
    title = f"{HOSTILE_TITLE}: progress report 2023/24 Q4 \u2013 {HOSTILE_COUNCIL}, {HOSTILE_COMMITTEE}"
    assert f"<h1>{_escaped(title)}</h1>" in page  # who the report is for, in its title too
    assert "<script" not in page and "<b>" not in page


def test_front_matter_escapes_council_and_committee(hostile_front_matter):
    page = _shown(hostile_front_matter)
    assert f"<td>{_escaped(HOSTILE_COUNCIL)}</td>" in page
    assert f"<td>{_escaped(HOSTILE_COMMITTEE)}</td>" in page
    assert "<b>Cabinet</b>" not in page and "<script" not in page


def test_front_matter_escapes_the_recommendation(hostile_front_matter):
    page = _shown(hostile_front_matter)
    notes = HOSTILE_NOTES.format(as_at="31 March 2024", quarter="2023/24 Q4")
    assert _escaped(f"That the {HOSTILE_COMMITTEE}") in page
    assert _escaped(notes) in page
    assert "<b>all</b>" not in page


def test_changes_headings_are_escaped(monkeypatch):
    empty = pd.DataFrame()
    found = {f"newly complete {BOLD}": empty, f"newly overdue {SCRIPT}": empty}
    monkeypatch.setattr(changes_section, "changes", lambda ws, quarter: found)
    out = _shown(changes_section.changes_html(None, parse_quarter("2023/24 Q4")).data)
    assert f"<h3>{_escaped(f'Newly complete {BOLD}')} (0)</h3>" in out
    assert f"<h3>{_escaped(f'Newly overdue {SCRIPT}')} (0)</h3>" in out
    assert "<b>" not in out and "<script" not in out
    assert out.count("<p>None since 2023/24 Q3.</p>") == 2


def test_grouped_actions_escape_the_empty_message():
    out = action_tables.grouped_actions(
        None, pd.DataFrame(), "Actions past their target", f"None for {CHILDRENS} {SCRIPT}"
    )
    assert _shown(out.data) == f"<p>{_escaped(f'None for {CHILDRENS} {SCRIPT}')}</p>"


# --- helpers.committee.svg: the Chart's own HTML ------------------------------------------------------------


@pytest.fixture(scope="module")
def hostile_chart():
    data = pd.DataFrame(
        {f"Lead {BOLD}": [FINANCE_LEAD], "Status": [f"Overdue {SCRIPT}"]},
        index=pd.Index([f"Finance peer challenge 2021 {SCRIPT}"], name=f"Review {BOLD}"),
    )
    figure = Figure(figsize=(2, 1))
    return svg.Chart(
        figure,
        title="t",
        alt=f'{CHILDRENS} lead "the most" actions {SCRIPT}',
        data=data,
        caption=f"One bar per lead; {FINANCE_LEAD} {BOLD}",
        table_caption=f"Actions per lead {SCRIPT}",
    )


def test_chart_alt_text_is_escaped_as_an_attribute(hostile_chart):
    page = hostile_chart._repr_html_()
    alt = html.escape(hostile_chart.alt, quote=True)
    assert f'alt="{alt}"' in page
    assert "&quot;the most&quot;" in page  # a quote cannot end the attribute


def test_chart_caption_is_escaped(hostile_chart):
    page = _shown(hostile_chart._repr_html_())
    assert f"<figcaption>{_escaped(hostile_chart.caption)}</figcaption>" in page


def test_chart_data_table_escapes_caption_headers_and_cells(hostile_chart):
    page = _shown(hostile_chart._repr_html_())
    assert f"<caption>{_escaped(f'Actions per lead {SCRIPT}')}</caption>" in page
    assert f'<th scope="col">{_escaped(f"Review {BOLD}")}</th>' in page  # the index name
    assert f'<th scope="col">{_escaped(f"Lead {BOLD}")}</th>' in page  # a column
    assert f'<th scope="row">{_escaped(f"Finance peer challenge 2021 {SCRIPT}")}</th>' in page  # a row
    assert f"<td>{_escaped(FINANCE_LEAD)}</td>" in page
    assert f"<td>{_escaped(f'Overdue {SCRIPT}')}</td>" in page


def test_no_markup_from_data_reaches_the_chart_html(hostile_chart):
    page = hostile_chart._repr_html_()
    assert "<script" not in page and "<b>" not in page


# --- The committee's page: the cells' style moved to the stylesheet, the same style ---------------------


def test_the_page_moves_the_cells_inline_style_to_a_stylesheet_rule_with_the_same_declarations():
    import nbformat
    from bs4 import BeautifulSoup

    from helpers.publishing.html_export import TEMPLATES, to_html

    frame = pd.DataFrame({"Action": ["Review the <budget>"], "Lead": ["Finance Team"]})
    cell = nbformat.v4.new_code_cell("")
    cell.outputs = [
        nbformat.v4.new_output("display_data", {"text/html": presentation.table_html(frame, caption="Actions")})
    ]
    soup = BeautifulSoup(to_html(nbformat.v4.new_notebook(cells=[cell])), "html.parser")
    table = soup.find("table", class_="report-table")
    assert "cell-style" in table["class"]
    assert [c.get("style") for c in table.find_all(["td", "th"])] == [None] * 4
    assert "&lt;budget&gt;" in str(table)  # still escaped

    css = (TEMPLATES / "committee" / "index.html.j2").read_text(encoding="utf-8")
    rule = re.search(r"table\.cell-style :is\(td, th\) \{([^}]*)\}", css)
    assert rule is not None
    declared = {
        name.strip(): value.strip() for name, value in (d.split(":", 1) for d in rule.group(1).split(";") if d.strip())
    }
    inline = dict(d.split(":", 1) for d in presentation.CELL_STYLE.split(";"))
    # Each declaration the notebook's cells carry inline, as important as an inline style is.
    assert declared == {name: f"{value} !important" for name, value in inline.items()}


def test_a_grouped_table_names_each_group_once_escapes_text_and_links_cells():
    grouped_table_html = presentation.grouped_table_html
    frame = pd.DataFrame({"Ref": ["1", "2", "3"], "Action": ["<b>one</b>", "two", "three"]})
    groups = pd.Series(["Review A", "Review A", "Review <B>"])
    links = {"Ref": pd.Series(["#a-1", "#a-2", ""])}
    page = grouped_table_html(frame, groups, "Past target", links=links)
    assert page.count('class="group"') == 2  # one row per review, not per action
    assert "Review &lt;B&gt;" in page and "&lt;b&gt;one&lt;/b&gt;" in page and "<b>" not in page
    assert '<a href="#a-1">1</a>' in page and '<a href="#a-2">2</a>' in page and "<td" in page
    assert ">3</td>" in page  # no link where none is given
    assert 'aria-label="Past target"' in page and "<caption>" not in page  # the heading above names it
    assert grouped_table_html(frame.iloc[:0], groups.iloc[:0], "x", empty="None & done.") == "<p>None &amp; done.</p>"
