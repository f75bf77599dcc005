"""JSON API of the dossier lifecycle for staff, mounted at /api/v1/dossiers/.

Also the printed forms of a dossier as PDF (``/{code}/forms/…``) and the
log book (:data:`logbook_router`, mounted at /api/v1/logbook).

Every operation parses its input, calls one service of
:mod:`motcua.dossiers.services` (or a selector of
:mod:`motcua.dossiers.selectors`) and answers; the rules live there. Callers
are staff with an API token or a signed-in session (:mod:`motcua.api.auth`).
A dossier outside the caller's units answers 404, never 403, so codes
cannot be probed. Every action on an existing dossier takes the
``expected_version`` the caller saw and answers 409 with the current
``version`` and ``status`` when someone else changed it first.

No ``from __future__ import annotations`` here: django-ninja reads the
annotations at import time.
"""

from collections.abc import Callable
from datetime import date, datetime
from typing import Annotated, Any, Literal, TypeVar

from django.contrib.auth import get_user_model
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Header, Path, Query, Router, Schema, Status
from pydantic import AfterValidator, Field, StringConstraints, model_validator

from motcua.api.auth import STAFF_AUTH
from motcua.catalog.models import Field as ProcedureField
from motcua.catalog.models import ProcedureVersion
from motcua.core.errors import (
    ApplicationError,
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
)
from motcua.core.text import nfc
from motcua.dossiers import services
from motcua.dossiers.constants import (
    ApplicantKind,
    Channel,
    Decision,
    DossierStatus,
    LogbookExportStatus,
    PauseKind,
    PausePolicy,
    ReturnMethod,
    Timeliness,
)
from motcua.dossiers.logbook import LogbookPage, LogbookRow
from motcua.dossiers.logbook_exports import (
    CONTENT_TYPES,
    logbook_export,
    logbook_export_get,
    logbook_export_open,
    logbook_read,
)
from motcua.dossiers.models import (
    Apology,
    Dossier,
    DossierStep,
    IntakeGuidance,
    LogbookExport,
    Pause,
)
from motcua.dossiers.printing import form_number, form_title, pdf_filename, render_pdf
from motcua.dossiers.selectors import (
    LIST_RELATED,
    DossierQueue,
    dossier_get_for_user,
    dossier_list_for_user,
    dossier_log_view,
    dossier_page,
)
from motcua.dossiers.workflow import TRANSITIONS
from motcua.org.models import Unit
from motcua.org.selectors import unit_get_cached, user_has_role

router = Router(tags=["dossiers"], auth=STAFF_AUTH)
logbook_router = Router(tags=["logbook"], auth=STAFF_AUTH)

MAX_PAGE_SIZE = 100
MAX_INT = 2_147_483_647


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError(_("The text contains a NUL character."))
    return value


Str20 = Annotated[str, StringConstraints(max_length=20), AfterValidator(_no_nul)]
Str40 = Annotated[str, StringConstraints(max_length=40), AfterValidator(_no_nul)]
Str100 = Annotated[str, StringConstraints(max_length=100), AfterValidator(_no_nul)]
Str200 = Annotated[str, StringConstraints(max_length=200), AfterValidator(_no_nul)]
Str254 = Annotated[str, StringConstraints(max_length=254), AfterValidator(_no_nul)]
Str300 = Annotated[str, StringConstraints(max_length=300), AfterValidator(_no_nul)]
Str500 = Annotated[str, StringConstraints(max_length=500), AfterValidator(_no_nul)]
Text = Annotated[str, StringConstraints(max_length=4000), AfterValidator(_no_nul)]
Id = Annotated[int, Field(ge=1, le=2**63 - 1)]
Items = Annotated[list[Str500], Field(max_length=100)]

# --- errors --------------------------------------------------------------------------------------


class ErrorOut(Schema):
    detail: str = Field(description="What went wrong, in the request's language.")
    code: str = Field(description="A stable slug, e.g. `incomplete`, `conflict`, `not_found`.")
    extra: dict[str, Any] | None = Field(
        None,
        description=(
            "Details: `errors` lists every field problem ({field, message}); "
            "a 409 carries the dossier's current `version` and `status`."
        ),
    )


class ProblemOut(Schema):
    field: str = Field(
        description=(
            "Where: the source, then the path, e.g. `body.applicant.phone`, "
            "`body.provided_document_ids.0`, `query.page_size`, `header.Idempotency-Key`, "
            "`path.number`; `body` alone for a rule on the whole body."
        )
    )
    message: str = Field(description="What is wrong, in the request's language.")
    type: str = Field(description="Pydantic's error type, e.g. `string_too_long`, `missing`.")
    original: str | None = Field(
        None,
        description=(
            "Pydantic's own (English) text, given only when `message` is the generic "
            "“invalid value” because the type has no translation."
        ),
    )


class ProblemsOut(Schema):
    errors: list[ProblemOut]


class ValidationErrorOut(Schema):
    detail: str = Field(
        description="A summary naming the first problem, in the request's language."
    )
    code: Literal["invalid_input"]
    extra: ProblemsOut


ERRORS: dict[int, Any] = {
    400: ErrorOut,
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    409: ErrorOut,
    422: ValidationErrorOut,
}

# --- output --------------------------------------------------------------------------------------


class UnitRef(Schema):
    id: int
    name: str
    agency_code: str


class UserRef(Schema):
    id: int
    username: str
    name: str


class ProcedureRef(Schema):
    code: str
    name: str
    version_id: int


class CurrentStepOut(Schema):
    order: int
    name: str
    role: str = Field(description="Role code, e.g. `case_handler`.")
    unit: UnitRef
    due_at: datetime | None


class DossierOut(Schema):
    id: int
    code: str | None = Field(description="Null only for a dossier refused at the counter.")
    status: DossierStatus
    status_label: str
    version: int = Field(description="Send it back as `expected_version` with the next action.")
    channel: Channel
    procedure: ProcedureRef
    receiving_unit: UnitRef
    agency: UnitRef
    applicant_name: str
    submitted_at: datetime | None
    received_at: datetime | None
    d0: date | None = Field(description="The day after which the working days are counted.")
    due_at: datetime | None = Field(description="Legal due (hạn giải quyết).")
    extended_due_at: datetime | None = Field(description="New date after an apology (Mẫu 04).")
    finished_at: datetime | None
    returned_at: datetime | None
    closed_at: datetime | None
    timeliness: Timeliness | Literal[""]
    current_step: CurrentStepOut | None
    current_handler: UserRef | None
    url: str


class IntakeOut(DossierOut):
    fee_total: int = Field(description="Fees and charges in đồng (VND).")
    missing: list[str] = Field(
        description="Mandatory documents not ticked (online submissions only)."
    )


class StepOut(Schema):
    order: int
    name: str
    role: str
    role_name: str
    unit: UnitRef
    is_inter_agency: bool
    budget_seconds: int = Field(description="Time budget in working seconds.")
    giver: UserRef | None
    handler: UserRef | None
    started_at: datetime | None
    due_at: datetime | None
    finished_at: datetime | None
    timeliness: Timeliness | Literal[""]
    note: str


