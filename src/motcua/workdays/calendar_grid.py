"""A year's working calendar as twelve month grids, for reading it at a glance.

Each month is a table of weeks starting on Monday; each day says whether
it is a working day, a weekend day, a public holiday, a compensatory or
swapped day off, or a make-up working day, with the entry's name. Only the
national entries shape the grid; entries limited to a unit are listed
under it. Nothing here decides a deadline: ``workdays.core`` does.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date

from motcua.workdays.models import CalendarEntry, CalendarYear, DayKind

WORKDAY = "workday"
WEEKEND = "weekend"


@dataclass(frozen=True)
class DayCell:
    day: date
    kind: str  # WORKDAY, WEEKEND or a DayKind value
    name: str = ""

    @property
    def is_working(self) -> bool:
        return self.kind in (WORKDAY, DayKind.MAKEUP_WORKING_DAY)


@dataclass(frozen=True)
class MonthGrid:
    year: int
    month: int
    weeks: list[list[DayCell | None]]
    working_days: int


@dataclass(frozen=True)
class YearGrid:
    year: int
    months: list[MonthGrid]
    unit_entries: list[CalendarEntry] = field(default_factory=list)

    @property
    def working_days(self) -> int:
        return sum(month.working_days for month in self.months)


def year_grid(calendar_year: CalendarYear) -> YearGrid:
    """Return the grid of ``calendar_year`` from its entries (one query)."""
    entries = list(calendar_year.entries.select_related("unit").order_by("day"))
    national = {entry.day: entry for entry in entries if entry.unit_id is None}
    months = []
    for month in range(1, 13):
        weeks: list[list[DayCell | None]] = []
        working = 0
        for week in calendar.Calendar(firstweekday=0).monthdatescalendar(calendar_year.year, month):
            row: list[DayCell | None] = []
            for day in week:
                if day.month != month:
                    row.append(None)
                    continue
                entry = national.get(day)
                if entry is not None:
                    cell = DayCell(day, entry.kind, entry.name)
                else:
                    cell = DayCell(day, WEEKEND if day.weekday() >= 5 else WORKDAY)
                working += cell.is_working
                row.append(cell)
            weeks.append(row)
        months.append(MonthGrid(calendar_year.year, month, weeks, working))
    return YearGrid(
        calendar_year.year, months, [entry for entry in entries if entry.unit_id is not None]
    )
