"""The dossier clock without the database: what a pause keeps and what its end gives back.

See the package docstring (:mod:`motcua.dossiers.kernel`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from django.utils import timezone

from motcua.core.actors import user_of
from motcua.dossiers.constants import PausePolicy, Timeliness
from motcua.dossiers.models import Pause
from motcua.workdays.core import LimitUnit, Remaining, WorkCalendar


def remaining_dict(remaining: Remaining) -> dict[str, Any]:
    """Return ``remaining`` as the JSON a pause keeps (``Pause.clock``)."""
    return {
        "unit": remaining.unit.value,
        "working_days": remaining.working_days,
        "working_seconds": int(remaining.working_time.total_seconds()),
        "calendar_days": remaining.calendar_days,
        "overdue": remaining.overdue,
    }


def remaining_from(data: dict[str, Any]) -> Remaining:
    """Return the :class:`Remaining` a pause kept (the inverse of :func:`remaining_dict`)."""
    return Remaining(
        unit=LimitUnit(data["unit"]),
        working_days=data["working_days"],
        working_time=timedelta(seconds=data["working_seconds"]),
        calendar_days=data["calendar_days"],
        overdue=data["overdue"],
    )


def _iso(value: datetime | None) -> str | None:
    """Return ``value`` in UTC, as a value read back from the database prints."""
    return value.astimezone(UTC).isoformat() if value else None


def pause_clock(
    *,
    calendar: WorkCalendar | None,
    now: datetime,
    due_at: datetime | None,
    limit_unit: str,
    extended_due_at: datetime | None = None,
    step_calendar: WorkCalendar | None = None,
    step_due_at: datetime | None = None,
) -> dict[str, Any]:
    """Return what a pause starting at ``now`` keeps of every running clock.

    A dossier not yet received has no legal due (and needs no ``calendar``):
    nothing is kept of it. The
    current step's share is kept as ``remaining_seconds`` when it has a due
    (the caller adds which step it was, as ``step``).
    """
    kept: dict[str, Any] = {}
    if due_at is not None:
        assert calendar is not None, "a running legal clock needs its calendar"
        kept = {
            **remaining_dict(calendar.remaining(due_at, limit_unit, now)),
            "due_before": _iso(due_at),
        }
        if extended_due_at is not None:
            # The date promised in the apology moves with the pause too, by working days.
            kept["extended"] = remaining_dict(
                calendar.remaining(extended_due_at, LimitUnit.WORKING_DAYS, now)
            )
    if step_calendar is not None and step_due_at is not None:
        kept["remaining_seconds"] = int(
            step_calendar.working_time_between(now, step_due_at).total_seconds()
        )
    return kept


@dataclass(frozen=True)
class Resumed:
    """The dues once the clock runs again (None: unchanged or none)."""

    due_at: datetime | None
    extended_due_at: datetime | None


def open_pause(
    dossier: Any,
    *,
    at: datetime,
    actor: object,
    kind: str,
    number: int,
    policy: str,
    items: list[str],
    reason: str,
    respond_by: datetime | None,
    override_reason: str,
    kept: dict[str, Any],
) -> Pause:
    """Return the (unsaved) pause of ``dossier`` opened at ``at``, keeping ``kept``.

    ``kept`` is what :func:`pause_clock` returned (with the step, if timed); the
    dossier's status now is the one its end gives back.
    """
    return Pause(
        dossier=dossier,
        kind=kind,
        number=number,
        policy=policy,
        started_at=at,
        resume_status=dossier.status,
        requested_by=user_of(actor),
        items=items,
        reason=reason,
        respond_by=respond_by,
        override_reason=override_reason,
        clock=kept,
    )


def pause(
    dossier: Any,
    step: Any,
    *,
    at: datetime,
    actor: object,
    calendar_of: Callable[[Any], WorkCalendar],
    limit_unit: str,
    kind: str,
    number: int,
    policy: str,
    items: list[str],
    reason: str,
    respond_by: datetime | None,
    override_reason: str = "",
) -> Pause:
    """Return the (unsaved) pause of ``dossier`` from ``at``, keeping every running clock.

    ``step`` is the current one: its time left is kept when it has a due
    (by its key, or the step itself while it is unsaved). A dossier not yet
    received (an online submission waiting for intake) has no clock: the
    pause only records the request. ``calendar_of(unit)`` is asked for only
    for a clock that runs.
    """
    timed = step if step is not None and step.due_at is not None else None
    kept = pause_clock(
        calendar=calendar_of(dossier.agency) if dossier.due_at is not None else None,
        now=at,
        due_at=dossier.due_at,
        limit_unit=limit_unit,
        extended_due_at=dossier.extended_due_at,
        step_calendar=calendar_of(timed.unit) if timed is not None else None,
        step_due_at=timed.due_at if timed is not None else None,
    )
    if timed is not None:
        kept["step"] = timed.pk if timed.pk is not None else timed
    return open_pause(
        dossier,
        at=at,
        actor=actor,
        kind=kind,
        number=number,
        policy=policy,
        items=items,
        reason=reason,
        respond_by=respond_by,
        override_reason=override_reason,
        kept=kept,
    )


def resume_clock(
    *,
    calendar: WorkCalendar,
    kept: dict[str, Any],
    policy: str,
    now: datetime,
    due_at: datetime | None,
    limit_amount: Any,
    limit_unit: str,
    extended_due_at: datetime | None = None,
) -> Resumed:
    """Return the legal due and the promised date when a pause that kept ``kept`` ends at ``now``.

    ``restart``: the full legal limit from ``now``; otherwise what was left,
    resumed from ``now``. The promised date resumes what was left of it, and
    never ends before the new legal due.
    """
    if due_at is None or "unit" not in kept:
        return Resumed(due_at, extended_due_at)
    if policy == PausePolicy.RESTART:
        new_due = calendar.due(now, limit_amount, limit_unit)
    else:
        new_due = calendar.resume(remaining_from(kept), now, due_at)
    promised = extended_due_at
    if extended_due_at is not None and "extended" in kept:
        moved = calendar.resume(remaining_from(kept["extended"]), now, extended_due_at)
        promised = max(moved, new_due)
    return Resumed(new_due, promised)


def end_pause(
    dossier: Any,
    pause: Any,
    *,
    at: datetime,
    calendar: Callable[[], WorkCalendar],
    limit_amount: Any,
    limit_unit: str,
) -> bool:
    """End ``pause`` at ``at`` and resume the dossier's clocks it kept; return whether the
    legal due moved.

    A pause that kept no clock (an online submission before intake) only ends;
    ``calendar`` (the handling agency's) is asked for only when a clock resumes.
    The current step's due is :func:`step_due_after_pause`'s, and the status the
    caller's: both depend on the step the caller holds.
    """
    pause.ended_at = at
    kept = pause.clock
    if dossier.due_at is None or "unit" not in kept:
        return False
    resumed = resume_clock(
        calendar=calendar(),
        kept=kept,
        policy=pause.policy,
        now=at,
        due_at=dossier.due_at,
        limit_amount=limit_amount,
        limit_unit=limit_unit,
        extended_due_at=dossier.extended_due_at,
    )
    moved = bool(resumed.due_at != dossier.due_at)
    pause.clock = {**kept, "due_after": resumed.due_at.isoformat() if resumed.due_at else None}
    dossier.due_at, dossier.extended_due_at = resumed.due_at, resumed.extended_due_at
    return moved


def step_due_after_pause(
    step_calendar: WorkCalendar, now: datetime, kept: dict[str, Any]
) -> datetime:
    """Return the current step's new due: its kept working time, from ``now``."""
    return step_calendar.add_working_time(now, timedelta(seconds=kept["remaining_seconds"]))


def timeliness_of(finished: datetime, due: datetime | None) -> str:
    """Return early / on time / late: late after ``due``; early on a day before its day."""
    if due is None:
        return ""
    if finished > due:
        return Timeliness.LATE
    if timezone.localtime(finished).date() < timezone.localtime(due).date():
        return Timeliness.EARLY
    return Timeliness.ON_TIME
