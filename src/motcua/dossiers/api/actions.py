"""Actions on an existing dossier: one endpoint each, all made by :func:`action_endpoint`.

Each endpoint parses its body, calls the service of the same name with the
body's fields (``to_user_id`` looked up as ``to_user``) and the
``expected_version``, and answers the dossier, or the dossier and what the
action created (a pause, an apology, a draft). The paths are those of
``output.ACTION_PATHS``; the operation ids stay ``motcua_dossiers_api_<service>``.
"""

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest
from ninja import Schema

from motcua.dossiers import services
from motcua.dossiers.api.common import (
    _act,
    _active_user,
    _caller,
    _summary_of,
    _target,
    router,
)
from motcua.dossiers.api.output import ACTION_PATHS, _apology, _apology_draft, _pause
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

Created = tuple[str, type[Schema], Callable[[Any], dict[str, Any]]]
"""What an action creates besides the change: its key in the answer, the answer's schema
and the shape of the created object."""

PAUSE: Created = ("pause", PauseActionOut, _pause)
APOLOGY: Created = ("apology", ApologyActionOut, _apology)
APOLOGY_DRAFT: Created = ("apology_draft", ApologyDraftActionOut, _apology_draft)


def action_endpoint(
    action: str,
    service: Callable[..., Any],
    body_type: type[ActionIn],
    *,
    summary: str,
    description: str,
    created: Created | None = None,
) -> Callable[..., dict[str, Any]]:
    """Register ``POST /{code}/<path of action>`` calling ``service``; return the endpoint."""
    fields = [name for name in body_type.model_fields if name != "expected_version"]

    def endpoint(request: HttpRequest, code: str, body: ActionIn) -> dict[str, Any]:
        dossier = _target(request, code)
        arguments = {name: getattr(body, name) for name in fields}
        if "to_user_id" in arguments:
            arguments["to_user"] = _active_user("to_user_id", arguments.pop("to_user_id"))
        done = _act(
            dossier,
            lambda: service(
                dossier=dossier,
                actor=_caller(request),
                expected_version=body.expected_version,
                **arguments,
            ),
        )
        if created is None:
            return _summary_of(done)
        key, _schema, shape = created
        return {"dossier": _summary_of(dossier), key: shape(done)}

    # django-ninja reads the body's schema from the annotation and names the
    # operation after the function: the service's name, as before.
    endpoint.__annotations__["body"] = body_type
    endpoint.__name__ = endpoint.__qualname__ = service.__name__
    response = {200: created[1], **ERRORS} if created is not None else ACTION_RESPONSES
    return router.post(
        f"/{{code}}/{ACTION_PATHS[action]}",
        response=response,
        summary=summary,
        description=description,
    )(endpoint)


