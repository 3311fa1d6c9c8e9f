"""The dates people read and type (helpers.base.dates)."""

import datetime as dt

import pytest

from helpers.base.dates import day_given, show_date
from helpers.base.errors import InputError


def test_a_day_typed_as_iso_is_that_day_and_blank_is_today():
    assert day_given("2026-12-07", "FORMS_DATE") == dt.date(2026, 12, 7)
    assert day_given(" 2024-06-20 ", "COLLECT_DATE") == dt.date(2024, 6, 20)
    for blank in (None, "", "   "):
        assert day_given(blank, "EMAIL_DATE") == dt.date.today()


@pytest.mark.parametrize("typed", ["07/12/2026", "2026-13-01", "December 7th"])
def test_a_day_not_typed_as_iso_is_one_line_naming_where_it_came_from(typed):
    with pytest.raises(InputError, match=rf"^FORMS_DATE '{typed}' is not a date like 2026-12-07$"):
        day_given(typed, "FORMS_DATE")


def test_a_date_shows_as_people_read_it():
    assert show_date("2024-03-31") == "31 Mar 2024"
    assert show_date("2023-02-28", approximate=True) == "about Feb 2023"
    assert show_date(None) == ""
