"""Move the dues of open dossiers when a confirmed calendar year is amended.

The calendar app cannot look at dossiers (layers); this module registers
:class:`DossierDues` with it (``DossiersConfig.ready``). What happens to a dossier when
an administrator amends a confirmed year (docs/deadlines.md, "Amending a confirmed year"):

* A dossier whose clock runs (received, in progress, with a coordinating agency, awaiting
  signature) gets its D0, its legal due and its current step's due **recomputed** from its
  intake and pause history under the amended calendar, exactly as the services computed
  them (intake, then each ended pause: resume with what was left, or restart).
* A dossier whose clock is stopped (awaiting a supplement or financial obligations) is not
  touched: the time left when it stopped is kept, and is counted on the amended calendar
  when the clock resumes.
* Each moved dossier gets one history row and one audit record (``calendar_amended``) and,
  when the appointment date changes, a notice to the applicant. The date promised in an
  apology (Mẫu 04) is not moved: it was set and signed once.
* Early / on time / late stays judged against the due in force when the dossier is decided.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.core.actors import Actor
from motcua.dossiers.constants import CLOCK_RUNNING, PausePolicy
from motcua.dossiers.models import Dossier, DossierStep, Pause
from motcua.dossiers.services.common import _applicant_notice, _bump, _event, _iso, _lock
from motcua.workdays.amendments import CalendarFor, DueMove
from motcua.workdays.core import CalendarMissingError
from motcua.workdays.services import missing_calendar_message


@dataclass(frozen=True)
class Dues:
    """The dues of a dossier as its history gives them under one calendar."""

    d0: date
    due_at: datetime
    step_due_at: datetime | None


def _running_step(dossier: Dossier) -> DossierStep | None:
    step = dossier.current_step
    if step is None or step.finished_at is not None or not step.started_at or not step.due_at:
        return None
    return step


def recomputed_dues(
    dossier: Dossier, ended_pauses: Sequence[Pause], calendar_for: CalendarFor
) -> Dues:
    """Return D0, the legal due and the current step's due of ``dossier`` under a calendar.

    Replays what the services did: the due of the limit from the intake instant, then for
    each ended pause that stopped the clock either the full limit again from its end
    ("restart") or what was left when it began counted again from its end. The current
    step's budget is replayed the same way over the pauses that stopped it. Raise
    :class:`~motcua.workdays.core.CalendarMissingError` when a year is not confirmed.
    """
    assert dossier.received_at is not None
    version = dossier.procedure_version
    amount, unit = version.time_limit_amount, version.time_limit_unit
    calendar = calendar_for(dossier.agency)
    d0 = calendar.d0(dossier.received_at)
    due = calendar.due(dossier.received_at, amount, unit)
    for pause in ended_pauses:
        if pause.ended_at is None or "unit" not in (pause.clock or {}):
            continue  # a request before intake: no clock was running
        if pause.policy == PausePolicy.RESTART:
            due = calendar.due(pause.ended_at, amount, unit)
        else:
            remaining = calendar.remaining(due, unit, pause.started_at)
            due = calendar.resume(remaining, pause.ended_at, due)
    step = _running_step(dossier)
    step_due = None
    if step is not None:
        assert step.started_at is not None
        step_calendar = calendar_for(step.unit)
        step_due = step_calendar.add_working_time(
            step.started_at, timedelta(seconds=step.budget_seconds)
        )
        for pause in ended_pauses:
            if pause.ended_at is None or (pause.clock or {}).get("step") != step.pk:
                continue
            # Whole seconds, as the pause stored them.
            left = int(
                step_calendar.working_time_between(pause.started_at, step_due).total_seconds()
            )
            step_due = step_calendar.add_working_time(pause.ended_at, timedelta(seconds=left))
    return Dues(d0, due, step_due)


def _local_day(value: datetime) -> date:
    return timezone.localtime(value).date()


def _moves(dossier: Dossier, dues: Dues, calendar_for: CalendarFor) -> list[DueMove]:
    """Return the dues of ``dossier`` that differ from ``dues``."""
    code = dossier.code or f"#{dossier.pk}"
    url = reverse("dossiers:detail", args=[dossier.code]) if dossier.code else ""
    moves = []

    def shift(unit: Any, before: datetime, after: datetime) -> int | None:
        try:
            return calendar_for(unit).working_days_between(_local_day(before), _local_day(after))
        except CalendarMissingError:
            return None

    if dossier.due_at is not None and dues.due_at != dossier.due_at:
        moves.append(
            DueMove(
                reference=code,
                what=_("Dossier due"),
                before=dossier.due_at,
                after=dues.due_at,
                working_days=shift(dossier.agency, dossier.due_at, dues.due_at),
                url=url,
            )
        )
    step = _running_step(dossier)
    if step is not None and dues.step_due_at is not None and dues.step_due_at != step.due_at:
        assert step.due_at is not None
        moves.append(
            DueMove(
                reference=code,
                what=_("Due of the step “%(step)s”") % {"step": step.name},
                before=step.due_at,
                after=dues.step_due_at,
                working_days=shift(step.unit, step.due_at, dues.step_due_at),
                url=url,
            )
        )
    return moves


def _problem(dossier: Dossier, exc: CalendarMissingError) -> DueMove:
    return DueMove(
        reference=dossier.code or f"#{dossier.pk}",
        what=_("Dossier due"),
        before=dossier.due_at,
        after=None,
        problem=missing_calendar_message(exc.year),
    )


def _ended_pauses() -> Prefetch[Any]:
    return Prefetch(
        "pauses",
        queryset=Pause.objects.filter(ended_at__isnull=False).order_by("started_at", "pk"),
        to_attr="ended_pauses",
    )


def candidates(window: tuple[date, date]) -> QuerySet[Dossier]:
    """Return the dossiers with a running clock whose dues may depend on days in ``window``.

    A superset: received before the end of the last amended day, with the legal due or the
    running step's due on or after the first one (a day before, for safety).
    """
    first, last = window
    zone = timezone.get_default_timezone()
    start = timezone.make_aware(datetime.combine(first - timedelta(days=1), time.min), zone)
    end = timezone.make_aware(datetime.combine(last + timedelta(days=1), time.min), zone)
    return (
        Dossier.objects.filter(
            status__in=CLOCK_RUNNING,
            received_at__isnull=False,
            due_at__isnull=False,
            received_at__lt=end,
        )
        .filter(
            Q(due_at__gte=start)
            | Q(current_step__due_at__gte=start, current_step__finished_at__isnull=True)
        )
        .order_by("code", "pk")
    )


class DossierDues:
    """The due source the calendar amendment asks about open dossiers."""

    def moves(self, *, window: tuple[date, date], calendar_for: CalendarFor) -> list[DueMove]:
        found: list[DueMove] = []
        dossiers = (
            candidates(window)
            .select_related("procedure_version", "agency", "current_step", "current_step__unit")
            .prefetch_related(_ended_pauses())
        )
        for dossier in dossiers.iterator(chunk_size=500):
            try:
                dues = recomputed_dues(dossier, dossier.ended_pauses, calendar_for)  # type: ignore[attr-defined]
            except CalendarMissingError as exc:
                found.append(_problem(dossier, exc))
                continue
            found.extend(_moves(dossier, dues, calendar_for))
        return found

    def apply(
        self,
        *,
        window: tuple[date, date],
        calendar_for: CalendarFor,
        actor: Actor,
        reason: str,
    ) -> list[DueMove]:
        moved: list[DueMove] = []
        for pk in list(candidates(window).values_list("pk", flat=True)):
            moved.extend(
                dossier_dues_recalendar(
                    dossier=pk, calendar_for=calendar_for, actor=actor, reason=reason
                )
            )
        return moved


def dossier_dues_recalendar(
    *, dossier: Dossier | int, calendar_for: CalendarFor, actor: Actor, reason: str
) -> list[DueMove]:
    """Recompute a running dossier's dues under ``calendar_for`` and record the move.

    Locks the dossier; when its D0, legal due or current step's due changes, writes them,
    one history row and one audit record (``calendar_amended``, noting ``reason``: the
    amendment's legal basis), clears the alert markers of the moved dues and, when the
    appointment date changes, notifies the applicant after the commit. Returns the moves
    (or one move with a ``problem`` when a year is not confirmed: nothing is written).
    """
    with transaction.atomic():
        locked = _lock(dossier, None)
        if locked.status not in CLOCK_RUNNING or locked.due_at is None:
            return []
        pauses = list(
            Pause.objects.filter(dossier=locked, ended_at__isnull=False).order_by(
                "started_at", "pk"
            )
        )
        try:
            dues = recomputed_dues(locked, pauses, calendar_for)
        except CalendarMissingError as exc:
            return [_problem(locked, exc)]
        moves = _moves(locked, dues, calendar_for)
        if not moves and dues.d0 == locked.d0:
            return []
        step = _running_step(locked)
        promised_before = locked.effective_due_at
        data = {
            "d0_before": locked.d0.isoformat() if locked.d0 else None,
            "d0_after": dues.d0.isoformat(),
            "due_before": _iso(locked.due_at),
            "due_after": _iso(dues.due_at),
        }
        if dues.due_at != locked.due_at:
            locked.overdue_alerted = ""  # a new due, a new warning before it
        locked.d0, locked.due_at = dues.d0, dues.due_at
        _bump(locked, "d0", "due_at", "overdue_alerted")
        if step is not None and dues.step_due_at is not None and dues.step_due_at != step.due_at:
            data |= {"step_due_before": _iso(step.due_at), "step_due_after": _iso(dues.step_due_at)}
            step.due_at, step.alerted = dues.step_due_at, ""
            step.save(update_fields=["due_at", "alerted"])
        _event(
            locked,
            actor=actor,
            action="calendar_amended",
            from_status=locked.status,
            note=reason,
            step=step,
            data=data,
        )
        promised = locked.effective_due_at
        if (
            promised_before is not None
            and promised is not None
            and _local_day(promised) != _local_day(promised_before)
        ):
            _applicant_notice(
                locked, "dossier.due_changed", previous=promised_before, reason=reason
            )
    return moves
