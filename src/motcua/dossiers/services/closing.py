"""The end of a dossier: the result returned, or handling stopped at the applicant's request."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from motcua.core import clock
from motcua.core.errors import ApplicationError
from motcua.core.text import nfc
from motcua.dossiers.constants import (
    DossierStatus,
    ReturnMethod,
)
from motcua.dossiers.models import (
    Dossier,
    DossierStep,
    Pause,
)
from motcua.dossiers.services.common import (
    _applicant_notice,
    _authorise,
    _bump,
    _event,
    _local,
    _lock,
)
from motcua.dossiers.services.steps import _end_current_step, _finish_step
from motcua.dossiers.signals import dossier_returned


def dossier_return(
    *,
    dossier: Dossier,
    actor: Any,
    method: str,
    received_by: str = "",
    note: str = "",
    expected_version: int | None = None,
) -> Dossier:
    """Return the result to the applicant (signature on the log book) or send it by post."""
    if method not in ReturnMethod.values:
        raise ApplicationError(_("Choose how the result is returned."), code="invalid_method")
    received_by = nfc(received_by or "")
    if method == ReturnMethod.COUNTER and not received_by:
        raise ApplicationError(
            _("Write the name of the person who receives the result."), code="receiver_required"
        )
    with transaction.atomic():
        locked = _lock(dossier, expected_version)
        _authorise(locked, "return_result", actor)
        if method == ReturnMethod.POST and not (locked.postal_address or locked.applicant_address):
            raise ApplicationError(
                _("The dossier has no postal address for the result."), code="no_address"
            )
        now = clock.now()
        before = locked.status
        if locked.current_step_id is not None:
            _finish_step(DossierStep.objects.get(pk=locked.current_step_id), at=now, actor=actor)
        locked.status = DossierStatus.RETURNED
        locked.returned_at = now
        locked.return_method = method
        locked.returned_to = received_by or locked.applicant_name
        locked.current_step = None
        locked.current_handler = None
        _bump(
            locked,
            "status",
            "returned_at",
            "return_method",
            "returned_to",
            "current_step",
            "current_handler",
        )
        promised = locked.effective_due_at
        _event(
            locked,
            actor=actor,
            action="return_result",
            from_status=before,
            note=nfc(note),
            data={
                "method": method,
                "received_by": locked.returned_to,
                "returned_late": bool(promised and now > promised),
            },
        )
        _applicant_notice(locked, "dossier.returned")
        dossier_returned.send(sender=Dossier, dossier=locked, actor=actor)
    return locked


def dossier_stop(
    *,
    dossier: Dossier,
    actor: Any,
    reason: str,
    requested_on: date | None = None,
    expected_version: int | None = None,
) -> Dossier:
    """Stop handling at the applicant's request before a decision (Mẫu 05)."""
    reason = nfc(reason or "")
    if not reason:
        raise ApplicationError(
            _("Write the applicant's request or reason for stopping."), code="reason_required"
        )
    now = clock.now()
    asked_on = requested_on or _local(now).date()
    if asked_on > _local(now).date():
        raise ApplicationError(
            _("The date of the applicant's request cannot be in the future."), code="invalid_date"
        )
    with transaction.atomic():
        locked = _lock(dossier, expected_version)
        _authorise(locked, "stop", actor)
        if locked.received_at is not None and asked_on < _local(locked.received_at).date():
            raise ApplicationError(
                _("The applicant's request cannot be dated before the dossier was received."),
                code="invalid_date",
            )
        open_pause = (
            Pause.objects.select_for_update().filter(dossier=locked, ended_at__isnull=True).first()
        )
        if open_pause is not None:
            open_pause.ended_at = now
            open_pause.save(update_fields=["ended_at"])
        stage = _end_current_step(locked, now, note=_("Stopped at the applicant's request"))
        before = locked.status
        locked.status = DossierStatus.STOPPED
        locked.stop_reason = reason
        locked.closed_at = now
        _bump(locked, "status", "stop_reason", "closed_at", "current_step", "current_handler")
        _event(
            locked,
            actor=actor,
            action="stop",
            from_status=before,
            note=reason,
            data={"requested_on": asked_on.isoformat(), "stage": before, "step": stage},
        )
        _applicant_notice(locked, "dossier.stopped")
    return locked
