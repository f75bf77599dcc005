"""The end of a dossier: the result returned, or handling stopped at the applicant's request."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from motcua.core import clock
from motcua.core.actors import Actor
from motcua.core.errors import ApplicationError
from motcua.core.text import nfc
from motcua.dossiers import kernel
from motcua.dossiers.constants import (
    ReturnMethod,
)
from motcua.dossiers.models import (
    Dossier,
    Pause,
)
from motcua.dossiers.services.common import (
    _authorise,
    _bump,
    _local,
    _lock,
    _record,
)
from motcua.dossiers.services.steps import FINISHED, _current_step
from motcua.dossiers.signals import dossier_returned


def dossier_return(
    *,
    dossier: Dossier,
    actor: Actor,
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
        step = _current_step(locked)
        change = kernel.return_result(
            locked,
            step,
            at=clock.now(),
            actor=actor,
            method=method,
            received_by=received_by,
            note=nfc(note),
        )
        if step is not None:
            step.save(update_fields=FINISHED)
        _bump(
            locked,
            "status",
            "returned_at",
            "return_method",
            "returned_to",
            "current_step",
            "current_handler",
        )
        _record(locked, actor=actor, change=change)
        dossier_returned.send(sender=Dossier, dossier=locked, actor=actor)
    return locked


def dossier_stop(
    *,
    dossier: Dossier,
    actor: Actor,
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
        step = _current_step(locked)
        change = kernel.stop(
            locked,
            step,
            at=now,
            reason=reason,
            requested_on=asked_on,
            step_note=_("Stopped at the applicant's request"),
        )
        if step is not None:
            step.save(update_fields=["finished_at", "note"])
        _bump(locked, "status", "stop_reason", "closed_at", "current_step", "current_handler")
        _record(locked, actor=actor, change=change)
    return locked
