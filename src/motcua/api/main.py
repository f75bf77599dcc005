"""The NinjaAPI instance under /api/v1/; each app contributes a router."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError

from motcua.api.auth import NotAuthenticatedError
from motcua.core.errors import ApplicationError

api = NinjaAPI(
    title="Motcua API",
    version="1.0.0",
    description=(
        "One-stop-shop dossiers, procedure catalogue, working calendar and deadlines.\n\n"
        "Staff endpoints (`/dossiers/`) take a staff API token, "
        "`Authorization: Bearer mc_…` (created with `motcua api_token create USERNAME "
        "--name …` or in the admin), or the session of a signed-in user with the CSRF "
        "token header. Errors answer `{detail, code, extra}`; `detail` is in the "
        "request's language (Vietnamese by default)."
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


def _register_routers() -> None:
    from motcua.catalog.api import router as catalog_router
    from motcua.dossiers.api import router as dossiers_router
    from motcua.org.api import router as org_router
    from motcua.workdays.api import router as workdays_router

    api.add_router("/catalog/", catalog_router)
    api.add_router("/dossiers/", dossiers_router)
    api.add_router("/org/", org_router)
    api.add_router("/workdays/", workdays_router)


_register_routers()
