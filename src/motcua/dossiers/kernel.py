"""The dossier clock without the database: what a pause keeps and what its end gives back.

The services (:mod:`motcua.dossiers.services.pauses`) and the synthetic
province (:mod:`motcua.demo.synthetic`) both stop and restart the clock
through these functions, so the two cannot drift apart. Everything here is
plain arithmetic (and Django's time-zone helpers) on a :class:`~motcua.workdays.core.WorkCalendar` and the
values given: no query, no write, no clock read (``now`` is an argument).
A calendar without the year raises ``CalendarMissingError``; the caller
decides what that means (the services answer ``calendar_missing``). The
transitions at the end (claim, hand-over, decision, return, stop) apply an
action to the dossier and step instances given and return the
:class:`Change` to record.

What is modelled (DESIGN.md, deadline convention): a pause keeps what was
left of the legal limit, of the date promised in an apology (in working
days) and of the current step's budget (in working time); its end resumes
each from the moment the clock restarts, or restarts the full legal limit
when the procedure's supplement policy says so. A promised date never ends
before the legal due. Not modelled here: who may pause (``workflow.may``)
and what is written (the services' history and audit records).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from django.utils import timezone

from motcua.core.actors import user_of
from motcua.dossiers.constants import DossierStatus, PausePolicy, Timeliness
from motcua.dossiers.models import DossierEvent, Pause
from motcua.dossiers.workflow import SIGNING_ROLES, target_of
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


# --- transitions ---------------------------------------------------------------------------------
#
# Each function below applies one action to dossier and step instances in
# memory and returns the :class:`Change` to record. The caller passes every
# object it reads (the steps with their roles, the calendar of the unit
# concerned): no related object is fetched here. The services save the
# instances and write the change's history row, audit record and notices;
# the synthetic province keeps them for its batched writes.


@dataclass(frozen=True)
class Change:
    """What one transition must record: its history row (and audit record), and its notices."""

    action: str
    from_status: str
    step: Any = None
    note: str = ""
    data: dict[str, Any] = field(default_factory=dict)
    notices: tuple[str, ...] = ()
    """Events of the applicant's notices (``notify``), sent after the commit."""


def history(
    dossier: Any,
    *,
    at: datetime,
    actor: object,
    action: str,
    from_status: str,
    to_status: str | None = None,
    note: str = "",
    step: Any = None,
    data: dict[str, Any] | None = None,
) -> tuple[DossierEvent, dict[str, Any]]:
    """Return the (unsaved) history row of one change and its audit payload.

    ``to_status`` defaults to the dossier's status now. The payload lacks the
    dossier's code, which the writer puts first (a new dossier has none yet).
    """
    target = dossier.status if to_status is None else to_status
    event = DossierEvent(
        dossier=dossier,
        at=at,
        actor=user_of(actor),
        action=action,
        from_status=from_status,
        to_status=target,
        step=step,
        note=note,
        data=data or {},
    )
    payload = {"from": from_status, "to": target, "note": note, **(data or {})}
    return event, payload


def status_for_step(step: Any) -> str:
    """Return the dossier status while ``step`` is the current one."""
    if step.is_inter_agency:
        return DossierStatus.AWAITING_COORDINATION
    if step.role.code in SIGNING_ROLES:
        return DossierStatus.AWAITING_SIGNATURE
    return DossierStatus.IN_PROGRESS


def start_step(
    dossier: Any, step: Any, *, at: datetime, calendar: WorkCalendar, giver: Any, handler: Any
) -> None:
    """Make ``step`` the current one from ``at``: its due is its budget in working time."""
    step.started_at = at
    step.due_at = calendar.add_working_time(at, timedelta(seconds=step.budget_seconds))
    step.giver = user_of(giver)
    step.handler = handler
    dossier.current_step = step
    dossier.current_handler = handler


def finish_step(step: Any, *, at: datetime, actor: Any) -> None:
    """End ``step`` at ``at``, judged against its due; an unclaimed step is the actor's."""
    step.finished_at = at
    step.timeliness = timeliness_of(at, step.due_at)
    if step.handler_id is None and user_of(actor) is not None:
        step.handler = user_of(actor)


def end_current_step(dossier: Any, step: Any, *, at: datetime, note: str) -> str:
    """Close the current step of a dossier that ends early; return its name."""
    if step is None:
        return ""
    step.finished_at = at
    step.note = note
    dossier.current_step = None
    dossier.current_handler = None
    return str(step.name)


def claim(dossier: Any, step: Any, *, actor: Any) -> Change:
    """The actor takes ``step`` from the unit's queue."""
    step.handler = dossier.current_handler = user_of(actor)
    return Change("claim", dossier.status, step=step)


