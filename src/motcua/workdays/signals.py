"""Drop this process's loaded calendars when the data behind them changes."""

from __future__ import annotations

from typing import Any

from django.core.signals import setting_changed
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from motcua.workdays.models import CalendarEntry, CalendarYear, WorkSchedule


@receiver([post_save, post_delete], sender=CalendarYear)
@receiver([post_save, post_delete], sender=CalendarEntry)
@receiver([post_save, post_delete], sender=WorkSchedule)
def _calendar_changed(**kwargs: Any) -> None:
    from motcua.workdays.loader import calendar_cache_clear

    calendar_cache_clear()


_CALENDAR_SETTINGS = frozenset(
    {"MOTCUA_WORK_SESSIONS", "MOTCUA_CUTOFF", "MOTCUA_CUTOFF_DAY_LIMITS", "MOTCUA_CALENDAR_TTL"}
)


@receiver(setting_changed)
def _calendar_setting_changed(*, setting: str, **kwargs: Any) -> None:
    """Tests override the deployment's sessions and cut-off: rebuild with the new values."""
    if setting in _CALENDAR_SETTINGS:
        from motcua.workdays.loader import calendar_cache_clear

        calendar_cache_clear()
