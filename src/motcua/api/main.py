"""The NinjaAPI instance under /api/v1/ and its error handling.

Each app contributes a router; the project's ``motcua.urls`` mounts them, so
this package imports none of the apps above it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import HttpRequest, HttpResponse
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.operation import Operation

from motcua.api.auth import NotAuthenticatedError
from motcua.core.errors import ApplicationError


class MotcuaAPI(NinjaAPI):
    """The project's API: operation ids that do not move when a module is split.

    An app's ``api`` may be one module or a package of modules; either way an
    operation is named ``motcua_<app>_api_<function>``, so the ids clients
    generated code from stay the same.
    """

    def get_openapi_operation_id(self, operation: Operation) -> str:
        module = operation.view_func.__module__.split(".")
        if len(module) > 3 and module[0] == "motcua" and module[2] == "api":
            module = module[:3]
        return "_".join([*module, operation.view_func.__name__])


api = MotcuaAPI(
    title="Motcua API",
    version="1.0.0",
    description=(
        "One-stop-shop dossiers, procedure catalogue, working calendar and deadlines.\n\n"
        "Staff endpoints (`/dossiers/`, `/logbook`) take a staff API token, "
        "`Authorization: Bearer mc_…` (created with `motcua api_token create USERNAME "
        "--name …` or in the admin), or the session of a signed-in user with the CSRF "
        "token header. Errors answer `{detail, code, extra}`; `detail` is in the "
        "request's language (Vietnamese by default). A request that does not match the "
        "schema answers 422 with `code` `invalid_input` and every problem in "
        "`extra.errors` (`field`, `message`, `type`). A body larger than the upload limit "
        "answers 413 with `code` `too_large` and the limit in bytes in `extra.limit`."
    ),
    urls_namespace="api",
)


def _error_response(request: HttpRequest, exc: ApplicationError) -> HttpResponse:
    body: dict[str, object] = {"detail": exc.message, "code": exc.code}
    if exc.extra:
        body["extra"] = exc.extra
    response = api.create_response(request, body, status=exc.status)
    if exc.status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="motcua"'
    return response


@api.exception_handler(ApplicationError)
def _application_error(request: HttpRequest, exc: ApplicationError) -> HttpResponse:
    return _error_response(request, exc)


@api.exception_handler(AuthenticationError)
def _not_authenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return _error_response(
        request,
        NotAuthenticatedError(
            _("Sign in, or send a staff API token in the header “Authorization: Bearer <token>”.")
        ),
    )


# --- validation errors (422) ---------------------------------------------------------------------

_DATE = gettext_lazy("Enter a valid date, as YYYY-MM-DD.")
_DATETIME = gettext_lazy("Enter a valid date and time, as YYYY-MM-DDTHH:MM:SS+07:00.")
_INTEGER = gettext_lazy("Enter a whole number.")
_NUMBER = gettext_lazy("Enter a number.")
_BOOLEAN = gettext_lazy("Enter true or false.")
_OBJECT = gettext_lazy("Send an object ({…}).")

VALIDATION_MESSAGES: dict[str, Promise] = {
    "missing": gettext_lazy("This field is required."),
    "string_too_long": gettext_lazy("Use at most %(max_length)s characters."),
    "string_too_short": gettext_lazy("Use at least %(min_length)s characters."),
    "string_type": gettext_lazy("Enter text."),
    "string_pattern_mismatch": gettext_lazy("The text does not have the expected form."),
    "too_long": gettext_lazy("Send at most %(max_length)s items."),
    "too_short": gettext_lazy("Send at least %(min_length)s items."),
    "int_parsing": _INTEGER,
    "int_type": _INTEGER,
    "int_from_float": _INTEGER,
    "int_parsing_size": gettext_lazy("The number is too large."),
    "float_parsing": _NUMBER,
    "float_type": _NUMBER,
    "decimal_parsing": _NUMBER,
    "decimal_type": _NUMBER,
    "finite_number": gettext_lazy("Enter a finite number."),
    "bool_parsing": _BOOLEAN,
    "bool_type": _BOOLEAN,
    "date_parsing": _DATE,
    "date_from_datetime_parsing": _DATE,
    "date_from_datetime_inexact": _DATE,
    "date_type": _DATE,
    "datetime_parsing": _DATETIME,
    "datetime_from_date_parsing": _DATETIME,
    "datetime_type": _DATETIME,
    "json_invalid": gettext_lazy("The JSON is not valid."),
    "json_type": gettext_lazy("The JSON is not valid."),
    "literal_error": gettext_lazy("Use one of: %(expected)s."),
    "enum": gettext_lazy("Use one of: %(expected)s."),
    "greater_than": gettext_lazy("Enter a value greater than %(gt)s."),
    "greater_than_equal": gettext_lazy("Enter a value of at least %(ge)s."),
    "less_than": gettext_lazy("Enter a value less than %(lt)s."),
    "less_than_equal": gettext_lazy("Enter a value of at most %(le)s."),
    "list_type": gettext_lazy("Send a list ([…])."),
    "dict_type": _OBJECT,
    "model_type": _OBJECT,
    "model_attributes_type": _OBJECT,
    "extra_forbidden": gettext_lazy("This field is not accepted."),
}
"""Vietnamese (through gettext) for pydantic's error types; ``%(…)s`` come from its ``ctx``."""

