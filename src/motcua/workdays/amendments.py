"""Amending a confirmed year: the changes, and the hook that finds the dues they move.

A confirmed year is amended as a whole (a new holiday, a late swap and its make-up day
arrive together) through :func:`motcua.workdays.services.calendar_amendment_preview` and
``calendar_amendment_apply``. Due instants computed with the calendar are stored by apps
above this one (dossiers), which this app may not import (the layers, DESIGN.md). So those
apps register a :class:`DueSource` here, in their ``AppConfig.ready()``; the amendment asks
every source which dues would move (the preview) and, once the new entries are written,
tells every source to move them, in the same transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Protocol

from motcua.workdays.core import WorkCalendar

__all__ = [
    "CalendarFor",
    "DueMove",
    "DueSource",
    "EntryChange",
    "due_sources",
    "register_due_source",
]

CalendarFor = Callable[[Any], WorkCalendar]
"""Return the working calendar of an ``org.Unit`` (or of the whole country for None)."""


@dataclass(frozen=True)
class EntryChange:
    """One day of an amendment: its new entry, or ``kind=None`` to remove the day's entry.

    ``unit`` (an ``org.Unit``) limits the change to the entries of that unit; None is the
    national calendar. An empty ``legal_basis`` takes the amendment's.
    """

    day: date
    kind: str | None
    name: str = ""
    legal_basis: str = ""
    unit: Any = None

    @property
    def unit_id(self) -> int | None:
        return getattr(self.unit, "pk", None)


@dataclass(frozen=True)
class DueMove:
    """A stored due instant that the amendment moves (or cannot recompute: ``problem``)."""

    reference: str  # what staff know the record by, e.g. the dossier code
    what: str  # which due, in words: "dossier due", "due of the step “Thụ lý”"
    before: datetime | None
    after: datetime | None
    working_days: int | None = None  # the move in working days of the new calendar
    url: str = ""
    problem: str = ""

    @property
    def signed_working_days(self) -> str:
        """Return the move in working days with its sign: "+1", "-2", "0"."""
        if self.working_days is None:
            return ""
        return f"{self.working_days:+d}" if self.working_days else "0"

    @property
    def delta(self) -> timedelta | None:
        """Return how far the due moves (positive: later)."""
        if self.before is None or self.after is None:
            return None
        return self.after - self.before


class DueSource(Protocol):
    """What an app that stores due instants gives the calendar amendment."""

    def moves(self, *, window: tuple[date, date], calendar_for: CalendarFor) -> list[DueMove]:
        """Return the dues that differ under ``calendar_for`` (the amended calendar).

        ``window`` is the first and last amended day: a due that cannot depend on those
        days may be skipped.
        """

    def apply(
        self,
        *,
        window: tuple[date, date],
        calendar_for: CalendarFor,
        actor: Any,
        reason: str,
    ) -> list[DueMove]:
        """Move those dues (history, audit, notices) and return what moved.

        Called inside the amendment's transaction, after its entries are written; a move
        with a ``problem`` makes the amendment refuse and roll everything back.
        """


_sources: dict[str, DueSource] = {}


def register_due_source(name: str, source: DueSource) -> None:
    """Register (or replace) the due source called ``name``."""
    _sources[name] = source


def due_sources() -> tuple[DueSource, ...]:
    """Return the registered due sources, in registration order."""
    return tuple(_sources.values())
