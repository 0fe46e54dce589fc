"""Chinese working days, for the length of the 公示.

Statutory holidays and the weekend days worked instead (调休) come from `chinesecalendar`,
which carries the State Council's yearly schedule (2004 to its latest release); for a year it
does not know yet, a working day is Monday to Friday.
"""

import datetime

import chinese_calendar


def is_working_day(day: datetime.date) -> bool:
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:  # a year whose schedule the package does not have yet
        return day.weekday() < 5


def first_working_day(day: datetime.date) -> datetime.date:
    while not is_working_day(day):
        day += datetime.timedelta(days=1)
    return day


def last_of(start: datetime.date, days: int) -> datetime.date:
    """The last day of a period of `days` working days beginning on `start` (or on the next
    working day when `start` is not one)."""
    day, counted = first_working_day(start), 1
    while counted < days:
        day += datetime.timedelta(days=1)
        counted += is_working_day(day)
    return day
