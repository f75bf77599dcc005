from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from motcua.core.http import private_no_store
from motcua.core.ratelimit import rate_limit_hit
from motcua.dossiers.public import dossier_public_status


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """The public home page: what the office does and the procedure search."""
    return render(request, "portal/home.html")


@private_no_store
@require_GET
def lookup(request: HttpRequest) -> HttpResponse:
    """Show a dossier's status by its code (tra cứu hồ sơ); nothing personal.

    Codes are sequential, so look-ups are limited per client
    (``MOTCUA_LOOKUP_PER_MINUTE``) in the cache every process shares.
    """
    code = request.GET.get("ma", "").strip()
    too_many = bool(code) and rate_limit_hit(
        "lookup", request, limit=settings.MOTCUA_LOOKUP_PER_MINUTE
    )
    status = dossier_public_status(code) if code and not too_many else None
    return render(
        request,
        "portal/lookup.html",
        {
            "code": code,
            "result": status,
            "too_many": too_many,
            "not_found": bool(code) and not too_many and status is None,
        },
        status=429 if too_many else 200,
    )
