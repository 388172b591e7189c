"""Working days: Monday to Friday except national holidays and cuti bersama (the Holiday table).

A year without holiday data counts Monday to Friday only; the team board says so.
"""

import datetime as dt
from collections.abc import Iterable

from .models import Absence, Holiday


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def next_month(month: dt.date) -> dt.date:
    return (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def month_end(month: dt.date) -> dt.date:
    return next_month(month) - dt.timedelta(days=1)


def whole_months(start: dt.date, end: dt.date) -> tuple[dt.date, dt.date] | None:
    """Returns the first day of the first whole month from `start` to `end` and the last day
    of the last one (None: the days hold no whole month)."""
    first = start if start.day == 1 else next_month(start)
    last = end if end == month_end(end) else month_start(end) - dt.timedelta(days=1)
    return (first, last) if first <= last else None


def months(start: dt.date, end: dt.date) -> list[dt.date]:
    """Returns the first day of every month from the month of `start` to that of `end`."""
    out, month = [], month_start(start)
    while month <= end:
        out.append(month)
        month = next_month(month)
    return out


def days(start: dt.date, end: dt.date) -> Iterable[dt.date]:
    """Yields every day from `start` to `end`, both included."""
    for offset in range((end - start).days + 1):
        yield start + dt.timedelta(days=offset)


class WorkCalendar:
    """Answers whether a day is a working day, reading the holidays of a year once."""

    def __init__(self):
        self._years: dict[int, set[dt.date]] = {}
        self.years_without_data: set[int] = set()

    def _holidays(self, year: int) -> set[dt.date]:
        if year not in self._years:
            dates = set(Holiday.objects.filter(date__year=year).values_list("date", flat=True))
            self._years[year] = dates
            if not dates:
                self.years_without_data.add(year)
        return self._years[year]

    def is_working_day(self, day: dt.date) -> bool:
        return day.weekday() < 5 and day not in self._holidays(day.year)

    def working_days(self, start: dt.date, end: dt.date) -> list[dt.date]:
        return [d for d in days(start, end) if self.is_working_day(d)]

    def nth_working_day(
        self, month: dt.date, n: int, *, away: set[dt.date] = frozenset()
    ) -> dt.date:
        """Returns the n-th working day from the start of `month` that is not in `away`.

        Counting runs on past the month's end when the month has too few such days.
        """
        day, counted = month_start(month), 0
        while True:
            if self.is_working_day(day) and day not in away:
                counted += 1
                if counted == n:
                    return day
            day += dt.timedelta(days=1)


def absent_days(absences: Iterable[Absence], start: dt.date, end: dt.date) -> set[dt.date]:
    """Returns the days between `start` and `end` that the absences cover."""
    covered: set[dt.date] = set()
    for absence in absences:
        first, last = max(absence.starts_on, start), min(absence.ends_on, end)
        if first <= last:
            covered.update(days(first, last))
    return covered
