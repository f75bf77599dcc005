"""The citizen API, mounted at /api/v1/citizens/: what the portal does, for apps.

Sign in with a one-time code (the web sign-in's rules: expiry, limits per
destination and per client, capped tries, hashed codes) and get a bearer
token (``ct_…``, stored hashed, expiring, revoked by signing out); then the
profile, "my dossiers" with status, due date and what is asked of me, drafts
and their uploads, the submission (an ``Idempotency-Key`` replay answers the
same dossier) and the one online answer to a supplement request.

Every operation parses its input, calls one service or selector of the
citizens app and answers; errors are ``{detail, code, extra}`` in the
request's language. Another citizen's draft or dossier answers 404, never
403. No ``from __future__ import annotations`` here: django-ninja reads the
annotations at import time.
"""

from datetime import datetime
from typing import Annotated, Any, Literal
from uuid import UUID

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import File, Form, Header, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.security import HttpBearer
from pydantic import Field

from motcua.catalog.models import RequiredDocument
from motcua.citizens import codes, selectors, services, tokens
from motcua.citizens.files import attachment_response
from motcua.citizens.models import Attachment, Citizen, CitizenToken, Draft
from motcua.core.errors import ApplicationError, NotFoundError
from motcua.core.net import client_bucket
from motcua.core.schemas import error_responses


class CitizenBearer(HttpBearer):
    """``Authorization: Bearer ct_…``: a token from ``POST /citizens/sign-in/token``."""

    def __call__(self, request: HttpRequest) -> Any:
        found = super().__call__(request)
        if found is None:
            raise tokens.CitizenTokenRejected(
                _(
                    "Sign in first: send “Authorization: Bearer <token>” with the token from "
                    "POST /api/v1/citizens/sign-in/token."
                ),
                code="not_authenticated",
            )
        return found

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        return tokens.citizen_token_authenticate(token)


router = Router(tags=["citizens"], auth=CitizenBearer())

SUBMIT_KEY = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        description=(
            "A fresh random string per intended submission (1–100 characters). A retry with "
            "the same key answers 200 with the dossier already made; the same key on another "
            "draft answers 409 `idempotency_key_reused`."
        ),
        min_length=1,
        max_length=100,
        pattern=r"^[\x21-\x7e]+$",
    ),
]


def _token(request: HttpRequest) -> CitizenToken:
    return request.auth  # type: ignore[attr-defined,no-any-return]


def _citizen(request: HttpRequest) -> Citizen:
    return _token(request).citizen


# --- schemas ---------------------------------------------------------------------------------------


class CitizenCodeRequestIn(Schema):
    destination: str = Field(
        min_length=1,
        max_length=254,
        description="The phone number or e-mail address that receives the 6-digit code.",
    )


class CitizenChallengeOut(Schema):
    challenge: int = Field(description="Send it back with the code to `POST /sign-in/token`.")
    channel: str = Field(description="`email` or `sms`.")
    expires_at: datetime


class CitizenCodeVerifyIn(Schema):
    challenge: int = Field(ge=1, le=2**62)
    code: str = Field(min_length=1, max_length=20, description="The 6 digits received.")


class CitizenTokenOut(Schema):
    token: str = Field(description="Send as `Authorization: Bearer <token>`; shown only once.")
    token_type: Literal["Bearer"]
    expires_at: datetime


class CitizenProfileOut(Schema):
    full_name: str
    id_number: str = Field(description="Số định danh cá nhân (12 digits), or empty.")
    phone: str
    email: str
    address: str


class CitizenProfileIn(Schema):
    full_name: str = Field("", max_length=200)
    id_number: str = Field("", max_length=20)
    phone: str = Field("", max_length=20)
    email: str = Field("", max_length=254)
    address: str = Field("", max_length=300)


class CitizenDeskOut(Schema):
    id: int
    name: str


class CitizenFileOut(Schema):
    id: int
    name: str
    content_type: str
    size: int
    kind: str = Field(description="`applicant`, `supplement`, `scan` or `result`.")
    uploaded_at: datetime
    url: str = Field(
        description=("Where this API serves it: `GET` with the same bearer token (`/files/{id}`).")
    )
    page_url: str = Field(description="Where the applicant signed in on the portal opens it.")


class CitizenSlotOut(Schema):
    document_id: int = Field(description="The required document: the upload slot's id.")
    name: str
    mandatory: bool
    file: CitizenFileOut | None


class CitizenDraftOut(Schema):
    key: UUID
    procedure_code: str
    procedure_name: str
    status: str = Field(description="`draft`, or `submitted` once sent.")
    full_name: str
    id_number: str
    phone: str
    email: str
    address: str
    receiving_unit: CitizenDeskOut | None
    desks: list[CitizenDeskOut] = Field(description="The desks this draft may be sent to.")
    slots: list[CitizenSlotOut]
    missing: list[str] = Field(description="Mandatory documents without a file yet.")
    dossier_code: str | None
    updated_at: datetime


