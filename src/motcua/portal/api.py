"""The public lookup's JSON twin, mounted at /api/v1/public/ (anonymous).

Same rules as the page (:mod:`motcua.portal.lookup`): the status from the
code however it is typed; the history too with the last four digits of the
applicant's telephone; the same limits per client and per dossier. An
answer without history may be kept by shared caches for
``MOTCUA_LOOKUP_MAX_AGE`` seconds; anything else is ``private, no-store``.

The operation is django-ninja's (:func:`public_lookup`: its parameters,
answers and errors are in the published OpenAPI document), but the
project's URLs put :func:`public_lookup_direct` in front of it: a plain
Django view that answers the ordinary request — one ``code``, perhaps four
ASCII digits in ``phone_last4``, nothing else — through the same code
(:func:`_answer`, the API's renderer and its exception handlers), without
ninja's parameter and answer models, which were half of the request's
Python time. Any other request (another method, a missing, empty, long or
repeated parameter, an unknown one, digits of other scripts) goes to
ninja's view, so validation errors (422) keep their exact form. A test
compares the two views' answers byte for byte.
"""

import re
from collections.abc import Callable
from datetime import datetime
from functools import cache
from typing import cast

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.cache import patch_cache_control, patch_vary_headers
from ninja import Query, Router, Schema
from pydantic import Field

from motcua.api.main import api
from motcua.core.errors import ApplicationError, NotFoundError, PermissionDeniedError
from motcua.core.http import mark_private
from motcua.core.schemas import error_responses
from motcua.dossiers.public import pause_explanation
from motcua.portal.lookup import Lookup, Outcome, lookup, problem_message

router = Router(tags=["public"])


class TooManyLookupsError(ApplicationError):
    status = 429


CODE_MAX_LENGTH = 80


class PublicLookupQuery(Schema):
    code: str = Field(
        min_length=1,
        max_length=CODE_MAX_LENGTH,
        description=(
            "The dossier code on the receipt, e.g. `H33.15-260302-0001`; spaces, lower case "
            "and missing dots are accepted."
        ),
    )
    phone_last4: str | None = Field(
        None,
        pattern=r"^[0-9]{4}$",
        description=(
            "The last four digits of the applicant's telephone: the answer then carries "
            "`timeline`. Tries are limited per client and per dossier."
        ),
    )


class PublicPauseOut(Schema):
    kind: str = Field(description="`supplement` or `payment`.")
    policy: str = Field(description="`pause` (the date moves by the wait) or `restart`.")
    since: datetime
    respond_by: datetime | None = Field(
        description="When the dossier is closed if the supplement has not arrived."
    )
    explanation: str = Field(description="Why the date will move, in the request's language.")


class PublicEventOut(Schema):
    at: datetime
    action: str
    label: str
    status: str
    status_label: str


class PublicOfficeOut(Schema):
    name: str
    address: str
    opening_hours: str
    phone: str
    hotline: str
    email: str
    map_url: str


class PublicLookupOut(Schema):
    code: str = Field(description="The code as stored, with its dots.")
    procedure_code: str
    procedure_name: str
    status: str
    status_label: str
    received_at: datetime | None
    due_at: datetime | None = Field(description="The appointment (after an apology, the new one).")
    date_will_move: bool = Field(description="The clock is stopped: `due_at` will change.")
    pause: PublicPauseOut | None
    finished_at: datetime | None
    returned_at: datetime | None
    agency_name: str
    receiving_unit_name: str
    waiting_for_applicant: bool
    office: PublicOfficeOut | None = Field(description="Where to go or call.")
    timeline: list[PublicEventOut] | None = Field(
        description="The history (when and what, never who); only with `phone_last4`."
    )


def _local(value: datetime | None) -> datetime | None:
    return timezone.localtime(value) if value is not None else None


