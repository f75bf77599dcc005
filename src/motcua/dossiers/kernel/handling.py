"""The transitions of a dossier being handled, applied in memory: claim to return.

See the package docstring (:mod:`motcua.dossiers.kernel`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.utils import timezone

from motcua.core.actors import user_of
from motcua.dossiers.constants import DossierStatus
from motcua.dossiers.kernel.clock import _iso, timeliness_of
from motcua.dossiers.models import DossierEvent
from motcua.dossiers.workflow import SIGNING_ROLES, target_of
from motcua.workdays.core import WorkCalendar

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
    notice_context: dict[str, Any] = field(default_factory=dict)
    """What the notices' templates read besides the dossier."""
    to_status: str | None = None
    """The status the history row records, when not the one the dossier ends the action
    with (an intake that hands over at once records ``received`` first)."""


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


def recorded(
    dossier: Any, change: Change, *, at: datetime, actor: object
) -> tuple[DossierEvent, dict[str, Any]]:
    """Return the (unsaved) history row of ``change`` and its audit payload (:func:`history`)."""
    return history(
        dossier,
        at=at,
        actor=actor,
        action=change.action,
        from_status=change.from_status,
        to_status=change.to_status,
        note=change.note,
        step=change.step,
        data=change.data,
    )


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