class DocumentOut(Schema):
    order: int
    name: str
    form: str
    count: int
    is_mandatory: bool
    provided: bool


class PauseOut(Schema):
    kind: PauseKind
    number: int
    policy: PausePolicy
    started_at: datetime
    ended_at: datetime | None
    respond_by: datetime | None
    items: list[str]
    reason: str
    override_reason: str
    requested_by: UserRef | None


class ApologyOut(Schema):
    issued_at: datetime
    issued_by: UserRef | None
    reason: str
    original_due_at: datetime
    new_due_at: datetime


class EventOut(Schema):
    at: datetime
    action: str
    from_status: str
    to_status: str
    actor: UserRef | None
    step: int | None = Field(description="Order of the step concerned.")
    note: str
    data: dict[str, Any]


class ApplicantOut(Schema):
    kind: ApplicantKind
    name: str
    id_number: str
    phone: str
    email: str
    address: str
    representative_name: str
    representative_id_number: str
    representative_phone: str
    representative_address: str
    authorisation_document: str


class FormLinkOut(Schema):
    form: str = Field(
        description="`receipt`, `supplement`, `refusal`, `apology`, `stop`, `control`."
    )
    number: str | None = Field(
        description="The form's number (Mẫu 01…07) in the deployment's set; null when it has none."
    )
    title: str = Field(description="The statutory title, in Vietnamese.")
    pause_number: int | None = Field(
        None, description="For a supplement request: the number of its pause (1, 2…)."
    )
    url: str = Field(description="GET it for the PDF.")


class DossierDetailOut(DossierOut):
    applicant: ApplicantOut
    postal_address: str
    fee_total: int
    supplement_count: int
    decision: Decision | Literal[""]
    decision_reasons: str
    refusal_reasons: str
    stop_reason: str
    return_method: ReturnMethod | Literal[""]
    returned_to: str
    available_actions: list[str] = Field(
        description="Actions the status allows now (the caller's roles are checked on use)."
    )
    steps: list[StepOut] = Field(description="The control slip (phiếu kiểm soát).")
    documents: list[DocumentOut]
    pauses: list[PauseOut]
    apology: ApologyOut | None
    events: list[EventOut]
    forms: list[FormLinkOut] = Field(
        description="The printed forms that apply to the dossier now (each read is audited)."
    )


class DossierPageOut(Schema):
    count: int
    page: int
    pages: int
    page_size: int
    items: list[DossierOut]


class PauseActionOut(Schema):
    dossier: DossierOut
    pause: PauseOut


class ApologyActionOut(Schema):
    dossier: DossierOut
    apology: ApologyOut


class GuidanceOut(Schema):
    id: int
    at: datetime
    procedure: ProcedureRef
    receiving_unit: UnitRef
    applicant_name: str
    items: list[str] = Field(description="Everything to add or correct, listed at once.")
    reason: str


def _t(value: datetime | None) -> datetime | None:
    """Return ``value`` in local time, so a fresh object and a re-read one print alike."""
    return timezone.localtime(value) if value is not None else None


def _unit(unit: Unit) -> dict[str, Any]:
    return {"id": unit.pk, "name": unit.name, "agency_code": unit.agency_code}


def _user(user: Any) -> dict[str, Any] | None:
    if user is None:
        return None
    return {"id": user.pk, "username": user.get_username(), "name": user.get_full_name()}


def _procedure(code: str, version: ProcedureVersion) -> dict[str, Any]:
    return {"code": code, "name": version.name, "version_id": version.pk}


def _dossier(d: Dossier) -> dict[str, Any]:
    step = d.current_step
    return {
        "id": d.pk,
        "code": d.code,
        "status": d.status,
        "status_label": str(d.get_status_display()),
        "version": d.version,
        "channel": d.channel,
        "procedure": _procedure(d.procedure.code, d.procedure_version),
        "receiving_unit": _unit(d.receiving_unit),
        "agency": _unit(d.agency),
        "applicant_name": d.applicant_name,
        "submitted_at": _t(d.submitted_at),
        "received_at": _t(d.received_at),
        "d0": d.d0,
        "due_at": _t(d.due_at),
        "extended_due_at": _t(d.extended_due_at),
        "finished_at": _t(d.finished_at),
        "returned_at": _t(d.returned_at),
        "closed_at": _t(d.closed_at),
        "timeliness": d.timeliness,
        "current_step": (
            {
                "order": step.order,
                "name": step.name,
                "role": step.role.code,
                "unit": _unit(step.unit),
                "due_at": _t(step.due_at),
            }
            if step is not None
            else None
        ),
        "current_handler": _user(d.current_handler),
        "url": f"/api/v1/dossiers/{d.code or d.pk}",
    }


def _pause(p: Pause) -> dict[str, Any]:
    return {
        "kind": p.kind,
        "number": p.number,
        "policy": p.policy,
        "started_at": _t(p.started_at),
        "ended_at": _t(p.ended_at),
        "respond_by": _t(p.respond_by),
        "items": list(p.items),
        "reason": p.reason,
        "override_reason": p.override_reason,
        "requested_by": _user(p.requested_by),
    }


def _apology(a: Apology) -> dict[str, Any]:
    return {
        "issued_at": _t(a.issued_at),
        "issued_by": _user(a.issued_by),
        "reason": a.reason,
        "original_due_at": _t(a.original_due_at),
        "new_due_at": _t(a.new_due_at),
    }


def _step(s: DossierStep) -> dict[str, Any]:
    return {
        "order": s.order,
        "name": s.name,
        "role": s.role.code,
        "role_name": s.role.name,
        "unit": _unit(s.unit),
        "is_inter_agency": s.is_inter_agency,
        "budget_seconds": s.budget_seconds,
        "giver": _user(s.giver),
        "handler": _user(s.handler),
        "started_at": _t(s.started_at),
        "due_at": _t(s.due_at),
        "finished_at": _t(s.finished_at),
        "timeliness": s.timeliness,
        "note": s.note,
    }


ACTION_PATHS = {
    "accept": "accept",
    "refuse": "refuse",
    "withdraw": "withdraw",
    "hand_over": "hand-over",
    "decide": "decide",
    "request_supplement": "request-supplement",
    "supplement_received": "supplement-received",
    "close_unsupplemented": "close-unsupplemented",
    "request_payment": "request-payment",
    "payment_received": "payment-received",
    "apologise": "apologise",
    "stop": "stop",
    "return_result": "return",
}


CLAIMABLE = TRANSITIONS["hand_over"].sources | {
    DossierStatus.AWAITING_SIGNATURE,
    DossierStatus.RESULT_READY,
}


def _available_actions(d: Dossier) -> list[str]:
    actions = [
        path for action, path in ACTION_PATHS.items() if d.status in TRANSITIONS[action].sources
    ]
    if d.current_step_id is not None and d.current_handler_id is None and d.status in CLAIMABLE:
        actions.append("claim")
    return actions


DOSSIER_FORMS = ("receipt", "refusal", "apology", "stop", "control")
"""Forms printed from the dossier itself; the supplement request prints from its pause."""