class CitizenDraftStartIn(Schema):
    procedure_code: str = Field(min_length=1, max_length=20, examples=["1.001193"])


class CitizenDraftIn(CitizenProfileIn):
    receiving_unit_id: int | None = Field(None, ge=1, le=2**62)


class CitizenDossierOut(Schema):
    code: str
    procedure_code: str
    procedure_name: str
    status: str
    status_label: str
    channel: str
    receiving_unit: str
    submitted_at: datetime | None
    received_at: datetime | None
    due_at: datetime | None = Field(description="The result date (after an apology, the new one).")
    asked: str = Field(description="What the applicant has to do now, or empty.")
    can_answer_supplement: bool


class CitizenDocumentOut(Schema):
    document_id: int | None
    name: str
    mandatory: bool
    provided: bool


class CitizenDossierDetailOut(CitizenDossierOut):
    documents: list[CitizenDocumentOut]
    files: list[CitizenFileOut]


class CitizenSupplementOut(Schema):
    answered_at: datetime
    dossier: CitizenDossierOut


ERRORS = error_responses(400, 401, 404, 409, 422)


# --- output ----------------------------------------------------------------------------------------


def _file(attachment: Attachment) -> dict[str, Any]:
    from django.urls import reverse

    return {
        "id": attachment.pk,
        "name": attachment.name,
        "content_type": attachment.content_type,
        "size": attachment.size,
        "kind": attachment.kind,
        "uploaded_at": attachment.uploaded_at,
        "url": reverse("api:citizen_file", args=[attachment.pk]),
        "page_url": reverse("citizens:file", args=[attachment.pk]),
    }


def _desk(unit: Any) -> dict[str, Any] | None:
    return {"id": unit.pk, "name": unit.name} if unit is not None else None


def _draft(draft: Draft) -> dict[str, Any]:
    version = draft.procedure_version
    files = {a.required_document_id: a for a in Attachment.objects.filter(draft=draft)}
    documents = RequiredDocument.objects.filter(version=version.pk).order_by("order")
    return {
        "key": draft.key,
        "procedure_code": version.procedure.code,
        "procedure_name": version.name,
        "status": draft.status,
        "full_name": draft.applicant_name,
        "id_number": draft.applicant_id_number,
        "phone": draft.applicant_phone,
        "email": draft.applicant_email,
        "address": draft.applicant_address,
        "receiving_unit": _desk(draft.receiving_unit),
        "desks": [_desk(unit) for unit in services.online_desks(version.procedure_id)],
        "slots": [
            {
                "document_id": doc.pk,
                "name": doc.name,
                "mandatory": doc.is_mandatory,
                "file": _file(files[doc.pk]) if doc.pk in files else None,
            }
            for doc in documents
        ],
        "missing": services.draft_missing(draft),
        "dossier_code": draft.dossier.code if draft.dossier is not None else None,
        "updated_at": draft.updated_at,
    }


def _dossier(row: selectors.MyDossier) -> dict[str, Any]:
    dossier = row.dossier
    return {
        "code": dossier.code,
        "procedure_code": dossier.procedure_version.procedure.code,
        "procedure_name": dossier.procedure_version.name,
        "status": dossier.status,
        "status_label": str(dossier.get_status_display()),
        "channel": dossier.channel,
        "receiving_unit": dossier.receiving_unit.name,
        "submitted_at": dossier.submitted_at,
        "received_at": dossier.received_at,
        "due_at": row.due_at,
        "asked": row.asked,
        "can_answer_supplement": selectors.can_answer_supplement(row),
    }


def _detail(row: selectors.MyDossier) -> dict[str, Any]:
    dossier = row.dossier
    return {
        **_dossier(row),
        "documents": [
            {
                "document_id": line.required_document_id,
                "name": line.name,
                "mandatory": line.is_mandatory,
                "provided": line.provided,
            }
            for line in dossier.documents.order_by("order")
        ],
        "files": [_file(a) for a in selectors.dossier_attachments(dossier)],
    }


def _draft_of(request: HttpRequest, key: UUID) -> Draft:
    return selectors.draft_get(_citizen(request), key)


# --- sign-in ---------------------------------------------------------------------------------------


@router.post(
    "/sign-in/code",
    auth=None,
    response={201: CitizenChallengeOut, **error_responses(400, 422)},
    summary="Send a one-time sign-in code",
    description=(
        "**Mã đăng nhập một lần**: a 6-digit code goes to the phone (SMS, when a gateway is "
        "configured) or e-mail address; it expires after `MOTCUA_SIGN_IN_CODE_TTL` seconds. "
        "Codes are limited per destination and per client (400 `too_many_codes`, "
        "`too_many_codes_from_client`)."
    ),
)
def citizen_code_request(request: HttpRequest, body: CitizenCodeRequestIn) -> Status[Any]:
    row = codes.code_request(destination=body.destination, client=client_bucket(request))
    return Status(201, {"challenge": row.pk, "channel": row.channel, "expires_at": row.expires_at})


