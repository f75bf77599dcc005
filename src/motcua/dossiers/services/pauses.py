"""Pauses of the clock: supplement requests and waits for financial obligations."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from motcua.core import clock
from motcua.core.actors import Actor
from motcua.core.errors import ApplicationError
from motcua.core.text import nfc
from motcua.dossiers import kernel
from motcua.dossiers.constants import (
    PauseKind,
    PausePolicy,
)
from motcua.dossiers.models import (
    Dossier,
    DossierDocument,
    Pause,
)
from motcua.dossiers.services.common import (
    _applicant_notice,
    _authorise,
    _bump,
    _calendar,
    _local,
    _lock,
    _record,
    _require_role,
    _with_calendar,
)
from motcua.dossiers.services.steps import _current_step
from motcua.dossiers.workflow import LEADER_ROLES, role_unit


def _pause_start(
    locked: Dossier,
    *,
    actor: Actor,
    kind: str,
    policy: str,
    items: list[str],
    reason: str,
    respond_by: datetime | None,
    override_reason: str,
    number: int,
) -> Pause:
    """Open a pause and keep what was left of every clock when it stopped.

    A dossier not yet received (an online submission waiting for intake)
    has no clock: the pause only records the request.
    """
    pause: Pause = _with_calendar(
        lambda: kernel.pause(
            locked,
            locked.current_step,
            at=clock.now(),
            actor=actor,
            calendar_of=_calendar,
            limit_unit=locked.procedure_version.time_limit_unit,
            kind=kind,
            number=number,
            policy=policy,
            items=items,
            reason=reason,
            respond_by=respond_by,
            override_reason=override_reason,
        )
    )
    pause.save(force_insert=True)
    return pause


def dossier_request_supplement(
    *,
    dossier: Dossier,
    actor: Actor,
    items: Sequence[str],
    reason: str,
    override_reason: str = "",
    expected_version: int | None = None,
) -> Pause:
    """Ask the applicant, once, for every missing or wrong item (Mẫu 02); the clock stops.

    A second request needs a leader (agency or commune leader) and a reason.
    """
    clean_items = [nfc(item) for item in items if nfc(item)]
    reason = nfc(reason or "")
    problems = []
    if not clean_items:
        problems.append(
            ("items_required", "items", _("List what the applicant must add or correct."))
        )
    if not reason:
        problems.append(
            ("reason_required", "reason", _("Write the reason for the supplement request."))
        )
    if problems:  # every problem at once, each on its field
        raise ApplicationError(
            problems[0][2],
            code=problems[0][0],
            extra={"errors": [{"field": field, "message": text} for _c, field, text in problems]},
        )
    with transaction.atomic():
        locked = _lock(dossier, expected_version)
        _authorise(locked, "request_supplement", actor)
        unit = role_unit(locked, "case_handler")
        override_reason = nfc(override_reason or "")
        if locked.supplement_count >= 1:
            if not override_reason:
                raise ApplicationError(
                    _(
                        "A supplement was already requested once. A further request needs a leader's override with a reason."
                    ),
                    code="supplement_once",
                )
            _require_role(actor, LEADER_ROLES, unit, what=_("request a further supplement"))
        now = clock.now()
        # The procedure's window, in working days; none: no automatic closure.
        window = locked.procedure_version.supplement_window_days
        respond_by = (
            _with_calendar(_calendar(locked.agency).due_working_days, now, window)
            if window
            else None
        )
        pause = _pause_start(
            locked,
            actor=actor,
            kind=PauseKind.SUPPLEMENT,
            policy=locked.procedure_version.supplement_policy,
            items=clean_items,
            reason=reason,
            respond_by=respond_by,
            override_reason=override_reason,
            number=locked.supplement_count + 1,
        )
        change = kernel.request_supplement(locked, pause)
        _bump(locked, "status", "supplement_count")
        _record(locked, actor=actor, change=change)
        _applicant_notice(locked, "dossier.supplement_requested", pause=pause)
    return pause


def _resume(
    dossier: Dossier,
    *,
    actor: Actor,
    action: str,
    note: str,
    expected_version: int | None,
    provided_documents: Sequence[int] = (),
) -> Dossier:
    """End the open pause of ``dossier`` by ``action``: move the dues and go back to work."""
    with transaction.atomic():
        locked = _lock(dossier, expected_version)
        _authorise(locked, action, actor)
        pause = Pause.objects.select_for_update().get(dossier=locked, ended_at__isnull=True)
        ticked = _mark_provided(locked, provided_documents)
        version = locked.procedure_version
        change, moved, step = _with_calendar(
            lambda: kernel.resume(
                locked,
                pause,
                action=action,
                at=clock.now(),
                calendar_of=_calendar,
                limit_amount=version.time_limit_amount,
                limit_unit=version.time_limit_unit,
                note=nfc(note),
                documents_provided=ticked,
            )
        )
        if moved and locked.overdue_alerted:
            # A new due, a new warning: the alert job tells again before it.
            locked.overdue_alerted = ""
            Dossier.objects.filter(pk=locked.pk).update(overdue_alerted="")
        pause.save(update_fields=["ended_at", "clock"])
        if step is not None:
            step.alerted = ""
            step.save(update_fields=["due_at", "alerted"])
        _bump(locked, "status", "due_at", "extended_due_at")
        _record(locked, actor=actor, change=change)
    return locked


def _mark_provided(dossier: Dossier, required_documents: Sequence[int]) -> list[str]:
    """Tick the checklist items handed in with a supplement; return their names."""
    if not required_documents:
        return []
    rows = DossierDocument.objects.filter(dossier=dossier)
    known = {row.required_document_id: row for row in rows}
    unknown = [pk for pk in required_documents if pk not in known]
    if unknown:
        raise ApplicationError(
            _("Some ticked documents do not belong to this procedure: %(ids)s.")
            % {"ids": ", ".join(map(str, unknown))},
            code="invalid_documents",
        )
    ticked = [known[pk] for pk in required_documents if not known[pk].provided]
    DossierDocument.objects.filter(pk__in=[row.pk for row in ticked]).update(provided=True)
    return [row.name for row in ticked]


def dossier_supplement_received(
    *,
    dossier: Dossier,
    actor: Actor,
    note: str = "",
    provided_documents: Sequence[int] = (),
    expected_version: int | None = None,
) -> Dossier:
    """The complete dossier arrived: the clock resumes, or restarts by the procedure's policy.

    ``provided_documents`` (required-document ids) ticks the checklist items
    that came with the supplement.
    """
    return _resume(
        dossier,
        actor=actor,
        action="supplement_received",
        note=note,
        expected_version=expected_version,
        provided_documents=provided_documents,
    )


def dossier_close_unsupplemented(
    *, dossier: Dossier, actor: Actor = None, expected_version: int | None = None
) -> Dossier:
    """Close a dossier whose supplement did not arrive in time.

    The time is the procedure version's supplement window, fixed on the request
    (``Pause.respond_by``); a procedure without one is never closed by the job.
    ``actor=None`` is the scheduled job; an officer needs the intake role.
    """
    with transaction.atomic():
        locked = _lock(dossier, expected_version)
        _authorise(locked, "close_unsupplemented", actor)
        pause = Pause.objects.select_for_update().get(dossier=locked, ended_at__isnull=True)
        now = clock.now()
        if pause.respond_by and now <= pause.respond_by:
            raise ApplicationError(
                _("The applicant has until %(when)s to provide the supplement.")
                % {"when": _local(pause.respond_by).strftime("%H:%M %d/%m/%Y")},
                code="too_early",
            )
        step = _current_step(locked)
        change = kernel.close_unsupplemented(
            locked, pause, step, at=now, step_note=_("Closed: supplement not provided")
        )
        pause.save(update_fields=["ended_at"])
        if step is not None:
            step.save(update_fields=["finished_at", "note"])
        _bump(locked, "status", "closed_at", "current_step", "current_handler")
        _record(locked, actor=actor or "system", change=change)
    return locked


def dossier_request_payment(
    *,
    dossier: Dossier,
    actor: Actor,
    items: Sequence[str],
    reason: str = "",
    expected_version: int | None = None,
) -> Pause:
    """Wait for the applicant's financial obligations (e.g. land levy); the clock stops."""
    clean_items = [nfc(item) for item in items if nfc(item)]
    if not clean_items:
        raise ApplicationError(
            _("List the obligations the applicant must pay."), code="items_required"
        )
    with transaction.atomic():
        locked = _lock(dossier, expected_version)
        _authorise(locked, "request_payment", actor)
        number = locked.pauses.filter(kind=PauseKind.PAYMENT).count() + 1
        pause = _pause_start(
            locked,
            actor=actor,
            kind=PauseKind.PAYMENT,
            policy=PausePolicy.PAUSE,
            items=clean_items,
            reason=nfc(reason or ""),
            respond_by=None,
            override_reason="",
            number=number,
        )
        change = kernel.request_payment(locked, pause)
        _bump(locked, "status")
        _record(locked, actor=actor, change=change)
        _applicant_notice(locked, "dossier.payment_requested", pause=pause)
    return pause


def dossier_payment_received(
    *, dossier: Dossier, actor: Actor, note: str = "", expected_version: int | None = None
) -> Dossier:
    """The applicant met the financial obligations: the clock resumes."""
    return _resume(
        dossier,
        actor=actor,
        action="payment_received",
        note=note,
        expected_version=expected_version,
    )
