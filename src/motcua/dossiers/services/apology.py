"""The apology and new date (Mẫu 04)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.core import clock
from motcua.core.errors import ApplicationError
from motcua.core.text import nfc
from motcua.dossiers.models import (
    Apology,
    Dossier,
)
from motcua.dossiers.services.common import (
    _applicant_notice,
    _bump,
    _calendar,
    _check_transition,
    _event,
    _iso,
    _local,
    _lock,
    _require_role,
    _with_calendar,
)
from motcua.dossiers.workflow import LEADER_ROLES


def dossier_apologise(
    *,
    dossier: Dossier,
    actor: Any,
    reason: str,
    new_date: date,
    expected_version: int | None = None,
) -> Apology:
    """Issue the apology with a new return date (Mẫu 04): once, and at least one working day before the due date."""
    reason = nfc(reason or "")
    if not reason:
        raise ApplicationError(
            _("Write the reason for the delay; it is printed on the apology."),
            code="reason_required",
        )
    with transaction.atomic():
        locked = _lock(dossier, expected_version)
        _check_transition(locked, "apologise")
        if Apology.objects.filter(dossier=locked).exists():
            raise ApplicationError(
                _(
                    "An apology with a new date was already issued; the date may be moved only once."
                ),
                code="apology_once",
            )
        _require_role(actor, LEADER_ROLES, locked.agency, what=_("sign an apology"))
        now = clock.now()
        calendar = _calendar(locked.agency)
        due = locked.due_at
        assert due is not None
        due_day = _local(due).date()
        today = _local(now).date()
        if _with_calendar(calendar.working_days_between, today, due_day) < 1:
            raise ApplicationError(
                _(
                    "The apology must be issued at least one working day before the due date (%(due)s)."
                )
                % {"due": due_day.strftime("%d/%m/%Y")},
                code="apology_too_late",
            )
        if new_date <= due_day:
            raise ApplicationError(
                _("The new date must be after the current due date."), code="invalid_new_date"
            )
        if not _with_calendar(calendar.is_working_day, new_date):
            raise ApplicationError(
                _("%(day)s is not a working day.") % {"day": new_date.strftime("%d/%m/%Y")},
                code="invalid_new_date",
            )
        new_due = timezone.make_aware(
            datetime.combine(new_date, calendar.schedule.day_end), calendar.tz
        )
        apology = Apology.objects.create(
            dossier=locked,
            issued_at=now,
            issued_by=actor,
            reason=reason,
            original_due_at=due,
            new_due_at=new_due,
        )
        locked.extended_due_at = new_due
        _bump(locked, "extended_due_at")
        _event(
            locked,
            actor=actor,
            action="apologise",
            from_status=locked.status,
            note=reason,
            data={"original_due": _iso(due), "new_due": _iso(new_due)},
        )
        _applicant_notice(locked, "dossier.apology", apology=apology)
    return apology
