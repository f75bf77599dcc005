"""Actions on an existing dossier, one endpoint each."""

from typing import Any

from django.http import HttpRequest

from motcua.dossiers import services
from motcua.dossiers.api.common import (
    _act,
    _active_user,
    _caller,
    _summary_of,
    _target,
    router,
)
from motcua.dossiers.api.output import _apology, _apology_draft, _pause
from motcua.dossiers.api.schemas import (
    ERRORS,
    AcceptIn,
    ActionIn,
    ApologyActionOut,
    ApologyDraftActionOut,
    ApologyIn,
    DecideIn,
    DossierOut,
    HandOverIn,
    NoteIn,
    PauseActionOut,
    PaymentIn,
    ReasonIn,
    RefuseIn,
    ReturnIn,
    StopIn,
    SupplementIn,
)

ACTION_RESPONSES: dict[int, Any] = {200: DossierOut, **ERRORS}


@router.post(
    "/{code}/accept",
    response=ACTION_RESPONSES,
    summary="Accept an online submission",
    description=(
        "**Tiếp nhận hồ sơ trực tuyến**: the clock starts now (D0, legal due, steps), and "
        "the dossier is handed at once to the next step's unit (to `to_user_id` when "
        "given), as at the counter. Every mandatory document must have been provided; "
        "otherwise request a supplement or refuse. Intake role on the receiving unit."
    ),
)
def dossier_accept(request: HttpRequest, code: str, body: AcceptIn) -> dict[str, Any]:
    dossier = _target(request, code)
    receiver = _active_user("to_user_id", body.to_user_id)
    done = _act(
        dossier,
        lambda: services.dossier_accept(
            dossier=dossier,
            actor=_caller(request),
            to_user=receiver,
            expected_version=body.expected_version,
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
    receiver = _active_user("to_user_id", body.to_user_id)
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
        "**Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết** (Mẫu 04): once per "
        "dossier, signed by a leader of the handling agency; `new_date` must be a working "
        "day after the due date and still ahead. Signed less than one working day before the "
        "due date, or after it, it is still issued and marked `late`. It takes over a case "
        "handler's draft. Early / on time / late is still judged on the legal due."
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
    "/{code}/apology-draft",
    response={200: ApologyDraftActionOut, **ERRORS},
    summary="Draft an apology for a leader to sign",
    description=(
        "**Dự thảo văn bản xin lỗi**: a case handler or division head of the handling agency "
        "proposes the reason and the new date; the agency's leaders are told. Nothing reaches "
        "the applicant and no date moves until a leader signs (`apologise`). A new draft "
        "replaces the previous one."
    ),
)
def dossier_apology_draft(request: HttpRequest, code: str, body: ApologyIn) -> dict[str, Any]:
    dossier = _target(request, code)
    draft = _act(
        dossier,
        lambda: services.dossier_apology_draft(
            dossier=dossier,
            actor=_caller(request),
            reason=body.reason,
            new_date=body.new_date,
            expected_version=body.expected_version,
        ),
    )
    return {"dossier": _summary_of(dossier), "apology_draft": _apology_draft(draft)}


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
