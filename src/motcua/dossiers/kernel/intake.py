"""The transitions around handling, applied in memory: a dossier's start and early ends.

Intake at the counter (``receive``) and the acceptance of an online
submission (``accept``) start the legal clock and the steps, and hand the
dossier at once to its second step when the workflow opens with the desk's
intake; an online submission (``submit_online``), a refusal at the counter
(``refuse_at_intake``) or of an online submission (``refuse``), a withdrawal
(``withdraw``), the close of a dossier whose supplement never came
(``close_unsupplemented``) and the end of a pause (``resume``). As in
:mod:`.handling`, each returns the :class:`Change` (or changes) to record and
reads nothing from the database: the caller passes the steps, the calendars
(``calendar_of(unit)``) and the numbers it drew (code, log book, slip).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from typing import Any

from motcua.core.actors import user_of
from motcua.dossiers.constants import Channel, DossierStatus
from motcua.dossiers.kernel.clock import _iso, end_pause, step_due_after_pause
from motcua.dossiers.kernel.handling import (
    Change,
    end_current_step,
    finish_step,
    start_step,
    status_for_step,
)
from motcua.dossiers.models import Dossier, DossierDocument, DossierStep
from motcua.dossiers.search import dossier_search_text
from motcua.dossiers.workflow import target_of
from motcua.workdays.core import WorkCalendar

CalendarOf = Callable[[Any], WorkCalendar]
"""The working calendar of a unit (the services' raises ``calendar_missing``)."""


def new_dossier(
    *,
    version: Any,
    agency: Any,
    receiving_unit: Any,
    channel: str,
    status: str,
    at: datetime,
    actor: object,
    applicant: dict[str, str],
    fee_total: Any,
    postal_address: str = "",
    idempotency_key: str | None = None,
    idempotency_fingerprint: str = "",
) -> Dossier:
    """Return the (unsaved, uncoded) dossier a new request makes; ``applicant``: its fields."""
    dossier = Dossier(
        status=status,
        channel=channel,
        procedure=version.procedure,
        procedure_version=version,
        agency=agency,
        receiving_unit=receiving_unit,
        created_by=user_of(actor),
        idempotency_key=idempotency_key,
        idempotency_fingerprint=idempotency_fingerprint if idempotency_key else "",
        fee_total=fee_total,
        postal_address=postal_address,
        **applicant,
    )
    if channel == Channel.ONLINE:
        dossier.submitted_at = at
    return dossier


def set_code(dossier: Dossier, code: str | None) -> None:
    """Give ``dossier`` its code (None: refused at the counter) and the text it is found by."""
    dossier.code = code
    dossier.search_text = dossier_search_text(
        code=code,
        applicant_name=dossier.applicant_name,
        applicant_id_number=dossier.applicant_id_number,
        applicant_phone=dossier.applicant_phone,
        representative_name=dossier.representative_name,
        representative_id_number=dossier.representative_id_number,
        representative_phone=dossier.representative_phone,
    )


def clock_start(
    calendar: WorkCalendar, at: datetime, limit_amount: Any, limit_unit: str
) -> tuple[date, datetime]:
    """Return D0 and the legal due of a dossier received at ``at`` (deadline convention)."""
    return calendar.d0(at), calendar.due(at, limit_amount, limit_unit)


def plan_steps(dossier: Dossier, specs: Sequence[Any]) -> list[DossierStep]:
    """Return the (unsaved) steps of ``dossier`` copied from its workflow's ``specs``.

    A step without a unit of its own is the desk's when it is the intake
    officer's, the handling agency's otherwise.
    """
    return [
        DossierStep(
            dossier=dossier,
            order=spec.order,
            name=spec.name,
            role=spec.role,
            unit=spec.unit
            or (dossier.receiving_unit if spec.role.code == "intake_officer" else dossier.agency),
            is_inter_agency=spec.is_inter_agency,
            budget_seconds=spec.budget_seconds,
        )
        for spec in specs
    ]


def checklist(
    dossier: Dossier, documents: Sequence[Any], provided: Iterable[int]
) -> list[DossierDocument]:
    """Return the (unsaved) checklist of ``dossier``: the version's ``documents``, each ticked
    when its id is in ``provided``."""
    ticked = set(provided)
    return [
        DossierDocument(
            dossier=dossier,
            order=doc.order,
            required_document=doc,
            name=doc.name,
            form=doc.form,
            count=doc.count,
            is_mandatory=doc.is_mandatory,
            provided=doc.pk in ticked,
        )
        for doc in documents
    ]


def hands_over_at_intake(roles: Sequence[str]) -> bool:
    """Return whether a workflow whose steps have these roles is handed over at intake.

    A workflow that opens with the desk's intake step goes at once to its
    second step, unless that is only the desk's return step.
    """
    if len(roles) < 2 or roles[0] != "intake_officer":
        return False
    return not (roles[1] == "intake_officer" and len(roles) == 2)


def _start(
    dossier: Dossier,
    steps: Sequence[DossierStep],
    change: Change,
    *,
    at: datetime,
    actor: object,
    calendar_of: CalendarOf,
    to_user: Any,
) -> list[Change]:
    """Start the steps at ``at``: the first, and at once the second when intake hands over.

    The hand-over is the control slip's first line (phiếu kiểm soát): the
    intake officer as giver, the same instant, and ``to_user`` (or the
    unit's queue) as receiver.
    """
    first = steps[0]
    handler = user_of(actor) if first.role.code == "intake_officer" else None
    start_step(dossier, first, at=at, calendar=calendar_of(first.unit), giver=None, handler=handler)
    if not hands_over_at_intake([step.role.code for step in steps]):
        return [change]
    following = steps[1]
    finish_step(first, at=at, actor=actor)
    start_step(
        dossier,
        following,
        at=at,
        calendar=calendar_of(following.unit),
        giver=actor,
        handler=to_user,
    )
    dossier.status = status_for_step(following)
    return [
        change,
        Change(
            "hand_over",
            DossierStatus.RECEIVED,
            step=following,
            data={
                "from_step": first.order,
                "to_step": following.order,
                "step_timeliness": first.timeliness,
                "receiver": getattr(to_user, "pk", None),
                "at_intake": True,
            },
        ),
    ]


def receive(
    dossier: Dossier,
    steps: Sequence[DossierStep],
    *,
    at: datetime,
    actor: object,
    calendar_of: CalendarOf,
    to_user: Any = None,
    note: str = "",
) -> list[Change]:
    """Receive a new dossier at the counter (its clock started): the intake, and its hand-over."""
    data = {"due": _plain_iso(dossier.due_at), "channel": dossier.channel}
    return _intake(dossier, steps, "receive", data, at, actor, calendar_of, to_user, note)


def accept(
    dossier: Dossier,
    steps: Sequence[DossierStep],
    *,
    at: datetime,
    actor: object,
    calendar_of: CalendarOf,
    to_user: Any = None,
) -> list[Change]:
    """Accept an online submission (its clock started at ``at``): as :func:`receive`."""
    data = {"due": _plain_iso(dossier.due_at)}
    return _intake(dossier, steps, "accept", data, at, actor, calendar_of, to_user, "")


def _intake(
    dossier: Dossier,
    steps: Sequence[DossierStep],
    action: str,
    data: dict[str, Any],
    at: datetime,
    actor: object,
    calendar_of: CalendarOf,
    to_user: Any,
    note: str,
) -> list[Change]:
    """Record ``action`` (from the status before it: none for a new dossier) and start."""
    before = "" if action == "receive" else dossier.status
    dossier.status = DossierStatus.RECEIVED if action == "receive" else target_of(action)
    dossier.received_at = at
    change = Change(
        action,
        before,
        to_status=dossier.status,
        step=steps[0],
        note=note,
        data=data,
        notices=("dossier.received",),
    )
    return _start(
        dossier, steps, change, at=at, actor=actor, calendar_of=calendar_of, to_user=to_user
    )


def _plain_iso(value: datetime | None) -> str | None:
    """Return ``value`` as computed (not read back), in its own offset."""
    return value.isoformat() if value else None


def submit_online(dossier: Dossier, *, missing: list[str]) -> Change:
    """Record an online submission waiting for intake; ``missing``: mandatory documents absent."""
    return Change("submit_online", "", data={"missing": missing}, notices=("dossier.submitted",))


def refuse_at_intake(dossier: Dossier, *, at: datetime, reasons: str, slip_number: int) -> Change:
    """Refuse a dossier at the counter (Mẫu 03, numbered ``slip_number``): recorded, closed."""
    dossier.status = target_of("refuse")
    dossier.refusal_reasons = reasons
    dossier.closed_at = at
    dossier.slip_number = slip_number
    return Change("refuse", "", note=reasons)


def refuse(dossier: Dossier, *, at: datetime, reasons: str) -> Change:
    """Refuse an online submission (Mẫu 03) with ``reasons``, told to the applicant."""
    before = dossier.status
    dossier.status = target_of("refuse")
    dossier.refusal_reasons = reasons
    dossier.closed_at = at
    return Change(
        "refuse",
        before,
        note=reasons,
        notices=("dossier.refused",),
        notice_context={"reasons": reasons},
    )


def withdraw(dossier: Dossier, *, at: datetime, reason: str) -> Change:
    """Withdraw an online submission before intake, at the applicant's request."""
    before = dossier.status
    dossier.status = target_of("withdraw")
    dossier.closed_at = at
    return Change("withdraw", before, note=reason)


def close_unsupplemented(
    dossier: Dossier, pause: Any, step: Any, *, at: datetime, step_note: str
) -> Change:
    """Close a dossier whose supplement did not come in time: the pause and step end too."""
    pause.ended_at = at
    end_current_step(dossier, step, at=at, note=step_note)
    before = dossier.status
    dossier.status = target_of("close_unsupplemented")
    dossier.closed_at = at
    return Change("close_unsupplemented", before, notices=("dossier.closed",))


def resume(
    dossier: Dossier,
    pause: Any,
    *,
    action: str,
    at: datetime,
    calendar_of: CalendarOf,
    limit_amount: Any,
    limit_unit: str,
    note: str = "",
    documents_provided: list[str] | None = None,
) -> tuple[Change, bool, Any]:
    """End ``pause`` at ``at`` by ``action``: resume the dues and go back to work.

    Return the change, whether the legal due moved and the current step
    whose due moved with it (None when the pause kept no step's time).
    """
    due_before, promised_before = dossier.due_at, dossier.extended_due_at
    moved = end_pause(
        dossier,
        pause,
        at=at,
        calendar=lambda: calendar_of(dossier.agency),
        limit_amount=limit_amount,
        limit_unit=limit_unit,
    )
    step = dossier.current_step
    kept = pause.clock.get("step")
    if step is not None and (kept is step or (step.pk is not None and kept == step.pk)):
        step.due_at = step_due_after_pause(calendar_of(step.unit), at, pause.clock)
    else:
        step = None
    before = dossier.status
    dossier.status = pause.resume_status
    change = Change(
        action,
        before,
        note=note,
        data={
            "policy": pause.policy,
            "due_before": _iso(due_before),
            "due_after": _plain_iso(dossier.due_at),
            "promised_before": _iso(promised_before),
            "promised_after": _plain_iso(dossier.extended_due_at),
            "documents_provided": documents_provided or [],
        },
        notices=("dossier.resumed",) if dossier.due_at is not None else (),
    )
    return change, moved, step
