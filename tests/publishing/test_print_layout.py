"""Print column widths (helpers.publishing.print_layout) without printing: measured text only, so not slow."""

from __future__ import annotations

from helpers.publishing import print_layout
from helpers.publishing.print_layout import CELL_PADDING_PT, column_widths, text_width


def _fits(header: str) -> float:
    """The width a column needs for its header's longest word, bold, on one line (with the cell's padding)."""
    return max(text_width(word, bold=True) for word in header.split()) + CELL_PADDING_PT


def test_a_header_word_longer_than_the_unbroken_limit_still_sets_its_column_s_minimum():
    # "Recommendation" in bold 9 pt DejaVu Sans is wider than the limit a cell's long word (a web address) gets.
    assert text_width("Recommendation", bold=True) > print_layout.LONGEST_UNBROKEN_PT
    header = ["Recommendation", "Lead"]
    widths = column_widths(header, [["1", "Finance"]], total=_fits("Recommendation") + _fits("Lead") + 2)
    assert widths[0] >= _fits("Recommendation")


def test_a_table_too_wide_for_its_words_still_keeps_each_header_word_whole():
    # Ten columns whose cells each hold a web address (broken, at most LONGEST_UNBROKEN_PT each): together they
    # want more than the landscape width, so the widths are squeezed, but not below a header's longest word.
    address = "https://example.org/a-very-long-address-for-a-made-up-council"
    header = ["Recommendation", *[f"C{n}" for n in range(9)]]
    widths = column_widths(header, [[address] * 10])
    assert abs(sum(widths) - print_layout.TABLE_WIDTH_PT) < 0.01
    assert all(w >= _fits(h) for w, h in zip(widths, header, strict=True))