def hand_over(
    dossier: Any,
    step: Any,
    following: Any,
    *,
    at: datetime,
    actor: Any,
    receiver: Any,
    calendar: WorkCalendar,
    note: str = "",
) -> Change:
    """Finish ``step`` and start ``following`` (``calendar``: its unit's), with ``receiver``."""
    before = dossier.status
    finish_step(step, at=at, actor=actor)
    start_step(dossier, following, at=at, calendar=calendar, giver=actor, handler=receiver)
    dossier.status = status_for_step(following)
    return Change(
        "hand_over",
        before,
        step=following,
        note=note,
        data={
            "from_step": step.order,
            "to_step": following.order,
            "step_timeliness": step.timeliness,
            "receiver": getattr(receiver, "pk", None),
        },
    )


def decide(
    dossier: Any,
    step: Any,
    return_step: Any,
    *,
    at: datetime,
    actor: Any,
    decision: str,
    reasons: str,
    calendar: WorkCalendar | None,
) -> Change:
    """Sign the decision on ``step``: the result is ready, judged against the legal due.

    The dossier goes straight to ``return_step`` (the desk's, ``calendar``
    its unit's) when there is one; a step the template put between them is
    not run.
    """
    before = dossier.status
    finish_step(step, at=at, actor=actor)
    dossier.decision = decision
    dossier.decision_reasons = reasons
    dossier.finished_at = at
    dossier.timeliness = timeliness_of(at, dossier.due_at)
    dossier.status = target_of("decide")
    if return_step is not None:
        assert calendar is not None
        start_step(dossier, return_step, at=at, calendar=calendar, giver=actor, handler=None)
    else:
        dossier.current_step = None
        dossier.current_handler = None
    return Change(
        "decide",
        before,
        step=step,
        note=reasons,
        data={"decision": decision, "timeliness": dossier.timeliness},
        notices=("dossier.result_ready",),
    )


def return_result(
    dossier: Any, step: Any, *, at: datetime, actor: Any, method: str, received_by: str, note: str
) -> Change:
    """Return the result (``step``: the current return step, if any)."""
    before = dossier.status
    if step is not None:
        finish_step(step, at=at, actor=actor)
    dossier.status = target_of("return_result")
    dossier.returned_at = at
    dossier.return_method = method
    dossier.returned_to = received_by or dossier.applicant_name
    dossier.current_step = None
    dossier.current_handler = None
    promised = dossier.effective_due_at
    return Change(
        "return_result",
        before,
        note=note,
        data={
            "method": method,
            "received_by": dossier.returned_to,
            "returned_late": bool(promised and at > promised),
        },
        notices=("dossier.returned",),
    )


def stop(
    dossier: Any, step: Any, *, at: datetime, reason: str, requested_on: date, step_note: str
) -> Change:
    """Stop handling at the applicant's request (``step``: the current one, if any)."""
    stage = end_current_step(dossier, step, at=at, note=step_note)
    before = dossier.status
    dossier.status = target_of("stop")
    dossier.stop_reason = reason
    dossier.closed_at = at
    return Change(
        "stop",
        before,
        note=reason,
        data={"requested_on": requested_on.isoformat(), "stage": before, "step": stage},
        notices=("dossier.stopped",),
    )


def apology_late(calendar: WorkCalendar, due_at: datetime, now: datetime) -> bool:
    """Return whether the one working day's notice before ``due_at`` can no longer be kept.

    The law asks for the apology at least one working day before the due
    date (DOMAIN.md §1.3): late when the due date is today, or passed.
    """
    due_day = timezone.localtime(due_at).date()
    today = timezone.localtime(now).date()
    return now > due_at or calendar.working_days_between(today, due_day) < 1


def request_supplement(dossier: Any, pause: Any) -> Change:
    """Wait for the supplement ``pause`` asks for (opened by :func:`open_pause`)."""
    before = dossier.status
    dossier.supplement_count += 1
    dossier.status = target_of("request_supplement")
    respond_by = pause.respond_by
    return Change(
        "request_supplement",
        before,
        note=pause.reason,
        data={
            "items": pause.items,
            "policy": pause.policy,
            "respond_by": respond_by.isoformat() if respond_by else None,
            "override_reason": pause.override_reason,
        },
    )


def request_payment(dossier: Any, pause: Any) -> Change:
    """Wait for the financial obligations ``pause`` lists (opened by :func:`open_pause`)."""
    before = dossier.status
    dossier.status = target_of("request_payment")
    return Change("request_payment", before, note=pause.reason, data={"items": pause.items})


def apologise(
    dossier: Any, *, new_due: datetime, late: bool, reason: str, drafted_by_id: int | None
) -> Change:
    """Move the promised date to ``new_due`` (Mẫu 04); the legal due stays."""
    original = dossier.due_at
    dossier.extended_due_at = new_due
    return Change(
        "apologise",
        dossier.status,
        note=reason,
        data={
            "original_due": _iso(original),
            "new_due": new_due.isoformat(),
            "late": late,
            "drafted_by": drafted_by_id,
        },
    )
