"""The printed Contents' page numbers: each entry takes the page of its heading's bookmark."""

from __future__ import annotations

from helpers.publishing import contents_pages


def test_each_entry_takes_the_next_bookmark_of_its_title_in_order():
    marks = [("Title", 1), ("Summary", 2), ("Table A", 3), ("Notes", 5), ("Summary", 7), ("Appendix", 8)]
    # The second "Summary" entry is the second heading of that name; spacing does not matter.
    entries = ["Summary", "Notes", "Summary", " Appendix "]
    assert contents_pages.entry_pages(entries, marks) == [2, 5, 7, 8]


def test_an_entry_no_bookmark_names_has_no_number_and_does_not_move_the_others():
    marks = [("Summary", 2), ("Notes", 5)]
    assert contents_pages.entry_pages(["Summary", "Missing", "Notes"], marks) == [2, None, 5]