@router.post(
    "/sign-in/token",
    auth=None,
    response={201: CitizenTokenOut, **error_responses(400, 422)},
    summary="Exchange the one-time code for a bearer token",
    description=(
        "Checks the code of `challenge` (once; wrong tries are capped: 400 `code_wrong`, "
        "`code_locked`, `code_expired`, `code_used`). The first sign-in creates the "
        "account. The token expires after `MOTCUA_CITIZEN_TOKEN_TTL` seconds (7 days)."
    ),
)
def citizen_sign_in(request: HttpRequest, body: CitizenCodeVerifyIn) -> Status[Any]:
    token, text = tokens.citizen_sign_in_with_code(challenge=body.challenge, code=body.code)
    return Status(201, {"token": text, "token_type": "Bearer", "expires_at": token.expires_at})


@router.post(
    "/sign-out",
    response={204: None, **error_responses(401)},
    summary="Revoke the token of this request",
)
def citizen_sign_out(request: HttpRequest) -> Status[None]:
    tokens.citizen_token_revoke(token=_token(request))
    return Status(204, None)


# --- profile ---------------------------------------------------------------------------------------


def _profile(citizen: Citizen) -> dict[str, Any]:
    return {
        "full_name": citizen.full_name,
        "id_number": citizen.id_number,
        "phone": citizen.phone,
        "email": citizen.email,
        "address": citizen.address,
    }


@router.get(
    "/me",
    response={200: CitizenProfileOut, **error_responses(401)},
    summary="My details",
)
def citizen_me(request: HttpRequest) -> dict[str, Any]:
    return _profile(_citizen(request))


@router.put(
    "/me",
    response={200: CitizenProfileOut, **error_responses(400, 401, 422)},
    summary="Change my details",
    description=(
        "The ID number is checked as at the counter (12 digits, province, century and sex "
        "digits, birth year); a phone or e-mail address of another account is refused. "
        "Problems are listed in `extra.errors` (`field`, `message`)."
    ),
)
def citizen_me_update(request: HttpRequest, body: CitizenProfileIn) -> dict[str, Any]:
    return _profile(services.profile_update(citizen=_citizen(request), data=body.model_dump()))


# --- my dossiers -----------------------------------------------------------------------------------


@router.get(
    "/dossiers",
    response={200: list[CitizenDossierOut], **error_responses(401)},
    summary="My dossiers",
    description=(
        "**Hồ sơ của tôi**, newest first: status, due date and what is asked of me now "
        "(a supplement to send, fees to pay, a result to collect)."
    ),
)
def citizen_dossiers(request: HttpRequest) -> list[dict[str, Any]]:
    return [_dossier(row) for row in selectors.my_dossiers(_citizen(request))]


@router.get(
    "/dossiers/{code}",
    response={200: CitizenDossierDetailOut, **error_responses(401, 404)},
    summary="One of my dossiers, with its documents and files",
)
def citizen_dossier(request: HttpRequest, code: str) -> dict[str, Any]:
    return _detail(selectors.my_dossier(_citizen(request), code))


@router.post(
    "/dossiers/{code}/supplement",
    response={201: CitizenSupplementOut, **ERRORS, **error_responses(413)},
    summary="Answer the supplement request online (once)",
    description=(
        "**Nộp bổ sung hồ sơ** into the same document slots: `document_ids[i]` names the "
        "required document of `files[i]` (PDF, JPEG or PNG, checked by content). One answer "
        "per request for a supplement (409 `supplement_answered` after it); the desk then "
        "records the supplement as received."
    ),
)
def citizen_supplement(
    request: HttpRequest,
    code: str,
    files: File[list[UploadedFile]],
    document_ids: Form[list[int]],
    note: Form[str] = "",
) -> Status[Any]:
    citizen = _citizen(request)
    row = selectors.my_dossier(citizen, code)
    answer = services.supplement_answer_api(
        citizen=citizen,
        dossier=row.dossier,
        document_ids=document_ids,
        files=files,
        note=note[:2000],
    )
    row = selectors.my_dossier(citizen, code)
    return Status(201, {"answered_at": answer.answered_at, "dossier": _dossier(row)})


# --- drafts ----------------------------------------------------------------------------------------


@router.get(
    "/drafts",
    response={200: list[CitizenDraftOut], **error_responses(401)},
    summary="My drafts not sent yet",
)
def citizen_drafts(request: HttpRequest) -> list[dict[str, Any]]:
    return [_draft(draft) for draft in selectors.draft_list(_citizen(request))]