action_endpoint(
    "accept",
    services.dossier_accept,
    AcceptIn,
    summary="Accept an online submission",
    description=(
        "**Tiếp nhận hồ sơ trực tuyến**: the clock starts now (D0, legal due, steps), and "
        "the dossier is handed at once to the next step's unit (to `to_user_id` when "
        "given), as at the counter. Every mandatory document must have been provided; "
        "otherwise request a supplement or refuse. Intake role on the receiving unit."
    ),
)
action_endpoint(
    "refuse",
    services.dossier_refuse,
    RefuseIn,
    summary="Refuse an online submission",
    description="**Từ chối tiếp nhận** an online submission (Mẫu 03) with written reasons.",
)
action_endpoint(
    "withdraw",
    services.dossier_withdraw,
    ReasonIn,
    summary="Withdraw an online submission",
    description="**Rút hồ sơ** before intake, at the applicant's request.",
)
action_endpoint(
    "hand_over",
    services.dossier_hand_over,
    HandOverIn,
    summary="Hand the dossier over to the next step",
    description=(
        "**Chuyển hồ sơ** (bàn giao, recorded on the phiếu kiểm soát): finishes the current "
        "step, judged early / on time / late against its budget, and starts the next one, "
        "optionally with its handler (`to_user_id`, who must hold the step's role). "
        "The caller must hold the current step's role."
    ),
)
action_endpoint(
    "claim",
    services.dossier_claim,
    ActionIn,
    summary="Take the current step from the unit's queue",
    description=(
        "**Nhận xử lý hồ sơ**: the caller becomes the handler of the current step (the "
        "receiver on the phiếu kiểm soát). Needs the step's role on its unit; 409 when "
        "someone took it first."
    ),
)
action_endpoint(
    "request_supplement",
    services.dossier_request_supplement,
    SupplementIn,
    summary="Ask the applicant for a supplement",
    description=(
        "**Yêu cầu bổ sung, hoàn thiện hồ sơ** (Mẫu 02): once, listing everything at once; "
        "the clock stops (tạm dừng) until the supplement arrives, then resumes or restarts "
        "by the procedure's policy. A second request needs a leader and `override_reason`."
    ),
    created=PAUSE,
)
action_endpoint(
    "supplement_received",
    services.dossier_supplement_received,
    NoteIn,
    summary="Record the supplement",
    description=(
        "**Tiếp nhận hồ sơ bổ sung**: the complete dossier arrived; the clock resumes "
        "(or restarts in full when the procedure says so)."
    ),
)
action_endpoint(
    "request_payment",
    services.dossier_request_payment,
    PaymentIn,
    summary="Wait for the applicant's financial obligations",
    description=(
        "**Chờ thực hiện nghĩa vụ tài chính** (e.g. land levy): the clock stops until "
        "`payment-received`."
    ),
    created=PAUSE,
)
action_endpoint(
    "payment_received",
    services.dossier_payment_received,
    NoteIn,
    summary="Record that the obligations were met",
    description="**Đã thực hiện nghĩa vụ tài chính**: the clock resumes.",
)
action_endpoint(
    "apologise",
    services.dossier_apologise,
    ApologyIn,
    summary="Apologise and set a new return date",
    description=(
        "**Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết** (Mẫu 04): once per "
        "dossier, signed by a leader of the handling agency; `new_date` must be a working "
        "day after the due date and still ahead. Signed less than one working day before the "
        "due date, or after it, it is still issued and marked `late`. It takes over a case "
        "handler's draft. Early / on time / late is still judged on the legal due."
    ),
    created=APOLOGY,
)
action_endpoint(
    "draft_apology",
    services.dossier_apology_draft,
    ApologyIn,
    summary="Draft an apology for a leader to sign",
    description=(
        "**Dự thảo văn bản xin lỗi**: a case handler or division head of the handling agency "
        "proposes the reason and the new date; the agency's leaders are told. Nothing reaches "
        "the applicant and no date moves until a leader signs (`apologise`). A new draft "
        "replaces the previous one."
    ),
    created=APOLOGY_DRAFT,
)
action_endpoint(
    "stop",
    services.dossier_stop,
    StopIn,
    summary="Stop handling at the applicant's request",
    description=(
        "**Dừng giải quyết hồ sơ** (Mẫu 05) before a decision, at the applicant's written "
        "request. Intake role on the receiving unit."
    ),
)
action_endpoint(
    "decide",
    services.dossier_decide,
    DecideIn,
    summary="Sign the decision",
    description=(
        "**Ký duyệt kết quả** (phê duyệt): granted, or not granted with written reasons. "
        "The result is ready and the dossier is judged early / on time / late against "
        "the legal due. Leader's role on the signing step's unit."
    ),
)
action_endpoint(
    "return_result",
    services.dossier_return,
    ReturnIn,
    summary="Return the result",
    description=(
        "**Trả kết quả giải quyết hồ sơ** at the counter (the receiver signs the log book, "
        "sổ theo dõi), by post or electronically. Intake role on the receiving unit."
    ),
)
action_endpoint(
    "close_unsupplemented",
    services.dossier_close_unsupplemented,
    ActionIn,
    summary="Close a dossier whose supplement did not arrive",
    description=(
        "**Kết thúc hồ sơ do không bổ sung**: after the applicant's time to supplement "
        "(the procedure version's `supplement_window_days`) has passed. Usually the "
        "scheduled job does it; an intake officer of the receiving unit may too, and is the "
        "only one to close a dossier whose version has no window (the job never does)."
    ),
)
