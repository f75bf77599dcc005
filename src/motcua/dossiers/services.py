"""Every change of a dossier goes through this module.

Each public function runs in one transaction, locks the dossier row,
checks the transition table (``workflow.TRANSITIONS``), the actor's role on
the unit concerned and the optimistic ``expected_version`` the user saw,
then writes the change, one :class:`DossierEvent` and one audit record, and
queues notifications that are delivered only after the commit.

The clock follows the deadline convention (DESIGN.md): the legal due is
computed by the unit's working calendar at intake; a supplement request or
a wait for financial obligations stops it (``Pause``) and its end resumes
it, or restarts the full limit when the procedure's policy says so. An
apology (Mẫu 04) may set a new date once; early / on time / late is always
judged against the legal due.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from motcua.catalog.content import HOUR, limit_seconds
from motcua.catalog.models import ProcedureVersion
from motcua.catalog.selectors import (
    IntakePlan,
    StepPlan,
    procedure_intake_plan,
    procedure_version_in_force,
    working_day_seconds,
)
from motcua.core import clock, fastsql
from motcua.core.audit import audit_record
from motcua.core.cache import ProcessCache
from motcua.core.errors import ApplicationError, ConflictError, NotFoundError, PermissionDeniedError
from motcua.core.idnumbers import clean_organisation_id, clean_personal_id, clean_phone
from motcua.core.notifications import notify
from motcua.core.people import full_name
from motcua.core.text import nfc
from motcua.dossiers.constants import (
    ACTIVE_STATUSES,
    ApplicantKind,
    Channel,
    Decision,
    DossierStatus,
    PauseKind,
    PausePolicy,
    ReturnMethod,
    Timeliness,
)
from motcua.dossiers.logbook import logbook_enter
from motcua.dossiers.models import (
    Apology,
    Dossier,
    DossierCodeSequence,
    DossierDocument,
    DossierEvent,
    DossierStep,
    IntakeGuidance,
    Pause,
)
from motcua.dossiers.workflow import LEADER_ROLES, SIGNING_ROLES, TRANSITIONS, role_unit
from motcua.org.models import Role, Unit, UnitTier
from motcua.org.selectors import user_has_role
from motcua.workdays.core import CalendarMissingError, LimitUnit, Remaining, WorkCalendar
from motcua.workdays.loader import calendar_for_unit
from motcua.workdays.services import missing_calendar_message

# --- input ---------------------------------------------------------------------------------------


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


# --- helpers -------------------------------------------------------------------------------------


def _calendar(unit: Unit) -> WorkCalendar:
    try:
        return calendar_for_unit(unit)
    except CalendarMissingError as exc:  # pragma: no cover - only without any confirmed year
        raise ApplicationError(missing_calendar_message(exc.year), code="calendar_missing") from exc


def _with_calendar(func: Any, *args: Any) -> Any:
    try:
        return func(*args)
    except CalendarMissingError as exc:
        raise ApplicationError(missing_calendar_message(exc.year), code="calendar_missing") from exc


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


def dossier_code_for(agency: Unit, day: date, sequence: int) -> str:
    """Format a dossier code by ``MOTCUA_DOSSIER_CODE_PATTERN`` (DOMAIN.md §3)."""
    pattern: str = settings.MOTCUA_DOSSIER_CODE_PATTERN
    return pattern.format(
        agency=_agency_identifier(agency),
        date=day,
        seq=sequence,
        system=settings.MOTCUA_DOSSIER_CODE_SYSTEM,
    )


def _event(
    dossier: Dossier,
    *,
    actor: Any,
    action: str,
    from_status: str,
    note: str = "",
    step: DossierStep | None = None,
    data: dict[str, Any] | None = None,
    first: bool = False,
) -> DossierEvent:
    """Write the history row and the audit record of one change; ``first`` for a new dossier."""
    user = actor if getattr(actor, "is_authenticated", False) else None
    event = DossierEvent(
        dossier=dossier,
        at=clock.now(),
        actor=user,
        action=action,
        from_status=from_status,
        to_status=dossier.status,
        step=step,
        note=note,
        data=data or {},
    )
    fastsql.insert([event])
    audit_record(
        actor=actor,
        action=f"dossiers.{action}",
        obj=dossier,
        data={
            "code": dossier.code,
            "from": from_status,
            "to": dossier.status,
            "note": note,
            **(data or {}),
        },
        new_stream=first,
    )
    return event


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _local(value: datetime) -> datetime:
    return timezone.localtime(value)


def _applicant_notice(dossier: Dossier, event: str, **context: Any) -> None:
    notify(
        event=event,
        context={"dossier": dossier, **context},
        email=dossier.applicant_email,
        phone=dossier.applicant_phone,
        obj=dossier,
    )


def timeliness_of(finished: datetime, due: datetime | None) -> str:
    """Return early / on time / late: late after ``due``; early on a day before its day."""
    if due is None:
        return ""
    if finished > due:
        return Timeliness.LATE
    if _local(finished).date() < _local(due).date():
        return Timeliness.EARLY
    return Timeliness.ON_TIME


def _require_dossier_role(actor: Any, dossier: Dossier, roles: Iterable[str], *, what: str) -> str:
    """Require one of ``roles``, each checked on the unit where it acts on this dossier."""
    wanted = sorted(roles)
    for role in wanted:
        if user_has_role(actor, role, role_unit(dossier, role)):
            return role
    return _require_role(actor, wanted, role_unit(dossier, wanted[0]), what=what)


def _require_open(unit: Unit, day: date) -> None:
    """Refuse to record a dossier at a unit that does not exist on ``day`` (2025 mergers)."""
    if unit.is_valid_on(day):
        return
    if unit.valid_to is not None and day >= unit.valid_to:
        message = _(
            "%(unit)s no longer exists since %(day)s: receive the dossier at the unit that "
            "took over its work."
        ) % {"unit": unit.name, "day": unit.valid_to.strftime("%d/%m/%Y")}
    else:
        message = _("%(unit)s exists only from %(day)s.") % {
            "unit": unit.name,
            "day": unit.valid_from.strftime("%d/%m/%Y") if unit.valid_from else "",
        }
    raise ApplicationError(message, code="unit_not_in_operation")


def _require_role(actor: Any, roles: Iterable[str], unit: Unit, *, what: str) -> str:
    for role in roles:
        if user_has_role(actor, role, unit):
            return role
    names = ", ".join(
        Role.objects.filter(code__in=list(roles)).order_by("order").values_list("name", flat=True)
    )
    raise PermissionDeniedError(
        _("You cannot %(what)s for %(unit)s: it needs the role %(roles)s.")
        % {"what": what, "unit": unit, "roles": names}
    )


def _lock(dossier: Dossier | int, expected_version: int | None) -> Dossier:
    pk = dossier.pk if isinstance(dossier, Dossier) else dossier
    try:
        locked = (
            Dossier.objects.select_for_update()
            .select_related("procedure_version", "agency")
            .get(pk=pk)
        )
    except Dossier.DoesNotExist:
        raise NotFoundError(_("The dossier does not exist.")) from None
    if expected_version is not None and locked.version != expected_version:
        raise ConflictError(
            _(
                "Dossier %(code)s was changed by someone else a moment ago (it is now: %(status)s). "
                "Reload the page to see the change; nothing was saved."
            )
            % {"code": locked.code or locked.pk, "status": locked.get_status_display()},
            extra={"version": locked.version, "status": locked.status},
        )
    return locked


def _check_transition(dossier: Dossier, action: str) -> None:
    transition = TRANSITIONS[action]
    if dossier.status not in transition.sources:
        raise ConflictError(
            _("Dossier %(code)s is %(status)s; “%(action)s” is not possible now.")
            % {
                "code": dossier.code or dossier.pk,
                "status": dossier.get_status_display().lower(),
                "action": transition.label,
            },
            code="not_allowed_now",
            extra={"version": dossier.version, "status": dossier.status},
        )


def _bump(dossier: Dossier, *fields: str) -> None:
    dossier.version += 1
    dossier.save(update_fields=[*fields, "version", "updated_at"])


_step_plans: ProcessCache[tuple[StepPlan, ...]] = ProcessCache("dossiers.step_plans")


def step_plan(plan: IntakePlan) -> tuple[StepPlan, ...]:
    """Return the steps a dossier of this version goes through.

    The version's own steps; when none of them is a signing step, a leader's
    "Sign" step is added before the final return step, so a dossier can
    always reach its decision; when the version has no steps at all, a plain
    intake → review → sign → return default. Cached per version. The added
    steps are named in the site's language (Vietnamese), whatever the
    request's: their names are stored and printed on the control slip.
    """
    if plan.steps and any(step.role.code in SIGNING_ROLES for step in plan.steps):
        return plan.steps

    def completed() -> tuple[StepPlan, ...]:
        with translation.override(settings.LANGUAGE_CODE):
            return _completed_step_plan(plan)

    return _step_plans.get_or_set(plan.version.pk, completed)


def _completed_step_plan(plan: IntakePlan) -> tuple[StepPlan, ...]:
    """Add what ``plan`` lacks, keeping the step budgets within the legal limit.

    The short steps (intake, signing, return) get an eighth of the limit, at
    most half a working day each; the review gets the rest. A signing step
    added to a template takes the slack the template leaves, then the rest
    from its longest step.
    """
    version = plan.version
    day_seconds = working_day_seconds()
    limit = max(
        HOUR,
        limit_seconds(
            int(version.time_limit_amount), version.time_limit_unit, day_seconds=day_seconds
        ),
    )
    short = min(day_seconds // 2, limit // 8)
    roles = {
        role.code: role
        for role in Role.objects.filter(
            code__in=["intake_officer", "case_handler", "commune_leader", "agency_leader"]
        )
    }
    leader = roles["commune_leader" if version.competent_level == "commune" else "agency_leader"]
    if plan.steps:
        steps = list(plan.steps)
        missing = short - max(0, limit - sum(step.budget_seconds for step in steps))
        if missing > 0:
            longest = max(range(len(steps)), key=lambda i: steps[i].budget_seconds)
            taken = min(missing, steps[longest].budget_seconds // 2)
            steps[longest] = replace(
                steps[longest], budget_seconds=steps[longest].budget_seconds - taken
            )
            sign_budget = short - (missing - taken)
        else:
            sign_budget = short
        at = (
            len(steps) - 1
            if steps[-1].role.code == "intake_officer" and len(steps) > 1
            else len(steps)
        )
        sign = StepPlan(0, _("Sign"), leader, None, False, sign_budget)
        ordered = [*steps[:at], sign, *steps[at:]]
        return tuple(
            StepPlan(i, s.name, s.role, s.unit, s.is_inter_agency, s.budget_seconds)
            for i, s in enumerate(ordered, start=1)
        )
    return (
        StepPlan(1, _("Intake"), roles["intake_officer"], None, False, short),
        StepPlan(2, _("Review"), roles["case_handler"], None, False, limit - 3 * short),
        StepPlan(3, _("Sign"), leader, None, False, short),
        StepPlan(4, _("Return the result"), roles["intake_officer"], None, False, short),
    )


def status_for_step(step: DossierStep) -> str:
    """Return the dossier status while ``step`` is the current one."""
    if step.is_inter_agency:
        return DossierStatus.AWAITING_COORDINATION
    if step.role.code in SIGNING_ROLES:
        return DossierStatus.AWAITING_SIGNATURE
    return DossierStatus.IN_PROGRESS


def _start_step(
    dossier: Dossier, step: DossierStep, *, at: datetime, giver: Any, handler: Any
) -> None:
    calendar = _calendar(step.unit)
    step.started_at = at
    step.due_at = _with_calendar(
        calendar.add_working_time, at, timedelta(seconds=step.budget_seconds)
    )
    step.giver = giver if getattr(giver, "is_authenticated", False) else None
    step.handler = handler
    step.save(update_fields=["started_at", "due_at", "giver", "handler"])
    dossier.current_step = step
    dossier.current_handler = handler


def _finish_step(step: DossierStep, *, at: datetime, actor: Any) -> None:
    step.finished_at = at
    step.timeliness = timeliness_of(at, step.due_at)
    if step.handler_id is None and getattr(actor, "is_authenticated", False):
        step.handler = actor
    step.save(update_fields=["finished_at", "timeliness", "handler"])


def _checked_handler(handler: Any, step: DossierStep) -> Any:
    if handler is None:
        return None
    if not user_has_role(handler, step.role.code, step.unit):
        raise ApplicationError(
            _("%(user)s does not hold the role %(role)s for %(unit)s.")
            % {
                "user": full_name(handler),
                "role": step.role.name,
                "unit": step.unit,
            },
            code="invalid_handler",
        )
    return handler


# --- creation ------------------------------------------------------------------------------------


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
    clock_start: tuple[date, datetime] | None = None,
    start_steps: bool = False,
) -> Dossier:
    """Insert the dossier and its checklist; ``clock_start`` is (D0, due) when received now.

    With ``start_steps`` (a coded dossier received now) the workflow's steps
    are written first, under the key reserved with the code, so the dossier
    row is written once, already pointing at its first step.
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
    # The intake path writes with core.fastsql (no compiler; no signal listens here).
    if start_steps:
        _create_steps(dossier, plan, at=at, actor=actor)
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
    return dossier