def _form_link(form: str, url: str, pause_number: int | None = None) -> dict[str, Any]:
    return {
        "form": form,
        "number": form_number(form),
        "title": form_title(form),
        "pause_number": pause_number,
        "url": url,
    }


def _forms(d: Dossier, pauses: list[Pause], *, has_apology: bool) -> list[dict[str, Any]]:
    """Return the forms that apply now, as the dossier screen lists them (no query)."""
    base = f"/api/v1/dossiers/{d.code or d.pk}/forms/"
    received = d.received_at is not None and bool(d.code)
    applies = {
        "receipt": received,
        "refusal": d.status == DossierStatus.REFUSED,
        "apology": has_apology,
        "stop": d.status == DossierStatus.STOPPED,
        "control": received,
    }
    links = [_form_link("receipt", base + "receipt")] if received else []
    links += [
        _form_link("supplement", f"{base}supplement/{p.number}", p.number)
        for p in pauses
        if p.kind == PauseKind.SUPPLEMENT
    ]
    links += [
        _form_link(form, base + form)
        for form in DOSSIER_FORMS
        if form != "receipt" and applies[form]
    ]
    return links


def _detail(d: Dossier) -> dict[str, Any]:
    apology = getattr(d, "apology", None)  # the reverse one-to-one raises when absent
    pauses = list(d.pauses.all())
    return {
        **_dossier(d),
        "applicant": {
            "kind": d.applicant_kind,
            "name": d.applicant_name,
            "id_number": d.applicant_id_number,
            "phone": d.applicant_phone,
            "email": d.applicant_email,
            "address": d.applicant_address,
            "representative_name": d.representative_name,
            "representative_id_number": d.representative_id_number,
            "representative_phone": d.representative_phone,
            "representative_address": d.representative_address,
            "authorisation_document": d.authorisation_document,
        },
        "postal_address": d.postal_address,
        "fee_total": d.fee_total,
        "supplement_count": d.supplement_count,
        "decision": d.decision,
        "decision_reasons": d.decision_reasons,
        "refusal_reasons": d.refusal_reasons,
        "stop_reason": d.stop_reason,
        "return_method": d.return_method,
        "returned_to": d.returned_to,
        "available_actions": _available_actions(d),
        "steps": [_step(s) for s in d.steps.all()],
        "documents": [
            {
                "order": doc.order,
                "name": doc.name,
                "form": doc.form,
                "count": doc.count,
                "is_mandatory": doc.is_mandatory,
                "provided": doc.provided,
            }
            for doc in d.documents.all()
        ],
        "pauses": [_pause(p) for p in pauses],
        "apology": _apology(apology) if apology is not None else None,
        "events": [
            {
                "at": _t(e.at),
                "action": e.action,
                "from_status": e.from_status,
                "to_status": e.to_status,
                "actor": _user(e.actor),
                "step": e.step.order if e.step is not None else None,
                "note": e.note,
                "data": e.data,
            }
            for e in d.events.all()
        ],
        "forms": _forms(d, pauses, has_apology=apology is not None),
    }


def _reloaded(dossier: Dossier) -> Dossier:
    return Dossier.objects.select_related(*LIST_RELATED).get(pk=dossier.pk)


# --- input ---------------------------------------------------------------------------------------


class RepresentativeIn(Schema):
    name: Str200 = Field(description="Người đại diện / người được ủy quyền.")
    id_number: Str40 = ""
    phone: Str40 = ""
    address: Str300 = ""
    authorisation_document: Str200 = Field(
        "", description="The authorisation (giấy ủy quyền): number and date, or a description."
    )


class ApplicantIn(Schema):
    kind: ApplicantKind = ApplicantKind.PERSON
    name: Str200
    id_number: Str40 = Field(
        "", description="12-digit personal ID (CCCD), or the enterprise code of an organisation."
    )
    phone: Str40 = ""
    email: Str254 = ""
    address: Str300 = ""
    representative: RepresentativeIn | None = None

    def to_service(self) -> services.Applicant:
        rep = self.representative
        return services.Applicant(
            name=self.name,
            kind=self.kind,
            id_number=self.id_number,
            phone=self.phone,
            email=self.email,
            address=self.address,
            representative_name=rep.name if rep else "",
            representative_id_number=rep.id_number if rep else "",
            representative_phone=rep.phone if rep else "",
            representative_address=rep.address if rep else "",
            authorisation_document=rep.authorisation_document if rep else "",
        )


class ProcedureChoice(Schema):
    procedure_code: Str40 | None = Field(
        None, description="Procedure code (mã thủ tục); the version in force today is used."
    )
    procedure_version_id: Id | None = Field(
        None, description="Or a version id, which must be in force today."
    )

    @model_validator(mode="after")
    def _one_procedure(self) -> "ProcedureChoice":
        if (self.procedure_code is None) == (self.procedure_version_id is None):
            raise ValueError(_("Give either procedure_code or procedure_version_id, not both."))
        return self


class CounterIn(ProcedureChoice):
    receiving_unit_id: Id = Field(description="The one-stop desk (bộ phận một cửa).")
    applicant: ApplicantIn


class IntakeIn(CounterIn):
    provided_document_ids: Annotated[list[Id], Field(max_length=200)] = Field(
        default_factory=list, description="Ids of the procedure's documents handed in."
    )
    channel: Literal["counter", "post"] = "counter"
    postal_address: Str300 = Field("", description="Where to post the result, if by post.")
    note: Text = ""


class GuidanceIn(CounterIn):
    provided_document_ids: Annotated[list[Id], Field(max_length=200)] = Field(default_factory=list)
    extra_items: Items = Field(
        default_factory=list, description="Further items to add or correct, in words."
    )
    reason: Text = ""


class RefusalIn(CounterIn):
    reasons: Text = Field(description="Printed on Mẫu 03 (phiếu từ chối).")


class OnlineIn(Schema):
    procedure_code: Str40
    receiving_unit_id: Id
    applicant: ApplicantIn
    provided_document_ids: Annotated[list[Id], Field(max_length=200)] = Field(default_factory=list)
    postal_address: Str300 = ""


class ActionIn(Schema):
    expected_version: int = Field(
        ge=1, le=MAX_INT, description="The dossier's `version` as the caller last saw it."
    )


class RefuseIn(ActionIn):
    reasons: Text


class ReasonIn(ActionIn):
    reason: Text = ""


class NoteIn(ActionIn):
    note: Text = ""


class HandOverIn(ActionIn):
    to_user_id: Id | None = Field(
        None, description="The next step's handler; empty leaves it in the unit's queue."
    )
    note: Text = ""


class SupplementIn(ActionIn):
    items: Items = Field(description="Every missing or wrong item, listed at once.")
    reason: Text
    override_reason: Text = Field(
        "", description="Needed (with a leader's role) for a second request."
    )


class PaymentIn(ActionIn):
    items: Items = Field(description="The obligations to pay, e.g. land levy.")
    reason: Text = ""


class ApologyIn(ActionIn):
    reason: Text
    new_date: date = Field(description="The new return date: a working day after the due date.")


class StopIn(ActionIn):
    reason: Text
    requested_on: date | None = Field(None, description="Day of the applicant's request.")


