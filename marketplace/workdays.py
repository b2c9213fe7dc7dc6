"""Russian working days (the official production calendar, via the holidays package).

Seed 001 counts the order confirmation period in working days («3 рабочих дня»): weekends,
public holidays and the days off moved by government decree are skipped, and the
Saturdays made working days count.
"""

from datetime import date, timedelta
from functools import lru_cache

import holidays


@lru_cache(maxsize=8)
def _calendar(first_year: int, last_year: int) -> holidays.HolidayBase:
    return holidays.country_holidays("RU", years=range(first_year, last_year + 1))


def _cal(*days: date) -> holidays.HolidayBase:
    years = [d.year for d in days]
    # A window around the dates asked about, so adding many days crosses into next year.
    return _calendar(min(years) - 1, max(years) + 2)


def is_workday(day: date) -> bool:
    return _cal(day).is_working_day(day)


def add_workdays(start: date, n: int) -> date:
    """The date ``n`` working days after ``start`` (``start`` itself is not counted).

    add_workdays(Friday, 1) is the next Monday, unless that Monday is a holiday.
    ``n`` = 0 returns ``start``. Negative ``n`` counts backwards.
    """
    if n == 0:
        return start
    step = timedelta(days=1 if n > 0 else -1)
    remaining = abs(n)
    day = start
    while remaining:
        day += step
        if is_workday(day):
            remaining -= 1
    return day


def workdays_between(start: date, end: date) -> int:
    """Working days in (start, end]: how many have passed from ``start`` to ``end``."""
    if end <= start:
        return 0
    count = 0
    day = start
    while day < end:
        day += timedelta(days=1)
        if is_workday(day):
            count += 1
    return count
