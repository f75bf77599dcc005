"""Drop this process's loaded calendars when the data behind them changes."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from motcua.workdays.models import CalendarEntry, CalendarYear, WorkSchedule


@receiver([post_save, post_delete], sender=CalendarYear)
@receiver([post_save, post_delete], sender=CalendarEntry)
@receiver([post_save, post_delete], sender=WorkSchedule)
def _calendar_changed(**kwargs: Any) -> None:
    from motcua.workdays.loader import calendar_cache_clear

    calendar_cache_clear()