def _clock_start(agency: Unit, version: ProcedureVersion, at: datetime) -> tuple[date, datetime]:
    """Return D0 and the legal due of a dossier received at ``at`` (deadline convention)."""
    calendar = _calendar(agency)
    d0 = _with_calendar(calendar.d0, at)
    due = _with_calendar(calendar.due, at, version.time_limit_amount, version.time_limit_unit)
    return d0, due


def _create_steps(dossier: Dossier, plan: IntakePlan, *, at: datetime, actor: Any) -> DossierStep:
    """Copy the workflow into the dossier's steps; the first starts at ``at``.

    Sets ``current_step`` and ``current_handler`` on the instance; the
    caller saves them.
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
    first = steps[0]
    handler = (
        actor
        if first.role.code == "intake_officer" and getattr(actor, "is_authenticated", False)
        else None
    )
    first.started_at = at
    first.due_at = _with_calendar(
        _calendar(first.unit).add_working_time, at, timedelta(seconds=first.budget_seconds)
    )
    first.handler = handler
    fastsql.insert(steps)
    dossier.current_step = first
    dossier.current_handler = handler
    return first


def _idempotent_hit(actor: Any, key: str | None) -> Dossier | None:
    if not key or not getattr(actor, "is_authenticated", False):
        return None
    return Dossier.objects.filter(created_by=actor, idempotency_key=key).first()


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
) -> IntakeResult:
    """Accept a complete dossier at the counter (or by post): code, due date, Mẫu 01.

    Every mandatory document must be ticked; otherwise the officer gives
    guidance (Mẫu 02, :func:`dossier_guide_incomplete`). A retried request
    with the same ``idempotency_key`` returns the dossier already created.
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
    incomplete = _(
        "The dossier is not complete; give the applicant guidance (Form 02) for: %(items)s."
    ) % {"items": "; ".join(missing)}
    try:
        cleaned = applicant.cleaned(today)
    except ApplicationError as exc:
        if not missing:
            raise
        # Tell the officer everything at once: the applicant's details and the documents.
        raise ApplicationError(
            _("Some details are not valid and the dossier is not complete."),
            code=exc.code,
            extra={
                "errors": [
                    *exc.extra.get("errors", []),
                    {"field": "documents", "message": incomplete},
                ],
                "missing": missing,
            },
        ) from exc
    if missing:
        raise ApplicationError(incomplete, code="incomplete", extra={"missing": missing})
    if channel == Channel.POST and not (nfc(postal_address or "") or cleaned["applicant_address"]):
        raise ApplicationError(
            _("A dossier sent by post needs an address for the result."),
            code="no_address",
            extra={
                "errors": [
                    {
                        "field": "postal_address",
                        "message": _("Enter the postal address for the result."),
                    }
                ]
            },
        )
    handling_agency = agency or agency_for(receiving_unit, version)
    _require_open(handling_agency, today)
    clock_start = _clock_start(handling_agency, version, now)
    try:
        with transaction.atomic():
            dossier = _create_dossier(
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
                postal_address=postal_address,
                with_code=True,
                clock_start=clock_start,
                start_steps=True,
            )
            first = dossier.current_step
            _event(
                dossier,
                actor=actor,
                action="receive",
                from_status="",
                note=nfc(note),
                step=first,
                data={"due": _iso(dossier.due_at), "channel": channel},
                first=True,
            )
            _applicant_notice(dossier, "dossier.received")
    except IntegrityError:
        previous = _idempotent_hit(actor, idempotency_key)
        if previous is not None:
            return IntakeResult(previous, created=False)
        raise
    return IntakeResult(dossier)


