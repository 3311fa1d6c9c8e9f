"""Safe, readable HTML for notebooks and reports: every piece of text is escaped here.

Text from documents and updates goes through html.escape (or pandas' escaping),
so a "<script>" in a recommendation is shown as text. Tables are left-aligned
with long text wrapped, in JupyterLab as in the committee report.
"""

from __future__ import annotations

import html
import re

import pandas as pd
from IPython.display import HTML

from helpers.base.dates import show_date

# Inline styles, so JupyterLab (which right-aligns table cells) shows the same as the report. The
# committee's page has the same rule in its stylesheet, and drops these (helpers.publishing.html_export).
CELL_STYLE = "text-align:left;vertical-align:top;max-width:32rem;white-space:normal;overflow-wrap:break-word"


def text(*parts: str, tag: str = "p") -> HTML:
    """A paragraph (or heading) of plain text, escaped."""
    return HTML(f"<{tag}>{html.escape(''.join(parts))}</{tag}>")


def bullets(items: list[str]) -> HTML:
    """A bulleted list of plain text items, escaped."""
    return HTML("<ul>" + "".join(f"<li>{html.escape(i)}</li>" for i in items) + "</ul>")


def table_html(
    frame: pd.DataFrame, caption: str = "", empty: str = "None.", index: bool = False, row_ids: list[str] | None = None
) -> str:
    """A frame as an escaped, left-aligned HTML table with a caption; a sentence when it is empty. `row_ids`
    gives each body row an id (one per row of `frame`), so other tables can link to it."""
    if frame.empty:
        return f"<p>{html.escape(empty)}</p>"
    shown = frame.copy()
    for col in shown.columns:
        if pd.api.types.is_datetime64_any_dtype(shown[col]):
            shown[col] = shown[col].map(show_date)
        elif pd.api.types.is_float_dtype(shown[col]) and (shown[col].dropna() % 1 == 0).all():
            shown[col] = shown[col].map(lambda v: "" if pd.isna(v) else str(int(v)))
    classes = "report-table" + (" actions" if "Recommendation" in shown.columns else "")
    body = shown.to_html(index=index, escape=True, na_rep="", border=0, classes=classes)
    body = re.sub(r"<t([dh])([ >])", lambda m: f'<t{m.group(1)} style="{CELL_STYLE}"{m.group(2)}', body)
    body = body.replace(' style="text-align: right;"', "")
    if row_ids is not None:
        head, _, rest = body.partition("<tbody>")
        ids = iter(row_ids)
        body = head + "<tbody>" + re.sub(r"<tr>", lambda m: f'<tr id="{html.escape(next(ids))}">', rest)
    if caption:
        body = re.sub(
            r"(<table[^>]*>)", lambda m: f"{m.group(1)}<caption>{html.escape(caption)}</caption>", body, count=1
        )
    return body


def table(frame: pd.DataFrame, caption: str = "", empty: str = "None.", index: bool = False) -> HTML:
    """A frame as an HTML table (escaped, left-aligned, captioned), or a sentence when it is empty."""
    return HTML(table_html(frame, caption, empty, index))


# A row that names the group (a review) of the rows under it; helpers.publishing.print_layout skips it when
# it balances a table's column widths.
GROUP_ROW_CLASS = "group"


def grouped_table_html(
    frame: pd.DataFrame,
    groups: pd.Series,
    label: str,
    links: dict[str, pd.Series] | None = None,
    caption: str = "",
    empty: str = "None.",
) -> str:
    """A table whose rows come in groups, each group named once in a row of its own (`groups`, one value per
    row of `frame`, rows of a group together). `links` makes a column's cells links ({column: hrefs}).

    Without `caption` the table is named by `label` for screen readers only: the heading above it names it
    for everyone, and a caption would say the same words twice.
    """
    if frame.empty:
        return f"<p>{html.escape(empty)}</p>"
    links = links or {}
    cell = f' style="{CELL_STYLE}"'
    head = "".join(f'<th scope="col"{cell}>{html.escape(str(c))}</th>' for c in frame.columns)
    rows, current = [], None
    for n, (group, values) in enumerate(zip(groups, frame.itertuples(index=False), strict=True)):
        if group != current:
            current = group
            rows.append(
                f'<tr class="{GROUP_ROW_CLASS}"><th colspan="{len(frame.columns)}" scope="colgroup"{cell}>'
                f"{html.escape(str(group))}</th></tr>"
            )
        cells = []
        for column, value in zip(frame.columns, values, strict=True):
            text = html.escape("" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value))
            href = links[column].iloc[n] if column in links else ""
            cells.append(
                f'<td{cell}><a href="{html.escape(href)}">{text}</a></td>' if href else f"<td{cell}>{text}</td>"
            )
        rows.append("<tr>" + "".join(cells) + "</tr>")
    named = f"<caption>{html.escape(caption)}</caption>" if caption else ""
    aria = "" if caption else f' aria-label="{html.escape(label)}"'
    return (
        f'<table class="report-table grouped"{aria}>{named}<thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
    )