class DecideIn(ActionIn):
    decision: Decision
    reasons: Text = Field("", description="Required when not granted.")


class ReturnIn(ActionIn):
    method: ReturnMethod
    received_by: Str200 = Field("", description="Who signed for the result at the counter.")
    note: Text = ""


class DossierFilter(Schema):
    queue: DossierQueue | None = Field(
        None,
        description=(
            "`mine` (my current steps), `unit` (untaken steps at my units), `due_soon`, "
            "`overdue`, `waiting` (awaiting intake, a supplement or payment); empty: all."
        ),
    )
    status: list[DossierStatus] = Field(default_factory=list)
    procedure: Str40 | None = Field(None, description="Procedure code.")
    received_from: date | None = Field(None, description="First local intake day (inclusive).")
    received_to: date | None = Field(None, description="Last local intake day (inclusive).")
    page: int = Field(1, ge=1, le=100_000)
    page_size: int = Field(20, ge=1, le=MAX_PAGE_SIZE)


IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        description=(
            "A fresh random string per intended dossier (1–100 characters). A retried "
            "request with the same key returns the dossier already created (200, same "
            "body) instead of creating another."
        ),
        min_length=1,
        max_length=100,
        pattern=r"^[\x21-\x7e]+$",
    ),
]

# --- helpers -------------------------------------------------------------------------------------


def _field_error(field: str, message: str, code: str) -> ApplicationError:
    return ApplicationError(
        message, code=code, extra={"errors": [{"field": field, "message": message}]}
    )


def _receiving_unit(unit_id: int) -> Unit:
    unit = unit_get_cached(unit_id)
    if unit is None:
        raise _field_error(
            "receiving_unit_id",
            _("There is no unit with id %(id)s.") % {"id": unit_id},
            "unknown_unit",
        )
    return unit


def _version(version_id: int | None) -> ProcedureVersion | None:
    if version_id is None:
        return None
    version = ProcedureVersion.objects.select_related("procedure").filter(pk=version_id).first()
    if version is None:
        raise _field_error(
            "procedure_version_id",
            _("There is no procedure version with id %(id)s.") % {"id": version_id},
            "unknown_procedure_version",
        )
    return version


def _same_request(
    dossier: Dossier, unit: Unit, choice: ProcedureChoice | OnlineIn, applicant: ApplicantIn
) -> bool:
    if dossier.receiving_unit_id != unit.pk or dossier.applicant_name != nfc(applicant.name):
        return False
    if isinstance(choice, ProcedureChoice) and choice.procedure_version_id is not None:
        return dossier.procedure_version_id == choice.procedure_version_id
    return dossier.procedure.code == nfc(choice.procedure_code or "")


def _intake_response(
    result: services.IntakeResult,
    unit: Unit,
    body: IntakeIn | OnlineIn,
) -> Status[dict[str, Any]]:
    dossier = result.dossier
    if not result.created:
        dossier = _reloaded(dossier)
        if not _same_request(dossier, unit, body, body.applicant):
            raise ConflictError(
                _(
                    "This Idempotency-Key was already used for another dossier (%(code)s); "
                    "use a new key for a new dossier."
                )
                % {"code": dossier.code},
                code="idempotency_key_reused",
                extra={"version": dossier.version, "status": dossier.status},
            )
    missing: list[str] = []
    if dossier.channel == Channel.ONLINE:
        missing = list(
            dossier.documents.filter(is_mandatory=True, provided=False).values_list(
                "name", flat=True
            )
        )
    body_out = {**_dossier(dossier), "fee_total": dossier.fee_total, "missing": missing}
    return Status(201 if result.created else 200, body_out)


T = TypeVar("T")


def _caller(request: HttpRequest) -> Any:
    """Return the authenticated staff member (set by the router's auth)."""
    return request.auth  # type: ignore[attr-defined]


def _act(dossier: Dossier, call: Callable[[], T]) -> T:
    """Run one service; add the current version and status to a conflict that lacks them."""
    try:
        return call()
    except ConflictError as exc:
        if "version" not in exc.extra:
            current = Dossier.objects.filter(pk=dossier.pk).values("version", "status").first()
            exc.extra = {**exc.extra, **(current or {})}
        raise


def _target(request: HttpRequest, code: str) -> Dossier:
    return dossier_get_for_user(_caller(request), code)


def _summary_of(dossier: Dossier) -> dict[str, Any]:
    return _dossier(_reloaded(dossier))


# --- creation ------------------------------------------------------------------------------------


@router.post(
    "/",
    response={201: IntakeOut, 200: IntakeOut, **ERRORS},
    summary="Receive a dossier at the counter",
    description=(
        "**Tiếp nhận hồ sơ** at the one-stop desk (or by post): the dossier gets its code, "
        "D0 and legal due from the agency's working calendar, and the receipt "
        "(Mẫu 01, giấy tiếp nhận hồ sơ và hẹn trả kết quả) can be printed. Every mandatory "
        "document must be handed in; otherwise answer with guidance (`POST /guidance`). "
        "Needs the intake role on the receiving unit. A retry with the same "
        "`Idempotency-Key` answers 200 with the same dossier; the same key with another "
        "request answers 409."
    ),
)
def dossier_receive(
    request: HttpRequest, body: IntakeIn, idempotency_key: IdempotencyKey = None
) -> Status[dict[str, Any]]:
    unit = _receiving_unit(body.receiving_unit_id)
    result = services.dossier_receive(
        actor=_caller(request),
        receiving_unit=unit,
        applicant=body.applicant.to_service(),
        provided_documents=body.provided_document_ids,
        procedure_version=_version(body.procedure_version_id),
        procedure_code=body.procedure_code,
        channel=body.channel,
        postal_address=body.postal_address,
        note=body.note,
        idempotency_key=idempotency_key,
    )
    return _intake_response(result, unit, body)


@router.post(
    "/guidance",
    response={201: GuidanceOut, **ERRORS},
    summary="Give guidance for an incomplete dossier",
    description=(
        "**Hướng dẫn hoàn thiện hồ sơ** (Mẫu 02, phiếu yêu cầu bổ sung, hoàn thiện hồ sơ): "
        "records, before any intake, every missing mandatory document and any further item, "
        "listed at once. Nothing is received and no code is given."
    ),
)
def dossier_guide(request: HttpRequest, body: GuidanceIn) -> Status[dict[str, Any]]:
    unit = _receiving_unit(body.receiving_unit_id)
    guidance: IntakeGuidance = services.dossier_guide_incomplete(
        actor=_caller(request),
        receiving_unit=unit,
        applicant=body.applicant.to_service(),
        provided_documents=body.provided_document_ids,
        extra_items=body.extra_items,
        reason=body.reason,
        procedure_version=_version(body.procedure_version_id),
        procedure_code=body.procedure_code,
    )
    return Status(
        201,
        {
            "id": guidance.pk,
            "at": _t(guidance.at),
            "procedure": _procedure(
                guidance.procedure_version.procedure.code, guidance.procedure_version
            ),
            "receiving_unit": _unit(unit),
            "applicant_name": guidance.applicant_name,
            "items": guidance.items,
            "reason": guidance.reason,
        },
    )


