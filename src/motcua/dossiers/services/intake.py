"""Creating a dossier at the counter: receipt, guidance (Mẫu 02) and refusal (Mẫu 03); dossier codes."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from motcua.catalog.intake_rules import procedure_desk_check
from motcua.catalog.models import ProcedureVersion
from motcua.catalog.selectors import (
    IntakePlan,
    procedure_intake_plan,
    procedure_version_in_force,
)
from motcua.core import clock, fastsql
from motcua.core.actors import Actor, user_of
from motcua.core.audit import audit_record
from motcua.core.errors import ApplicationError, NotFoundError
from motcua.core.text import nfc
from motcua.dossiers import kernel
from motcua.dossiers.constants import (
    Channel,
    CounterSlip,
    DossierStatus,
)
from motcua.dossiers.logbook import logbook_enter
from motcua.dossiers.models import (
    Dossier,
    IntakeGuidance,
)
from motcua.dossiers.services.applicant import (
    Applicant,
    IntakeResult,
)
from motcua.dossiers.services.codes import (
    _next_sequence,
    agency_for,
    dossier_code_for,
    next_counter_slip_number,
)
from motcua.dossiers.services.common import (
    _calendar,
    _local,
    _record,
    _record_new,
    _require_open,
    _require_role,
    _with_calendar,
)
from motcua.dossiers.services.idempotency import (
    idempotent_replay,
    request_fingerprint,
)
from motcua.dossiers.services.intake_steps import (
    IntakeHandOver,
    _check_intake_handler,
    _notify_receiver,
    _start_steps,
    intake_hand_over_for,
)
from motcua.org.models import Unit


def _check_documents(plan: IntakePlan, provided: Sequence[int]) -> list[str]:
    """Return the names of the mandatory documents not ticked; refuse unknown ids."""
    known = {doc.pk for doc in plan.documents}
    unknown = [pk for pk in provided if pk not in known]
    if unknown:
        raise ApplicationError(
            _("Some ticked documents do not belong to this procedure: %(ids)s.")
            % {"ids": ", ".join(map(str, unknown))},
            code="invalid_documents",
        )
    ticked = set(provided)
    return [doc.name for doc in plan.documents if doc.is_mandatory and doc.pk not in ticked]


def _version_for(
    procedure_version: ProcedureVersion | None, procedure_code: str | None, day: date
) -> ProcedureVersion:
    if procedure_version is not None:
        version = procedure_version_in_force(procedure_version.procedure.code, day)
        if version is None or version.pk != procedure_version.pk:
            raise ApplicationError(
                _("This version of the procedure is not in force on %(day)s.")
                % {"day": day.strftime("%d/%m/%Y")},
                code="version_not_in_force",
            )
        return version
    version = procedure_version_in_force(procedure_code or "", day)
    if version is None:
        raise NotFoundError(
            _("No procedure with code %(code)s is in force on %(day)s.")
            % {"code": procedure_code, "day": day.strftime("%d/%m/%Y")}
        )
    return version


def _create_dossier(
    *,
    actor: Actor,
    plan: IntakePlan,
    receiving_unit: Unit,
    agency: Unit,
    applicant: dict[str, str],
    channel: str,
    status: str,
    at: datetime,
    provided: Sequence[int],
    idempotency_key: str | None,
    postal_address: str,
    with_code: bool,
    idempotency_fingerprint: str = "",
    clock_start: tuple[date, datetime] | None = None,
    to_user: Any = None,
    note: str = "",
) -> tuple[Dossier, list[kernel.Change]]:
    """Insert the dossier and its checklist; ``clock_start`` is (D0, due) when received now.

    A dossier received now (coded, with ``clock_start``) is the kernel's
    ``receive``: its steps are written first, under the key reserved with
    the code, so the dossier row is written once, already pointing at the
    step the intake handed it to (see :func:`_start_steps`); the changes of
    the intake and its hand-over are returned for the caller to record.
    """
    version = plan.version
    local_day = _local(at).date()
    dossier = kernel.new_dossier(
        version=version,
        agency=agency,
        receiving_unit=receiving_unit,
        channel=channel,
        status=status,
        at=at,
        actor=actor,
        applicant=applicant,
        fee_total=plan.fee_total,
        postal_address=nfc(postal_address or ""),
        idempotency_key=idempotency_key,
        idempotency_fingerprint=idempotency_fingerprint,
    )
    code = None
    if with_code:
        sequence, dossier.pk = _next_sequence(agency, local_day)
        code = dossier_code_for(agency, local_day, sequence)
    kernel.set_code(dossier, code)
    changes: list[kernel.Change] = []
    if clock_start is not None:  # received now: its line in the log book, after the code
        dossier.received_at = at
        dossier.d0, dossier.due_at = clock_start
        logbook_enter(dossier, field_id=version.field_id)
        changes = _start_steps(
            dossier, plan, action="receive", at=at, actor=actor, to_user=to_user, note=note
        )
    # The intake path writes with core.fastsql (no compiler; no signal listens here).
    fastsql.insert([dossier])
    fastsql.insert(kernel.checklist(dossier, plan.documents, provided))
    return dossier, changes


def _clock_start(agency: Unit, version: ProcedureVersion, at: datetime) -> tuple[date, datetime]:
    """Return D0 and the legal due of a dossier received at ``at`` (deadline convention)."""
    calendar = _calendar(agency)
    start: tuple[date, datetime] = _with_calendar(
        kernel.clock_start, calendar, at, version.time_limit_amount, version.time_limit_unit
    )
    return start


def _intake_checked(
    *,
    applicant: Applicant,
    today: date,
    missing: list[str],
    channel: str,
    postal_address: str,
    to_user: Any,
    target: IntakeHandOver | None,
) -> dict[str, str]:
    """Return the applicant's cleaned fields, or raise with every problem of the intake at once.

    The applicant's details, the mandatory documents not ticked, the postal
    address of a dossier sent by post and the chosen handler are checked
    together, so the officer corrects everything in one go. One problem
    keeps its own code ("incomplete", "no_address", "invalid_handler" or
    the applicant's); several answer with the first one's code and list
    each in ``extra["errors"]`` (``extra["missing"]`` names the documents).
    """
    problems: list[dict[str, str]] = []
    codes: list[str] = []
    messages: list[str] = []
    cleaned: dict[str, str] = {}
    try:
        cleaned = applicant.cleaned(today)
    except ApplicationError as exc:
        problems.extend(exc.extra.get("errors", []))
        codes.append(exc.code)
        messages.append(exc.message)
    if missing:
        incomplete = _(
            "The dossier is not complete; give the applicant guidance (Form 02) for: %(items)s."
        ) % {"items": "; ".join(missing)}
        problems.append({"field": "documents", "message": incomplete})
        codes.append("incomplete")
        messages.append(incomplete)
    address = nfc(postal_address or "") or nfc(applicant.address or "")
    if channel == Channel.POST and not address:
        problems.append(
            {"field": "postal_address", "message": _("Enter the postal address for the result.")}
        )
        codes.append("no_address")
        messages.append(_("A dossier sent by post needs an address for the result."))
    if to_user is not None:
        try:
            _check_intake_handler(to_user, target)
        except ApplicationError as exc:
            problems.extend(exc.extra.get("errors", []))
            codes.append(exc.code)
            messages.append(exc.message)
    if not codes:
        return cleaned
    extra: dict[str, Any] = {"errors": problems}
    if missing:
        extra["missing"] = missing
    if len(codes) == 1:
        message = messages[0]
    elif missing:
        message = _("Some details are not valid and the dossier is not complete.")
    else:
        message = _("Some details are not valid.")
    raise ApplicationError(message, code=codes[0], extra=extra)


def _applicant_with(
    applicant: Applicant, today: date, other: ApplicationError | None
) -> dict[str, str]:
    """Return the applicant's cleaned fields, or raise with their problems and ``other`` at once."""
    try:
        cleaned = applicant.cleaned(today)
    except ApplicationError as exc:
        if other is None:
            raise
        raise ApplicationError(
            _("Some details are not valid."),
            code=exc.code,
            extra={"errors": [*exc.extra.get("errors", []), *other.extra.get("errors", [])]},
        ) from exc
    if other is not None:
        raise other
    return cleaned


def dossier_receive(
    *,
    actor: Actor,
    receiving_unit: Unit,
    applicant: Applicant,
    provided_documents: Sequence[int],
    procedure_version: ProcedureVersion | None = None,
    procedure_code: str | None = None,
    agency: Unit | None = None,
    channel: str = Channel.COUNTER,
    postal_address: str = "",
    note: str = "",
    idempotency_key: str | None = None,
    to_user: Any = None,
) -> IntakeResult:
    """Accept a complete dossier at the counter (or by post): code, due date, Mẫu 01.

    Every mandatory document must be ticked; otherwise the officer gives
    guidance (Mẫu 02, :func:`dossier_guide_incomplete`). The intake step is
    done with it: the dossier goes at once to the next step's unit, to
    ``to_user`` when the officer chose its handler (see
    :func:`_start_steps`). A retried request with the same
    ``idempotency_key`` returns the dossier already created; the same key
    with a different request raises ``ConflictError``
    (:func:`idempotent_replay`).
    """
    if channel not in (Channel.COUNTER, Channel.POST):
        raise ApplicationError(
            _("Use online submission for online dossiers."), code="invalid_channel"
        )
    now = clock.now()
    today = _local(now).date()
    _require_role(actor, ["intake_officer"], receiving_unit, what=_("receive dossiers"))
    _require_open(receiving_unit, today)
    version = _version_for(procedure_version, procedure_code, today)
    plan = procedure_intake_plan(version)
    procedure_desk_check(
        procedure=version.procedure, procedure_name=version.name, desk=receiving_unit
    )
    missing = _check_documents(plan, provided_documents)
    handling_agency = agency or agency_for(receiving_unit, version)
    _require_open(handling_agency, today)
    cleaned = _intake_checked(
        applicant=applicant,
        today=today,
        missing=missing,
        channel=channel,
        postal_address=postal_address,
        to_user=to_user,
        target=intake_hand_over_for(plan, receiving_unit, handling_agency)
        if to_user is not None
        else None,
    )
    clock_start = _clock_start(handling_agency, version, now)
    fingerprint = (
        request_fingerprint(
            "dossiers.receive",
            receiving_unit=receiving_unit.pk,
            agency=handling_agency.pk,
            procedure_version=version.pk,
            applicant=cleaned,
            documents=sorted(set(provided_documents)),
            channel=str(channel),
            postal_address=nfc(postal_address or ""),
            note=nfc(note or ""),
            to_user=getattr(to_user, "pk", None),
        )
        if idempotency_key
        else ""
    )
    try:
        with transaction.atomic():
            dossier, changes = _create_dossier(
                actor=actor,
                plan=plan,
                receiving_unit=receiving_unit,
                agency=handling_agency,
                applicant=cleaned,
                channel=channel,
                status=DossierStatus.RECEIVED,
                at=now,
                provided=provided_documents,
                idempotency_key=idempotency_key,
                idempotency_fingerprint=fingerprint,
                postal_address=postal_address,
                with_code=True,
                clock_start=clock_start,
                to_user=to_user,
                note=nfc(note),
            )
            _record_new(dossier, actor=actor, changes=changes)
            _notify_receiver(dossier, to_user)
    except IntegrityError:
        # The key's unique constraint: a retry, or the same request sent twice at once.
        replay = idempotent_replay(actor, idempotency_key, fingerprint)
        if replay is not None:
            return replay
        raise
    return IntakeResult(dossier)


def dossier_refuse_at_intake(
    *,
    actor: Actor,
    receiving_unit: Unit,
    applicant: Applicant,
    reasons: str,
    procedure_version: ProcedureVersion | None = None,
    procedure_code: str | None = None,
) -> Dossier:
    """Refuse a dossier at the counter (Mẫu 03): it is recorded, without a code."""
    now = clock.now()
    today = _local(now).date()
    _require_role(actor, ["intake_officer"], receiving_unit, what=_("refuse dossiers"))
    _require_open(receiving_unit, today)
    version = _version_for(procedure_version, procedure_code, today)
    reasons = nfc(reasons or "")
    no_reasons = (
        None
        if reasons
        else ApplicationError(
            _("Write the reasons for refusing; they are printed on Form 03."),
            code="reasons_required",
            extra={
                "errors": [
                    {
                        "field": "refusal_reasons",
                        "message": _(
                            "Write the reasons for refusing; they are printed on Form 03."
                        ),
                    }
                ]
            },
        )
    )
    cleaned = _applicant_with(applicant, today, no_reasons)
    with transaction.atomic():
        dossier, _changes = _create_dossier(
            actor=actor,
            plan=procedure_intake_plan(version),
            receiving_unit=receiving_unit,
            agency=agency_for(receiving_unit, version),
            applicant=cleaned,
            channel=Channel.COUNTER,
            status=DossierStatus.REFUSED,
            at=now,
            provided=[],
            idempotency_key=None,
            postal_address="",
            with_code=False,
        )
        change = kernel.refuse_at_intake(
            dossier,
            at=now,
            reasons=reasons,
            slip_number=next_counter_slip_number(receiving_unit, today.year, CounterSlip.REFUSAL),
        )
        dossier.save(update_fields=["refusal_reasons", "closed_at", "slip_number"])
        _record(dossier, actor=actor, change=change, first=True)
    return dossier


def dossier_guide_incomplete(
    *,
    actor: Actor,
    receiving_unit: Unit,
    applicant: Applicant,
    provided_documents: Sequence[int],
    extra_items: Sequence[str] = (),
    reason: str = "",
    procedure_version: ProcedureVersion | None = None,
    procedure_code: str | None = None,
) -> IntakeGuidance:
    """Record counter guidance for an incomplete dossier (Mẫu 02), listing every missing item at once."""
    now = clock.now()
    today = _local(now).date()
    _require_role(actor, ["intake_officer"], receiving_unit, what=_("receive dossiers"))
    _require_open(receiving_unit, today)
    version = _version_for(procedure_version, procedure_code, today)
    missing = _check_documents(procedure_intake_plan(version), provided_documents)
    items = [*missing, *(nfc(item) for item in extra_items if nfc(item))]
    nothing = _(
        "Nothing is missing: every mandatory document is ticked. Accept the dossier instead."
    )
    cleaned = _applicant_with(
        applicant,
        today,
        None
        if items
        else ApplicationError(
            nothing,
            code="nothing_missing",
            extra={"errors": [{"field": "extra_items", "message": nothing}]},
        ),
    )
    with transaction.atomic():
        guidance = IntakeGuidance.objects.create(
            procedure_version=version,
            receiving_unit=receiving_unit,
            at=now,
            officer=user_of(actor),
            applicant_name=cleaned["applicant_name"],
            applicant_id_number=cleaned["applicant_id_number"],
            applicant_phone=cleaned["applicant_phone"],
            applicant_email=cleaned["applicant_email"],
            applicant_address=cleaned["applicant_address"],
            items=items,
            reason=nfc(reason or ""),
            slip_number=next_counter_slip_number(receiving_unit, today.year, CounterSlip.GUIDANCE),
        )
        audit_record(
            actor=actor,
            action="dossiers.guide",
            obj=guidance,
            data={"items": items, "slip_number": guidance.slip_number},
        )
    return guidance