GENERIC_MESSAGE = gettext_lazy("This value is not valid.")
"""Any other error type: pydantic's English text goes along as ``original``."""


def _field(loc: Sequence[Any]) -> str:
    """Return "body.applicant.phone" for ninja's ("body", "body", "applicant", "phone").

    Ninja names the source, then the view's parameter; every body here is one
    parameter named ``body``, so the repeated name is dropped.
    """
    parts = list(loc)
    if len(parts) >= 2 and parts[0] == "body" and parts[1] == "body":
        del parts[1]
    return ".".join(str(part) for part in parts)


def _context(ctx: Mapping[str, Any]) -> dict[str, Any]:
    values = dict(ctx)
    expected = values.get("expected")
    if isinstance(expected, str):
        # pydantic words the choices in English: "'a', 'b' or 'c'"
        values["expected"] = expected.replace(" or ", ", ")
    return values


def validation_problem(error: Mapping[str, Any]) -> dict[str, str]:
    """Return ``{field, message, type}`` (and ``original`` when not translated) for one error."""
    kind = str(error.get("type", ""))
    ctx = error.get("ctx") or {}
    problem = {"field": _field(error.get("loc", ())), "message": "", "type": kind}
    if kind in ("value_error", "assertion_error") and ctx.get("error"):
        # Our validators raise their message through gettext already.
        problem["message"] = str(ctx["error"])
        return problem
    template = VALIDATION_MESSAGES.get(kind)
    if template is not None:
        try:
            problem["message"] = str(template) % _context(ctx)
            return problem
        except (KeyError, TypeError, ValueError):
            pass
    problem["message"] = str(GENERIC_MESSAGE)
    problem["original"] = str(error.get("msg", ""))
    return problem


@api.exception_handler(ValidationError)
def _invalid_input(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    problems = [validation_problem(error) for error in exc.errors]
    if not problems:
        detail = _("The request is not valid.")
    elif len(problems) == 1:
        detail = _("The request is not valid: %(field)s — %(message)s") % problems[0]
    else:
        detail = _(
            "The request is not valid in %(count)s places; the first: %(field)s — %(message)s"
        ) % {"count": len(problems), **problems[0]}
    return api.create_response(
        request,
        {"detail": detail, "code": "invalid_input", "extra": {"errors": problems}},
        status=422,
    )


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if exc.status_code == 400 and exc.message.startswith("Cannot parse request body"):
        body = {"detail": _("The request body is not valid JSON."), "code": "invalid_json"}
        return api.create_response(request, body, status=400)
    return api.create_response(request, {"detail": str(exc)}, status=exc.status_code)


# --- bodies over the limits (413) ----------------------------------------------------------------


@api.exception_handler(RequestDataTooBig)
def _too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    detail = _(
        "The request body is larger than the limit of %(limit)s bytes (%(size)s MB); "
        "send less data in one request."
    ) % {"limit": limit, "size": f"{limit / 1_048_576:.1f}".replace(".", ",")}
    return api.create_response(
        request, {"detail": detail, "code": "too_large", "extra": {"limit": limit}}, status=413
    )


@api.exception_handler(TooManyFieldsSent)
@api.exception_handler(TooManyFilesSent)
def _too_many(request: HttpRequest, exc: Exception) -> HttpResponse:
    limit = (
        settings.DATA_UPLOAD_MAX_NUMBER_FILES
        if isinstance(exc, TooManyFilesSent)
        else settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
    )
    detail = _("The request has more than %(limit)s fields or files; send fewer.") % {
        "limit": limit
    }
    return api.create_response(
        request, {"detail": detail, "code": "too_large", "extra": {"limit": limit}}, status=413
    )
