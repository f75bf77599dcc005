"""Load confirmed calendars from the database into the pure core.

Each process keeps what it built for ``MOTCUA_CALENDAR_TTL`` seconds; a
change saved in this process drops the cache at once (see ``signals``), so
other processes see an administrator's change within the TTL.
"""

from __future__ import annotations

import threading
import time as _time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import DatabaseError

from motcua.workdays.amendments import CalendarFor, EntryChange
from motcua.workdays.core import CalendarMissingError, DayEntry, DayKind, Schedule, WorkCalendar
from motcua.workdays.data import CONFIRMED_YEARS, VN_PUBLIC_SECTOR_ENTRIES

_lock = threading.Lock()
_national: tuple[float, NationalCalendar] | None = None
_per_unit: dict[int | None, tuple[float, WorkCalendar]] = {}


@dataclass(frozen=True)
class NationalCalendar:
    years: tuple[int, ...]
    entries: tuple[DayEntry, ...]
    source: str  # "database" or "built-in"


def calendar_cache_clear() -> None:
    """Forget every calendar built by this process."""
    global _national
    with _lock:
        _national = None
        _per_unit.clear()


def default_schedule() -> Schedule:
    """Return the deployment's sessions and cut-off (settings)."""
    return Schedule.parse(
        settings.MOTCUA_WORK_SESSIONS,
        settings.MOTCUA_CUTOFF,
        cutoff_day_limits=settings.MOTCUA_CUTOFF_DAY_LIMITS,
    )


def _load_national() -> NationalCalendar:
    from motcua.workdays.models import CalendarEntry, CalendarStatus, CalendarYear

    try:
        years = tuple(
            sorted(
                CalendarYear.objects.filter(status=CalendarStatus.CONFIRMED).values_list(
                    "year", flat=True
                )
            )
        )
        rows = CalendarEntry.objects.filter(
            unit__isnull=True, calendar__status=CalendarStatus.CONFIRMED
        ).values_list("day", "kind", "name", "legal_basis")
        entries = tuple(
            DayEntry(day, DayKind(kind), name, basis) for day, kind, name, basis in rows
        )
    except DatabaseError:
        # The database is not migrated yet (e.g. `motcua deadline` on a fresh
        # clone): use the calendars the project ships, which the first
        # migration loads anyway.
        return NationalCalendar(CONFIRMED_YEARS, VN_PUBLIC_SECTOR_ENTRIES, "built-in")
    return NationalCalendar(years, entries, "database")


def national_calendar() -> NationalCalendar:
    """Return the confirmed national years and entries (cached)."""
    global _national
    now = _time.monotonic()
    cached = _national
    if cached is not None and cached[0] > now:
        return cached[1]
    loaded = _load_national()
    with _lock:
        _national = (now + settings.MOTCUA_CALENDAR_TTL, loaded)
    return loaded


def _unit_overrides(
    unit_path: str, changes: Sequence[EntryChange] = ()
) -> tuple[Schedule | None, list[DayEntry]]:
    from motcua.workdays.models import CalendarEntry, CalendarStatus, WorkSchedule

    ancestor_ids = [int(part) for part in unit_path.strip("/").split("/") if part]
    if not ancestor_ids:
        return None, []
    depth = {unit_id: index for index, unit_id in enumerate(ancestor_ids)}
    schedules = list(
        WorkSchedule.objects.filter(unit_id__in=ancestor_ids).values_list(
            "unit_id", "sessions", "cutoff"
        )
    )
    schedule = None
    if schedules:
        _unit_id, sessions, cutoff = max(schedules, key=lambda row: depth[row[0]])
        schedule = Schedule.parse(
            sessions,
            cutoff.strftime("%H:%M"),
            cutoff_day_limits=settings.MOTCUA_CUTOFF_DAY_LIMITS,
        )
    rows: list[tuple[Any, ...]] = list(
        CalendarEntry.objects.filter(
            unit_id__in=ancestor_ids, calendar__status=CalendarStatus.CONFIRMED
        ).values_list("unit_id", "day", "kind", "name", "legal_basis")
    )
    if changes:
        rows = _changed_rows(rows, changes, depth)
    # The nearest unit's entry wins over an ancestor's on the same day.
    ordered = sorted(rows, key=lambda row: depth[row[0]])
    by_day = {
        day: DayEntry(day, DayKind(kind), name, basis) for _u, day, kind, name, basis in ordered
    }
    return schedule, list(by_day.values())


def _changed_rows(
    rows: list[tuple[Any, ...]], changes: Sequence[EntryChange], depth: dict[int, int]
) -> list[tuple[Any, ...]]:
    """Return the unit entry rows with the amendment's unit changes on this path applied."""
    mine = [c for c in changes if c.unit_id is not None and c.unit_id in depth]
    replaced = {(c.unit_id, c.day) for c in mine}
    kept = [row for row in rows if (row[0], row[1]) not in replaced]
    added = [(c.unit_id, c.day, c.kind, c.name, c.legal_basis) for c in mine if c.kind is not None]
    return kept + added


def calendar_builder(changes: Sequence[EntryChange] = ()) -> CalendarFor:
    """Return a function giving each unit's calendar as stored now, with ``changes`` applied.

    Nothing is cached across calls or shared with :func:`calendar_for_unit`: the amendment
    previews a calendar that is not saved, and applies one that is not committed yet. The
    returned function keeps what it built for the units it was asked about.
    """
    loaded = _load_national()
    by_day = {entry.day: entry for entry in loaded.entries}
    for change in changes:
        if change.unit_id is not None:
            continue
        if change.kind is None:
            by_day.pop(change.day, None)
        else:
            by_day[change.day] = DayEntry(
                change.day, DayKind(change.kind), change.name, change.legal_basis
            )
    national = NationalCalendar(loaded.years, tuple(by_day.values()), loaded.source)
    built: dict[int | None, WorkCalendar] = {}

    def calendar_for(unit: Any) -> WorkCalendar:
        unit_id = getattr(unit, "pk", None)
        calendar = built.get(unit_id)
        if calendar is None:
            calendar = built[unit_id] = _build(unit, national, changes)
        return calendar

    return calendar_for


def _build(
    unit: object | None, national: NationalCalendar, changes: Sequence[EntryChange] = ()
) -> WorkCalendar:
    schedule: Schedule | None = None
    entries = {entry.day: entry for entry in national.entries}
    if unit is not None:
        schedule, overrides = _unit_overrides(getattr(unit, "path", ""), changes)
        entries.update(
            {entry.day: entry for entry in overrides if entry.day.year in national.years}
        )
    if not national.years:
        from motcua.core import clock

        raise CalendarMissingError(clock.localdate().year)
    return WorkCalendar(national.years, entries.values(), schedule or default_schedule())


def calendar_for_unit(unit: object | None = None) -> WorkCalendar:
    """Return the working calendar of ``unit`` (an ``org.Unit``), or the national one.

    A unit uses the nearest work schedule on its path and the entries scoped
    to it or its ancestors on top of the national entries.
    """
    unit_id = getattr(unit, "pk", None)
    now = _time.monotonic()
    cached = _per_unit.get(unit_id)
    if cached is not None and cached[0] > now:
        return cached[1]
    calendar = _build(unit, national_calendar())
    with _lock:
        _per_unit[unit_id] = (now + settings.MOTCUA_CALENDAR_TTL, calendar)
    return calendar