def dossier_submit_online(
    *,
    applicant: Applicant,
    procedure_code: str,
    receiving_unit: Unit,
    provided_documents: Sequence[int],
    actor: Any = None,
    postal_address: str = "",
    idempotency_key: str | None = None,
) -> IntakeResult:
    """Record an online submission waiting for intake; it gets its code now."""
    previous = _idempotent_hit(actor, idempotency_key)
    if previous is not None:
        return IntakeResult(previous, created=False)
    now = clock.now()
    today = _local(now).date()
    _require_open(receiving_unit, today)
    version = _version_for(None, procedure_code, today)
    cleaned = applicant.cleaned(today)
    plan = procedure_intake_plan(version)
    missing = _check_documents(plan, provided_documents)
    try:
        with transaction.atomic():
            dossier = _create_dossier(
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
                postal_address=postal_address,
                with_code=True,
            )
            _event(
                dossier,
                actor=actor,
                action="submit_online",
                from_status="",
                data={"missing": missing},
                first=True,
            )
            _applicant_notice(dossier, "dossier.submitted")
    except IntegrityError:
        # The same submission sent twice at once: the other one won.
        previous = _idempotent_hit(actor, idempotency_key)
        if previous is not None:
            return IntakeResult(previous, created=False)
        raise
    return IntakeResult(dossier, missing=missing)


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
    cleaned = applicant.cleaned(today)
    reasons = nfc(reasons or "")
    if not reasons:
        raise ApplicationError(
            _("Write the reasons for refusing; they are printed on Form 03."),
            code="reasons_required",
        )
    with transaction.atomic():
        dossier = _create_dossier(
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
        dossier.save(update_fields=["refusal_reasons", "closed_at"])
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
    cleaned = applicant.cleaned(today)
    missing = _check_documents(procedure_intake_plan(version), provided_documents)
    items = [*missing, *(nfc(item) for item in extra_items if nfc(item))]
    if not items:
        raise ApplicationError(
            _(
                "Nothing is missing: every mandatory document is ticked. Accept the dossier instead."
            ),
            code="nothing_missing",
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
        )
        audit_record(actor=actor, action="dossiers.guide", obj=guidance, data={"items": items})
    return guidance


# --- transitions ---------------------------------------------------------------------------------


def dossier_accept(*, dossier: Dossier, actor: Any, expected_version: int | None = None) -> Dossier:
    """Accept an online submission: the clock starts now."""
    with transaction.atomic():
        locked = _lock(dossier, expected_version)
        _check_transition(locked, "accept")
        _require_role(actor, ["intake_officer"], locked.receiving_unit, what=_("receive dossiers"))
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
        before = locked.status
        locked.status = DossierStatus.RECEIVED
        now = clock.now()
        locked.received_at = now
        locked.d0, locked.due_at = _clock_start(locked.agency, locked.procedure_version, now)
        logbook_enter(locked, field_id=locked.procedure_version.field_id)
        _create_steps(locked, procedure_intake_plan(locked.procedure_version), at=now, actor=actor)
        _bump(
            locked,
            *("status", "received_at", "d0", "due_at", "current_step", "current_handler"),
            *("logbook", "logbook_number"),
        )
        _event(
            locked,
            actor=actor,
            action="accept",
            from_status=before,
            step=locked.current_step,
            data={"due": _iso(locked.due_at)},
        )
        _applicant_notice(locked, "dossier.received")
    return locked


def dossier_refuse(
    *, dossier: Dossier, actor: Any, reasons: str, expected_version: int | None = None
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
        _check_transition(locked, "refuse")
        _require_role(actor, ["intake_officer"], locked.receiving_unit, what=_("refuse dossiers"))
        before = locked.status
        locked.status = DossierStatus.REFUSED
        locked.refusal_reasons = reasons
        locked.closed_at = clock.now()
        _bump(locked, "status", "refusal_reasons", "closed_at")
        _event(locked, actor=actor, action="refuse", from_status=before, note=reasons)
        _applicant_notice(locked, "dossier.refused", reasons=reasons)
    return locked


def dossier_withdraw(
    *, dossier: Dossier, actor: Any, reason: str = "", expected_version: int | None = None
) -> Dossier:
    """Withdraw an online submission before intake, at the applicant's request."""
    with transaction.atomic():
        locked = _lock(dossier, expected_version)
        _check_transition(locked, "withdraw")
        _require_role(actor, ["intake_officer"], locked.receiving_unit, what=_("withdraw dossiers"))
        before = locked.status
        locked.status = DossierStatus.WITHDRAWN
        locked.closed_at = clock.now()
        _bump(locked, "status", "closed_at")
        _event(locked, actor=actor, action="withdraw", from_status=before, note=nfc(reason))
    return locked


def dossier_hand_over(
    *,
    dossier: Dossier,
    actor: Any,
    to_user: Any = None,
    note: str = "",
    expected_version: int | None = None,
) -> Dossier:
    """Finish the current step and hand the dossier to the next one (phiếu kiểm soát)."""
    with transaction.atomic():
        locked = _lock(dossier, expected_version)
        _check_transition(locked, "hand_over")
        step = locked.current_step
        if step is None:
            raise ApplicationError(_("The dossier has no step to hand over."), code="no_step")
        step = DossierStep.objects.select_related("role", "unit").get(pk=step.pk)
        _require_role(actor, [step.role.code], step.unit, what=_("hand over this step"))
        following = (
            DossierStep.objects.select_related("role", "unit")
            .filter(dossier=locked, order__gt=step.order)
            .order_by("order")
            .first()
        )
        if following is None:
            raise ApplicationError(
                _("This is the last step; the dossier needs a signed decision."), code="last_step"
            )
        if following.role.code == "intake_officer" and following.order == _last_order(locked):
            raise ApplicationError(
                _("The next step returns the result, which needs a signed decision first."),
                code="needs_decision",
            )
        receiver = _checked_handler(to_user, following)
        now = clock.now()
        before = locked.status
        _finish_step(step, at=now, actor=actor)
        _start_step(locked, following, at=now, giver=actor, handler=receiver)
        locked.status = status_for_step(following)
        _bump(locked, "status", "current_step", "current_handler")
        _event(
            locked,
            actor=actor,
            action="hand_over",
            from_status=before,
            step=following,
            note=nfc(note),
            data={
                "from_step": step.order,
                "to_step": following.order,
                "step_timeliness": step.timeliness,
                "receiver": getattr(receiver, "pk", None),
            },
        )
        if receiver is not None:
            notify(
                event="step.assigned",
                context={"dossier": locked, "step": following, "user_name": full_name(receiver)},
                user=receiver,
                obj=locked,
            )
    return locked


def _last_order(dossier: Dossier) -> int:
    return max(
        DossierStep.objects.filter(dossier=dossier).values_list("order", flat=True), default=0
    )


def dossier_decide(
    *,
    dossier: Dossier,
    actor: Any,
    decision: str,
    reasons: str = "",
    expected_version: int | None = None,
) -> Dossier:
    """Sign the decision: the result is ready and early/on time/late is fixed."""
    if decision not in Decision.values:
        raise ApplicationError(_("Choose granted or not granted."), code="invalid_decision")
    reasons = nfc(reasons or "")
    if decision == Decision.NOT_GRANTED and not reasons:
        raise ApplicationError(
            _("A refusal after review needs its reasons in writing."), code="reasons_required"
        )
    with transaction.atomic():
        locked = _lock(dossier, expected_version)
        _check_transition(locked, "decide")
        if locked.current_step_id is None:
            raise ApplicationError(_("The dossier has no step to sign."), code="no_step")
        step = DossierStep.objects.select_related("role", "unit").get(pk=locked.current_step_id)
        roles = [step.role.code] if step.role.code in SIGNING_ROLES else sorted(SIGNING_ROLES)
        _require_role(actor, roles, step.unit, what=_("sign the decision"))
        now = clock.now()
        before = locked.status
        _finish_step(step, at=now, actor=actor)
        locked.decision = decision
        locked.decision_reasons = reasons
        locked.finished_at = now
        locked.timeliness = timeliness_of(now, locked.due_at)
        locked.status = DossierStatus.RESULT_READY
        # With the decision signed, the dossier goes to the desk's return step (the
        # last one); a step the template put between them is not run.
        following = (
            DossierStep.objects.select_related("role", "unit")
            .filter(dossier=locked, order__gt=step.order)
            .order_by("-order")
            .first()
        )
        if following is not None and following.role.code == "intake_officer":
            _start_step(locked, following, at=now, giver=actor, handler=None)
        else:
            locked.current_step = None
            locked.current_handler = None
        _bump(
            locked,
            "status",
            "decision",
            "decision_reasons",
            "finished_at",
            "timeliness",
            "current_step",
            "current_handler",
        )
        _event(
            locked,
            actor=actor,
            action="decide",
            from_status=before,
            step=step,
            note=reasons,
            data={"decision": decision, "timeliness": locked.timeliness},
        )
        _applicant_notice(locked, "dossier.result_ready")
    return locked


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
        if locked.status in ACTIVE_STATUSES:
            raise ApplicationError(
                _("There is no result to return yet: the decision has not been signed."),
                code="no_result",
            )
        _check_transition(locked, "return_result")
        if method == ReturnMethod.POST and not (locked.postal_address or locked.applicant_address):
            raise ApplicationError(
                _("The dossier has no postal address for the result."), code="no_address"
            )
        _require_role(actor, ["intake_officer"], locked.receiving_unit, what=_("return results"))
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
    return locked


def _remaining_dict(remaining: Remaining) -> dict[str, Any]:
    return {
        "unit": remaining.unit.value,
        "working_days": remaining.working_days,
        "working_seconds": int(remaining.working_time.total_seconds()),
        "calendar_days": remaining.calendar_days,
        "overdue": remaining.overdue,
    }


def _remaining_from(data: dict[str, Any]) -> Remaining:
    return Remaining(
        unit=LimitUnit(data["unit"]),
        working_days=data["working_days"],
        working_time=timedelta(seconds=data["working_seconds"]),
        calendar_days=data["calendar_days"],
        overdue=data["overdue"],
    )


def _pause_start(
    locked: Dossier,
    *,
    actor: Any,
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
    now = clock.now()
    saved: dict[str, Any] = {}
    if locked.due_at is not None:
        calendar = _calendar(locked.agency)
        unit = locked.procedure_version.time_limit_unit
        saved = {
            **_remaining_dict(_with_calendar(calendar.remaining, locked.due_at, unit, now)),
            "due_before": _iso(locked.due_at),
        }
        if locked.extended_due_at is not None:
            # The date promised in the apology moves with the pause too, by working days.
            saved["extended"] = _remaining_dict(
                _with_calendar(
                    calendar.remaining, locked.extended_due_at, LimitUnit.WORKING_DAYS, now
                )
            )
    step = locked.current_step
    if step is not None and step.due_at is not None:
        step_calendar = _calendar(step.unit)
        saved["step"] = step.pk
        saved["remaining_seconds"] = int(
            _with_calendar(step_calendar.working_time_between, now, step.due_at).total_seconds()
        )
    return Pause.objects.create(
        dossier=locked,
        kind=kind,
        number=number,
        policy=policy,
        started_at=now,
        resume_status=locked.status,
        requested_by=actor if getattr(actor, "is_authenticated", False) else None,
        items=items,
        reason=reason,
        respond_by=respond_by,
        override_reason=override_reason,
        clock=saved,
    )


def _pause_end(locked: Dossier, pause: Pause) -> None:
    """Close ``pause``: move the legal due, the promised date and the step's due."""
    now = clock.now()
    data = pause.clock
    pause.ended_at = now
    if locked.due_at is not None and "unit" in data:
        calendar = _calendar(locked.agency)
        version = locked.procedure_version
        if pause.policy == PausePolicy.RESTART:
            new_due = _with_calendar(
                calendar.due, now, version.time_limit_amount, version.time_limit_unit
            )
        else:
            new_due = _with_calendar(calendar.resume, _remaining_from(data), now, locked.due_at)
        if locked.extended_due_at is not None and "extended" in data:
            moved = _with_calendar(
                calendar.resume, _remaining_from(data["extended"]), now, locked.extended_due_at
            )
            locked.extended_due_at = max(moved, new_due)
        pause.clock = {**data, "due_after": _iso(new_due)}
        if new_due != locked.due_at and locked.overdue_alerted:
            # A new due, a new warning: the alert job tells again before it.
            locked.overdue_alerted = ""
            Dossier.objects.filter(pk=locked.pk).update(overdue_alerted="")
        locked.due_at = new_due
    pause.save(update_fields=["ended_at", "clock"])
    step = locked.current_step
    if step is not None and data.get("step") == step.pk:
        step_calendar = _calendar(step.unit)
        step.due_at = _with_calendar(
            step_calendar.add_working_time, now, timedelta(seconds=data["remaining_seconds"])
        )
        step.alerted = ""
        step.save(update_fields=["due_at", "alerted"])
    locked.status = pause.resume_status


def dossier_request_supplement(
    *,
    dossier: Dossier,
    actor: Any,
    items: Sequence[str],
    reason: str,
    override_reason: str = "",
    expected_version: int | None = None,
) -> Pause:
    """Ask the applicant, once, for every missing or wrong item (Mẫu 02); the clock stops.

    A second request needs a leader (agency or commune leader) and a reason.
    """
    clean_items = [nfc(item) for item in items if nfc(item)]
    if not clean_items:
        raise ApplicationError(
            _("List what the applicant must add or correct."), code="items_required"
        )
    reason = nfc(reason or "")
    if not reason:
        raise ApplicationError(
            _("Write the reason for the supplement request."), code="reason_required"
        )
    with transaction.atomic():
        locked = _lock(dossier, expected_version)
        _check_transition(locked, "request_supplement")
        unit = role_unit(locked, "case_handler")
        _require_dossier_role(
            actor, locked, TRANSITIONS["request_supplement"].roles, what=_("request a supplement")
        )
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
        calendar = _calendar(locked.agency)
        respond_by = _with_calendar(
            calendar.due_working_days, now, settings.MOTCUA_SUPPLEMENT_RESPONSE_DAYS
        )
        before = locked.status
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
        locked.supplement_count += 1
        locked.status = DossierStatus.AWAITING_SUPPLEMENT
        _bump(locked, "status", "supplement_count")
        _event(
            locked,
            actor=actor,
            action="request_supplement",
            from_status=before,
            note=reason,
            data={
                "items": clean_items,
                "policy": pause.policy,
                "respond_by": _iso(respond_by),
                "override_reason": override_reason,
            },
        )
        _applicant_notice(locked, "dossier.supplement_requested", pause=pause)
    return pause


def _resume(
    dossier: Dossier,
    *,
    actor: Any,
    action: str,
    what: str,
    note: str,
    expected_version: int | None,
    provided_documents: Sequence[int] = (),
) -> Dossier:
    """End the open pause of ``dossier`` by ``action``: move the dues and go back to work."""
    with transaction.atomic():
        locked = _lock(dossier, expected_version)
        _check_transition(locked, action)
        _require_dossier_role(actor, locked, TRANSITIONS[action].roles, what=what)
        pause = Pause.objects.select_for_update().get(dossier=locked, ended_at__isnull=True)
        ticked = _mark_provided(locked, provided_documents)
        before = locked.status
        due_before, promised_before = locked.due_at, locked.extended_due_at
        _pause_end(locked, pause)
        _bump(locked, "status", "due_at", "extended_due_at")
        _event(
            locked,
            actor=actor,
            action=action,
            from_status=before,
            note=nfc(note),
            data={
                "policy": pause.policy,
                "due_before": _iso(due_before),
                "due_after": _iso(locked.due_at),
                "promised_before": _iso(promised_before),
                "promised_after": _iso(locked.extended_due_at),
                "documents_provided": ticked,
            },
        )
        if locked.due_at is not None:
            _applicant_notice(locked, "dossier.resumed")
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
    actor: Any,
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
        what=_("record the supplement"),
        note=note,
        expected_version=expected_version,
        provided_documents=provided_documents,
    )


def dossier_close_unsupplemented(
    *, dossier: Dossier, actor: Any = None, expected_version: int | None = None
) -> Dossier:
    """Close a dossier whose supplement did not arrive in time (default 15 working days).

    ``actor=None`` is the scheduled job; an officer needs the intake role.
    """
    with transaction.atomic():
        locked = _lock(dossier, expected_version)
        _check_transition(locked, "close_unsupplemented")
        if actor is not None:
            _require_role(
                actor, ["intake_officer"], locked.receiving_unit, what=_("close dossiers")
            )
        pause = Pause.objects.select_for_update().get(dossier=locked, ended_at__isnull=True)
        now = clock.now()
        if pause.respond_by and now <= pause.respond_by:
            raise ApplicationError(
                _("The applicant has until %(when)s to provide the supplement.")
                % {"when": _local(pause.respond_by).strftime("%H:%M %d/%m/%Y")},
                code="too_early",
            )
        pause.ended_at = now
        pause.save(update_fields=["ended_at"])
        _end_current_step(locked, now, note=_("Closed: supplement not provided"))
        before = locked.status
        locked.status = DossierStatus.CLOSED
        locked.closed_at = now
        _bump(locked, "status", "closed_at", "current_step", "current_handler")
        _event(locked, actor=actor or "system", action="close_unsupplemented", from_status=before)
        _applicant_notice(locked, "dossier.closed")
    return locked


def dossier_request_payment(
    *,
    dossier: Dossier,
    actor: Any,
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
        _check_transition(locked, "request_payment")
        _require_dossier_role(
            actor,
            locked,
            TRANSITIONS["request_payment"].roles,
            what=_("ask for financial obligations"),
        )
        before = locked.status
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
        locked.status = DossierStatus.AWAITING_PAYMENT
        _bump(locked, "status")
        _event(
            locked,
            actor=actor,
            action="request_payment",
            from_status=before,
            note=nfc(reason or ""),
            data={"items": clean_items},
        )
        _applicant_notice(locked, "dossier.payment_requested", pause=pause)
    return pause


def dossier_payment_received(
    *, dossier: Dossier, actor: Any, note: str = "", expected_version: int | None = None
) -> Dossier:
    """The applicant met the financial obligations: the clock resumes."""
    return _resume(
        dossier,
        actor=actor,
        action="payment_received",
        what=_("record the payment"),
        note=note,
        expected_version=expected_version,
    )


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
        _check_transition(locked, "stop")
        _require_role(actor, ["intake_officer"], locked.receiving_unit, what=_("stop dossiers"))
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


def _end_current_step(locked: Dossier, at: datetime, *, note: str) -> str:
    """Close the current step of a dossier that ends early; return its name."""
    if locked.current_step_id is None:
        return ""
    step = DossierStep.objects.get(pk=locked.current_step_id)
    step.finished_at = at
    step.note = note
    step.save(update_fields=["finished_at", "note"])
    locked.current_step = None
    locked.current_handler = None
    return step.name


def dossier_claim(*, dossier: Dossier, actor: Any, expected_version: int | None = None) -> Dossier:
    """Take the current step from the unit's queue (the receiver on the control slip)."""
    with transaction.atomic():
        locked = _lock(dossier, expected_version)
        if locked.current_step_id is None or locked.status not in TRANSITIONS[
            "hand_over"
        ].sources | {DossierStatus.AWAITING_SIGNATURE, DossierStatus.RESULT_READY}:
            raise ConflictError(
                _("There is no step to take on this dossier now."), code="not_allowed_now"
            )
        step = DossierStep.objects.select_related("role", "unit").get(pk=locked.current_step_id)
        if step.handler_id is not None:
            raise ConflictError(_("Someone else already took this step."), code="taken")
        _require_role(actor, [step.role.code], step.unit, what=_("take this step"))
        step.handler = actor
        step.save(update_fields=["handler"])
        locked.current_handler = actor
        _bump(locked, "current_handler")
        _event(locked, actor=actor, action="claim", from_status=locked.status, step=step)
    return locked
