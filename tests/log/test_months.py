"""Month bounds from the calendar, without a database: year ends, leap Februaries, exact ms."""

import pytest

from consentry.log import months

DAY = 86_400_000


def test_the_documented_december_2026():
    assert months.bounds((2026, 12)) == (1_796_083_200_000, 1_798_761_600_000)
    assert months.table((2026, 12)) == "consent_log_2026_12"


def test_year_ends():
    assert months.add((2026, 12), 1) == (2027, 1)
    assert months.add((2027, 1), -1) == (2026, 12)
    assert months.add((2026, 11), 14) == (2028, 1)
    assert months.bounds((2026, 12))[1] == months.bounds((2027, 1))[0]
    assert months.bounds((2027, 1)) == (1_798_761_600_000, 1_798_761_600_000 + 31 * DAY)
    assert months.month_of(1_798_761_600_000 - 1) == (2026, 12)     # the last ms of the year
    assert months.month_of(1_798_761_600_000) == (2027, 1)
    assert months.month_of(0) == (1970, 1)


@pytest.mark.parametrize("year, days", [(2024, 29), (2025, 28), (2028, 29), (2100, 28), (2000, 29)])
def test_february_is_28_or_29_days(year, days):
    start, end = months.bounds((year, 2))
    assert end - start == days * DAY
    assert months.month_of(end - 1) == (year, 2) and months.month_of(end) == (year, 3)


def test_every_month_has_its_calendar_length_and_months_tile_the_time_line():
    lengths = {1: 31, 3: 31, 4: 30, 5: 31, 6: 30, 7: 31, 8: 31, 9: 30, 10: 31, 11: 30, 12: 31}
    month = (2023, 1)
    for _ in range(5 * 12):
        start, end = months.bounds(month)
        if month[1] != 2:
            assert end - start == lengths[month[1]] * DAY, month
        assert months.bounds(months.add(month, 1))[0] == end              # no gap, no overlap
        assert months.month_of(start) == month == months.month_of(end - 1)
        month = months.add(month, 1)


def test_parse():
    assert months.parse("2026-02") == (2026, 2)
