"""System checks: a stored confirmed year lacks days of the calendar the project ships."""

from __future__ import annotations

from typing import Any

from django.core.checks import Tags, Warning, register
from django.db import DatabaseError


@register(Tags.database)
def shipped_calendar_check(
    app_configs: Any = None, databases: Any = None, **kwargs: Any
) -> list[Warning]:
    """Warn when a confirmed year misses a correction shipped later (run by ``migrate``).

    A deployment that loaded a year before the project corrected its table (the New Year
    2026 swap, approved on 25/12/2025) keeps the old days until an administrator amends the
    year; ``motcua calendar amend YEAR --shipped`` previews that amendment.
    """
    from motcua.workdays.data import CONFIRMED_YEARS
    from motcua.workdays.models import CalendarStatus, CalendarYear
    from motcua.workdays.services import shipped_changes

    if not databases:  # like Django's own database checks: only when asked (migrate does)
        return []
    warnings = []
    try:
        years = CalendarYear.objects.filter(
            year__in=CONFIRMED_YEARS, status=CalendarStatus.CONFIRMED
        ).values_list("year", flat=True)
        for year in sorted(years):
            missing = shipped_changes(year)
            if missing:
                days = ", ".join(f"{change.day:%d/%m/%Y} ({change.kind})" for change in missing)
                warnings.append(
                    Warning(
                        f"The confirmed working calendar for {year} lacks days of the calendar "
                        f"the project ships: {days}.",
                        hint=(
                            f"Preview the amendment with `motcua calendar amend {year} --shipped`, "
                            "then save it with --apply (the due dates of open dossiers move)."
                        ),
                        id="workdays.W001",
                    )
                )
    except DatabaseError:  # not migrated yet: the shipped table is loaded by the migrations
        return []
    return warnings