@router.post(
    "/refusals",
    response={201: DossierOut, **ERRORS},
    summary="Refuse a dossier at the counter",
    description=(
        "**Từ chối tiếp nhận hồ sơ** (Mẫu 03, phiếu từ chối tiếp nhận giải quyết hồ sơ) "
        "with written reasons. The refusal is recorded without a code; read it back by "
        "its numeric id."
    ),
)
def dossier_refuse_at_intake(request: HttpRequest, body: RefusalIn) -> Status[dict[str, Any]]:
    unit = _receiving_unit(body.receiving_unit_id)
    dossier = services.dossier_refuse_at_intake(
        actor=_caller(request),
        receiving_unit=unit,
        applicant=body.applicant.to_service(),
        reasons=body.reasons,
        procedure_version=_version(body.procedure_version_id),
        procedure_code=body.procedure_code,
    )
    return Status(201, _summary_of(dossier))


@router.post(
    "/online",
    response={201: IntakeOut, 200: IntakeOut, **ERRORS},
    summary="Record an online submission",
    description=(
        "**Nộp hồ sơ trực tuyến**, entered by an intake officer of the receiving unit "
        "(the citizen portal comes later): the dossier gets its code and waits for intake "
        "(`accept`, `refuse` or `withdraw`); `missing` lists mandatory documents not yet "
        "provided. Idempotent with `Idempotency-Key`, like counter intake."
    ),
)
def dossier_submit_online(
    request: HttpRequest, body: OnlineIn, idempotency_key: IdempotencyKey = None
) -> Status[dict[str, Any]]:
    unit = _receiving_unit(body.receiving_unit_id)
    if not user_has_role(_caller(request), "intake_officer", unit):
        raise PermissionDeniedError(
            _("Only an intake officer of %(unit)s can enter its online submissions.")
            % {"unit": unit}
        )
    result = services.dossier_submit_online(
        actor=_caller(request),
        applicant=body.applicant.to_service(),
        procedure_code=body.procedure_code,
        receiving_unit=unit,
        provided_documents=body.provided_document_ids,
        postal_address=body.postal_address,
        idempotency_key=idempotency_key,
    )
    return _intake_response(result, unit, body)


# --- reading -------------------------------------------------------------------------------------


