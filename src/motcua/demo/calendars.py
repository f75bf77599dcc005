"""Working calendars for a demo loaded in a year the release does not ship confirmed.

A release ships the years it could check (2024–2026 here) confirmed; a real
deployment confirms each new year by hand after checking the government's
notice (``motcua calendar seed`` then ``confirm``), and until then deadlines
in that year are refused. The demo cannot wait for that: loaded in January
2027 it would have no working days. So, for the demo database only, a missing
or draft year around today is proposed from the statutory rules and confirmed
on the spot, and the seed command says so.
"""

from __future__ import annotations

from datetime import date

from motcua.core import clock
from motcua.workdays.models import CalendarStatus, CalendarYear
from motcua.workdays.services import calendar_year_confirm, calendar_year_seed


def load_demo_calendars(actor: str, *, today: date | None = None) -> list[int]:
    """Confirm last, this and next year for the demo; return the years it had to confirm."""
    day = today or clock.localdate()
    confirmed = []
    for year in (day.year - 1, day.year, day.year + 1):
        calendar = CalendarYear.objects.filter(year=year).first()
        if calendar is None:
            calendar = calendar_year_seed(year=year, actor=actor)
        if calendar.status != CalendarStatus.CONFIRMED:
            calendar_year_confirm(calendar_year=calendar, actor=actor)
            confirmed.append(year)
    return confirmed