def _body(result: Lookup) -> dict[str, object]:
    status = result.status
    assert status is not None
    pause = status.pause
    office = result.office
    return {
        "code": status.code,
        "procedure_code": status.procedure_code,
        "procedure_name": status.procedure_name,
        "status": status.status,
        "status_label": status.status_label,
        "received_at": _local(status.received_at),
        "due_at": _local(status.appointment),
        "date_will_move": pause is not None,
        "pause": None
        if pause is None
        else {
            "kind": pause.kind,
            "policy": pause.policy,
            "since": _local(pause.since),
            "respond_by": _local(pause.respond_by),
            "explanation": pause_explanation(pause),
        },
        "finished_at": _local(status.finished_at),
        "returned_at": _local(status.returned_at),
        "agency_name": status.agency_name,
        "receiving_unit_name": status.receiving_unit_name,
        "waiting_for_applicant": status.waiting_for_applicant,
        "office": None
        if office is None
        else {
            "name": office.name,
            "address": office.address,
            "opening_hours": office.opening_hours,
            "phone": office.phone,
            "hotline": office.hotline,
            "email": office.email,
            "map_url": office.map_url,
        },
        "timeline": None
        if result.timeline is None
        else [
            {
                "at": _local(e.at),
                "action": e.action,
                "label": e.label,
                "status": e.status,
                "status_label": e.status_label,
            }
            for e in result.timeline
        ],
    }


@router.get(
    "/lookup",
    auth=None,
    response={200: PublicLookupOut, **error_responses(403, 404, 422, 429)},
    summary="Look a dossier up by its code (anonymous)",
)
def public_lookup(
    request: HttpRequest, response: HttpResponse, query: Query[PublicLookupQuery]
) -> dict[str, object]:
    """Return the status of the dossier with ``code``; nothing personal.

    404 `not_found` for an unknown code; 429 `too_many_requests` or
    `too_many_phone_tries` over the limits; 403 `phone_mismatch` or
    `phone_locked` when `phone_last4` is wrong or its tries are used up for
    the dossier (the status is then not given either: ask again without it).
    """
    return _answer(request, response, query.code, query.phone_last4 or "")


def _answer(
    request: HttpRequest, response: HttpResponse, code: str, last_four: str
) -> dict[str, object]:
    """Look ``code`` up; the body, with the caching headers set on ``response``; or raise."""
    result = lookup(request, code, last_four)
    message = problem_message(result)
    patch_vary_headers(response, ["Accept-Language"])
    if result.problem in (Outcome.TOO_MANY, Outcome.TOO_MANY_PHONE_TRIES):
        raise TooManyLookupsError(message, code=result.problem)
    if result.problem == Outcome.NOT_FOUND:
        raise NotFoundError(message)
    if result.problem:
        raise PermissionDeniedError(message, code=result.problem)
    if result.timeline is None:
        patch_cache_control(response, public=True, max_age=settings.MOTCUA_LOOKUP_MAX_AGE)
    else:
        mark_private(response)
    return _body(result)


_ASCII_LAST_FOUR = re.compile(r"[0-9]{4}")
_PARAMETERS = frozenset({"code", "phone_last4"})


def _ordinary(request: HttpRequest) -> bool:
    """Whether ninja's validation would take the request's parameters as they are."""
    query = request.GET
    if request.method != "GET" or "code" not in query or not _PARAMETERS.issuperset(query):
        return False
    if any(len(query.getlist(name)) != 1 for name in query):
        return False
    if not 1 <= len(query["code"]) <= CODE_MAX_LENGTH:
        return False
    last_four = query.get("phone_last4")
    return last_four is None or _ASCII_LAST_FOUR.fullmatch(last_four) is not None


@cache
def _ninja_view() -> Callable[..., HttpResponse]:
    """Return django-ninja's view of :func:`public_lookup` (the URL it is published at)."""
    patterns, _app, _namespace = api.urls
    for pattern in patterns:
        callback = getattr(pattern, "callback", None)
        if getattr(pattern, "name", None) == "public_lookup" and callback is not None:
            return cast(Callable[..., HttpResponse], callback)
    raise LookupError("public_lookup is not mounted on the API")  # pragma: no cover


def public_lookup_direct(request: HttpRequest) -> HttpResponse:
    """Answer ``GET /api/v1/public/lookup`` as :func:`public_lookup` does, without ninja's models.

    Mounted before the API in ``motcua.urls``; anything but an ordinary
    request goes on to ninja's view (see the module's docstring).
    """
    if not _ordinary(request):
        return _ninja_view()(request)
    response = api.create_temporal_response(request)
    try:
        body = _answer(request, response, request.GET["code"], request.GET.get("phone_last4", ""))
    except Exception as exc:  # the API's handlers answer, as they do for ninja's view
        return api.on_exception(request, exc)
    return api.create_response(request, body, temporal_response=response)