@router.post(
    "/drafts",
    response={200: CitizenDraftOut, **ERRORS},
    summary="Start (or resume) the online submission of a procedure",
    description=(
        "Returns the open draft of the procedure's version in force, or a new one prefilled "
        "from my details. A procedure that is not online answers 400 `not_online`; an "
        "unknown one 404."
    ),
)
def citizen_draft_start(request: HttpRequest, body: CitizenDraftStartIn) -> dict[str, Any]:
    draft = services.draft_start(citizen=_citizen(request), procedure_code=body.procedure_code)
    return _draft(selectors.draft_get(_citizen(request), draft.key))


@router.get(
    "/drafts/{key}",
    response={200: CitizenDraftOut, **error_responses(401, 404, 422)},
    summary="One of my drafts",
)
def citizen_draft(request: HttpRequest, key: UUID) -> dict[str, Any]:
    return _draft(_draft_of(request, key))


@router.put(
    "/drafts/{key}",
    response={200: CitizenDraftOut, **ERRORS},
    summary="Save the applicant's details and the desk",
    description=(
        "Checked now, so problems show before sending: the ID number as at the counter, the "
        "desk among `desks` (a procedure received only at listed desks refuses the others: "
        "400 `desk_not_listed`)."
    ),
)
def citizen_draft_save(request: HttpRequest, key: UUID, body: CitizenDraftIn) -> dict[str, Any]:
    draft = _draft_of(request, key)
    data = {
        "applicant_name": body.full_name,
        "applicant_id_number": body.id_number,
        "applicant_phone": body.phone,
        "applicant_email": body.email,
        "applicant_address": body.address,
        "receiving_unit": body.receiving_unit_id,
    }
    services.draft_save(draft=draft, citizen=_citizen(request), data=data)
    return _draft(_draft_of(request, key))


@router.post(
    "/drafts/{key}/documents/{document_id}",
    response={201: CitizenFileOut, **ERRORS, **error_responses(413)},
    summary="Upload the file of one document slot",
    description=(
        "PDF, JPEG or PNG, recognised by content (a renamed file is refused), at most "
        "`MOTCUA_UPLOAD_MAX_BYTES`; pictures are re-encoded. Replaces the slot's earlier file."
    ),
)
def citizen_draft_upload(
    request: HttpRequest, key: UUID, document_id: int, file: File[UploadedFile]
) -> Status[Any]:
    draft = _draft_of(request, key)
    if document_id < 1 or document_id > 2**62:
        raise ApplicationError(
            _("This document is not asked for by the procedure."), code="invalid_document"
        )
    attachment = services.draft_attach(
        draft=draft, citizen=_citizen(request), required_document_id=document_id, file=file
    )
    return Status(201, _file(attachment))


@router.post(
    "/drafts/{key}/submit",
    response={201: CitizenDossierOut, 200: CitizenDossierOut, **ERRORS},
    summary="Send the draft: one dossier awaiting intake",
    description=(
        "**Nộp hồ sơ trực tuyến**: the dossier waits for intake at the chosen desk and the "
        "online receipt goes out by e-mail/SMS. A retry (same `Idempotency-Key`, or the draft "
        "already sent) answers 200 with the same dossier; the key used for another draft "
        "answers 409 `idempotency_key_reused`. Missing documents, desk or contact: 400 with "
        "every problem in `extra.errors`."
    ),
)
def citizen_draft_submit(
    request: HttpRequest, key: UUID, idempotency_key: SUBMIT_KEY = None
) -> Status[Any]:
    citizen = _citizen(request)
    result = services.draft_submit_keyed(
        draft=_draft_of(request, key), citizen=citizen, idempotency_key=idempotency_key
    )
    row = selectors.my_dossier(citizen, result.dossier.code or "")
    return Status(200 if result.replay else 201, _dossier(row))


# --- files -----------------------------------------------------------------------------------------


@router.get(
    "/files/{file_id}",
    response={200: None, **error_responses(401, 404, 422)},
    url_name="citizen_file",
    openapi_extra={
        "responses": {
            200: {
                "description": "The file (PDF, JPEG or PNG) as an attachment under its name.",
                "content": {
                    kind: {"schema": {"type": "string", "format": "binary"}}
                    for kind in ("application/pdf", "image/jpeg", "image/png")
                },
            }
        }
    },
    summary="Download a file of my drafts or dossiers",
    description=(
        "The `url` of a file in a draft or a dossier: served only to its applicant (404 to "
        "anyone else, whether the file exists or not), never cached."
    ),
)
def citizen_file(request: HttpRequest, file_id: int) -> Any:
    citizen = _citizen(request)
    if file_id < 1 or file_id > 2**62:
        raise NotFoundError(_("There is no such file, or it is not yours to see."))
    return attachment_response(selectors.attachment_for_user(citizen.user, file_id))
