"""Input and output schemas of the dossier API, and the constrained string types."""

from datetime import date, datetime
from typing import Annotated, Any, Literal

from django.utils.translation import gettext as _
from ninja import Header, Schema
from pydantic import AfterValidator, Field, StringConstraints, model_validator

from motcua.core.schemas import error_responses
from motcua.dossiers import services
from motcua.dossiers.constants import (
    ApplicantKind,
    Channel,
    Decision,
    DossierStatus,
    PauseKind,
    PausePolicy,
    ReturnMethod,
    Timeliness,
)
from motcua.dossiers.selectors import (
    DossierQueue,
)

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


RequiredItems = Annotated[list[Str500], Field(min_length=1, max_length=100)]
"""A list the service refuses empty: published with ``minItems`` 1."""


ERRORS: dict[int, Any] = error_responses(400, 401, 403, 404, 409, 422)


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
    signer_position: str = Field(description="The position the leader signed with.")
    reason: str
    original_due_at: datetime
    new_due_at: datetime
    late: bool = Field(
        description=(
            "Signed less than one working day before the due date, or after it "
            "(the law asks for one working day's notice)."
        )
    )
    drafted_by: UserRef | None = Field(description="The case handler who drafted it, if any.")


class ApologyDraftOut(Schema):
    drafted_at: datetime
    drafted_by: UserRef | None
    reason: str
    new_date: date = Field(description="The proposed new return date.")


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
        description=(
            "`receipt`, `supplement`, `refusal`, `apology`, `stop`, `answer` (the written "
            "answer to a dossier not granted), `control`."
        )
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
        description=(
            "Actions the caller may take now: the status, the current step and the "
            "caller's role on the unit concerned allow them (the rules the action checks)."
        )
    )
    steps: list[StepOut] = Field(description="The control slip (phiếu kiểm soát).")
    documents: list[DocumentOut]
    pauses: list[PauseOut]
    apology: ApologyOut | None
    apology_draft: ApologyDraftOut | None = Field(
        description="A case handler's draft waiting for a leader's signature."
    )
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


class ApologyDraftActionOut(Schema):
    dossier: DossierOut
    apology_draft: ApologyDraftOut


class GuidanceOut(Schema):
    id: int
    at: datetime
    procedure: ProcedureRef
    receiving_unit: UnitRef
    applicant_name: str
    items: list[str] = Field(description="Everything to add or correct, listed at once.")
    reason: str


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


DOCUMENT_IDS = (
    "Ids of the documents handed in: `documents[].id` of "
    "`GET /api/v1/catalog/procedures/{code}` (the version in force today)."
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
        default_factory=list, description=DOCUMENT_IDS
    )
    channel: Literal["counter", "post"] = "counter"
    postal_address: Str300 = Field("", description="Where to post the result, if by post.")
    note: Text = ""
    to_user_id: Id | None = Field(
        None,
        description=(
            "Intake hands the dossier to the next step at once: its handler, who must hold "
            "that step's role; empty leaves it in that unit's queue."
        ),
    )


class GuidanceIn(CounterIn):
    provided_document_ids: Annotated[list[Id], Field(max_length=200)] = Field(
        default_factory=list, description=DOCUMENT_IDS
    )
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
    provided_document_ids: Annotated[list[Id], Field(max_length=200)] = Field(
        default_factory=list, description=DOCUMENT_IDS
    )
    postal_address: Str300 = ""


class ActionIn(Schema):
    expected_version: int = Field(
        ge=1, le=MAX_INT, description="The dossier's `version` as the caller last saw it."
    )


class RefuseIn(ActionIn):
    reasons: Text


class AcceptIn(ActionIn):
    to_user_id: Id | None = Field(
        None,
        description=(
            "Accepting hands the dossier to the next step at once: its handler, who must hold "
            "that step's role; empty leaves it in that unit's queue."
        ),
    )


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
    items: RequiredItems = Field(description="Every missing or wrong item, listed at once.")
    reason: Text
    override_reason: Text = Field(
        "", description="Needed (with a leader's role) for a second request."
    )


class PaymentIn(ActionIn):
    items: RequiredItems = Field(description="The obligations to pay, e.g. land levy.")
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
            "body) instead of creating another. The key is bound to the whole request "
            "(the operation and every field, normalised): the same key with a different "
            "request answers 409 `idempotency_key_reused` and writes nothing."
        ),
        min_length=1,
        max_length=100,
        pattern=r"^[\x21-\x7e]+$",
    ),
]
