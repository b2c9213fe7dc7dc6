from datetime import date

import pytest

from marketplace.workdays import add_workdays, is_workday, workdays_between


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2025, 11, 3), False),  # day off moved from Saturday 1 November
        (date(2025, 11, 4), False),  # Unity Day
        (date(2025, 11, 1), True),  # a Saturday made a working day
        (date(2025, 11, 5), True),  # ordinary Wednesday
        (date(2025, 11, 8), False),  # ordinary Saturday
        (date(2026, 1, 5), False),  # New Year holidays
        (date(2026, 1, 12), True),
    ],
)
def test_russian_production_calendar(day, expected):
    assert is_workday(day) is expected


def test_friday_plus_one_working_day_is_monday():
    assert add_workdays(date(2025, 10, 24), 1) == date(2025, 10, 27)


def test_three_working_days_skip_the_november_holidays():
    # Order on Friday 31 Oct 2025: Sat 1 Nov works, 2 Nov Sunday, 3–4 Nov are days off.
    assert add_workdays(date(2025, 10, 31), 3) == date(2025, 11, 6)


def test_new_year_holidays_are_skipped():
    # 31 Dec 2025 and 1–11 Jan 2026 are days off: the third working day is 14 January.
    assert add_workdays(date(2025, 12, 30), 3) == date(2026, 1, 14)


def test_zero_and_negative_days():
    assert add_workdays(date(2025, 11, 5), 0) == date(2025, 11, 5)
    assert add_workdays(date(2025, 11, 5), -1) == date(2025, 11, 1)


def test_workdays_between_counts_days_after_start_up_to_end():
    assert workdays_between(date(2025, 10, 31), date(2025, 11, 6)) == 3
    assert workdays_between(date(2025, 11, 6), date(2025, 10, 31)) == 0
    assert workdays_between(date(2025, 11, 5), date(2025, 11, 5)) == 0


def test_add_and_between_agree_over_a_year():
    start = date(2025, 1, 1)
    for n in (1, 5, 17, 60, 200):
        assert workdays_between(start, add_workdays(start, n)) == n