@router.get(
    "/",
    response={200: DossierPageOut, **ERRORS},
    summary="The caller's work queue",
    description=(
        "**Danh sách hồ sơ** of the units the caller handles, in one queue: `mine` "
        "(hồ sơ tôi đang xử lý), `unit` (chờ nhận xử lý), `due_soon` (sắp đến hạn), "
        "`overdue` (quá hạn), `waiting` (chờ tiếp nhận, bổ sung hoặc thực hiện nghĩa vụ "
        "tài chính). Queues sort by due instant, the full list newest first. "
        "Personal data is not listed."
    ),
)
def dossier_list(request: HttpRequest, filters: Query[DossierFilter]) -> dict[str, Any]:
    dossiers = dossier_list_for_user(
        _caller(request),
        queue=filters.queue,
        statuses=filters.status,
        procedure=filters.procedure,
        received_from=filters.received_from,
        received_to=filters.received_to,
    )
    count = dossiers.count()
    start = (filters.page - 1) * filters.page_size
    items = dossier_page(dossiers, offset=start, limit=filters.page_size) if start < count else []
    return {
        "count": count,
        "page": filters.page,
        "pages": -(-count // filters.page_size),
        "page_size": filters.page_size,
        "items": [_dossier(d) for d in items],
    }


@router.get(
    "/{code}",
    response={200: DossierDetailOut, **ERRORS},
    summary="One dossier with its history",
    description=(
        "**Chi tiết hồ sơ**: applicant (with personal data), checklist documents, the "
        "control slip (phiếu kiểm soát quá trình giải quyết hồ sơ) step by step, pauses "
        "(tạm dừng), the apology (Mẫu 04, phiếu xin lỗi và hẹn lại ngày trả kết quả) and "
        "the events timeline. `code` is the dossier code, or the numeric id of a dossier "
        "refused at the counter. Each read is written to the audit log (`dossiers.view`). "
        "A dossier outside the caller's units answers 404."
    ),
)
def dossier_detail(request: HttpRequest, code: str) -> dict[str, Any]:
    dossier = dossier_get_for_user(_caller(request), code, with_history=True)
    dossier_log_view(actor=_caller(request), dossier=dossier, via="api")
    return _detail(dossier)


# --- printed forms -------------------------------------------------------------------------------

PDF_CONTENT = {"application/pdf": {"schema": {"type": "string", "format": "binary"}}}
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORM_ERRORS: dict[int, Any] = {401: ErrorOut, 404: ErrorOut, 422: ValidationErrorOut}
PDF_OPENAPI = {
    "responses": {
        200: {
            "description": (
                'The PDF, with `Content-Disposition: attachment; filename="mau-01-….pdf"`.'
            ),
            "content": PDF_CONTENT,
        }
    }
}


def _file_response(content: bytes, content_type: str, filename: str) -> HttpResponse:
    """Return a download that no shared cache keeps (it carries personal data)."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


def _pdf(form: str, obj: Any) -> HttpResponse:
    """Return the PDF of ``form`` for ``obj``; 404 with the reason when the form does not apply."""
    try:
        content = render_pdf(form, obj)
    except ValueError as exc:
        raise NotFoundError(str(exc), code="form_not_applicable") from None
    return _file_response(content, "application/pdf", pdf_filename(form, obj))


@router.get(
    "/{code}/forms/{form}",
    response=FORM_ERRORS,
    openapi_extra=PDF_OPENAPI,
    summary="Print a form of the dossier (PDF)",
    description=(
        "**In biểu mẫu** of TT 03/2025/TT-VPCP (or TT 01/2018 when the deployment says so): "
        "`receipt` (Mẫu 01, giấy tiếp nhận hồ sơ và hẹn trả kết quả) and `control` (phiếu "
        "kiểm soát quá trình giải quyết hồ sơ) for a received dossier, `refusal` (Mẫu 03) "
        "for a refused one, `apology` (Mẫu 04) when there is an apology, `stop` (thông báo "
        "dừng giải quyết hồ sơ) for a stopped one. A form that does not apply answers 404 "
        "with the reason; the supplement request is `/forms/supplement/{number}`. The "
        "detail's `forms` lists what applies. Prints personal data: each print is written "
        "to the audit log (`dossiers.view`). A dossier outside the caller's units answers 404."
    ),
)
def dossier_form(request: HttpRequest, code: str, form: str) -> HttpResponse:
    if form not in DOSSIER_FORMS:
        raise NotFoundError(
            _(
                "There is no form “%(form)s” to print for a dossier; use receipt, refusal, "
                "apology, stop, control or supplement/<number>."
            )
            % {"form": form[:40]},
            code="unknown_form",
        )
    dossier = dossier_get_for_user(_caller(request), code)
    response = _pdf(form, dossier)
    dossier_log_view(actor=_caller(request), dossier=dossier, via=f"api:print:{form}")
    return response


@router.get(
    "/{code}/forms/supplement/{number}",
    response=FORM_ERRORS,
    openapi_extra=PDF_OPENAPI,
    summary="Print a supplement request (PDF)",
    description=(
        "**Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ** (Mẫu 02) of the dossier's supplement "
        "request `number` (1 for the first, see `pauses[].number`). Written to the audit "
        "log (`dossiers.view`). 404 when the dossier has no such request or is outside the "
        "caller's units."
    ),
)
def dossier_form_supplement(
    request: HttpRequest, code: str, number: Annotated[int, Path(ge=1, le=32767)]
) -> HttpResponse:
    dossier = dossier_get_for_user(_caller(request), code)
    pause = (
        dossier.pauses.select_related("requested_by")
        .filter(kind=PauseKind.SUPPLEMENT, number=number)
        .order_by("started_at", "id")
        .first()
    )
    if pause is None:
        raise NotFoundError(
            _("Dossier %(code)s has no supplement request number %(number)s.")
            % {"code": dossier.code or dossier.pk, "number": number},
            code="form_not_applicable",
        )
    pause.dossier = dossier
    response = _pdf("supplement", pause)
    dossier_log_view(actor=_caller(request), dossier=dossier, via="api:print:supplement")
    return response


# --- actions -------------------------------------------------------------------------------------

ACTION_RESPONSES: dict[int, Any] = {200: DossierOut, **ERRORS}


@router.post(
    "/{code}/accept",
    response=ACTION_RESPONSES,
    summary="Accept an online submission",
    description=(
        "**Tiếp nhận hồ sơ trực tuyến**: the clock starts now (D0, legal due, steps). "
        "Every mandatory document must have been provided; otherwise request a supplement "
        "or refuse. Intake role on the receiving unit."
    ),
)
def dossier_accept(request: HttpRequest, code: str, body: ActionIn) -> dict[str, Any]:
    dossier = _target(request, code)
    done = _act(
        dossier,
        lambda: services.dossier_accept(
            dossier=dossier, actor=_caller(request), expected_version=body.expected_version
        ),
    )
    return _summary_of(done)


@router.post(
    "/{code}/refuse",
    response=ACTION_RESPONSES,
    summary="Refuse an online submission",
    description="**Từ chối tiếp nhận** an online submission (Mẫu 03) with written reasons.",
)
def dossier_refuse(request: HttpRequest, code: str, body: RefuseIn) -> dict[str, Any]:
    dossier = _target(request, code)
    done = _act(
        dossier,
        lambda: services.dossier_refuse(
            dossier=dossier,
            actor=_caller(request),
            reasons=body.reasons,
            expected_version=body.expected_version,
        ),
    )
    return _summary_of(done)


@router.post(
    "/{code}/withdraw",
    response=ACTION_RESPONSES,
    summary="Withdraw an online submission",
    description="**Rút hồ sơ** before intake, at the applicant's request.",
)
def dossier_withdraw(request: HttpRequest, code: str, body: ReasonIn) -> dict[str, Any]:
    dossier = _target(request, code)
    done = _act(
        dossier,
        lambda: services.dossier_withdraw(
            dossier=dossier,
            actor=_caller(request),
            reason=body.reason,
            expected_version=body.expected_version,
        ),
    )
    return _summary_of(done)


@router.post(
    "/{code}/hand-over",
    response=ACTION_RESPONSES,
    summary="Hand the dossier over to the next step",
    description=(
        "**Chuyển hồ sơ** (bàn giao, recorded on the phiếu kiểm soát): finishes the current "
        "step, judged early / on time / late against its budget, and starts the next one, "
        "optionally with its handler (`to_user_id`, who must hold the step's role). "
        "The caller must hold the current step's role."
    ),
)
def dossier_hand_over(request: HttpRequest, code: str, body: HandOverIn) -> dict[str, Any]:
    dossier = _target(request, code)
    receiver = None
    if body.to_user_id is not None:
        receiver = get_user_model().objects.filter(pk=body.to_user_id, is_active=True).first()
        if receiver is None:
            raise _field_error(
                "to_user_id",
                _("There is no active user with id %(id)s.") % {"id": body.to_user_id},
                "unknown_user",
            )
    done = _act(
        dossier,
        lambda: services.dossier_hand_over(
            dossier=dossier,
            actor=_caller(request),
            to_user=receiver,
            note=body.note,
            expected_version=body.expected_version,
        ),
    )
    return _summary_of(done)


@router.post(
    "/{code}/claim",
    response=ACTION_RESPONSES,
    summary="Take the current step from the unit's queue",
    description=(
        "**Nhận xử lý hồ sơ**: the caller becomes the handler of the current step (the "
        "receiver on the phiếu kiểm soát). Needs the step's role on its unit; 409 when "
        "someone took it first."
    ),
)
def dossier_claim(request: HttpRequest, code: str, body: ActionIn) -> dict[str, Any]:
    dossier = _target(request, code)
    done = _act(
        dossier,
        lambda: services.dossier_claim(
            dossier=dossier, actor=_caller(request), expected_version=body.expected_version
        ),
    )
    return _summary_of(done)


@router.post(
    "/{code}/request-supplement",
    response={200: PauseActionOut, **ERRORS},
    summary="Ask the applicant for a supplement",
    description=(
        "**Yêu cầu bổ sung, hoàn thiện hồ sơ** (Mẫu 02): once, listing everything at once; "
        "the clock stops (tạm dừng) until the supplement arrives, then resumes or restarts "
        "by the procedure's policy. A second request needs a leader and `override_reason`."
    ),
)
def dossier_request_supplement(
    request: HttpRequest, code: str, body: SupplementIn
) -> dict[str, Any]:
    dossier = _target(request, code)
    pause = _act(
        dossier,
        lambda: services.dossier_request_supplement(
            dossier=dossier,
            actor=_caller(request),
            items=body.items,
            reason=body.reason,
            override_reason=body.override_reason,
            expected_version=body.expected_version,
        ),
    )
    return {"dossier": _summary_of(dossier), "pause": _pause(pause)}


@router.post(
    "/{code}/supplement-received",
    response=ACTION_RESPONSES,
    summary="Record the supplement",
    description=(
        "**Tiếp nhận hồ sơ bổ sung**: the complete dossier arrived; the clock resumes "
        "(or restarts in full when the procedure says so)."
    ),
)
def dossier_supplement_received(request: HttpRequest, code: str, body: NoteIn) -> dict[str, Any]:
    dossier = _target(request, code)
    done = _act(
        dossier,
        lambda: services.dossier_supplement_received(
            dossier=dossier,
            actor=_caller(request),
            note=body.note,
            expected_version=body.expected_version,
        ),
    )
    return _summary_of(done)


@router.post(
    "/{code}/request-payment",
    response={200: PauseActionOut, **ERRORS},
    summary="Wait for the applicant's financial obligations",
    description=(
        "**Chờ thực hiện nghĩa vụ tài chính** (e.g. land levy): the clock stops until "
        "`payment-received`."
    ),
)
def dossier_request_payment(request: HttpRequest, code: str, body: PaymentIn) -> dict[str, Any]:
    dossier = _target(request, code)
    pause = _act(
        dossier,
        lambda: services.dossier_request_payment(
            dossier=dossier,
            actor=_caller(request),
            items=body.items,
            reason=body.reason,
            expected_version=body.expected_version,
        ),
    )
    return {"dossier": _summary_of(dossier), "pause": _pause(pause)}


@router.post(
    "/{code}/payment-received",
    response=ACTION_RESPONSES,
    summary="Record that the obligations were met",
    description="**Đã thực hiện nghĩa vụ tài chính**: the clock resumes.",
)
def dossier_payment_received(request: HttpRequest, code: str, body: NoteIn) -> dict[str, Any]:
    dossier = _target(request, code)
    done = _act(
        dossier,
        lambda: services.dossier_payment_received(
            dossier=dossier,
            actor=_caller(request),
            note=body.note,
            expected_version=body.expected_version,
        ),
    )
    return _summary_of(done)


@router.post(
    "/{code}/apologise",
    response={200: ApologyActionOut, **ERRORS},
    summary="Apologise and set a new return date",
    description=(
        "**Phiếu xin lỗi và hẹn lại ngày trả kết quả** (Mẫu 04): once per dossier, signed by "
        "a leader at least one working day before the due date; `new_date` must be a "
        "working day after it. Early / on time / late is still judged on the legal due."
    ),
)
def dossier_apologise(request: HttpRequest, code: str, body: ApologyIn) -> dict[str, Any]:
    dossier = _target(request, code)
    apology = _act(
        dossier,
        lambda: services.dossier_apologise(
            dossier=dossier,
            actor=_caller(request),
            reason=body.reason,
            new_date=body.new_date,
            expected_version=body.expected_version,
        ),
    )
    return {"dossier": _summary_of(dossier), "apology": _apology(apology)}


@router.post(
    "/{code}/stop",
    response=ACTION_RESPONSES,
    summary="Stop handling at the applicant's request",
    description=(
        "**Dừng giải quyết hồ sơ** (Mẫu 05) before a decision, at the applicant's written "
        "request. Intake role on the receiving unit."
    ),
)
def dossier_stop(request: HttpRequest, code: str, body: StopIn) -> dict[str, Any]:
    dossier = _target(request, code)
    done = _act(
        dossier,
        lambda: services.dossier_stop(
            dossier=dossier,
            actor=_caller(request),
            reason=body.reason,
            requested_on=body.requested_on,
            expected_version=body.expected_version,
        ),
    )
    return _summary_of(done)


@router.post(
    "/{code}/decide",
    response=ACTION_RESPONSES,
    summary="Sign the decision",
    description=(
        "**Ký duyệt kết quả** (phê duyệt): granted, or not granted with written reasons. "
        "The result is ready and the dossier is judged early / on time / late against "
        "the legal due. Leader's role on the signing step's unit."
    ),
)
def dossier_decide(request: HttpRequest, code: str, body: DecideIn) -> dict[str, Any]:
    dossier = _target(request, code)
    done = _act(
        dossier,
        lambda: services.dossier_decide(
            dossier=dossier,
            actor=_caller(request),
            decision=body.decision,
            reasons=body.reasons,
            expected_version=body.expected_version,
        ),
    )
    return _summary_of(done)


@router.post(
    "/{code}/return",
    response=ACTION_RESPONSES,
    summary="Return the result",
    description=(
        "**Trả kết quả giải quyết hồ sơ** at the counter (the receiver signs the log book, "
        "sổ theo dõi), by post or electronically. Intake role on the receiving unit."
    ),
)
def dossier_return(request: HttpRequest, code: str, body: ReturnIn) -> dict[str, Any]:
    dossier = _target(request, code)
    done = _act(
        dossier,
        lambda: services.dossier_return(
            dossier=dossier,
            actor=_caller(request),
            method=body.method,
            received_by=body.received_by,
            note=body.note,
            expected_version=body.expected_version,
        ),
    )
    return _summary_of(done)


@router.post(
    "/{code}/close-unsupplemented",
    response=ACTION_RESPONSES,
    summary="Close a dossier whose supplement did not arrive",
    description=(
        "**Kết thúc hồ sơ do không bổ sung**: after the applicant's time to supplement "
        "(15 working days by default) has passed. Usually the scheduled job does it; "
        "an intake officer of the receiving unit may too."
    ),
)
def dossier_close_unsupplemented(request: HttpRequest, code: str, body: ActionIn) -> dict[str, Any]:
    dossier = _target(request, code)
    done = _act(
        dossier,
        lambda: services.dossier_close_unsupplemented(
            dossier=dossier, actor=_caller(request), expected_version=body.expected_version
        ),
    )
    return _summary_of(done)


# --- log book ------------------------------------------------------------------------------------


class LogbookFilter(Schema):
    unit_id: Id = Field(
        description=(
            "The one-stop desk (bộ phận một cửa), or a unit above it: the dossiers received "
            "anywhere below it are listed."
        )
    )
    start: date | None = Field(
        None, description="First local intake day (inclusive); the 1st of `end`'s month if empty."
    )
    end: date | None = Field(None, description="Last local intake day (inclusive); today if empty.")
    field: Str40 | None = Field(
        None, description="A field of procedures (lĩnh vực) by code, see `/catalog/fields`."
    )
    format: Literal["json", "xlsx", "pdf"] = Field(
        "json", description="`json` (rows), `xlsx` (Excel) or `pdf` (the printed form)."
    )


class FieldRef(Schema):
    code: str
    name: str


class LogbookRowOut(Schema):
    number: int | None = Field(
        description=(
            "Số thứ tự: the entry number in its volume, given at intake and printed on the "
            "receipt (Form 01)."
        )
    )
    volume: str = Field(
        description=(
            "Quyển số, as printed on the receipt: the year and the field, e.g. "
            "“2026 (lĩnh vực Hộ tịch)”. A volume is kept per receiving desk, field and year; "
            "rows come volume by volume, each in entry order."
        )
    )
    desk_name: str = Field(description="The receiving desk that keeps the volume.")
    dossier_id: int
    code: str
    procedure_code: str
    procedure_name: str
    applicant_name: str
    address: str
    phone: str
    agency_name: str = Field(description="The agency that decides (cơ quan chủ trì giải quyết).")
    received_at: datetime
    appointment_at: datetime | None = Field(
        description="Hẹn trả kết quả: the appointment printed on the receipt."
    )
    new_appointment_at: datetime | None = Field(
        description="The new date an apology (Form 04) promised, if any."
    )
    returned_at: datetime | None
    return_method: ReturnMethod | Literal[""]
    return_method_label: str = Field(description="As printed, in Vietnamese.")
    returned_to: str = Field(
        description=(
            "Who collected the result, as recorded at the return. The printed and exported "
            "log book leave “Ký nhận” empty for their signature."
        )
    )


class LogbookOut(Schema):
    title: str = Field(description="The line printed under “SỔ THEO DÕI HỒ SƠ”.")
    unit: UnitRef
    field: FieldRef | None
    start: date
    end: date
    count: int
    rows: list[LogbookRowOut]


class LogbookExportOut(Schema):
    id: int
    status: Literal["pending", "ready", "failed"] = Field(
        description="`pending` while the worker builds the file, then `ready` or `failed`."
    )
    format: Literal["xlsx", "pdf"]
    unit: UnitRef
    field: FieldRef | None
    start: date
    end: date
    requested_at: datetime
    finished_at: datetime | None
    rows: int | None = Field(description="Rows in the file, once it is ready.")
    url: str = Field(description="This status.")
    file_url: str | None = Field(description="The file, once it is ready.")


LOGBOOK_OPENAPI = {
    "responses": {
        200: {
            "description": (
                "JSON rows by default; with `format=xlsx` or `format=pdf` the file, with "
                '`Content-Disposition: attachment; filename="mau-07-so-theo-doi-….pdf"`.'
            ),
            "content": {
                XLSX_TYPE: {"schema": {"type": "string", "format": "binary"}},
                **PDF_CONTENT,
            },
        }
    }
}
EXPORT_FILE_OPENAPI = {
    "responses": {
        200: {
            "description": "The file, as an attachment.",
            "content": {
                XLSX_TYPE: {"schema": {"type": "string", "format": "binary"}},
                **PDF_CONTENT,
            },
        }
    }
}


def _logbook_unit(unit_id: int) -> Unit:
    unit = unit_get_cached(unit_id)
    if unit is None:
        raise _field_error(
            "unit_id", _("There is no unit with id %(id)s.") % {"id": unit_id}, "unknown_unit"
        )
    return unit


def _logbook_field(code: str | None) -> ProcedureField | None:
    if not code:
        return None
    found = ProcedureField.objects.filter(code=nfc(code)).first()
    if found is None:
        raise _field_error(
            "field",
            _("There is no field of procedures with code %(code)s.") % {"code": code},
            "unknown_field",
        )
    return found


def _logbook_row(row: LogbookRow) -> dict[str, Any]:
    return {
        "number": row.number,
        "volume": row.volume,
        "desk_name": row.desk_name,
        "dossier_id": row.dossier_id,
        "code": row.code,
        "procedure_code": row.procedure_code,
        "procedure_name": row.procedure_name,
        "applicant_name": row.applicant_name,
        "address": row.address,
        "phone": row.phone,
        "agency_name": row.agency_name,
        "received_at": _t(row.received_at),
        "appointment_at": _t(row.appointment_at),
        "new_appointment_at": _t(row.new_appointment_at),
        "returned_at": _t(row.returned_at),
        "return_method": row.return_method,
        "return_method_label": row.return_method_label,
        "returned_to": row.returned_to,
    }


def _logbook_json(page: LogbookPage, field: ProcedureField | None) -> dict[str, Any]:
    return {
        "title": page.title,
        "unit": _unit(page.unit),
        "field": {"code": field.code, "name": field.name} if field is not None else None,
        "start": page.start,
        "end": page.end,
        "count": len(page.rows),
        "rows": [_logbook_row(row) for row in page.rows],
    }


def _export_json(export: LogbookExport) -> dict[str, Any]:
    url = f"/api/v1/logbook/exports/{export.pk}"
    ready = export.status == LogbookExportStatus.READY
    field = export.field
    return {
        "id": export.pk,
        "status": export.status,
        "format": export.format,
        "unit": _unit(export.unit),
        "field": {"code": field.code, "name": field.name} if field is not None else None,
        "start": export.start,
        "end": export.end,
        "requested_at": _t(export.requested_at),
        "finished_at": _t(export.finished_at),
        "rows": export.rows,
        "url": url,
        "file_url": f"{url}/file" if ready else None,
    }


@logbook_router.get(
    "",
    response={
        200: LogbookOut,
        202: LogbookExportOut,
        **{code: ERRORS[code] for code in (400, 401, 403, 422)},
    },
    openapi_extra=LOGBOOK_OPENAPI,
    summary="The log book of a one-stop desk",
    description=(
        "**Sổ theo dõi hồ sơ** (Mẫu 07 of TT 03/2025/TT-VPCP, Mẫu 06 of TT 01/2018): one row "
        "per dossier received at `unit_id` or below it on the local days `start`…`end` "
        "(at most one year), optionally of one `field`, volume by volume (desk, field, year) "
        "in entry order. JSON rows by default, or the Excel sheet or the printed PDF with "
        "`format`. A file of more rows than the deployment builds inside a request "
        "(`MOTCUA_LOGBOOK_EXPORT_INLINE_ROWS`, 500 by default) answers **202** with the "
        "export being prepared and a `Location` header: poll `/logbook/exports/{id}` "
        "until `status` is `ready`, then fetch `file_url`. For staff with the intake "
        "officer or centre director role over the unit. It lists applicants' addresses and "
        "phones: each call is written to the audit log (`dossiers.logbook.view` for JSON, "
        "`dossiers.logbook.export` for a file, when it is built)."
    ),
)
def logbook(request: HttpRequest, filters: Query[LogbookFilter], response: HttpResponse) -> Any:
    user = _caller(request)
    unit = _logbook_unit(filters.unit_id)
    field = _logbook_field(filters.field)
    query = {"actor": user, "unit": unit, "start": filters.start, "end": filters.end}
    if filters.format == "json":
        page = logbook_read(**query, field=field, output="json", via="api")
        return _logbook_json(page, field)
    result = logbook_export(**query, field=field, output=filters.format, via="api")
    if isinstance(result, LogbookExport):
        body = _export_json(result)
        response["Location"] = body["url"]
        return Status(202, body)
    return _file_response(result.content, result.content_type, result.filename)


@logbook_router.get(
    "/exports/{export_id}",
    response={200: LogbookExportOut, **{code: ERRORS[code] for code in (401, 404, 422)}},
    summary="A log book export being prepared",
    description=(
        "The status of an export answered with 202 by `/logbook`: for the staff member who "
        "asked, or staff keeping that desk's log book; anybody else gets 404. Exports are "
        "deleted after `MOTCUA_LOGBOOK_EXPORT_KEEP_HOURS` (24 by default)."
    ),
)
def logbook_export_status(request: HttpRequest, export_id: Path[Id]) -> Any:
    return _export_json(logbook_export_get(actor=_caller(request), export_id=export_id))


@logbook_router.get(
    "/exports/{export_id}/file",
    response={200: None, **{code: ERRORS[code] for code in (401, 404, 409, 422)}},
    openapi_extra=EXPORT_FILE_OPENAPI,
    summary="The file of a log book export",
    description=(
        "The Excel sheet or PDF once `status` is `ready`; 409 `export_not_ready` before, "
        "409 `export_failed` if it could not be built. Each fetch is written to the audit "
        "log (`dossiers.logbook.fetch`)."
    ),
)
def logbook_export_file(request: HttpRequest, export_id: Path[Id]) -> Any:
    user = _caller(request)
    export = logbook_export_get(actor=user, export_id=export_id)
    with logbook_export_open(actor=user, export=export) as handle:
        content = handle.read()
    return _file_response(content, CONTENT_TYPES[export.format], export.filename)
