"""Online submissions awaiting intake: submit, accept, refuse, withdraw."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from motcua.catalog.intake_rules import procedure_desk_check
from motcua.catalog.selectors import (
    procedure_intake_plan,
)
from motcua.core import clock
from motcua.core.actors import Actor
from motcua.core.errors import ApplicationError
from motcua.core.text import nfc
from motcua.dossiers import kernel
from motcua.dossiers.constants import (
    Channel,
    DossierStatus,
)
from motcua.dossiers.logbook import logbook_enter
from motcua.dossiers.models import (
    Dossier,
)
from motcua.dossiers.services.applicant import Applicant, IntakeResult
from motcua.dossiers.services.codes import agency_for
from motcua.dossiers.services.common import (
    _authorise,
    _bump,
    _local,
    _lock,
    _record,
    _record_all,
    _require_open,
)
from motcua.dossiers.services.idempotency import idempotent_replay, request_fingerprint
from motcua.dossiers.services.intake import (
    _check_documents,
    _clock_start,
    _create_dossier,
    _version_for,
)
from motcua.dossiers.services.intake_steps import (
    _check_intake_handler,
    _notify_receiver,
    _start_steps,
    intake_hand_over_for,
)
from motcua.org.models import Unit


def dossier_submit_online(
    *,
    applicant: Applicant,
    procedure_code: str,
    receiving_unit: Unit,
    provided_documents: Sequence[int],
    actor: Actor = None,
    postal_address: str = "",
    idempotency_key: str | None = None,
) -> IntakeResult:
    """Record an online submission waiting for intake; it gets its code now.

    Idempotent like :func:`dossier_receive`: a retry with the same
    ``idempotency_key`` returns the dossier; the same key with another
    request, a counter intake's included, raises ``ConflictError``.
    """
    now = clock.now()
    today = _local(now).date()
    _require_open(receiving_unit, today)
    version = _version_for(None, procedure_code, today)
    procedure_desk_check(
        procedure=version.procedure, procedure_name=version.name, desk=receiving_unit
    )
    cleaned = applicant.cleaned(today)
    plan = procedure_intake_plan(version)
    missing = _check_documents(plan, provided_documents)
    fingerprint = (
        request_fingerprint(
            "dossiers.submit_online",
            receiving_unit=receiving_unit.pk,
            procedure_version=version.pk,
            applicant=cleaned,
            documents=sorted(set(provided_documents)),
            postal_address=nfc(postal_address or ""),
        )
        if idempotency_key
        else ""
    )
    try:
        with transaction.atomic():
            dossier, _start = _create_dossier(
                actor=actor,
                plan=plan,
                receiving_unit=receiving_unit,
                agency=agency_for(receiving_unit, version),
                applicant=cleaned,
                channel=Channel.ONLINE,
                status=DossierStatus.AWAITING_INTAKE,
                at=now,
                provided=provided_documents,
                idempotency_key=idempotency_key,
                idempotency_fingerprint=fingerprint,
                postal_address=postal_address,
                with_code=True,
            )
            _record(
                dossier,
                actor=actor,
                change=kernel.submit_online(dossier, missing=missing),
                first=True,
            )
    except IntegrityError:
        # The key's unique constraint: a retry, or the same submission sent twice at once.
        replay = idempotent_replay(actor, idempotency_key, fingerprint)
        if replay is not None:
            return replay
        raise
    return IntakeResult(dossier, missing=missing)


def dossier_accept(
    *,
    dossier: Dossier,
    actor: Actor,
    to_user: Any = None,
    expected_version: int | None = None,
) -> Dossier:
    """Accept an online submission: the clock starts now.

    Like counter intake, accepting completes the intake step and hands the
    dossier to the next step's unit, to ``to_user`` when the officer chose
    its handler.
    """
    with transaction.atomic():
        locked = _lock(dossier, expected_version)
        _authorise(locked, "accept", actor)
        missing = list(
            locked.documents.filter(is_mandatory=True, provided=False).values_list(
                "name", flat=True
            )
        )
        if missing:
            raise ApplicationError(
                _("The dossier is not complete; request a supplement for: %(items)s.")
                % {"items": "; ".join(missing)},
                code="incomplete",
                extra={"missing": missing},
            )
        plan = procedure_intake_plan(locked.procedure_version)
        if to_user is not None:
            _check_intake_handler(
                to_user, intake_hand_over_for(plan, locked.receiving_unit, locked.agency)
            )
        now = clock.now()
        locked.received_at = now
        locked.d0, locked.due_at = _clock_start(locked.agency, locked.procedure_version, now)
        logbook_enter(locked, field_id=locked.procedure_version.field_id)
        changes = _start_steps(locked, plan, action="accept", at=now, actor=actor, to_user=to_user)
        _bump(
            locked,
            *("status", "received_at", "d0", "due_at", "current_step", "current_handler"),
            *("logbook", "logbook_number"),
        )
        _record_all(locked, actor=actor, changes=changes)
        _notify_receiver(locked, to_user)
    return locked


def dossier_refuse(
    *, dossier: Dossier, actor: Actor, reasons: str, expected_version: int | None = None
) -> Dossier:
    """Refuse an online submission (Mẫu 03) with reasons."""
    reasons = nfc(reasons or "")
    if not reasons:
        raise ApplicationError(
            _("Write the reasons for refusing; they are printed on Form 03."),
            code="reasons_required",
        )
    with transaction.atomic():
        locked = _lock(dossier, expected_version)
        _authorise(locked, "refuse", actor)
        change = kernel.refuse(locked, at=clock.now(), reasons=reasons)
        _bump(locked, "status", "refusal_reasons", "closed_at")
        _record(locked, actor=actor, change=change)
    return locked


def dossier_withdraw(
    *, dossier: Dossier, actor: Actor, reason: str = "", expected_version: int | None = None
) -> Dossier:
    """Withdraw an online submission before intake, at the applicant's request."""
    with transaction.atomic():
        locked = _lock(dossier, expected_version)
        _authorise(locked, "withdraw", actor)
        change = kernel.withdraw(locked, at=clock.now(), reason=nfc(reason))
        _bump(locked, "status", "closed_at")
        _record(locked, actor=actor, change=change)
    return locked
