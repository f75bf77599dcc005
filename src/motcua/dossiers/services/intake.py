"""Creating a dossier at the counter: receipt, guidance (Mẫu 02) and refusal (Mẫu 03); dossier codes."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, connection, transaction
from django.utils.translation import gettext as _

from motcua.catalog.models import ProcedureVersion
from motcua.catalog.selectors import (
    IntakePlan,
    procedure_intake_plan,
    procedure_version_in_force,
)
from motcua.core import clock, fastsql
from motcua.core.audit import audit_record
from motcua.core.cache import ProcessCache
from motcua.core.errors import ApplicationError, ConflictError, NotFoundError
from motcua.core.idnumbers import clean_organisation_id, clean_personal_id, clean_phone
from motcua.core.notifications import notify
from motcua.core.people import full_name
from motcua.core.text import nfc
from motcua.dossiers.constants import (
    ApplicantKind,
    Channel,
    CounterSlip,
    DossierStatus,
)
from motcua.dossiers.logbook import logbook_enter
from motcua.dossiers.models import (
    CounterSlipSequence,
    Dossier,
    DossierCodeSequence,
    DossierDocument,
    DossierStep,
    IntakeGuidance,
)
from motcua.dossiers.search import dossier_search_text
from motcua.dossiers.services.common import (
    EventSpec,
    _applicant_notice,
    _calendar,
    _event,
    _events_of_new,
    _iso,
    _local,
    _require_open,
    _require_role,
    _with_calendar,
    timeliness_of,
)
from motcua.dossiers.services.steps import status_for_step, step_plan
from motcua.org.models import Unit, UnitTier
from motcua.org.selectors import user_has_role


@dataclass
class Applicant:
    """Who applies: a person or an organisation, and a representative if any."""

    name: str
    kind: str = ApplicantKind.PERSON
    id_number: str = ""
    phone: str = ""
    email: str = ""
    address: str = ""
    representative_name: str = ""
    representative_id_number: str = ""
    representative_phone: str = ""
    representative_address: str = ""
    authorisation_document: str = ""

    def cleaned(self, today: date) -> dict[str, str]:
        """Return the model fields, normalised, or raise with every problem listed."""
        problems: list[dict[str, str]] = []
        data: dict[str, str] = {}

        def check(field_name: str, func: Any, *args: Any) -> str:
            try:
                return str(func(*args))
            except ApplicationError as exc:
                problems.append({"field": field_name, "message": exc.message})
                return ""

        name = nfc(self.name or "")
        if not name:
            problems.append(
                {"field": "applicant_name", "message": _("Enter the applicant's name.")}
            )
        if self.kind not in ApplicantKind.values:
            problems.append(
                {"field": "applicant_kind", "message": _("Choose a person or an organisation.")}
            )
        data["applicant_kind"] = self.kind
        data["applicant_name"] = name
        if self.id_number.strip():
            if self.kind == ApplicantKind.ORGANISATION:
                data["applicant_id_number"] = check(
                    "applicant_id_number", clean_organisation_id, self.id_number
                )
            else:
                data["applicant_id_number"] = check(
                    "applicant_id_number", clean_personal_id, self.id_number, today
                )
        else:
            data["applicant_id_number"] = ""
        data["applicant_phone"] = (
            check("applicant_phone", clean_phone, self.phone) if self.phone.strip() else ""
        )
        email = (self.email or "").strip()
        if email and not _valid_email(email):
            problems.append(
                {"field": "applicant_email", "message": _("The e-mail address is not valid.")}
            )
        data["applicant_email"] = email
        data["applicant_address"] = nfc(self.address or "")
        data["representative_name"] = nfc(self.representative_name or "")
        if self.representative_id_number.strip():
            data["representative_id_number"] = check(
                "representative_id_number", clean_personal_id, self.representative_id_number, today
            )
        else:
            data["representative_id_number"] = ""
        data["representative_phone"] = (
            check("representative_phone", clean_phone, self.representative_phone)
            if self.representative_phone.strip()
            else ""
        )
        data["representative_address"] = nfc(self.representative_address or "")
        data["authorisation_document"] = nfc(self.authorisation_document or "")
        if data["representative_name"] and not data["authorisation_document"]:
            problems.append(
                {
                    "field": "authorisation_document",
                    "message": _(
                        "A representative needs the authorisation document (giấy ủy quyền)."
                    ),
                }
            )
        if problems:
            raise ApplicationError(
                problems[0]["message"]
                if len(problems) == 1
                else _("Some applicant details are not valid."),
                code="invalid_applicant",
                extra={"errors": problems},
            )
        return data


def _valid_email(address: str) -> bool:
    try:
        validate_email(address)
    except DjangoValidationError:
        return False
    return True


@dataclass
class IntakeResult:
    dossier: Dossier
    created: bool = True
    missing: list[str] = field(default_factory=list)


_agencies: ProcessCache[Unit] = ProcessCache("dossiers.agencies")


def agency_for(receiving_unit: Unit, version: ProcedureVersion) -> Unit:
    """Return the agency that handles a dossier received at ``receiving_unit``.

    The nearest administrative unit above the desk at the procedure's
    competent level (a ward for a commune-level procedure, the province for
    a province-level one); the desk itself when nothing matches. Cached per
    process (core.cache).
    """
    wanted = (
        UnitTier.PROVINCE
        if version.competent_level in ("province", "ministry")
        else UnitTier.COMMUNE
    )

    def find() -> Unit:
        ancestors = {
            unit.pk: unit
            for unit in Unit.objects.filter(pk__in=receiving_unit.ancestor_ids()).select_related(
                "kind"
            )
        }
        for unit_id in reversed(receiving_unit.ancestor_ids()):
            unit = ancestors.get(unit_id)
            if unit is not None and unit.kind.is_administrative and unit.kind.tier == wanted:
                return unit
        return receiving_unit

    return _agencies.get_or_set((receiving_unit.pk, wanted), find)


def _agency_identifier(agency: Unit) -> str:
    return agency.agency_code or agency.admin_code or f"U{agency.pk}"


def _next_sequence(agency: Unit, day: date) -> tuple[int, int]:
    """Return the next number of ``agency`` on ``day`` and a reserved dossier key.

    One atomic upsert, safe in parallel. The key (``fastsql.next_id_sql``)
    lets the dossier's steps be written before the dossier row itself.
    """
    table = DossierCodeSequence._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (agency_id, day, last_value) VALUES (%s, %s, 1) "  # noqa: S608
            f"ON CONFLICT (agency_id, day) DO UPDATE SET last_value = {table}.last_value + 1 "
            f"RETURNING last_value, {fastsql.next_id_sql(Dossier)}",
            [agency.pk, day],
        )
        row = cursor.fetchone()
    return int(row[0]), int(row[1])


def next_counter_slip_number(desk: Unit, year: int, kind: str) -> int:
    """Return the next number of ``kind`` slips at ``desk`` in ``year`` ("12" of "12/PBS").

    One atomic upsert on the (desk, year, kind) row, as for dossier codes:
    parallel slips never share a number, and only slips of the same desk
    and kind wait for each other.
    """
    table = CounterSlipSequence._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (desk_id, year, kind, last_value) VALUES (%s, %s, %s, 1) "  # noqa: S608
            f"ON CONFLICT (desk_id, year, kind) DO UPDATE SET last_value = {table}.last_value + 1 "
            "RETURNING last_value",
            [desk.pk, year, kind],
        )
        row = cursor.fetchone()
    return int(row[0])


def dossier_code_for(agency: Unit, day: date, sequence: int) -> str:
    """Format a dossier code by ``MOTCUA_DOSSIER_CODE_PATTERN`` (DOMAIN.md §3)."""
    pattern: str = settings.MOTCUA_DOSSIER_CODE_PATTERN
    return pattern.format(
        agency=_agency_identifier(agency),
        date=day,
        seq=sequence,
        system=settings.MOTCUA_DOSSIER_CODE_SYSTEM,
    )


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
    actor: Any,
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
    start_steps: bool = False,
    to_user: Any = None,
) -> tuple[Dossier, StepsStart | None]:
    """Insert the dossier and its checklist; ``clock_start`` is (D0, due) when received now.

    With ``start_steps`` (a coded dossier received now) the workflow's steps
    are written first, under the key reserved with the code, so the dossier
    row is written once, already pointing at the step the intake handed it
    to (see :func:`_create_steps`, whose hand-over history is returned).
    """
    version = plan.version
    local_day = _local(at).date()
    dossier = Dossier(
        status=status,
        channel=channel,
        procedure=version.procedure,
        procedure_version=version,
        agency=agency,
        receiving_unit=receiving_unit,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
        idempotency_key=idempotency_key,
        idempotency_fingerprint=idempotency_fingerprint if idempotency_key else "",
        fee_total=plan.fee_total,
        postal_address=nfc(postal_address or ""),
        **applicant,
    )
    if clock_start is not None:
        dossier.received_at = at
        dossier.d0, dossier.due_at = clock_start
    if with_code:
        sequence, dossier.pk = _next_sequence(agency, local_day)
        dossier.code = dossier_code_for(agency, local_day, sequence)
    if clock_start is not None:  # received now: its line in the log book, after the code
        logbook_enter(dossier, field_id=version.field_id)
    if channel == Channel.ONLINE:
        dossier.submitted_at = at
    dossier.search_text = dossier_search_text(code=dossier.code, **applicant)
    # The intake path writes with core.fastsql (no compiler; no signal listens here).
    start: StepsStart | None = None
    if start_steps:
        start = _create_steps(dossier, plan, at=at, actor=actor, to_user=to_user)
    fastsql.insert([dossier])
    ticked = set(provided)
    fastsql.insert(
        [
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
            for doc in plan.documents
        ]
    )
    return dossier, start


def _clock_start(agency: Unit, version: ProcedureVersion, at: datetime) -> tuple[date, datetime]:
    """Return D0 and the legal due of a dossier received at ``at`` (deadline convention)."""
    calendar = _calendar(agency)
    d0 = _with_calendar(calendar.d0, at)
    due = _with_calendar(calendar.due, at, version.time_limit_amount, version.time_limit_unit)
    return d0, due


@dataclass(frozen=True)
class IntakeHandOver:
    """The step a dossier goes to when its intake is done: role and unit, from the plan."""

    role: Any
    unit: Unit
    name: str


def intake_hand_over_for(
    plan: IntakePlan, receiving_unit: Unit, agency: Unit
) -> IntakeHandOver | None:
    """Return where intake sends a dossier of ``plan``, or None when it stays where it starts.

    A workflow that opens with the desk's intake step (the usual one, and
    the default) is handed to its second step as part of the intake; the
    return step at the end is never handed to before a decision. A workflow
    that starts elsewhere is simply started there.
    """
    specs = step_plan(plan)
    if not _intake_hands_over([spec.role.code for spec in specs]):
        return None
    following = specs[1]
    unit = following.unit or (receiving_unit if following.role.code == "intake_officer" else agency)
    return IntakeHandOver(role=following.role, unit=unit, name=following.name)


def _intake_hands_over(roles: Sequence[str]) -> bool:
    """Return whether a workflow whose steps have these roles is handed over at intake."""
    if len(roles) < 2 or roles[0] != "intake_officer":
        return False
    return not (roles[1] == "intake_officer" and len(roles) == 2)


def _check_intake_handler(handler: Any, target: IntakeHandOver | None) -> None:
    """Refuse a handler who cannot take the step the intake hands the dossier to."""
    if handler is None:
        return
    if target is None:
        raise ApplicationError(
            _("This procedure's first step is not the desk's intake: choose no handler."),
            code="invalid_handler",
            extra={"errors": [{"field": "to_user", "message": _("Choose no handler.")}]},
        )
    if not user_has_role(handler, target.role.code, target.unit):
        message = _("%(user)s does not hold the role %(role)s for %(unit)s.") % {
            "user": full_name(handler),
            "role": target.role.name,
            "unit": target.unit,
        }
        raise ApplicationError(
            message,
            code="invalid_handler",
            extra={"errors": [{"field": "to_user", "message": message}]},
        )


@dataclass(frozen=True)
class StepsStart:
    """The first step of a new dossier and the history of its hand-over at intake, if any."""

    first: DossierStep
    hand_over: list[EventSpec]


def _create_steps(
    dossier: Dossier,
    plan: IntakePlan,
    *,
    at: datetime,
    actor: Any,
    to_user: Any = None,
) -> StepsStart:
    """Copy the workflow into the dossier's steps, starting at ``at``.

    When the workflow opens with the desk's intake step, intake completes
    it and hands the dossier to the next step (to ``to_user``, already
    checked, or to that unit's queue) in the same instant, as the control
    slip (phiếu kiểm soát) records it: intake officer as giver, instant,
    and the next step's receiver. Sets ``status``, ``current_step`` and
    ``current_handler`` on the instance (the caller saves them) and returns
    the history of the hand-over, if any, for the caller to write.
    """
    steps = [
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
        for spec in step_plan(plan)
    ]
    officer = actor if getattr(actor, "is_authenticated", False) else None
    first = steps[0]
    first.started_at = at
    first.due_at = _with_calendar(
        _calendar(first.unit).add_working_time, at, timedelta(seconds=first.budget_seconds)
    )
    if not _intake_hands_over([step.role.code for step in steps]):
        first.handler = officer if first.role.code == "intake_officer" else None
        fastsql.insert(steps)
        dossier.current_step = first
        dossier.current_handler = first.handler
        return StepsStart(first, [])
    following = steps[1]
    first.handler = officer
    first.finished_at = at
    first.timeliness = timeliness_of(at, first.due_at)
    following.started_at = at
    following.due_at = _with_calendar(
        _calendar(following.unit).add_working_time,
        at,
        timedelta(seconds=following.budget_seconds),
    )
    following.giver = officer
    following.handler = to_user
    fastsql.insert(steps)
    dossier.current_step = following
    dossier.current_handler = to_user
    dossier.status = status_for_step(following)
    return StepsStart(
        first,
        [
            EventSpec(
                action="hand_over",
                from_status=DossierStatus.RECEIVED,
                to_status=dossier.status,
                step=following,
                data={
                    "from_step": first.order,
                    "to_step": following.order,
                    "step_timeliness": first.timeliness,
                    "receiver": getattr(to_user, "pk", None),
                    "at_intake": True,
                },
            )
        ],
    )


def _notify_receiver(dossier: Dossier, to_user: Any) -> None:
    if to_user is None or dossier.current_step is None:
        return
    notify(
        event="step.assigned",
        context={
            "dossier": dossier,
            "step": dossier.current_step,
            "user_name": full_name(to_user),
        },
        user=to_user,
        obj=dossier,
    )


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


def request_fingerprint(operation: str, **fields: Any) -> str:
    """Return the SHA-256 (hex) of ``operation`` and its parsed, normalised input.

    ``fields`` are what the service acts on after parsing: ids, the cleaned
    applicant, NFC text, the ticked documents as a sorted set. The same
    request sent again, with other spacing in a phone number or the
    documents in another order, gives the same fingerprint; any change of
    substance, or another operation, gives another.
    """
    canonical = json.dumps(
        {"operation": operation, **fields},
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def _idempotent_hit(actor: Any, key: str | None) -> Dossier | None:
    if not key or not getattr(actor, "is_authenticated", False):
        return None
    return Dossier.objects.filter(created_by=actor, idempotency_key=key).first()


def idempotent_replay(actor: Any, key: str | None, fingerprint: str) -> IntakeResult | None:
    """Return the dossier an earlier request with ``key`` created, if it was this request.

    Called only after the insert failed on the key's unique constraint, so
    a first request costs no query. The same key with another request (any
    field changed, or another operation) raises ``ConflictError``
    ``idempotency_key_reused`` and shows nothing of the earlier dossier: it
    may be another applicant's.
    """
    previous = _idempotent_hit(actor, key)
    if previous is None:
        return None
    if previous.idempotency_fingerprint != fingerprint:
        raise ConflictError(
            _(
                "This Idempotency-Key was already used for a different request; nothing was "
                "written. Send a new key for a new dossier, or repeat the first request "
                "unchanged to get its answer."
            ),
            code="idempotency_key_reused",
        )
    return IntakeResult(previous, created=False)


def dossier_receive(
    *,
    actor: Any,
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
    :func:`_create_steps`). A retried request with the same
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
            dossier, start = _create_dossier(
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
                start_steps=True,
                to_user=to_user,
            )
            received = EventSpec(
                action="receive",
                from_status="",
                to_status=DossierStatus.RECEIVED,
                step=start.first if start else None,
                note=nfc(note),
                data={"due": _iso(dossier.due_at), "channel": channel},
            )
            _events_of_new(
                dossier, actor=actor, specs=[received, *(start.hand_over if start else [])]
            )
            _applicant_notice(dossier, "dossier.received")
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
    actor: Any,
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
        dossier, _start = _create_dossier(
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
        dossier.refusal_reasons = reasons
        dossier.closed_at = now
        dossier.slip_number = next_counter_slip_number(
            receiving_unit, today.year, CounterSlip.REFUSAL
        )
        dossier.save(update_fields=["refusal_reasons", "closed_at", "slip_number"])
        _event(dossier, actor=actor, action="refuse", from_status="", note=reasons, first=True)
    return dossier


def dossier_guide_incomplete(
    *,
    actor: Any,
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
            officer=actor,
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
