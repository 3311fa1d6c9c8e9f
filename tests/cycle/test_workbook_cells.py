"""Writing a cell of the cycle's workbooks (helpers.cycle.workbook_cells): text stays text, never a formula."""

from __future__ import annotations

import openpyxl

from helpers.cycle import workbook_cells


def test_put_keeps_text_as_text_and_other_values_as_they_are(tmp_path):
    sheet = openpyxl.Workbook().active
    workbook_cells.put(sheet["A1"], "=1+1")
    workbook_cells.put(sheet["A2"], 3)
    workbook_cells.put(sheet["A3"], "a\x00b\x1fc")
    assert (sheet["A1"].value, sheet["A1"].data_type) == ("=1+1", "s")
    assert (sheet["A2"].value, sheet["A2"].data_type) == (3, "n")
    assert sheet["A3"].value == "abc"
