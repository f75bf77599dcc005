"""The NinjaAPI instance under /api/v1/; each app contributes a router."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI

from motcua.core.errors import ApplicationError

api = NinjaAPI(
    title="Motcua API",
    version="1.0.0",
    description="One-stop-shop dossiers, procedure catalogue, working calendar and deadlines.",
    urls_namespace="api",
)


@api.exception_handler(ApplicationError)
def _application_error(request: HttpRequest, exc: ApplicationError) -> HttpResponse:
    body: dict[str, object] = {"detail": exc.message, "code": exc.code}
    if exc.extra:
        body["extra"] = exc.extra
    return api.create_response(request, body, status=exc.status)


def _register_routers() -> None:
    from motcua.catalog.api import router as catalog_router
    from motcua.org.api import router as org_router
    from motcua.workdays.api import router as workdays_router

    api.add_router("/catalog/", catalog_router)
    api.add_router("/org/", org_router)
    api.add_router("/workdays/", workdays_router)


_register_routers()
