"""Creating dossiers: counter intake, guidance, refusal at the counter, online submission."""

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Status

from motcua.core.errors import (
    PermissionDeniedError,
)
from motcua.dossiers import services
from motcua.dossiers.api.common import (
    _active_user,
    _caller,
    _intake_response,
    _receiving_unit,
    _summary_of,
    _version,
    router,
)
from motcua.dossiers.api.output import _guidance
from motcua.dossiers.api.schemas import (
    ERRORS,
    DossierOut,
    GuidanceIn,
    GuidanceOut,
    IdempotencyKey,
    IntakeIn,
    IntakeOut,
    OnlineIn,
    RefusalIn,
)
from motcua.dossiers.models import IntakeGuidance
from motcua.org.selectors import user_has_role


@router.post(
    "/",
    response={201: IntakeOut, 200: IntakeOut, **ERRORS},
    summary="Receive a dossier at the counter",
    description=(
        "**Tiếp nhận hồ sơ** at the one-stop desk (or by post): the dossier gets its code, "
        "D0 and legal due from the agency's working calendar, and the receipt "
        "(Mẫu 01, giấy tiếp nhận hồ sơ và hẹn trả kết quả) can be printed. Intake completes "
        "the intake step and hands the dossier to the next step's unit at once (to "
        "`to_user_id` when given), as the control slip records it. Every mandatory "
        "document must be handed in; otherwise answer with guidance (`POST /guidance`). "
        "Needs the intake role on the receiving unit. A retry with the same "
        "`Idempotency-Key` and the same request answers 200 with the same dossier; the "
        "same key with a different request (any field, or an online submission's key) "
        "answers 409 `idempotency_key_reused` and writes nothing."
    ),
)
def dossier_receive(
    request: HttpRequest, body: IntakeIn, idempotency_key: IdempotencyKey = None
) -> Status[dict[str, Any]]:
    unit = _receiving_unit(body.receiving_unit_id)
    receiver = _active_user("to_user_id", body.to_user_id)
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
        to_user=receiver,
    )
    return _intake_response(result)


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
    return Status(201, _guidance(guidance))


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
        "provided. Idempotent with `Idempotency-Key`, like counter intake: the same key "
        "with a different request, or a counter intake's key, answers 409 "
        "`idempotency_key_reused`."
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
    return _intake_response(result)
